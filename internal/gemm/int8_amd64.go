//go:build amd64 && !purego

package gemm

import "golang.org/x/sys/cpu"

// The int8 micro-kernels of int8_amd64.s, hand-written: each is an
// int8Kernel on one 6×48 tile, 18 zmm accumulators of 16 int32 sums.
// kernI8VNNI multiplies with VPDPBUSD; kernI8AVX512BW with VPMADDUBSW,
// VPMADDWD by ones and VPADDD.

//go:noescape
func kernI8VNNI(kq int, u *uint8, ldu int, b *int8, sa, sb *float32, corr *int32, beta float32, c *float32, ldc int)

//go:noescape
func kernI8AVX512BW(kq int, u *uint8, ldu int, b *int8, sa, sb *float32, corr *int32, beta float32, c *float32, ldc int)

var (
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
	return append(cs, int8Generic)
}
