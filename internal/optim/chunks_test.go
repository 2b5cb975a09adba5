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

// TestAdamKernelMatchesScalar: the vector kernel gives adamScalar's bits,
// on lengths around its 8-lane width.
func TestAdamKernelMatchesScalar(t *testing.T) {
	for _, n := range []int{1, 7, 8, 9, 63, 64, 65, 1000} {
		rng := rand.New(rand.NewPCG(uint64(n), 5))
		mk := func() []float32 {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(rng.NormFloat64())
			}
			return x
		}
		w, g, m, v := mk(), mk(), mk(), mk()
		for i := range v {
			v[i] *= v[i]
		}
		w2, m2, v2 := slices.Clone(w), slices.Clone(m), slices.Clone(v)
		step, sq, b1, b2, eps, wd := float32(1e-3/0.1), float32(1.3), float32(0.9), float32(0.999), float32(1e-8), float32(0.01)
		adam(w, g, m, v, step, sq, b1, b2, eps, wd)
		adamScalar(w2, g, m2, v2, step, sq, b1, b2, eps, wd)
		if !slices.Equal(w, w2) || !slices.Equal(m, m2) || !slices.Equal(v, v2) {
			t.Fatalf("n %d: kernel and scalar differ", n)
		}
	}
}
