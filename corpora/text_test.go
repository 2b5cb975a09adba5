package corpora

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPrepareTextCharacterLevel(t *testing.T) {
	dir := t.TempDir()
	text := strings.Repeat("First Citizen:\nBefore we proceed any further, hear me speak.\n\n", 20)
	path := filepath.Join(dir, "input.txt")
	os.WriteFile(path, []byte(text), 0o644)
	cfg := DefaultConfig()
	cfg.Text, cfg.Tokenizer.VocabSize = path, 260
	d, err := PrepareText(cfg, testPaths(dir), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if d.Tok.VocabSize() != 260 || len(d.Train)+len(d.Dev) != len(text) {
		t.Fatalf("vocab %d, %d+%d tokens for %d bytes: want one token per byte", d.Tok.VocabSize(), len(d.Train), len(d.Dev), len(text))
	}
	if want := len(text) - int(float64(len(text))*0.1); len(d.Train) != want {
		t.Errorf("train has %d tokens, want the first 90%% (%d)", len(d.Train), want)
	}
	got, _ := d.Tok.Decode(append(append([]int32{}, d.Train...), d.Dev...))
	if got != text {
		t.Error("train+dev do not decode back to the text")
	}
	if _, err := os.Stat(filepath.Join(dir, "tokenizer.tgt.json")); err != nil {
		t.Error(err)
	}
}

func TestPrepareTextInvalidUTF8(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.txt")
	os.WriteFile(path, []byte("ok\nstill ok\nbad \xff here\n"), 0o644)
	cfg := DefaultConfig()
	cfg.Text = path
	_, err := PrepareText(cfg, testPaths(dir), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil || !strings.Contains(err.Error(), "bad.txt:3: invalid UTF-8") {
		t.Fatalf("got %v, want bad.txt:3: invalid UTF-8", err)
	}
}
