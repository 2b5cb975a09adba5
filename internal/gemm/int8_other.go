//go:build !amd64 || purego

package gemm

// configsI8 lists the int8 kernels this build can run: only the portable
// Go kernel outside amd64 (or with the purego tag).
func configsI8() []*int8Config { return []*int8Config{int8Generic} }
