package decoder

import (
	"math/rand/v2"
	"testing"

	"github.com/s2s-nmt/s2s/internal/mat"
)

// TestNoAllocs checks that in steady state (same batch shape) training and
// search steps allocate nothing.
func TestNoAllocs(t *testing.T) {
	for _, c := range testConfigs() {
		f := newFixture(t, c.cfg)
		var w Work[float64]
		rng := rand.New(rand.NewPCG(1, 2))
		opt := Options{Rng: rng, SampleProb: c.sample, Smoothing: c.smooth}
		train := func() {
			f.d.Forward(&w, f.enc, f.tgt, opt)
			f.d.Backward(&w, f.enc, f.grads, scale)
		}
		train()
		if n := testing.AllocsPerRun(5, train); n != 0 {
			t.Errorf("%s: Forward+Backward allocates %v times", c.name, n)
		}
		var (
			m         Memory[float64]
			cur, next State[float64]
			sw        StepWork[float64]
		)
		tok := []int32{1, 1}
		step := func() {
			f.d.Prepare(&m, f.enc)
			f.d.InitState(&cur, f.enc)
			f.d.Step(&sw, &next, &cur, tok, &m, nil)
			cur.Gather(&next, []int{1, 0})
		}
		step()
		if n := testing.AllocsPerRun(5, step); n != 0 {
			t.Errorf("%s: a search step allocates %v times", c.name, n)
		}
	}
}

// TestSampling checks that scheduled sampling feeds predictions: with
// SampleProb 1 every input after the first is the previous step's argmax.
func TestSampling(t *testing.T) {
	f := newFixture(t, testConfigs()[0].cfg)
	var w Work[float64]
	f.d.Forward(&w, f.enc, f.tgt, Options{Rng: rand.New(rand.NewPCG(1, 2)), SampleProb: 1})
	for r := tB; r < tT*tB; r++ {
		// logits now hold log-probs: the argmax is unchanged.
		if got, want := w.in[r], mat.Argmax(w.logits.Row(r-tB)); got != want {
			t.Fatalf("row %d fed %d, want the argmax %d", r, got, want)
		}
	}
}
