package optim

import (
	"math"

	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/internal/par"
)

// Adam is torch.optim.Adam (Kingma & Ba, with bias correction), with
// optional coupled weight decay λ. At step t (from 1):
//
//	g ← g + λ·w
//	m ← β1·m + (1−β1)·g;   v ← β2·v + (1−β2)·g²
//	w ← w − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε)
type Adam[F mat.Float] struct {
	Beta1, Beta2, Eps float64 // PyTorch's defaults 0.9, 0.999, 1e-8
	WeightDecay       float64 // λ ≥ 0
	m, v              []F     // first and second moment estimates
	t                 int64
	op                adamOp[F] // the parallel pass's op, reused so that a step allocates nothing
}

// NewAdam returns Adam for n parameters with PyTorch's defaults
// (β1 0.9, β2 0.999, ε 1e-8, no weight decay); change the fields to taste.
func NewAdam[F mat.Float](n int) *Adam[F] {
	return &Adam[F]{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, m: make([]F, n), v: make([]F, n)}
}

// Step implements Optimizer.
func (o *Adam[F]) Step(w, g []F, lr float64) { o.StepScaled(w, g, lr, 1, false) }

// StepScaled implements Scaled: the update reads each gradient as F(g·c),
// one rounding, the bits ClipGradNorm's in-place scaling leaves in g.
func (o *Adam[F]) StepScaled(w, g []F, lr float64, c F, clear bool) {
	checkLen(len(o.m), len(w), len(g))
	o.t++
	t := float64(o.t)
	bc1, bc2 := 1-math.Pow(o.Beta1, t), 1-math.Pow(o.Beta2, t)
	step, sq := F(lr/bc1), F(1/math.Sqrt(bc2))
	b1, b2, eps, wd := F(o.Beta1), F(o.Beta2), F(o.Eps), F(o.WeightDecay)
	if Serial(len(w)) {
		adam(w, g, o.m, o.v, clear, c, step, sq, b1, b2, eps, wd)
		return
	}
	o.op = adamOp[F]{w: w, g: g, m: o.m, v: o.v, clear: clear,
		c: c, step: step, sq: sq, b1: b1, b2: b2, eps: eps, wd: wd}
	par.Chunks(len(w), Chunk, &o.op)
	o.op.w, o.op.g = nil, nil
}

// adamOp is StepScaled's work on one chunk.
type adamOp[F mat.Float] struct {
	w, g, m, v                   []F
	clear                        bool
	c, step, sq, b1, b2, eps, wd F
}

func (o *adamOp[F]) Do(lo, hi int) float64 {
	adam(o.w[lo:hi], o.g[lo:hi], o.m[lo:hi], o.v[lo:hi], o.clear, o.c, o.step, o.sq, o.b1, o.b2, o.eps, o.wd)
	return 0
}

// adam updates one chunk, reading the gradients scaled by c (and
// clearing them with clearG); each
// element's arithmetic is its own. Float32 runs a vector kernel where the
// CPU has one (adamF32), with the same single-precision operations in the
// same order, so the same bits.
func adam[F mat.Float](w, g, m, v []F, clearG bool, c, step, sq, b1, b2, eps, wd F) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	if w32, ok := any(w).([]float32); ok {
		k := [9]float32{float32(step), float32(sq), float32(b1), float32(1 - b1),
			float32(b2), float32(1 - b2), float32(eps), float32(wd), float32(c)}
		n := adamF32(w32, any(g).([]float32), any(m).([]float32), any(v).([]float32), clearG, &k)
		w, g, m, v = w[n:], g[n:], m[n:], v[n:]
	}
	adamScalar(w, g, m, v, c, step, sq, b1, b2, eps, wd)
	if clearG {
		clear(g[:len(w)])
	}
}

// adamScalar is adam one element at a time. F(g·c) is rounded on its own
// (an explicit conversion: never fused with what follows), as the old
// separate scaling pass rounded it; c = 1 leaves g as it is.
func adamScalar[F mat.Float](w, g, m, v []F, c, step, sq, b1, b2, eps, wd F) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	for i := range w {
		gi := F(g[i]*c) + wd*w[i]
		mi := b1*m[i] + (1-b1)*gi
		vi := b2*v[i] + (1-b2)*gi*gi
		m[i], v[i] = mi, vi
		w[i] -= step * mi / (F(math.Sqrt(float64(vi)))*sq + eps)
	}
}

// State implements Optimizer: "exp_avg" (m) and "exp_avg_sq" (v).
func (o *Adam[F]) State() []Slab[F] {
	return []Slab[F]{{Name: "exp_avg", Data: o.m}, {Name: "exp_avg_sq", Data: o.v}}
}

// Steps implements Optimizer.
func (o *Adam[F]) Steps() int64 { return o.t }

// SetSteps implements Optimizer.
func (o *Adam[F]) SetSteps(n int64) { o.t = n }
