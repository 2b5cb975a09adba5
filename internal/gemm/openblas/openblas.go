//go:build openblas && cgo

package openblas

/*
#cgo LDFLAGS: -lopenblas
void cblas_sgemm(int order, int transA, int transB, int m, int n, int k,
	float alpha, const float *a, int lda, const float *b, int ldb,
	float beta, float *c, int ldc);
void cblas_dgemm(int order, int transA, int transB, int m, int n, int k,
	double alpha, const double *a, int lda, const double *b, int ldb,
	double beta, double *c, int ldc);
void openblas_set_num_threads(int);
*/
import "C"

import "unsafe"

// Float is gemm.Float (not imported: gemm's tests import this package).
type Float interface{ ~float32 | ~float64 }

// CBLAS enum values (cblas.h).
const (
	cblasRowMajor = 101
	cblasNoTrans  = 111
	cblasTrans    = 112
)

func cblasTr(t bool) C.int {
	if t {
		return cblasTrans
	}
	return cblasNoTrans
}

// SetThreads sets OpenBLAS's thread count.
func SetThreads(n int) { C.openblas_set_num_threads(C.int(n)) }

// Gemm is gemm.Gemm through OpenBLAS's cblas_sgemm or cblas_dgemm (same
// arguments; slices must not be empty).
func Gemm[F Float](tA, tB bool, m, n, k int, alpha F, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) {
	if unsafe.Sizeof(alpha) == 4 {
		C.cblas_sgemm(cblasRowMajor, cblasTr(tA), cblasTr(tB), C.int(m), C.int(n), C.int(k),
			C.float(alpha), (*C.float)(unsafe.Pointer(&a[0])), C.int(lda),
			(*C.float)(unsafe.Pointer(&b[0])), C.int(ldb),
			C.float(beta), (*C.float)(unsafe.Pointer(&c[0])), C.int(ldc))
		return
	}
	C.cblas_dgemm(cblasRowMajor, cblasTr(tA), cblasTr(tB), C.int(m), C.int(n), C.int(k),
		C.double(alpha), (*C.double)(unsafe.Pointer(&a[0])), C.int(lda),
		(*C.double)(unsafe.Pointer(&b[0])), C.int(ldb),
		C.double(beta), (*C.double)(unsafe.Pointer(&c[0])), C.int(ldc))
}
