package layer

import (
	"math"

	"github.com/s2s-nmt/s2s/internal/mat"
)

// NLL is log-softmax followed by the negative log-likelihood of the gold
// tokens, summed over rows whose target is not Pad, with optional label
// smoothing as PyTorch's CrossEntropyLoss(label_smoothing=ε) defines it:
// the target distribution is q = (1−ε)·onehot(y) + ε/V over all V classes,
// and the loss of a row is −Σ_j q_j log p_j.
type NLL[F mat.Float] struct {
	Pad       int     // target id that contributes no loss and no gradient; NoPad for none
	Smoothing float64 // ε in [0, 1); 0 is plain NLL
}

// Forward overwrites logits (N, V) with log-softmax(logits) row by row and
// returns the loss summed over the n rows with tgt[i] != Pad. Pad rows are
// still normalised (search may read them) but add nothing. It panics if
// len(tgt) != N.
func (l NLL[F]) Forward(logits mat.Mat[F], tgt []int) (loss float64, n int) {
	if len(tgt) != logits.Rows {
		panic("layer: NLL.Forward shape mismatch")
	}
	for i, y := range tgt {
		row := logits.Row(i)
		LogSoftmax(row)
		if y == l.Pad {
			continue
		}
		loss += l.rowLoss(row, y)
		n++
	}
	return loss, n
}

// rowLoss is −Σ_j q_j log p_j for one row of log-probabilities lp.
func (l NLL[F]) rowLoss(lp []F, y int) float64 {
	nll := -float64(lp[y])
	if l.Smoothing == 0 {
		return nll
	}
	var sum float64
	for _, v := range lp {
		sum += float64(v)
	}
	return (1-l.Smoothing)*nll - l.Smoothing/float64(len(lp))*sum
}

// Backward writes into d (N, V) the gradient of scale·loss with respect to
// the logits, given lp, the log-probabilities Forward left: scale·(p − q)
// on rows with a non-Pad target, exactly 0 on Pad rows. d may alias lp.
// This writes rather than adds: the logits are an intermediate, not a
// parameter.
func (l NLL[F]) Backward(d, lp mat.Mat[F], tgt []int, scale float64) {
	if len(tgt) != lp.Rows || d.Rows != lp.Rows || d.Cols != lp.Cols {
		panic("layer: NLL.Backward shape mismatch")
	}
	s := F(scale)
	off := F(scale * l.Smoothing / float64(lp.Cols))
	for i, y := range tgt {
		dr, lr := d.Row(i), lp.Row(i)
		if y == l.Pad {
			clear(dr)
			continue
		}
		for j, v := range lr {
			dr[j] = s*F(math.Exp(float64(v))) - off
		}
		dr[y] -= s * F(1-l.Smoothing)
	}
}

// LogSoftmax replaces x with log-softmax(x), stably (max subtracted, sum
// accumulated in float64).
func LogSoftmax[F mat.Float](x []F) {
	m := x[0]
	for _, v := range x[1:] {
		m = max(m, v)
	}
	var sum float64
	for _, v := range x {
		sum += math.Exp(float64(v - m))
	}
	z := m + F(math.Log(sum))
	for i := range x {
		x[i] -= z
	}
}
