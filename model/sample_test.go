package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSampler checks greedy, top-k, Min and that frequencies follow the
// tempered distribution.
func TestSampler(t *testing.T) {
	// log of (0.1, 0.2, 0.3, 0.4): ids 0…3.
	logp := []float64{math.Log(0.1), math.Log(0.2), math.Log(0.3), math.Log(0.4)}
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 20000
	for _, tc := range []struct {
		name string
		s    Sampler[float64]
		want []float64 // expected frequencies
	}{
		{"greedy", Sampler[float64]{Temperature: 0}, []float64{0, 0, 0, 1}},
		{"greedy-min", Sampler[float64]{Temperature: 1e-7, Min: 1}, []float64{0, 0, 0, 1}},
		{"top-1", Sampler[float64]{Temperature: 5, TopK: 1}, []float64{0, 0, 0, 1}},
		{"t=1", Sampler[float64]{Temperature: 1}, []float64{0.1, 0.2, 0.3, 0.4}},
		{"t=1-top2", Sampler[float64]{Temperature: 1, TopK: 2}, []float64{0, 0, 3.0 / 7, 4.0 / 7}},
		{"t=1-min2", Sampler[float64]{Temperature: 1, Min: 2}, []float64{0, 0, 3.0 / 7, 4.0 / 7}},
		// p^(1/T) with T = 0.5: squares, normalised by 0.01+0.04+0.09+0.16.
		{"t=0.5", Sampler[float64]{Temperature: 0.5}, []float64{0.01 / 0.3, 0.04 / 0.3, 0.09 / 0.3, 0.16 / 0.3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.s.Rng = rng
			counts := make([]float64, len(logp))
			for range n {
				counts[tc.s.Draw(logp)]++
			}
			for i, c := range counts {
				// 4 standard deviations of a binomial frequency at n.
				if tol := 4 * math.Sqrt(tc.want[i]*(1-tc.want[i])/n); math.Abs(c/n-tc.want[i]) > tol+1e-12 {
					t.Errorf("id %d drawn %.4f of the time, want %.4f", i, c/n, tc.want[i])
				}
			}
			if a := testing.AllocsPerRun(10, func() { tc.s.Draw(logp) }); a != 0 {
				t.Errorf("Draw allocates %v times", a)
			}
		})
	}
}
