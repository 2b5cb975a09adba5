//go:build amd64 && !purego

package gemm

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// The int8 micro-kernels of int8_amd64.s, hand-written: each is an
// int8Kernel on one 6×48 tile. kernI8VNNI multiplies with VPDPBUSD,
// kernI8AVX512BW with VPMADDUBSW, VPMADDWD by ones and VPADDD, both into
// 18 zmm accumulators of 16 int32 sums; kernI8AVX2 as kernI8AVX512BW on
// ymm, one 6×16 column block at a time (12 ymm accumulators).

//go:noescape
func kernI8VNNI(kq int, u *uint8, ldu int, b *int8, sa, sb *float32, corr *int32, beta float32, c *float32, ldc int)

//go:noescape
func kernI8AVX512BW(kq int, u *uint8, ldu int, b *int8, sa, sb *float32, corr *int32, beta float32, c *float32, ldc int)

// kernI8AVX2x16 is kernI8AVX512BW's formula on the 6×16 block of a tile
// whose columns b, sb, corr and c point at; b keeps the strip's stride of
// 4·int8NR bytes a quad.
//
//go:noescape
func kernI8AVX2x16(kq int, u *uint8, ldu int, b *int8, sa, sb *float32, corr *int32, beta float32, c *float32, ldc int)

// kernI8AVX2 is the int8Kernel of CPUs with AVX2 but not AVX-512BW: the
// tile as three 6×16 blocks.
func kernI8AVX2(kq int, u *uint8, ldu int, b *int8, sa, sb *float32, corr *int32, beta float32, c *float32, ldc int) {
	for j := 0; j < int8NR; j += 16 {
		kernI8AVX2x16(kq, u, ldu, (*int8)(unsafe.Add(unsafe.Pointer(b), 4*j)), sa,
			(*float32)(unsafe.Add(unsafe.Pointer(sb), 4*j)), (*int32)(unsafe.Add(unsafe.Pointer(corr), 4*j)),
			beta, (*float32)(unsafe.Add(unsafe.Pointer(c), 4*j)), ldc)
	}
}

var (
	int8AVX2     = &int8Config{name: "avx2", kern: kernI8AVX2}
	int8VNNI     = &int8Config{name: "vnni", kern: kernI8VNNI}
	int8AVX512BW = &int8Config{name: "avx512bw", kern: kernI8AVX512BW}
)

// configsI8 lists the int8 kernels this CPU can run, fastest first.
func configsI8() []*int8Config {
	var cs []*int8Config
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VNNI {
		cs = append(cs, int8VNNI)
	}
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW {
		cs = append(cs, int8AVX512BW)
	}
	if cpu.X86.HasAVX2 {
		cs = append(cs, int8AVX2)
	}
	return append(cs, int8Generic)
}
