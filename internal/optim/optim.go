// Package optim updates a parameter slab from its gradient slab: SGD with
// momentum, Adam with bias correction (both as PyTorch defines them), and
// global gradient-norm clipping. Optimizers work on the flat slabs of a
// mat.Set, so they loop over plain slices; their state is exposed as named
// slabs of the same length, plus a step counter, so that a checkpoint can
// save and restore it exactly.
package optim

import (
	"math"

	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/internal/par"
)

// Slab is one named piece of optimizer state with one value per parameter
// scalar, in the order of the parameter slab (mat.Set.W). Data aliases the
// optimizer's memory: writing into it (on checkpoint restore) sets the state.
type Slab[F mat.Float] struct {
	Name string // PyTorch's state key: "momentum_buffer", "exp_avg", "exp_avg_sq"
	Data []F
}

// Optimizer updates weights w from gradients g (the slabs of one mat.Set).
type Optimizer[F mat.Float] interface {
	// Step applies one update with learning rate lr and advances the step
	// counter. It panics if len(w) or len(g) differs from the size the
	// optimizer was made for.
	Step(w, g []F, lr float64)
	// State returns the optimizer's slabs, in a fixed order.
	State() []Slab[F]
	// Steps returns the number of Steps taken (Adam's t).
	Steps() int64
	// SetSteps sets the step counter, on checkpoint restore.
	SetSteps(n int64)
}

// GradNorm returns the Euclidean norm of g, accumulated in float64: each
// Chunk's sum of squares (four running sums, added at the end), then the
// chunks' sums in order, so the result does not depend on the goroutines
// (package par) that compute it. It allocates nothing in steady state.
func GradNorm[F mat.Float](g []F) float64 {
	if Serial(len(g)) {
		s := 0.0
		for lo := 0; lo < len(g); lo += Chunk {
			s += sumSquares(g[lo:min(lo+Chunk, len(g))])
		}
		return math.Sqrt(s)
	}
	sc := getScratch[F]()
	sc.sq.g = g
	s := par.Sum(len(g), Chunk, &sc.sq)
	sc.sq.g = nil
	putScratch(sc)
	return math.Sqrt(s)
}

// sumSquares returns Σ x[i]² in float64, in four interleaved running sums
// (x[i]² into the sum i mod 4, the remainder past the last four into the
// first), added as (s0 + s1) + (s2 + s3). Float32 runs an AVX kernel whose
// four lanes are those sums (sqF32), so the same bits.
func sumSquares[F mat.Float](x []F) float64 {
	var acc [4]float64
	i := 0
	if x32, ok := any(x).([]float32); ok {
		i = sqF32(x32, &acc)
	}
	return sumSquaresFrom(x[i:], &acc)
}

// sumSquaresFrom continues sumSquares' running sums acc over x (whose
// first element is one of index ≡ 0 mod 4) and returns their total.
func sumSquaresFrom[F mat.Float](x []F, acc *[4]float64) float64 {
	s0, s1, s2, s3 := acc[0], acc[1], acc[2], acc[3]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		a, b, c, d := float64(x[i]), float64(x[i+1]), float64(x[i+2]), float64(x[i+3])
		s0 += a * a
		s1 += b * b
		s2 += c * c
		s3 += d * d
	}
	for ; i < len(x); i++ {
		s0 += float64(x[i]) * float64(x[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// Scaled is an Optimizer that can apply clipping itself: StepScaled(w, g,
// lr, c, …) updates w exactly as Step(w, g', lr) would with g' = F(g·c)
// (one rounding per element, what ClipGradNorm leaves in g), without a
// pass that scales g. With clear it also leaves g zeroed, each element as
// it is read, so the next backward can add into it without a zeroing
// pass; without, g is left as it was. The trainer passes ClipScale's factor.
type Scaled[F mat.Float] interface {
	StepScaled(w, g []F, lr float64, c F, clear bool)
}

// ClipScale returns the factor ClipGradNorm multiplies gradients of norm n
// by: F(maxNorm/(n+1e-6)) when maxNorm > 0 and n is finite and exceeds it,
// else 1.
func ClipScale[F mat.Float](n, maxNorm float64) F {
	if maxNorm > 0 && n > maxNorm && !math.IsInf(n, 0) && !math.IsNaN(n) {
		return F(maxNorm / (n + 1e-6))
	}
	return 1
}

// ClipGradNorm scales g in place so that its norm is at most maxNorm, as
// PyTorch's clip_grad_norm_ does (by maxNorm/(norm+1e-6) when norm exceeds
// maxNorm), and returns the norm before clipping. maxNorm ≤ 0 disables
// clipping; the norm is returned either way. A non-finite norm leaves g
// unchanged (the trainer decides what to do with such a step).
func ClipGradNorm[F mat.Float](g []F, maxNorm float64) float64 {
	n := GradNorm(g)
	if c := ClipScale[F](n, maxNorm); c != 1 {
		if Serial(len(g)) {
			scale(g, c)
			return n
		}
		sc := getScratch[F]()
		sc.scale.g, sc.scale.c = g, c
		par.Chunks(len(g), Chunk, &sc.scale)
		sc.scale.g = nil
		putScratch(sc)
	}
	return n
}

func checkLen(n, w, g int) {
	if w != n || g != n {
		panic("optim: slab length differs from the optimizer's")
	}
}

func scale[F mat.Float](x []F, c F) {
	for i := range x {
		x[i] *= c
	}
}
