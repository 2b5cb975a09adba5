package decoder

import (
	"math/rand/v2"
	"testing"

	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/gradcheck"
	"github.com/s2s-nmt/s2s/internal/layer"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// Tiny shapes for the gradient checks: B=2 S=3 T=4 H=3 V=7; the encoder output
// width C=4 (3 for dot attention) and two bridge pieces of width 2 stand in
// for a bidirectional encoder with 2 units per direction.
const (
	tB, tS, tT, tH, tV = 2, 3, 4, 3, 7
	pad                = 0
	scale              = 0.2 // a gradScale like 1/(target tokens)
)

// caseConfig is one decoder configuration under test.
type caseConfig struct {
	name   string
	cfg    Config
	sample float64 // Options.SampleProb
	smooth float64 // Options.Smoothing
}

func testConfigs() []caseConfig {
	base := Config{Cell: cell.GRU, Layers: 1, Emb: 2, Hidden: tH, Attention: layer.Bahdanau, Bridge: BridgeTanh}
	with := func(f func(*Config)) Config { c := base; f(&c); return c }
	return []caseConfig{
		{name: "gru-bahdanau-tanh (the PyTorch reference)", cfg: base},
		{name: "gru-bahdanau-inputfeed", cfg: with(func(c *Config) { c.InputFeeding = true })},
		{name: "lstm-general-inputfeed-2layers", cfg: with(func(c *Config) {
			c.Cell, c.Attention, c.InputFeeding, c.Layers = cell.LSTM, layer.General, true, 2
		})},
		{name: "rnn-dot-bridgenone", cfg: with(func(c *Config) { c.Cell, c.Attention, c.Bridge = cell.RNN, layer.Dot, BridgeNone })},
		{name: "gru-noattention-tied", cfg: with(func(c *Config) { c.Attention, c.TieEmbeddings, c.Emb = layer.NoAttention, true, tH })},
		{name: "lstm-bahdanau-tied-2layers", cfg: with(func(c *Config) { c.Cell, c.Layers, c.TieEmbeddings, c.Emb = cell.LSTM, 2, true, tH })},
		{name: "gru-dropout-inputfeed-2layers", cfg: with(func(c *Config) { c.Dropout, c.InputFeeding, c.Layers = 0.3, true, 2 })},
		{name: "lstm-dropout-sampling", cfg: with(func(c *Config) { c.Cell, c.Dropout = cell.LSTM, 0.3 }), sample: 0.5},
		{name: "gru-dropout-no-emb-dropout", cfg: with(func(c *Config) { zero := 0.0; c.Dropout, c.EmbDropout, c.Layers = 0.5, &zero, 2 })},
		{name: "rnn-general-smoothing", cfg: with(func(c *Config) { c.Cell, c.Attention = cell.RNN, layer.General }), smooth: 0.1},
	}
}

// fixture is a decoder with random weights and a random ragged batch.
type fixture struct {
	d     *Decoder[float64]
	ps    mat.Set[float64]
	enc   Encoded[float64]
	tgt   Target
	grads Grads[float64]
}

func newFixture(t *testing.T, cfg Config) *fixture {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 0))
	C := 4
	if cfg.Attention == layer.Dot {
		C = tH
	}
	f := &fixture{}
	d, err := New(&f.ps, "decoder", cfg, tV, C, 4, pad)
	if err != nil {
		t.Fatal(err)
	}
	f.d = d
	f.ps.Alloc()
	f.ps.Init(rng)
	randm := func(r, c int) mat.Mat[float64] {
		m := mat.New[float64](r, c)
		for i := range m.Data {
			m.Data[i] = 2*rng.Float64() - 1
		}
		return m
	}
	f.enc = Encoded[float64]{Out: randm(tB*tS, C), Final: []mat.Mat[float64]{randm(tB, 2), randm(tB, 2)}, Lens: []int{3, 2}, S: tS}
	// Sentence 0 has 4 target tokens, sentence 1 has 2 then padding.
	f.tgt = Target{B: tB, T: tT,
		In:  []int32{1, 4, 5, 6, 1, 3, pad, pad},
		Out: []int32{4, 5, 6, 2, 3, 2, pad, pad}}
	f.grads = Grads[float64]{Out: mat.New[float64](tB*tS, C), Final: []mat.Mat[float64]{mat.New[float64](tB, 2), mat.New[float64](tB, 2)}}
	return f
}

// options returns the Options of a case with a fresh, identically seeded
// Rng, so that every Forward draws the same dropout masks and coins.
func (c caseConfig) options() Options {
	return Options{Rng: rand.New(rand.NewPCG(3, 4)), SampleProb: c.sample, Smoothing: c.smooth}
}

func TestDecoderGrad(t *testing.T) {
	for _, c := range testConfigs() {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, c.cfg)
			var w Work[float64]
			loss := func() float64 {
				l, _ := f.d.Forward(&w, f.enc, f.tgt, c.options())
				return scale * l
			}
			backward := func() {
				loss()
				f.d.Backward(&w, f.enc, f.grads, scale)
			}
			backward()
			opt := gradcheck.Options{}
			for _, p := range f.ps.List {
				g := append([]float64(nil), p.G.Data...)
				if err := gradcheck.Check(p.Name, p.W.Data, g, loss, opt); err != nil {
					t.Error(err)
				}
			}
			gOut := append([]float64(nil), f.grads.Out.Data...)
			if err := gradcheck.Check("encoder outputs", f.enc.Out.Data, gOut, loss, opt); err != nil {
				t.Error(err)
			}
			for i, fin := range f.enc.Final {
				g := append([]float64(nil), f.grads.Final[i].Data...)
				if err := gradcheck.Check("encoder final", fin.Data, g, loss, opt); err != nil {
					t.Error(err)
				}
			}
			// Sentence 1 has source length 2: its position 2 is padding.
			for _, v := range f.grads.Out.Row(1*tS + 2) {
				if v != 0 {
					t.Errorf("padded source position has gradient %v", f.grads.Out.Row(1*tS+2))
				}
			}
			once := append([]float64(nil), f.ps.G...)
			backward()
			for i, g := range f.ps.G {
				if d := g - 2*once[i]; d > 1e-12 || d < -1e-12 {
					t.Fatalf("gradient %d: after two backward passes %g, want %g", i, g, 2*once[i])
				}
			}
		})
	}
}
