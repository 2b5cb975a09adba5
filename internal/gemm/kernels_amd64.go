//go:build amd64 && !purego

package gemm

import "golang.org/x/sys/cpu"

// The assembly micro-kernels of kernels_amd64.s (see gen_kernels.go for
// their contract). Each computes one full MR×NR tile.

//go:noescape
func kernF32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

// kernF32AVX512x16 and kernF32AVX512x32 are kernF32AVX512 on 8×16 and
// 8×32 tiles (the first 16 or 32 columns of a B micro-panel).
//
//go:noescape
func kernF32AVX512x16(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kernF32AVX512x32(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kernF64AVX512(kc int, a, b *float64, ldb int, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kernF32AVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kernF64AVX2(kc int, a, b *float64, ldb int, c *float64, ldc int, alpha, beta float64)

// transF32x16 transposes a 16×16 block: dst[j·ldd + i] = src[i·lds + j].
//
//go:noescape
func transF32x16(dst *float32, ldd int, src *float32, lds int)

// transF32x8x16 packs 8 rows of 16: dst[p·8 + r] = src[r·lds + p].
//
//go:noescape
func transF32x8x16(dst *float32, src *float32, lds int)

// transF64x8 transposes an 8×8 block: dst[j·ldd + i] = src[i·lds + j].
//
//go:noescape
func transF64x8(dst *float64, ldd int, src *float64, lds int)

// gatherF32x8 packs n steps of k of an 8-row micro-panel of op(A) = Aᵀ:
// dst[p·8 + r] = src[p·lds + r] (see pack_amd64.s).
//
//go:noescape
func gatherF32x8(dst *float32, src *float32, lds int, n int)

// transF64A packs 8 rows of 8 steps of k into an 8-row micro-panel.
func transF64A(dst, src *float64, lds int) { transF64x8(dst, 8, src, lds) }

var (
	hasAVX512 = cpu.X86.HasAVX512F
	hasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
)

// Blocking, in elements. KC is part of the determinism contract (each C
// element sums k in KC-sized blocks), so it is a constant of the kernel,
// never a function of the shape or the thread count.
var (
	f32AVX512 = &config[float32]{name: "avx512", mr: 8, nr: 48, kc: 256, mc: 128, nc: 3072, kern: kernF32AVX512,
		transB: transF32x16, tbB: 16, transA: transF32x8x16, tkA: 16, gatherA: gatherF32x8,
		narrow: []func(int, *float32, *float32, int, *float32, int, float32, float32){kernF32AVX512x16, kernF32AVX512x32}, narrowW: 16}
	f64AVX512 = &config[float64]{name: "avx512", mr: 8, nr: 24, kc: 256, mc: 128, nc: 1536, kern: kernF64AVX512,
		transB: transF64x8, tbB: 8, transA: transF64A, tkA: 8}
	f32AVX2 = &config[float32]{name: "avx2", mr: 6, nr: 16, kc: 256, mc: 120, nc: 3072, kern: kernF32AVX2}
	f64AVX2 = &config[float64]{name: "avx2", mr: 6, nr: 8, kc: 256, mc: 120, nc: 1536, kern: kernF64AVX2}
)

// configs32 and configs64 list the kernels this CPU can run, fastest first.
func configs32() []*config[float32] {
	var cs []*config[float32]
	if hasAVX512 {
		cs = append(cs, f32AVX512)
	}
	if hasAVX2 {
		cs = append(cs, f32AVX2)
	}
	return append(cs, generic32)
}

func configs64() []*config[float64] {
	var cs []*config[float64]
	if hasAVX512 {
		cs = append(cs, f64AVX512)
	}
	if hasAVX2 {
		cs = append(cs, f64AVX2)
	}
	return append(cs, generic64)
}
