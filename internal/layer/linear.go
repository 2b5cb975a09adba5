package layer

import (
	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// Linear is y = x·Wᵀ + b, PyTorch's nn.Linear. N below is the number of
// rows of a call, In and Out the layer's widths.
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

// Part selects what one Forward or Backward covers. The zero value is the
// whole layer with W unpacked: y = x·Wᵀ + b, and all of its backward.
//
// A Linear over a concatenated input [x₁ x₂ …] runs one call per piece,
// each with its Off, Add on all but the first forward and NoBias on all
// but one, without building the concatenation.
type Part[F mat.Float] struct {
	// Off is x's first column in the concatenated input: a call with x
	// (N, k) covers W[:, Off:Off+k]. Default 0.
	Off int
	// Add makes Forward add into y instead of overwriting it.
	Add bool
	// NoBias leaves b out: Forward does not add it, Backward does not add
	// into db.
	NoBias bool
	// Lo, Hi limit Backward to outputs [Lo, Hi) of dy; Hi 0 means Out.
	// Called over consecutive blocks of outputs, each a multiple of 256
	// wide but the last, Backward adds what one call over all does, bit
	// for bit; a caller that produces dy a block at a time consumes each
	// block while it is in cache. Forward ignores them.
	Lo, Hi int
	// Packed is W[:, Off:Off+k]ᵀ (k, Out) packed, by Pack for the whole
	// W; Forward multiplies by it, with the same bits as by W, and
	// Backward ignores it. nil multiplies W itself.
	Packed gemm.PackedB[F]
}

// Forward sets y (N, Out) = x·W[:, Off:Off+k]ᵀ + b for x (N, k) (y += …
// with p.Add; no b with p.NoBias). The bias is added after the product.
// It panics on a shape mismatch.
func (l Linear[F]) Forward(y, x mat.Mat[F], p Part[F]) {
	w := l.W.W
	if p.Off < 0 || p.Off+x.Cols > w.Cols || y.Cols != w.Rows || y.Rows != x.Rows {
		panic("layer: Linear.Forward shape mismatch")
	}
	beta := F(0)
	if p.Add {
		beta = 1
	}
	switch {
	case y.Rows == 0:
	case p.Packed != nil:
		if k, n := p.Packed.Dims(); k != x.Cols || n != w.Rows {
			panic("layer: Linear.Forward: the packed weight is not (k, Out)")
		}
		p.Packed.Mul(x.Rows, x.Data, max(x.Cols, 1), beta, y.Data, y.Cols)
	default:
		gemm.Gemm(false, true, x.Rows, w.Rows, x.Cols, 1, x.Data, max(x.Cols, 1), w.Data[p.Off:], w.Cols, beta, y.Data, y.Cols)
	}
	if l.B != nil && !p.NoBias {
		b := l.B.W.Data
		for i := 0; i < y.Rows; i++ {
			row := y.Row(i)
			for j := range row {
				row[j] += b[j]
			}
		}
	}
}

// Backward is Forward's backward over outputs [Lo, Hi) of dy (N, Out),
// adding into what it is given: dW[Lo:Hi, Off:Off+k] += dy[:, Lo:Hi]ᵀ·x
// for x (N, k) (skipped when x.Data is nil, so that the input gradient can
// come first and the weight gradient later over many rows at once),
// db[Lo:Hi] += the column sums of dy[:, Lo:Hi] (unless p.NoBias), and
// dx (N, k) += dy[:, Lo:Hi]·W[Lo:Hi, Off:Off+k] (skipped when dx.Data is
// nil). x is the forward input. It panics on a shape mismatch.
func (l Linear[F]) Backward(dx, dy, x mat.Mat[F], p Part[F]) {
	w, in := l.W.W, l.W.W.Cols
	lo, hi, k := p.Lo, p.Hi, x.Cols
	if hi == 0 {
		hi = w.Rows
	}
	if x.Data == nil {
		k = dx.Cols
	}
	if dy.Cols != w.Rows || lo < 0 || lo > hi || hi > w.Rows || p.Off < 0 || p.Off+k > in ||
		(x.Data != nil && x.Rows != dy.Rows) || (dx.Data != nil && (dx.Rows != dy.Rows || dx.Cols != k)) {
		panic("layer: Linear.Backward shape mismatch")
	}
	n, m := dy.Rows, hi-lo
	if n == 0 || m == 0 {
		return
	}
	dyp := dy.Data[lo:]
	if x.Data != nil && k > 0 {
		gemm.Gemm(true, false, m, k, n, 1, dyp, dy.Cols, x.Data, k, 1, l.W.G.Data[lo*in+p.Off:], in)
	}
	if dx.Data != nil && k > 0 {
		gemm.Gemm(false, false, n, k, m, 1, dyp, dy.Cols, w.Data[lo*in+p.Off:], in, 1, dx.Data, k)
	}
	if l.B != nil && !p.NoBias {
		gemm.AddColSums(l.B.G.Data[lo:hi], dyp, n, m, dy.Cols)
	}
}

// Pack packs Wᵀ (In, Out) into p for Part.Packed. Pack again after the
// weights change.
func (l Linear[F]) Pack(p *gemm.Packed[F]) {
	w := l.W.W
	p.Pack(true, w.Cols, w.Rows, w.Data, w.Cols)
}
