package configs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadShipped loads every experiment file in this folder.
func TestLoadShipped(t *testing.T) {
	files, _ := filepath.Glob("*.yaml")
	if len(files) == 0 {
		t.Fatal("no YAML files in configs/")
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			c, err := Load(f)
			if err != nil {
				t.Fatal(err)
			}
			if c.Name == "" {
				t.Error("no name")
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string // substrings of the error
	}{
		{"unknown key", "data:\n  synthetic: numbers-en-ru\n  tokenizer:\n    vocab_sise: 300\n",
			[]string{"x.yaml:4: data.tokenizer.vocab_sise: unknown key", "vocab_size", "min_frequency"}},
		{"unknown top", "nmae: x\n", []string{"x.yaml:1: nmae: unknown key", "name, data"}},
		{"bad type", "data:\n  max_len: lots\n", []string{"x.yaml:2: data.max_len: cannot unmarshal"}},
		{"all problems", "data:\n  synthetic: numbers-en-ru\n  max_len: 0\n  tokenizer: {vocab_size: 100}\n",
			[]string{"x.yaml:3: data.max_len: must be ≥ 1", "x.yaml:4: data.tokenizer.vocab_size: must be ≥ 260"}},
		{"no train", "data:\n  src_lang: en\n", []string{"x.yaml: data.train: give src and tgt"}},
		{"bad synthetic", "data:\n  synthetic: words\n", []string{"x.yaml:2: data.synthetic: \"words\" is not one of numbers-en-ru"}},
		{"syntax on line 1", "a: b: c\n", []string{"x.yaml:1: mapping values are not allowed"}},
		{"syntax on line 2", "name: x\na: b: c\n", []string{"x.yaml:2: mapping values are not allowed"}},
		{"invalid UTF-8", "name: x\ndata:\n  src_lang: \xff\n", []string{"x.yaml:3: invalid leading UTF-8 octet"}},
		{"control character", "name: x\nmodel: \x01\n", []string{"x.yaml:2: control characters are not allowed"}},
		{"unknown anchor", "name: x\n\nmodel: *m\n", []string{"x.yaml:3: unknown anchor 'm' referenced"}},
		{"half pair", "data:\n  train: {src: a.en}\n", []string{"x.yaml:2: data.train.src: src and tgt go together"}},
		{"negative BPE-dropout", "data:\n  synthetic: numbers-en-ru\n  tokenizer:\n    dropout: -0.1\n",
			[]string{"x.yaml:4: data.tokenizer.dropout: must be in [0, 1)", "not -0.1"}},
		{"BPE-dropout 1", "data:\n  synthetic: numbers-en-ru\n  tokenizer: {dropout: 1}\n",
			[]string{"x.yaml:3: data.tokenizer.dropout: must be in [0, 1)", "not 1"}},
		{"BPE-dropout NaN", "data:\n  synthetic: numbers-en-ru\n  tokenizer: {dropout: .nan}\n",
			[]string{"x.yaml:3: data.tokenizer.dropout: must be in [0, 1)"}},
		{"encoder dropouts", "model:\n  encoder:\n    emb_dropout: 1\n    out_dropout: -0.5\n",
			[]string{"x.yaml:3: model.encoder.emb_dropout: 1 must be in [0, 1)", "x.yaml:4: model.encoder.out_dropout: -0.5 must be in [0, 1)"}},
		{"BPE-dropout of an LM", "data:\n  text: a.txt\n  tokenizer: {dropout: 0.1}\n",
			[]string{"x.yaml:3: data.tokenizer.dropout: BPE-dropout re-segments translation pairs", "set it to 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml), "x.yaml")
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

func TestDefaultsWrittenAndReloaded(t *testing.T) {
	c, err := Parse([]byte("data: {synthetic: numbers-en-ru}\n"), "dir/toy.yml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "toy" {
		t.Errorf("name %q, want the file's base name toy", c.Name)
	}
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := c.Write(path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for _, key := range []string{"vocab_size: 8000", "min_frequency: 2", "max_len: 80", "dedup: true", "max_ratio: 9"} {
		if !strings.Contains(string(data), key) {
			t.Errorf("written config lacks %q:\n%s", key, data)
		}
	}
	back, err := Load(path)
	if err != nil {
		t.Fatalf("reloading the written config: %v", err)
	}
	if back.Data.Tokenizer != c.Data.Tokenizer || back.Name != c.Name {
		t.Errorf("reloaded %+v, wrote %+v", back.Data, c.Data)
	}
}

func TestCheckFiles(t *testing.T) {
	dir := t.TempDir()
	en := filepath.Join(dir, "a.en")
	os.WriteFile(en, []byte("x\n"), 0o644)
	y := "data:\n  train: {src: " + en + ", tgt: " + filepath.Join(dir, "missing.ru") + "}\n"
	c, err := Parse([]byte(y), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	err = c.CheckFiles()
	if err == nil || !strings.Contains(err.Error(), "x.yaml:2: data.train.tgt:") || strings.Contains(err.Error(), "train.src") {
		t.Fatalf("CheckFiles = %v", err)
	}
}
