// Package rundirtest writes small model directories with random weights
// for the tests of the packages and commands that read them.
package rundirtest

import (
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s2s-nmt/s2s/configs"
	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/decoder"
	"github.com/s2s-nmt/s2s/encoder"
	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/layer"
	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/rundir"
)

// Lines are the text the tokenizer is learned from.
var Lines = strings.Split(`the cat sat on the mat
a dog ate the bone
кошка сидела на коврике
собака съела кость
one two three four five
один два три четыре пять`, "\n")

// Config returns a valid experiment config named name for a tiny GRU
// model (embeddings 8, encoder 8 per direction, decoder 16) with
// data.max_len maxLen; its corpus files need not exist.
func Config(name string, maxLen int) *configs.Config {
	c := configs.Default()
	c.Name = name
	c.Data.Train = corpora.Files{Src: "train.src", Tgt: "train.tgt"}
	c.Data.Tokenizer.VocabSize = 300
	c.Data.MaxLen = maxLen
	c.Model.Encoder = encoder.Config{Cell: cell.GRU, Layers: 1, Bidirectional: true, Emb: 8, Hidden: 8}
	c.Model.Decoder = decoder.Config{Cell: cell.GRU, Layers: 1, Emb: 8, Hidden: 16,
		Attention: layer.Bahdanau, Bridge: decoder.BridgeTanh}
	return &c
}

// Write saves a model directory at dir with cfg, a joint tokenizer learned
// from Lines, and random weights drawn from seed; it returns the model.
func Write(t testing.TB, dir string, cfg *configs.Config, seed uint64) *model.Seq2Seq[float32] {
	t.Helper()
	tok := Tokenizer(t, cfg.Data.Tokenizer.VocabSize)
	return WriteWith(t, dir, cfg, tok, tok, seed)
}

// Tokenizer returns the tokenizer of vocabSize pieces learned from Lines.
func Tokenizer(t testing.TB, vocabSize int) *corpora.Tokenizer {
	t.Helper()
	tok, err := corpora.Learn(corpora.LearnOptions{VocabSize: vocabSize, MinFrequency: 1}, Lines)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// WriteWith saves a model directory at dir as Write does, with the
// source and target tokenizers src and tgt.
func WriteWith(t testing.TB, dir string, cfg *configs.Config, src, tgt *corpora.Tokenizer, seed uint64) *model.Seq2Seq[float32] {
	t.Helper()
	m, err := model.New[float32](cfg.Model, src.VocabSize(), tgt.VocabSize(), rand.New(rand.NewPCG(seed, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if err := rundir.Save(filepath.Clean(dir), cfg, src, tgt, m.Params(), nil); err != nil {
		t.Fatal(err)
	}
	return m
}
