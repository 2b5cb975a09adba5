//go:build !amd64 || purego

package gemm

var vecExp32, vecTanh32, vecSigmoid32 func(dst, src *float32, n int)
