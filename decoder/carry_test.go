package decoder

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/s2s-nmt/s2s/internal/gradcheck"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// givenStates returns random per-layer initial states (B, H) for f's
// decoder: h, and c for an LSTM.
func givenStates(f *fixture) (h0, c0 []mat.Mat[float64]) {
	rng := rand.New(rand.NewPCG(11, 12))
	randm := func() mat.Mat[float64] {
		m := mat.New[float64](tB, tH)
		for i := range m.Data {
			m.Data[i] = 2*rng.Float64() - 1
		}
		return m
	}
	for range f.d.Cells {
		h0 = append(h0, randm())
		if f.d.hasC() {
			c0 = append(c0, randm())
		}
	}
	return h0, c0
}

// TestForwardFromGrad checks ForwardFrom's gradients (parameters and
// encoder outputs) for every configuration, from random initial states;
// the bridge and encoder final states get none.
func TestForwardFromGrad(t *testing.T) {
	for _, c := range testConfigs() {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, c.cfg)
			h0, c0 := givenStates(f)
			var w Work[float64]
			loss := func() float64 {
				l, _ := f.d.ForwardFrom(&w, h0, c0, f.enc, f.tgt, c.options())
				return scale * l
			}
			loss()
			f.d.Backward(&w, f.enc, f.grads, scale)
			for _, p := range f.ps.List {
				g := append([]float64(nil), p.G.Data...)
				if err := gradcheck.Check(p.Name, p.W.Data, g, loss, gradcheck.Options{}); err != nil {
					t.Error(err)
				}
			}
			gOut := append([]float64(nil), f.grads.Out.Data...)
			if err := gradcheck.Check("encoder outputs", f.enc.Out.Data, gOut, loss, gradcheck.Options{}); err != nil {
				t.Error(err)
			}
			for _, g := range f.grads.Final {
				for _, v := range g.Data {
					if v != 0 {
						t.Fatalf("encoder final state has gradient %v with a given initial state", g.Data)
					}
				}
			}
		})
	}
}

// TestForwardFromFinal checks that ForwardFrom with nil states equals
// Forward with bridge none, and that Final is the state Step reaches from
// the same initial state over the same inputs.
func TestForwardFromFinal(t *testing.T) {
	for _, c := range testConfigs() {
		if c.sample > 0 || c.cfg.Dropout > 0 {
			continue // Step has neither
		}
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, c.cfg)
			var w Work[float64]
			if c.cfg.Bridge == BridgeNone {
				a, _ := f.d.Forward(&w, f.enc, f.tgt, Options{})
				b, _ := f.d.ForwardFrom(&w, nil, nil, f.enc, f.tgt, Options{})
				if a != b {
					t.Errorf("Forward %v, ForwardFrom zeros %v", a, b)
				}
			}
			h0, c0 := givenStates(f)
			f.d.ForwardFrom(&w, h0, c0, f.enc, f.tgt, Options{})
			var (
				m         Memory[float64]
				cur, next State[float64]
				sw        StepWork[float64]
			)
			f.d.Prepare(&m, f.enc)
			f.d.InitState(&cur, f.enc)
			for l := range f.d.Cells {
				copy(cur.H[l].Data, h0[l].Data)
				if f.d.hasC() {
					copy(cur.C[l].Data, c0[l].Data)
				}
			}
			cur.Att.Zero()
			tok := make([]int32, tB)
			for tt := 0; tt < tT; tt++ {
				for b := range tok {
					tok[b] = f.tgt.In[b*tT+tt]
				}
				f.d.Step(&sw, &next, &cur, tok, &m, nil)
				cur, next = next, cur
			}
			// Sentence 0 has no padding: compare its row.
			for l := range f.d.Cells {
				h, cs := w.Final(l)
				pairs := [][2][]float64{{h.Row(0), cur.H[l].Row(0)}}
				if f.d.hasC() {
					pairs = append(pairs, [2][]float64{cs.Row(0), cur.C[l].Row(0)})
				}
				for _, p := range pairs {
					for i := range p[0] {
						if math.Abs(p[0][i]-p[1][i]) > 1e-12 {
							t.Fatalf("layer %d: Final %v, Step %v", l, p[0], p[1])
						}
					}
				}
			}
		})
	}
}
