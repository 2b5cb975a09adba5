//go:build amd64 && !purego

package gemm

import "golang.org/x/sys/cpu"

// The bf16 micro-kernels of kernels_amd64.s (see gen_kernels.go): the
// float32 AVX-512 kernels' 8×48, 8×16 and 8×32 tiles with VDPBF16PS, kc
// counting pairs of k.

//go:noescape
func kernBF16AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kernBF16AVX512x16(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kernBF16AVX512x32(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

var hasBF16 = hasAVX512 && cpu.X86.HasAVX512BF16

var bf16AVX512 = &config[float32]{name: "avx512bf16", mr: 8, nr: 48, kc: 256, mc: 128, nc: 3072, kern: kernBF16AVX512,
	narrow: []func(int, *float32, *float32, int, *float32, int, float32, float32){kernBF16AVX512x16, kernBF16AVX512x32}, narrowW: 16, bf16: true}

// configsBF16 lists the bf16 kernels this CPU can run, fastest first.
func configsBF16() []*config[float32] {
	if hasBF16 {
		return []*config[float32]{bf16AVX512, bf16Emulated}
	}
	return []*config[float32]{bf16Emulated}
}
