package layer

import (
	"math"

	"github.com/s2s-nmt/s2s/internal/gemm"
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
	return (1-l.Smoothing)*nll - l.Smoothing/float64(len(lp))*sum4(lp)
}

// Backward writes into d (N, V) the gradient of scale·loss with respect to
// the logits, given lp, the log-probabilities Forward left: scale·(p − q)
// on rows with a non-Pad target, exactly 0 on Pad rows. d may alias lp.
// This writes rather than adds: the logits are an intermediate, not a
// parameter. p = exp(lp) is vectorised (gemm.Exp) in float32.
func (l NLL[F]) Backward(d, lp mat.Mat[F], tgt []int, scale float64) {
	l.BackwardCols(d, lp, tgt, scale, 0, lp.Cols)
}

// BackwardCols is Backward on the columns [c0, c1) of every row only, the
// same values there: a caller can consume the gradient a block of columns
// at a time while the block is in cache. It panics on a shape mismatch.
func (l NLL[F]) BackwardCols(d, lp mat.Mat[F], tgt []int, scale float64, c0, c1 int) {
	if len(tgt) != lp.Rows || d.Rows != lp.Rows || d.Cols != lp.Cols || c0 < 0 || c1 > lp.Cols || c0 > c1 {
		panic("layer: NLL.Backward shape mismatch")
	}
	s := F(scale)
	off := F(scale * l.Smoothing / float64(lp.Cols))
	for i, y := range tgt {
		dr, lr := d.Row(i)[c0:c1], lp.Row(i)[c0:c1]
		// The rows of a block of columns lie far apart, too far for the
		// hardware to fetch ahead: ask for the one after next.
		if i+2 < lp.Rows {
			prefetch(lp.Row(i + 2)[c0:c1])
		}
		if y == l.Pad {
			clear(dr)
			continue
		}
		gemm.Exp(dr, lr)
		affine(dr, dr, s, off)
		if y >= c0 && y < c1 {
			dr[y-c0] -= s * F(1-l.Smoothing)
		}
	}
}

// prefetch asks for x's cache lines (float32 only).
func prefetch[F mat.Float](x []F) {
	if x32, ok := any(x).([]float32); ok {
		prefetchF32(x32)
	}
}

// LogSoftmax replaces x with log-softmax(x), stably: the maximum m is
// subtracted and Σ exp(x − m) is summed in float64 (gemm.SumExp, one
// vector pass for float32).
func LogSoftmax[F mat.Float](x []F) {
	if len(x) == 0 {
		return
	}
	m := rowMax(x)
	shift(x, x, m+F(math.Log(gemm.SumExp(x, m))))
}

// shift sets dst[i] = x[i] − c.
func shift[F mat.Float](dst, x []F, c F) { affine(dst, x, 1, c) }

// affine sets dst[i] = a·x[i] − c (the product rounded, then the
// difference: no fused multiply-add, so the AVX kernel gives the same bits),
// unrolled by four.
func affine[F mat.Float](dst, x []F, a, c F) {
	dst = dst[:len(x)]
	i := 0
	if d32, ok := any(dst).([]float32); ok {
		i = affineF32(d32, any(x).([]float32), float32(a), float32(c))
	}
	for ; i+4 <= len(x); i += 4 {
		d, s := dst[i:i+4:i+4], x[i:i+4:i+4]
		d[0], d[1], d[2], d[3] = a*s[0]-c, a*s[1]-c, a*s[2]-c, a*s[3]-c
	}
	for ; i < len(x); i++ {
		dst[i] = a*x[i] - c
	}
}

// sum4 returns Σ x_i in float64, in four interleaved partial sums (a fixed
// order: the result depends only on x).
func sum4[F mat.Float](x []F) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += float64(x[i])
		s1 += float64(x[i+1])
		s2 += float64(x[i+2])
		s3 += float64(x[i+3])
	}
	for ; i < len(x); i++ {
		s0 += float64(x[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// rowMax returns the largest element of a non-empty x.
func rowMax[F mat.Float](x []F) F {
	if x32, ok := any(x).([]float32); ok {
		if m, n := maxF32(x32); n > 0 {
			if n == len(x) {
				return F(m)
			}
			return max(F(m), rowMaxScalar(x[n:]))
		}
	}
	return rowMaxScalar(x)
}

// rowMaxScalar is rowMax without a vector kernel.
func rowMaxScalar[F mat.Float](x []F) F {
	m0, m1, m2, m3 := x[0], x[0], x[0], x[0]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		if x[i] > m0 {
			m0 = x[i]
		}
		if x[i+1] > m1 {
			m1 = x[i+1]
		}
		if x[i+2] > m2 {
			m2 = x[i+2]
		}
		if x[i+3] > m3 {
			m3 = x[i+3]
		}
	}
	for ; i < len(x); i++ {
		if x[i] > m0 {
			m0 = x[i]
		}
	}
	return max(m0, m1, m2, m3)
}
