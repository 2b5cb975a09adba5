// Package gemm is the one seam through which every matrix product in s2s
// passes: a packed, blocked GEMM with AVX-512 and AVX2 micro-kernels in Go
// assembly, chosen at run time (golang.org/x/sys/cpu), and a portable Go
// kernel elsewhere.
//
// All matrices are row-major slices with a leading dimension (the stride
// between rows), as in CBLAS with RowMajor.
//
// Results are deterministic: each element of C sums its k products in the
// same order whatever M, N or the element's position (see config), so a
// row of C is bit-identical whether it is computed alone or in a batch of
// 1600. The order belongs to the kernel, so a CPU that runs another kernel
// (AVX2 rather than AVX-512, or the portable one) rounds differently:
// bit-identity holds on one kind of machine.
//
// One call runs on the calling goroutine, and many goroutines may call at
// once (data-parallel training workers, translation searchers): each call
// takes a workspace of its own. Packed and GemmPacked pack a weight matrix
// once for many products. SetPrecision(BF16) makes float32 products round
// their operands to bfloat16 and sum in float32 with AVX512_BF16 (see
// bf16.go); training selects it for its passes (training.precision).
// Exp, Tanh and Sigmoid are the elementwise functions the cells need,
// vectorised for float32 with AVX-512.
//
// Measure with go test -bench 'Gemm|Gonum' ./internal/gemm (GFLOP/s per
// shape and transpose, and gonum's for the ratio); package openblas
// explains the side-by-side comparison with OpenBLAS.
package gemm

import (
	"fmt"
	"os"
	"unsafe"
)

// Float is the element type of every numeric package: float32 for training
// and translation, float64 for gradient checks.
type Float interface{ ~float32 | ~float64 }

// The kernels in use: the fastest this CPU runs, unless the environment
// variable S2S_GEMM_KERNEL names another it runs ("avx2" or "generic"; an
// unknown or unavailable name is ignored). Results are bit-identical only
// between machines that run the same kernel, so forcing the same one on
// two kinds of machine makes runs on them agree.
var (
	active32 = pickConfig(configs32(), os.Getenv("S2S_GEMM_KERNEL"))
	active64 = pickConfig(configs64(), os.Getenv("S2S_GEMM_KERNEL"))
)

func pickConfig[F Float](cs []*config[F], name string) *config[F] {
	for _, c := range cs {
		if c.name == name {
			return c
		}
	}
	return cs[0]
}

// Kernel names the micro-kernel Gemm uses for float32 ("avx512", "avx2" or
// "generic").
func Kernel() string { return active32.name }

// Gemm computes C = alpha·op(A)·op(B) + beta·C, where op(X) is X or Xᵀ as
// tA and tB say. op(A) is m×k, op(B) is k×n and C is m×n; lda, ldb and ldc
// are the row strides of A, B and C as stored. With beta 0, C need not be
// initialised (NaNs in it are not propagated). It runs on the calling
// goroutine. It panics if a slice is too short for its shape or a stride is
// smaller than its row.
func Gemm[F Float](tA, tB bool, m, n, k int, alpha F, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("gemm: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	if m == 0 || n == 0 {
		return
	}
	checkOperand("c", len(c), m, n, ldc)
	if k == 0 || alpha == 0 {
		scaleRows(m, n, beta, c, ldc)
		return
	}
	if tA {
		checkOperand("a", len(a), k, m, lda)
	} else {
		checkOperand("a", len(a), m, k, lda)
	}
	if tB {
		checkOperand("b", len(b), n, k, ldb)
	} else {
		checkOperand("b", len(b), k, n, ldb)
	}
	if unsafe.Sizeof(alpha) == 4 {
		config32().gemm(problem[float32]{tA: tA, tB: tB, m: m, n: n, k: k,
			alpha: float32(alpha), a: as[float32](a), lda: lda, b: as[float32](b), ldb: ldb,
			beta: float32(beta), c: as[float32](c), ldc: ldc})
		return
	}
	active64.gemm(problem[float64]{tA: tA, tB: tB, m: m, n: n, k: k,
		alpha: float64(alpha), a: as[float64](a), lda: lda, b: as[float64](b), ldb: ldb,
		beta: float64(beta), c: as[float64](c), ldc: ldc})
}

// as views a slice of F as a slice of its underlying type T (same size).
func as[T, F Float](s []F) []T {
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// checkOperand panics unless a slice of length n holds a rows×cols matrix
// with row stride ld.
func checkOperand(name string, n, rows, cols, ld int) {
	if ld < max(cols, 1) {
		panic(fmt.Sprintf("gemm: ld%s = %d < %d columns", name, ld, cols))
	}
	if rows > 0 && cols > 0 && n < (rows-1)*ld+cols {
		panic(fmt.Sprintf("gemm: len(%s) = %d, want at least %d for %d×%d with stride %d", name, n, (rows-1)*ld+cols, rows, cols, ld))
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
