package optim

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// TestCoresDoNotChangeResults: the norm, clipping and Adam give the same
// bits on one core and on several, on slabs of several chunks plus a tail.
func TestCoresDoNotChangeResults(t *testing.T) {
	n := 5*Chunk + 17 // 17: a tail shorter than a chunk
	run := func(procs int) ([]float32, float64) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		rng := rand.New(rand.NewPCG(3, 3))
		w, g := make([]float32, n), make([]float32, n)
		o := NewAdam[float32](n)
		var norm float64
		for range 3 {
			for i := range g {
				g[i] = float32(rng.NormFloat64())
			}
			norm = ClipGradNorm(g, 1)
			o.Step(w, g, 1e-3)
		}
		return w, norm
	}
	w1, n1 := run(1)
	w2, n2 := run(4)
	if n1 != n2 || !slices.Equal(w1, w2) {
		t.Fatalf("1 core: norm %v; 4 cores: norm %v; weights equal: %v", n1, n2, slices.Equal(w1, w2))
	}
}
