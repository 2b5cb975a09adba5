//go:build amd64 && !purego

package gemm

// AVX-512 float32 elementwise kernels (kernels_amd64.s, gen_kernels.go).

//go:noescape
func expF32AVX512(dst, src *float32, n int)

//go:noescape
func tanhF32AVX512(dst, src *float32, n int)

//go:noescape
func sigmoidF32AVX512(dst, src *float32, n int)

var (
	vecExp32     = pick(expF32AVX512)
	vecTanh32    = pick(tanhF32AVX512)
	vecSigmoid32 = pick(sigmoidF32AVX512)
)

func pick(f func(dst, src *float32, n int)) func(dst, src *float32, n int) {
	if hasAVX512 {
		return f
	}
	return nil
}

//go:noescape
func colSumsF32AVX512(dst *float32, m *float32, rows, cols, ld int)

// colSums32 adds the column sums of the first cols&^15 columns and returns
// how many it did (0 without AVX-512).
func colSums32(dst, m []float32, rows, cols, ld int) int {
	n := cols &^ 15
	if !hasAVX512 || n == 0 || rows == 0 {
		return 0
	}
	colSumsF32AVX512(&dst[0], &m[0], rows, n, ld)
	return n
}

//go:noescape
func sumExpF32AVX512(x *float32, n int, m float32) float64

// sumExp32 is SumExp's float32 kernel; ok is false without AVX-512.
func sumExp32(x []float32, m float32) (s float64, ok bool) {
	if !hasAVX512 {
		return 0, false
	}
	return sumExpF32AVX512(&x[0], len(x), m), true
}
