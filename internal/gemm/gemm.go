// Package gemm is the one seam through which every matrix product in s2s
// passes. By default it calls gonum's BLAS (blas32, blas64); faster kernels
// replace the body of Gemm without changing any caller.
//
// All matrices are row-major slices with a leading dimension (the stride
// between rows), as in CBLAS with RowMajor.
package gemm

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// Float is the element type of every numeric package: float32 for training
// and translation, float64 for gradient checks.
type Float interface{ ~float32 | ~float64 }

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

// Gemm computes C = alpha·op(A)·op(B) + beta·C, where op(X) is X or Xᵀ as
// tA and tB say. op(A) is m×k, op(B) is k×n and C is m×n; lda, ldb and ldc
// are the row strides of A, B and C as stored. With beta 0, C need not be
// initialised. It panics if a slice is too short for its shape.
func Gemm[F Float](tA, tB bool, m, n, k int, alpha F, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		scaleRows(m, n, beta, c, ldc)
		return
	}
	switch a := any(a).(type) {
	case []float32:
		blas32.Implementation().Sgemm(trans(tA), trans(tB), m, n, k, float32(alpha), a, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	case []float64:
		blas64.Implementation().Dgemm(trans(tA), trans(tB), m, n, k, float64(alpha), a, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	default:
		panic("gemm: element type must be float32 or float64")
	}
}

// scaleRows sets C = beta·C for an m×n C (the k = 0 product).
func scaleRows[F Float](m, n int, beta F, c []F, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		for j := range row {
			if beta == 0 {
				row[j] = 0
			} else {
				row[j] *= beta
			}
		}
	}
}

// Axpy computes y += alpha·x over the first len(x) elements of y.
func Axpy[F Float](alpha F, x, y []F) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += alpha * v
	}
}

// Dot returns Σ x[i]·y[i] over len(x) elements, summed in index order.
func Dot[F Float](x, y []F) F {
	y = y[:len(x)]
	var s F
	for i, v := range x {
		s += v * y[i]
	}
	return s
}

// Scal computes x *= alpha.
func Scal[F Float](alpha F, x []F) {
	for i := range x {
		x[i] *= alpha
	}
}
