package layer

import (
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
	mat.Mul(y, x, false, l.W.W, true, 1, 0)
	if l.B != nil {
		b := l.B.W.Data
		for i := 0; i < y.Rows; i++ {
			row := y.Row(i)
			for j := range row {
				row[j] += b[j]
			}
		}
	}
}

// Backward adds dyᵀ·x into dW, the column sums of dy into db and, when
// dx.Data is not nil, dy·W into dx (N, In). x is the forward input.
func (l Linear[F]) Backward(dx, dy, x mat.Mat[F]) {
	mat.Mul(l.W.G, dy, true, x, false, 1, 1)
	if l.B != nil {
		db := l.B.G.Data
		for i := 0; i < dy.Rows; i++ {
			for j, v := range dy.Row(i) {
				db[j] += v
			}
		}
	}
	if dx.Data != nil {
		mat.Mul(dx, dy, false, l.W.W, false, 1, 1)
	}
}
