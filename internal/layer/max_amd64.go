package layer

import "golang.org/x/sys/cpu"

var hasAVX = cpu.X86.HasAVX

//go:noescape
func maxF32AVX(x []float32) float32

// maxF32 returns the largest of x[:n] and n, where n = len(x) &^ 31 is
// what the AVX kernel covers (0 without AVX: the caller does it all).
func maxF32(x []float32) (float32, int) {
	n := len(x) &^ 31
	if !hasAVX || n == 0 {
		return 0, 0
	}
	return maxF32AVX(x[:n]), n
}
