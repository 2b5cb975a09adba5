package optim

import "github.com/s2s-nmt/s2s/internal/mat"

// SGD is stochastic gradient descent with momentum μ, as PyTorch's
// torch.optim.SGD (dampening 0, not Nesterov), with optional coupled
// weight decay λ:
//
//	g ← g + λ·w;  v ← μ·v + g;  w ← w − lr·v
//
// With μ = 0 it is plain SGD and keeps no state.
type SGD[F mat.Float] struct {
	Momentum    float64 // μ in [0, 1)
	WeightDecay float64 // λ ≥ 0
	v           []F     // momentum buffer, nil when Momentum is 0
	t           int64
}

// NewSGD returns SGD for n parameters.
func NewSGD[F mat.Float](n int, momentum, weightDecay float64) *SGD[F] {
	o := &SGD[F]{Momentum: momentum, WeightDecay: weightDecay}
	if momentum != 0 {
		o.v = make([]F, n)
	}
	return o
}

// Step implements Optimizer.
func (o *SGD[F]) Step(w, g []F, lr float64) { o.StepScaled(w, g, lr, 1, false) }

// StepScaled implements Scaled: the update reads each gradient as F(g·c).
func (o *SGD[F]) StepScaled(w, g []F, lr float64, c F, clearG bool) {
	if clearG {
		defer clear(g)
	}
	o.t++
	wd, mu, a := F(o.WeightDecay), F(o.Momentum), F(lr)
	if o.v == nil {
		for i := range w {
			w[i] -= a * (F(g[i]*c) + wd*w[i])
		}
		return
	}
	checkLen(len(o.v), len(w), len(g))
	for i := range w {
		o.v[i] = mu*o.v[i] + F(g[i]*c) + wd*w[i]
		w[i] -= a * o.v[i]
	}
}

// State implements Optimizer: "momentum_buffer", or nothing without momentum.
func (o *SGD[F]) State() []Slab[F] {
	if o.v == nil {
		return nil
	}
	return []Slab[F]{{Name: "momentum_buffer", Data: o.v}}
}

// Steps implements Optimizer.
func (o *SGD[F]) Steps() int64 { return o.t }

// SetSteps implements Optimizer.
func (o *SGD[F]) SetSteps(n int64) { o.t = n }
