package layer

import (
	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// Linear is y = x·Wᵀ + b, PyTorch's nn.Linear.
type Linear[F mat.Float] struct {
	W *mat.Param[F] // (Out, In), PyTorch's layout; checkpoint key name+".weight"
	B *mat.Param[F] // (1, Out); nil without bias; key name+".bias"
}

// NewLinear declares a Linear's parameters in ps, initialised as PyTorch
// does: U(−1/√in, 1/√in) for weight and bias.
func NewLinear[F mat.Float](ps *mat.Set[F], name string, in, out int, bias bool) Linear[F] {
	s := mat.InvSqrt(in)
	l := Linear[F]{W: ps.Add(name+".weight", out, in, mat.Uniform, s)}
	if bias {
		l.B = ps.Add(name+".bias", 1, out, mat.Uniform, s)
	}
	return l
}

// In returns the input width.
func (l Linear[F]) In() int { return l.W.W.Cols }

// Out returns the output width.
func (l Linear[F]) Out() int { return l.W.W.Rows }

// Forward sets y (N, Out) = x (N, In)·Wᵀ + b. It panics on a shape mismatch.
func (l Linear[F]) Forward(y, x mat.Mat[F]) {
	l.ForwardCols(y, x, 0, false)
	l.AddBias(y)
}

// Backward adds dyᵀ·x into dW, the column sums of dy into db and, when
// dx.Data is not nil, dy·W into dx (N, In). x is the forward input.
func (l Linear[F]) Backward(dx, dy, x mat.Mat[F]) {
	l.BackwardCols(dx, dy, x, 0)
	l.BiasBackward(dy)
}

// ForwardCols sets (or, with accumulate, adds into) y (N, Out) the product
// x·W[:, off:off+k]ᵀ for x (N, k): the part of a Linear over a
// concatenated input [x₁; x₂; …] that one piece contributes, without
// building the concatenation. No bias. It panics on a shape mismatch.
func (l Linear[F]) ForwardCols(y, x mat.Mat[F], off int, accumulate bool) {
	w := l.W.W
	if off+x.Cols > w.Cols || y.Cols != w.Rows || y.Rows != x.Rows {
		panic("layer: Linear.ForwardCols shape mismatch")
	}
	beta := F(0)
	if accumulate {
		beta = 1
	}
	if y.Rows == 0 {
		return
	}
	gemm.Gemm(false, true, x.Rows, w.Rows, x.Cols, 1, x.Data, max(x.Cols, 1), w.Data[off:], w.Cols, beta, y.Data, y.Cols)
}

// BackwardCols is ForwardCols' backward: dW[:, off:off+k] += dyᵀ·x and,
// when dx.Data is not nil, dx (N, k) += dy·W[:, off:off+k].
func (l Linear[F]) BackwardCols(dx, dy, x mat.Mat[F], off int) {
	l.WeightGradCols(dy, x, off)
	if dx.Data != nil {
		l.InputGradCols(dx, dy, off)
	}
}

// BackwardOut is the part of Backward that the outputs [o0, o1)
// contribute, dy (N, Out) being the whole gradient: dW[o0:o1] +=
// dy[:, o0:o1]ᵀ·x, db[o0:o1] += its column sums and, when dx.Data is not
// nil, dx += dy[:, o0:o1]·W[o0:o1]. Called over consecutive blocks of
// outputs, each a multiple of 256 wide but the last, it adds what Backward
// does; a caller that produces dy a block of columns at a time consumes
// each while it is in cache. It panics on a shape mismatch.
func (l Linear[F]) BackwardOut(dx, dy, x mat.Mat[F], o0, o1 int) {
	w, g := l.W.W, l.W.G
	if dy.Cols != w.Rows || dy.Rows != x.Rows || x.Cols != w.Cols || o0 < 0 || o1 > w.Rows || o0 > o1 {
		panic("layer: Linear.BackwardOut shape mismatch")
	}
	n, in, out := dy.Rows, w.Cols, o1-o0
	if n == 0 || out == 0 {
		return
	}
	gemm.Gemm(true, false, out, in, n, 1, dy.Data[o0:], dy.Cols, x.Data, max(in, 1), 1, g.Data[o0*in:], in)
	if dx.Data != nil {
		if dx.Rows != n || dx.Cols != in {
			panic("layer: Linear.BackwardOut shape mismatch")
		}
		gemm.Gemm(false, false, n, in, out, 1, dy.Data[o0:], dy.Cols, w.Data[o0*in:], in, 1, dx.Data, in)
	}
	if l.B != nil {
		gemm.AddColSums(l.B.G.Data[o0:o1], dy.Data[o0:], n, out, dy.Cols)
	}
}

// WeightGradCols adds dyᵀ·x into dW[:, off:off+k], x (N, k), dy (N, Out).
func (l Linear[F]) WeightGradCols(dy, x mat.Mat[F], off int) {
	w, g := l.W.W, l.W.G
	if off+x.Cols > w.Cols || dy.Cols != w.Rows || dy.Rows != x.Rows {
		panic("layer: Linear.WeightGradCols shape mismatch")
	}
	if dy.Rows == 0 || x.Cols == 0 {
		return
	}
	gemm.Gemm(true, false, w.Rows, x.Cols, dy.Rows, 1, dy.Data, dy.Cols, x.Data, x.Cols, 1, g.Data[off:], g.Cols)
}

// InputGradCols adds dy·W[:, off:off+k] into dx (N, k), dy (N, Out).
func (l Linear[F]) InputGradCols(dx, dy mat.Mat[F], off int) {
	w := l.W.W
	if off+dx.Cols > w.Cols || dy.Cols != w.Rows || dy.Rows != dx.Rows {
		panic("layer: Linear.InputGradCols shape mismatch")
	}
	if dy.Rows == 0 || dx.Cols == 0 {
		return
	}
	gemm.Gemm(false, false, dy.Rows, dx.Cols, w.Rows, 1, dy.Data, dy.Cols, w.Data[off:], w.Cols, 1, dx.Data, dx.Cols)
}

// AddBias adds b to every row of y (N, Out); without bias it does nothing.
func (l Linear[F]) AddBias(y mat.Mat[F]) {
	if l.B == nil {
		return
	}
	b := l.B.W.Data
	for i := 0; i < y.Rows; i++ {
		row := y.Row(i)
		for j := range row {
			row[j] += b[j]
		}
	}
}

// BiasBackward adds the column sums of dy (N, Out) into db.
func (l Linear[F]) BiasBackward(dy mat.Mat[F]) {
	if l.B == nil {
		return
	}
	gemm.AddColSums(l.B.G.Data, dy.Data, dy.Rows, dy.Cols, dy.Cols)
}
