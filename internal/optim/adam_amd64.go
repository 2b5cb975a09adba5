package optim

import "golang.org/x/sys/cpu"

// hasAVX: adam runs the float32 AVX kernel (8 lanes; memory-bound at
// that width, so AVX-512 would gain nothing).
var hasAVX = cpu.X86.HasAVX

//go:noescape
func adamF32AVX(w, g, m, v []float32, clear bool, c *[9]float32)

// adamF32 updates the first len(w) &^ 7 elements with the AVX kernel and
// returns how many it did (0 without AVX); with clear it zeroes those of g.
func adamF32(w, g, m, v []float32, clear bool, c *[9]float32) int {
	n := len(w) &^ 7
	if !hasAVX || n == 0 {
		return 0
	}
	adamF32AVX(w[:n], g[:n], m[:n], v[:n], clear, c)
	return n
}
