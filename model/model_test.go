package model

import (
	"math/rand/v2"
	"testing"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/decoder"
	"github.com/s2s-nmt/s2s/encoder"
	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/gradcheck"
	"github.com/s2s-nmt/s2s/internal/layer"
)

// tinyBatch is the gradient checks' tiny shape B=2 S=3 T=4 over a
// vocabulary of 7, ragged on both sides.
func tinyBatch() *Batch {
	return &Batch{B: 2, S: 3, T: 4,
		Src: []int32{4, 5, 6, 6, 4, corpora.PAD}, SrcLen: []int{3, 2},
		TgtIn:  []int32{corpora.BOS, 5, 4, 6, corpora.BOS, 6, corpora.PAD, corpora.PAD},
		TgtOut: []int32{5, 4, 6, corpora.EOS, 6, corpora.EOS, corpora.PAD, corpora.PAD}, TgtLen: []int{4, 2}}
}

// tinyConfig has H=3 everywhere (encoder 3 per direction, decoder 3).
func tinyConfig(enc, dec cell.Kind) Config {
	c := DefaultConfig()
	c.Encoder = encoder.Config{Cell: enc, Layers: 1, Bidirectional: true, Emb: 4, Hidden: 3}
	c.Decoder = decoder.Config{Cell: dec, Layers: 1, Emb: 4, Hidden: 3, Attention: layer.Bahdanau, Bridge: decoder.BridgeTanh}
	return c
}

func newTiny(t *testing.T, cfg Config) *Seq2Seq[float64] {
	m, err := New[float64](cfg, 7, 7, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// checkModel compares every parameter's gradient of the summed loss with
// central differences. opt's Rng is re-seeded for every evaluation so that
// dropout masks are the same each time.
func checkModel(t *testing.T, m *Seq2Seq[float64], b *Batch, opt Options, seeded bool) {
	ws := m.NewWorkspace()
	withRng := func() Options {
		if seeded {
			opt.Rng = rand.New(rand.NewPCG(9, 9))
		}
		return opt
	}
	m.Params().ZeroGrad()
	m.Loss(ws, b, 1, withRng())
	loss := func() float64 {
		ws := m.NewWorkspace()
		l, _ := m.Loss(ws, b, 0, withRng())
		return l
	}
	for _, p := range m.Params().List {
		g := append([]float64(nil), p.G.Data...) // Loss in loss() adds 0·grad, but keep a copy anyway
		if err := gradcheck.Check(p.Name, p.W.Data, g, loss, checkOpts); err != nil {
			t.Error(err)
		}
	}
}

// TestGradients: every encoder cell × decoder cell pair, with attention.
func TestGradients(t *testing.T) {
	for _, ek := range cell.Kinds {
		for _, dk := range cell.Kinds {
			t.Run(string(ek)+"-"+string(dk), func(t *testing.T) {
				checkModel(t, newTiny(t, tinyConfig(ek, dk)), tinyBatch(), Options{}, false)
			})
		}
	}
}

// TestGradientsVariants: two stacked layers with dropout, the one-layer
// encoder's embedding and output dropout, input feeding, label smoothing,
// the other attentions and no bridge.
func TestGradientsVariants(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
		opt  Options
	}{
		{"layers2-dropout-smoothing", func(c *Config) {
			c.Encoder.Layers, c.Decoder.Layers = 2, 2
			c.Encoder.Dropout, c.Decoder.Dropout = 0.3, 0.3
		}, Options{Smoothing: 0.1}},
		{"encoder1-emb-out-dropout", func(c *Config) {
			emb := 0.25
			c.Encoder.EmbDropout, c.Encoder.OutDropout = &emb, 0.4
		}, Options{}},
		{"input-feeding-general-nobridge", func(c *Config) {
			c.Decoder.InputFeeding, c.Decoder.Attention, c.Decoder.Bridge = true, layer.General, decoder.BridgeNone
		}, Options{}},
		{"unidirectional-dot", func(c *Config) {
			c.Encoder.Bidirectional, c.Decoder.Attention = false, layer.Dot
		}, Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tinyConfig(cell.LSTM, cell.GRU)
			tc.edit(&cfg)
			checkModel(t, newTiny(t, cfg), tinyBatch(), tc.opt, true)
		})
	}
}

// TestLossTwiceDoubles: Loss adds into the gradients.
func TestLossTwiceDoubles(t *testing.T) {
	m := newTiny(t, tinyConfig(cell.GRU, cell.LSTM))
	ws := m.NewWorkspace()
	m.Loss(ws, tinyBatch(), 1, Options{})
	once := append([]float64(nil), m.Params().G...)
	m.Loss(ws, tinyBatch(), 1, Options{})
	for i, g := range m.Params().G {
		if d := g - 2*once[i]; d > 1e-12 || d < -1e-12 {
			t.Fatalf("gradient %d (%v) is not twice %v", i, g, once[i])
		}
	}
}

// TestEvalMatchesLoss: Eval is Loss's forward, and counts Σ TgtLen tokens.
func TestEvalMatchesLoss(t *testing.T) {
	m := newTiny(t, tinyConfig(cell.GRU, cell.GRU))
	ws := m.NewWorkspace()
	b := tinyBatch()
	l1, n1 := m.Loss(ws, b, 1, Options{})
	l2, n2 := m.Eval(ws, b)
	if l1 != l2 || n1 != n2 || n1 != b.Tokens() {
		t.Fatalf("Loss %v/%d, Eval %v/%d, tokens %d", l1, n1, l2, n2, b.Tokens())
	}
}

// TestDeterministicInit: the same seed gives the same weights, bit for bit.
func TestDeterministicInit(t *testing.T) {
	a, b := newTiny(t, tinyConfig(cell.LSTM, cell.LSTM)), newTiny(t, tinyConfig(cell.LSTM, cell.LSTM))
	for i := range a.Params().W {
		if a.Params().W[i] != b.Params().W[i] {
			t.Fatalf("weight %d differs", i)
		}
	}
	if name := a.Params().List[1].Name; name != "encoder.layers.0.fwd.W_ih" {
		t.Fatalf("second parameter is %q", name)
	}
}

func TestValidate(t *testing.T) {
	c := DefaultConfig()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	c.Encoder.Cell, c.Decoder.Layers = "lstmm", 0
	err := c.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	want := "encoder.cell: \"lstmm\" is not one of gru, lstm, rnn\ndecoder.layers: 0 must be at least 1"
	if err.Error() != want {
		t.Fatalf("got %q, want %q", err, want)
	}
}

// checkOpts: the summed loss is O(10), so a central difference with step
// 1e-6 carries ~1e-16·10/1e-6 = 1e-9 of rounding noise; step 1e-5 brings it
// to 1e-10 while its truncation error, O(step²), stays far below 1e-6
// relative. The absolute floor matches that noise.
var checkOpts = gradcheck.Options{Eps: 1e-5, AbsTol: 1e-9}
