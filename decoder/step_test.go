package decoder

import (
	"testing"

	"github.com/s2s-nmt/s2s/internal/mat"
)

// TestStepMatchesForward feeds the gold inputs through the step API and
// expects the teacher-forced evaluation Forward's log-probabilities, bit
// for bit. The hypotheses are gathered in reverse sentence order with rows
// mapping each to its sentence, as beam search reorders them.
func TestStepMatchesForward(t *testing.T) {
	for _, c := range testConfigs() {
		if c.cfg.Dropout > 0 || c.sample > 0 {
			continue // training-only randomness; evaluation has none
		}
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, c.cfg)
			var w Work[float64]
			f.d.Forward(&w, f.enc, f.tgt, Options{})
			var (
				m         Memory[float64]
				init, cur State[float64]
				next      State[float64]
				sw        StepWork[float64]
			)
			f.d.Prepare(&m, f.enc)
			f.d.InitState(&init, f.enc)
			order := []int{1, 0} // hypothesis n is sentence order[n]
			cur.Gather(&init, order)
			tok := make([]int32, tB)
			for s := 0; s < tT; s++ {
				for n, b := range order {
					tok[n] = f.tgt.In[b*tT+s]
				}
				lp := f.d.Step(&sw, &next, &cur, tok, &m, order)
				for n, b := range order {
					want := w.logits.Row(s*tB + b)
					for v, x := range lp.Row(n) {
						if x != want[v] {
							t.Fatalf("step %d sentence %d token %d: step API %v, Forward %v", s, b, v, x, want[v])
						}
					}
				}
				if f.d.attends() {
					checkAlpha(t, sw.Alpha(), order, f.enc.Lens)
				}
				cur, next = next, cur
			}
		})
	}
}

// checkAlpha checks that each hypothesis' attention weights sum to 1 over
// its sentence and are exactly 0 beyond its length.
func checkAlpha(t *testing.T, a mat.Mat[float64], order, lens []int) {
	t.Helper()
	for n, b := range order {
		sum := 0.0
		for j, v := range a.Row(n) {
			if j >= lens[b] && v != 0 {
				t.Fatalf("hypothesis %d: weight %g at padded position %d", n, v, j)
			}
			sum += v
		}
		if sum < 1-1e-12 || sum > 1+1e-12 {
			t.Fatalf("hypothesis %d: weights sum to %g", n, sum)
		}
	}
}
