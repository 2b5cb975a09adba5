package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s2s-nmt/s2s/corpora"
)

func TestPrepareCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "tiny.yaml")
	os.WriteFile(filepath.Join(dir, "a.en"), []byte("the cat\nthe dog\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.ru"), []byte("кот\nсобака\n"), 0o644)
	os.WriteFile(cfg, []byte("data:\n  train: {src: "+filepath.Join(dir, "a.en")+", tgt: "+filepath.Join(dir, "a.ru")+"}\n  tokenizer: {vocab_size: 270, min_frequency: 1}\n"), 0o644)
	var out, logs bytes.Buffer
	if err := runPrepare(prepareArgs{config: cfg, workDir: dir}, &out, &logs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "2 training pairs") {
		t.Errorf("output %q", out.String())
	}
	for _, f := range []string{"config.yaml", "tokenizer.src.json", "tokenizer.tgt.json"} {
		if _, err := os.Stat(filepath.Join(dir, "runs", "latest", f)); err != nil {
			t.Error(err)
		}
	}
	if target, _ := os.Readlink(filepath.Join(dir, "runs", "latest")); target != "tiny" {
		t.Errorf("runs/latest -> %q, want tiny", target)
	}
}

func TestPrepareCommandErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "bad.yaml")
	os.WriteFile(cfg, []byte("data:\n  train: {src: nowhere.en, tgt: nowhere.ru}\n"), 0o644)
	err := runPrepare(prepareArgs{config: cfg, workDir: dir}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "bad.yaml:2: data.train.src: nowhere.en: no such file") {
		t.Errorf("error %v", err)
	}
}

func TestTokenizeRoundTrip(t *testing.T) {
	dir := t.TempDir()
	text := "the cat's mat\n\n  Ёлка, 2021!\r\n"
	tok, err := corpora.Learn(corpora.LearnOptions{VocabSize: 300}, strings.Split(text, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "tok.json")
	tok.Save(path)
	var ids, back, pieces bytes.Buffer
	if err := runTokenize(tokenizeArgs{tokenizer: path}, strings.NewReader(text), &ids); err != nil {
		t.Fatal(err)
	}
	if err := runTokenize(tokenizeArgs{tokenizer: path, decode: true}, &ids, &back); err != nil {
		t.Fatal(err)
	}
	if want := strings.ReplaceAll(text, "\r", ""); back.String() != want {
		t.Errorf("decode(encode) = %q, want %q", back.String(), want)
	}
	runTokenize(tokenizeArgs{tokenizer: path, pieces: true}, strings.NewReader("the cat\n"), &pieces)
	if p := pieces.String(); strings.ReplaceAll(p, " ", "") != "theĠcat\n" || !strings.Contains(p, " ") {
		t.Errorf("pieces %q", pieces.String())
	}
	err = runTokenize(tokenizeArgs{tokenizer: path, decode: true}, strings.NewReader("5 6\nx\n"), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), `stdin:2: "x" is not an id`) {
		t.Errorf("error %v", err)
	}
}

// TestPrepareLanguageModel: `s2s prepare` of a model.type lm config (the
// shipped shakespeare-char.yaml, pointed at a small text) prepares the
// text stream as `s2s train` does; it used to fail with
// "open : no such file or directory" on the parallel-corpus path.
func TestPrepareLanguageModel(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "input.txt")
	os.WriteFile(text, []byte(strings.Repeat("ROMEO: But soft, what light through yonder window breaks?\n", 40)), 0o644)
	shipped, _ := filepath.Abs("../../configs/shakespeare-char.yaml")
	b, err := os.ReadFile(shipped)
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "shakespeare-char.yaml")
	os.WriteFile(cfg, bytes.Replace(b, []byte("text: data/tinyshakespeare/input.txt"), []byte("text: "+text), 1), 0o644)
	var out bytes.Buffer
	if err := runPrepare(prepareArgs{config: cfg, workDir: dir}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "training tokens") || !strings.Contains(out.String(), "vocabulary 260") {
		t.Errorf("output %q", out.String())
	}
	for _, f := range []string{"config.yaml", "tokenizer.src.json", "tokenizer.tgt.json"} {
		if _, err := os.Stat(filepath.Join(dir, "runs", "shakespeare-char", f)); err != nil {
			t.Error(err)
		}
	}
}
