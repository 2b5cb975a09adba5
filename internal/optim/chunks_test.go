package optim

import (
	"math"
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
		c := float32(1)
		if n%2 == 1 {
			c = 0.37 // a clipping factor
		}
		g2 := slices.Clone(g)
		adamScalar(w2, g, m2, v2, c, step, sq, b1, b2, eps, wd)
		adam(w, g2, m, v, n%3 == 0, c, step, sq, b1, b2, eps, wd)
		if !slices.Equal(w, w2) || !slices.Equal(m, m2) || !slices.Equal(v, v2) {
			t.Fatalf("n %d: kernel and scalar differ", n)
		}
		if n%3 == 0 && slices.ContainsFunc(g2, func(x float32) bool { return x != 0 }) {
			t.Fatalf("n %d: g not cleared", n)
		}
		if n%3 != 0 && !slices.Equal(g, g2) {
			t.Fatalf("n %d: g changed", n)
		}
	}
}

// TestReduceNormMatchesPasses: ReduceNorm gives the bits of adding the
// sources in order and then GradNorm, and clears the sources, on one core
// and on several.
func TestReduceNormMatchesPasses(t *testing.T) {
	for _, n := range []int{5, Chunk + 3, 5*Chunk + 17} {
		for _, procs := range []int{1, 4} {
			for nsrc := range 3 {
				rng := rand.New(rand.NewPCG(uint64(n), uint64(nsrc)))
				mk := func() []float32 {
					x := make([]float32, n)
					for i := range x {
						x[i] = float32(rng.NormFloat64())
					}
					return x
				}
				dst := mk()
				srcs := make([][]float32, nsrc)
				for i := range srcs {
					srcs[i] = mk()
				}
				want := slices.Clone(dst)
				for _, s := range srcs {
					for i := range want {
						want[i] += s[i]
					}
				}
				wantNorm := GradNorm(want)
				prev := runtime.GOMAXPROCS(procs)
				norm := ReduceNorm(dst, srcs)
				runtime.GOMAXPROCS(prev)
				if norm != wantNorm || !slices.Equal(dst, want) {
					t.Fatalf("n %d, %d cores, %d sources: norm %v, want %v; sums equal: %v", n, procs, nsrc, norm, wantNorm, slices.Equal(dst, want))
				}
				for _, s := range srcs {
					if slices.ContainsFunc(s, func(x float32) bool { return x != 0 }) {
						t.Fatalf("n %d, %d cores, %d sources: a source is not cleared", n, procs, nsrc)
					}
				}
			}
		}
	}
}

// TestStepScaledMatchesClipThenStep: clipping inside the update (ClipScale
// and StepScaled) gives the bits of ClipGradNorm followed by Step, for Adam
// and SGD, with and without clipping; with clear it leaves g zeroed.
func TestStepScaledMatchesClipThenStep(t *testing.T) {
	n := 3*Chunk + 5
	for k, maxNorm := range []float64{0, 1, 1e6} {
		for _, name := range []string{"adam", "sgd"} {
			mk := func() Optimizer[float32] {
				if name == "adam" {
					return NewAdam[float32](n)
				}
				return NewSGD[float32](n, 0.9, 0.01)
			}
			rng := rand.New(rand.NewPCG(7, 7))
			w1, g := make([]float32, n), make([]float32, n)
			for i := range w1 {
				w1[i] = float32(rng.NormFloat64())
			}
			w2 := slices.Clone(w1)
			a, b := mk(), mk()
			for range 3 {
				for i := range g {
					g[i] = float32(rng.NormFloat64())
				}
				g2 := slices.Clone(g)
				n2 := GradNorm(g2)
				b.(Scaled[float32]).StepScaled(w2, g2, 1e-2, ClipScale[float32](n2, maxNorm), k != 0)
				if k != 0 && slices.ContainsFunc(g2, func(x float32) bool { return x != 0 }) {
					t.Fatalf("%s, max norm %v: g not cleared", name, maxNorm)
				}
				ClipGradNorm(g, maxNorm)
				a.Step(w1, g, 1e-2)
			}
			if !slices.Equal(w1, w2) {
				t.Fatalf("%s, max norm %v: weights differ", name, maxNorm)
			}
		}
	}
}

// TestSquaresKernelMatchesScalar: the AVX sums of squares (alone and fused
// with the reduce) give the scalar loop's bits, on lengths around their
// 8-lane width.
func TestSquaresKernelMatchesScalar(t *testing.T) {
	for _, n := range []int{1, 7, 8, 9, 15, 63, 64, 65, 1000, 1003} {
		rng := rand.New(rand.NewPCG(uint64(n), 9))
		d, s := make([]float32, n), make([]float32, n)
		for i := range d {
			d[i] = float32(rng.NormFloat64() * math.Exp(8*rng.NormFloat64()))
			s[i] = float32(rng.NormFloat64())
		}
		var acc [4]float64
		if got, want := sumSquares(d), sumSquaresFrom(d, &acc); got != want {
			t.Fatalf("n %d: sumSquares %v, scalar %v", n, got, want)
		}
		want := slices.Clone(d)
		for i := range want {
			want[i] += s[i]
		}
		acc = [4]float64{}
		wantSq := sumSquaresFrom(want, &acc)
		if got := addClearSquares(d, s); got != wantSq || !slices.Equal(d, want) {
			t.Fatalf("n %d: addClearSquares %v, scalar %v; sums equal: %v", n, got, wantSq, slices.Equal(d, want))
		}
		if slices.ContainsFunc(s, func(x float32) bool { return x != 0 }) {
			t.Fatalf("n %d: source not cleared", n)
		}
	}
}
