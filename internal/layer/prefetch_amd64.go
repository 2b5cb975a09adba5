//go:build amd64

package layer

// prefetchF32 asks the CPU to bring x's cache lines in (prefetch_amd64.s):
// a hint, it changes no value.
//
//go:noescape
func prefetchF32(x []float32)
