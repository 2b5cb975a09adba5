// Package openblas calls OpenBLAS through cgo, for side-by-side benchmarks
// of package gemm only (BenchmarkOpenBLAS there); s2s never calls it. Without
// the openblas build tag the package is empty, so the default build has no
// cgo. To compare:
//
//	apt-get install libopenblas-dev
//	CGO_LDFLAGS=-lopenblas go test -tags openblas -bench OpenBLAS ./internal/gemm
//	CGO_LDFLAGS=-lopenblas go test -tags openblas -run XXX -bench SideBySide ./internal/gemm
//
// Debian's OpenBLAS 0.3.21 predates Zen 5 and picks its AVX2 kernels there;
// OPENBLAS_CORETYPE=SkylakeX selects the AVX-512 ones (what the OpenBLAS
// comparisons in package gemm use).
//
// It declares the CBLAS entry points itself rather than include cblas.h,
// whose path varies between distributions.
package openblas
