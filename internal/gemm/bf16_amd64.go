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

// roundBF16x32 rounds n float32 (a multiple of 32) to bf16 with
// VCVTNE2PS2BF16: dst[i] = RoundBF16(src[i]).
//
//go:noescape
func roundBF16x32(dst *uint16, src *float32, n int)

// roundBF16Vec rounds the longest prefix of src that is a multiple of 32
// into dst with VCVTNE2PS2BF16, where the CPU has it, and returns its
// length (0 otherwise).
func roundBF16Vec(dst []uint16, src []float32) int {
	n := len(src) &^ 31
	if !hasBF16 || n == 0 {
		return 0
	}
	_ = dst[n-1]
	roundBF16x32(&dst[0], &src[0], n)
	return n
}

// pairBF16x8 sets dst[s·stride + i] = RoundBF16(lo[s·w+i]) |
// RoundBF16(hi[s·w+i])<<16 for s < panels, i < w (w a multiple of 8),
// with VCVTNE2PS2BF16.
//
//go:noescape
func pairBF16x8(dst *uint32, lo, hi *float32, w, panels, stride int)

// pairBF16Vec fills the first panels panels of pairPanels' layout with
// VCVTNE2PS2BF16, where the CPU has it and w is a multiple of 8, and
// reports whether it did.
func pairBF16Vec(dst []uint32, lo, hi []float32, w, panels, stride int) bool {
	if !hasBF16 || w%8 != 0 || panels == 0 {
		return false
	}
	_, _, _ = dst[(panels-1)*stride+w-1], lo[panels*w-1], hi[panels*w-1]
	pairBF16x8(&dst[0], &lo[0], &hi[0], w, panels, stride)
	return true
}

var bf16AVX512 = &config[float32]{name: "avx512bf16", mr: 8, nr: 48, kc: 256, mc: 128, nc: 3072, kern: kernBF16AVX512,
	transB: transF32x16, tbB: 16, transA: transF32x8x16, tkA: 16, gatherA: gatherF32x8,
	narrow: []func(int, *float32, *float32, int, *float32, int, float32, float32){kernBF16AVX512x16, kernBF16AVX512x32}, narrowW: 16, bf16: true}

// configsBF16 lists the bf16 kernels this CPU can run, fastest first.
func configsBF16() []*config[float32] {
	if hasBF16 {
		return []*config[float32]{bf16AVX512, bf16Emulated}
	}
	return []*config[float32]{bf16Emulated}
}
