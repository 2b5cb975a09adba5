// Package mat holds the small row-major matrix that all numeric packages
// share, the named parameters carved from one flat slab, and the product
// that routes to the gemm seam.
package mat

import "github.com/s2s-nmt/s2s/internal/gemm"

// Float is float32 or float64.
type Float = gemm.Float

// Mat is a dense row-major Rows×Cols matrix over Data (len Rows·Cols, the
// row stride is Cols). The zero value is an empty matrix.
type Mat[F Float] struct {
	Rows, Cols int
	Data       []F
}

// New returns a zeroed r×c matrix.
func New[F Float](r, c int) Mat[F] {
	return Mat[F]{Rows: r, Cols: c, Data: make([]F, r*c)}
}

// From wraps data (len ≥ r·c) as an r×c matrix without copying.
// It panics if data is too short.
func From[F Float](r, c int, data []F) Mat[F] {
	return Mat[F]{Rows: r, Cols: c, Data: data[:r*c]}
}

// Row returns row i as a slice aliasing m.
func (m Mat[F]) Row(i int) []F { return m.Data[i*m.Cols : (i+1)*m.Cols] }

// Slice returns rows [i, j) of m as a matrix aliasing it.
func (m Mat[F]) Slice(i, j int) Mat[F] {
	return Mat[F]{Rows: j - i, Cols: m.Cols, Data: m.Data[i*m.Cols : j*m.Cols]}
}

// At returns element (i, j).
func (m Mat[F]) At(i, j int) F { return m.Data[i*m.Cols+j] }

// Zero sets every element to 0.
func (m Mat[F]) Zero() { clear(m.Data) }

// Resize returns a Rows×Cols matrix that reuses buf's storage when it is
// large enough and allocates otherwise. The contents are unspecified.
func Resize[F Float](buf Mat[F], r, c int) Mat[F] {
	if cap(buf.Data) >= r*c {
		return Mat[F]{Rows: r, Cols: c, Data: buf.Data[:r*c]}
	}
	return New[F](r, c)
}

// Mul computes dst = alpha·op(a)·op(b) + beta·dst, op transposing when tA
// or tB is true. It panics on a shape mismatch.
func Mul[F Float](dst Mat[F], a Mat[F], tA bool, b Mat[F], tB bool, alpha, beta F) {
	m, k := a.Rows, a.Cols
	if tA {
		m, k = k, m
	}
	kb, n := b.Rows, b.Cols
	if tB {
		kb, n = n, kb
	}
	if k != kb || dst.Rows != m || dst.Cols != n {
		panic("mat: Mul shape mismatch")
	}
	gemm.Gemm(tA, tB, m, n, k, alpha, a.Data, max(a.Cols, 1), b.Data, max(b.Cols, 1), beta, dst.Data, max(dst.Cols, 1))
}

// Argmax returns the index of the largest element of x (the first on
// ties); 0 for an empty x.
func Argmax[F Float](x []F) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}
