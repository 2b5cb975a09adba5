package gemm

import (
	"math"
	"unsafe"
)

// Exp sets dst[i] = eˣ for x = src[i], i < len(src); dst may be src. It
// panics if dst is shorter than src. float32 runs 16 lanes at a time with
// AVX-512 (within 2 ulp; see gen_kernels.go), other cases call math.Exp.
// Each element's result depends only on its value, never on its position.
func Exp[F Float](dst, src []F) { apply(dst, src, vecExp32, math.Exp) }

// Tanh sets dst[i] = tanh(src[i]), as Exp does.
func Tanh[F Float](dst, src []F) { apply(dst, src, vecTanh32, math.Tanh) }

// Sigmoid sets dst[i] = 1/(1 + e^(−src[i])), as Exp does.
func Sigmoid[F Float](dst, src []F) { apply(dst, src, vecSigmoid32, sigmoid64) }

// SumExp returns Σ exp(x[i] − m) in float64: the normaliser of a
// log-softmax with m the row's maximum. float32 runs in one AVX-512 pass,
// without storing the exponentials (x − m, then Exp's exp, widened and
// summed in two 8-lane float64 sums folded in a fixed order); other cases
// add F(math.Exp(x − m)) in index order. Either way the result depends only
// on x and m.
func SumExp[F Float](x []F, m F) float64 {
	if len(x) == 0 {
		return 0
	}
	if unsafe.Sizeof(x[0]) == 4 {
		if s, ok := sumExp32(as[float32](x), float32(m)); ok {
			return s
		}
	}
	var s float64
	for _, v := range x {
		s += float64(F(math.Exp(float64(v - m))))
	}
	return s
}

func sigmoid64(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func apply[F Float](dst, src []F, vec32 func(dst, src *float32, n int), f func(float64) float64) {
	dst = dst[:len(src)]
	if len(src) == 0 {
		return
	}
	if vec32 != nil && unsafe.Sizeof(src[0]) == 4 {
		vec32((*float32)(unsafe.Pointer(&dst[0])), (*float32)(unsafe.Pointer(&src[0])), len(src))
		return
	}
	for i, x := range src {
		dst[i] = F(f(float64(x)))
	}
}

// AddColSums adds into dst[j] the sums of column j of the rows×cols matrix
// m (row stride ld), for j < cols: dst[j] + m[0][j] + m[1][j] + …, added in
// row order, as the plain loop does, so the bits do not depend on the
// kernel. float32 keeps 64 columns in AVX-512 registers while the rows
// stream past. It panics if dst or m is too short.
func AddColSums[F Float](dst, m []F, rows, cols, ld int) {
	if rows == 0 || cols == 0 {
		return
	}
	dst = dst[:cols]
	_ = m[(rows-1)*ld+cols-1]
	j := 0
	if d32, ok := any(dst).([]float32); ok {
		j = colSums32(d32, any(m).([]float32), rows, cols, ld)
	}
	for i := range rows {
		row := m[i*ld+j : i*ld+cols]
		for c, v := range row {
			dst[j+c] += v
		}
	}
}
