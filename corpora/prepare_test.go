package corpora

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestPrepareSyntheticAndCache(t *testing.T) {
	run := t.TempDir()
	cfg := DefaultConfig()
	cfg.SrcLang, cfg.TgtLang = "en", "ru"
	cfg.Synthetic = NumbersEnRu
	cfg.Tokenizer.VocabSize = 600
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	p, err := Prepare(cfg, testPaths(run), log)
	if err != nil {
		t.Fatal(err)
	}
	if p.Train.Len() != NumbersTrain || p.Dev.Len() != NumbersDev || len(p.Test.Src) != NumbersTest || len(p.Test.Refs) != 1 {
		t.Fatalf("sizes %d/%d/%d", p.Train.Len(), p.Dev.Len(), len(p.Test.Src))
	}
	for _, f := range []string{"tokenizer.src.json", "tokenizer.tgt.json"} {
		if _, err := Load(filepath.Join(run, f)); err != nil {
			t.Error(err)
		}
	}
	text, err := p.Tgt.Decode(p.Dev.Tgt[3])
	if err != nil || text == "" {
		t.Fatalf("decode dev: %q %v", text, err)
	}
	logs.Reset()
	// BPE-dropout is the Batcher's: neither the tokenizers nor the cache
	// depend on it.
	cfg.Tokenizer.Dropout = 0.1
	again, err := Prepare(cfg, testPaths(run), log)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), "encoded=true") || strings.Contains(logs.String(), "learned") {
		t.Errorf("second Prepare (with BPE-dropout) encoded or learned again:\n%s", logs.String())
	}
	if again.Files.Tokenizer.Dropout != 0.1 {
		t.Errorf("Prepared.Files has BPE-dropout %g, want the config's 0.1", again.Files.Tokenizer.Dropout)
	}
	if !slices.Equal(again.Train.Src[10], p.Train.Src[10]) {
		t.Error("cached corpus differs")
	}
}

func TestPrepareFilesWithTokenizerPath(t *testing.T) {
	dir := t.TempDir()
	tok := learnSmall(t, 300)
	tokPath := filepath.Join(dir, "tok.json")
	if err := tok.Save(tokPath); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Train = Files{TSV: writeFile(t, dir, "train.tsv.gz", "the cat\tкот\nthe cat\tкот\n\tпусто\nthe dog\tсобака\n")}
	cfg.Test = Files{Src: writeFile(t, dir, "test.en", "a cat\n"), Refs: []string{writeFile(t, dir, "test.ru", "кот\n")}}
	cfg.Tokenizer.Path = tokPath
	p, err := Prepare(cfg, testPaths(filepath.Join(dir, "run")), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if want := (Stats{Read: 4, Kept: 2, Empty: 1, Duplicate: 1}); p.TrainStats != want {
		t.Errorf("stats %+v, want %+v", p.TrainStats, want)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "run", "tokenizer.tgt.json"))
	want, _ := os.ReadFile(tokPath)
	if !bytes.Equal(got, want) {
		t.Error("the run's tokenizer is not the given one")
	}
}

func TestPrepareSeparateVocabularies(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := range 200 {
		fmt.Fprintf(&b, "the cat number %d\tкошка номер %d\n", i, i)
	}
	cfg := DefaultConfig()
	cfg.Train = Files{TSV: writeFile(t, dir, "train.tsv", b.String())}
	cfg.Tokenizer = TokenizerConfig{Joint: false, VocabSize: 280, MinFrequency: 2}
	p, err := Prepare(cfg, testPaths(filepath.Join(dir, "run")), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if p.Src == p.Tgt {
		t.Fatal("joint: false gave one tokenizer")
	}
	if _, ok := p.Src.ID("Ġcat"); !ok {
		t.Error("source vocabulary lacks Ġcat")
	}
	if _, ok := p.Tgt.ID("Ġcat"); ok {
		t.Error("target vocabulary has the English Ġcat")
	}
}

// testPaths lays preparation's outputs out in dir as a run directory does.
func testPaths(dir string) Paths {
	return Paths{SrcTokenizer: filepath.Join(dir, "tokenizer.src.json"),
		TgtTokenizer: filepath.Join(dir, "tokenizer.tgt.json"), Data: filepath.Join(dir, "data")}
}
