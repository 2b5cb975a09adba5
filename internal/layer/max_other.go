//go:build !amd64

package layer

func maxF32(x []float32) (float32, int) { return 0, 0 }

const hasAVX512 = false

func expSumF32AVX512(x []float32, m float32) float64 { panic("layer: no AVX-512") }
