package rundirtest

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/s2s-nmt/s2s/configs"
	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/decoder"
	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/layer"
	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/rundir"
)

// LMConfig returns a valid experiment config named name for a tiny
// character language model: bytes (vocab_size 260), a 2-layer LSTM with
// embeddings 8 and hidden 16. Its text file need not exist.
func LMConfig(name string) *configs.Config {
	c := configs.Default()
	c.Name = name
	c.Data.Text = "input.txt"
	c.Data.Tokenizer.VocabSize = 260
	c.Model.Type = model.TypeLM
	c.Model.Decoder = decoder.Config{Cell: cell.LSTM, Layers: 2, Emb: 8, Hidden: 16,
		Attention: layer.NoAttention, Bridge: decoder.BridgeNone}
	return &c
}

// WriteLM writes a language-model directory at dir (which must not exist): cfg, a
// byte tokenizer (no merges) under both tokenizer names, and net's
// weights, or random ones drawn from seed when net is nil. It returns the
// model written.
func WriteLM(t testing.TB, dir string, cfg *configs.Config, net *model.LM[float32], seed uint64) *model.LM[float32] {
	t.Helper()
	tok, err := corpora.Learn(corpora.LearnOptions{VocabSize: 260, MinFrequency: 1}, Lines)
	if err != nil {
		t.Fatal(err)
	}
	if net == nil {
		if net, err = model.NewLM[float32](cfg.Model, tok.VocabSize(), rand.New(rand.NewPCG(seed, 1))); err != nil {
			t.Fatal(err)
		}
	}
	if err := rundir.Save(filepath.Clean(dir), cfg, tok, tok, net.Params(), nil); err != nil {
		t.Fatal(err)
	}
	return net
}
