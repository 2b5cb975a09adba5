//go:build !amd64

package layer

func prefetchF32(x []float32) {}
