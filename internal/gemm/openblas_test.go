//go:build openblas && cgo

package gemm

import (
	"fmt"
	"testing"
	"time"

	"github.com/s2s-nmt/s2s/internal/gemm/openblas"
)

// BenchmarkOpenBLAS is BenchmarkGemm through OpenBLAS, for the target
// ratio (≥ 80% of OpenBLAS's GFLOP/s).
func BenchmarkOpenBLAS(b *testing.B) {
	b.Run("f32", benchOpenBLAS[float32])
	b.Run("f64", benchOpenBLAS[float64])
}

func benchOpenBLAS[F Float](b *testing.B) {
	openblas.SetThreads(1) // Gemm runs on one goroutine
	for _, tr := range benchTrans {
		for _, sh := range benchShapes {
			m, k, n := sh[0], sh[1], sh[2]
			b.Run(fmt.Sprintf("%s/%dx%dx%d", tr.name, m, k, n), func(b *testing.B) {
				a, lda, bb, ldb, c := benchOperands[F](tr.tA, tr.tB, m, k, n)
				openblas.Gemm(tr.tA, tr.tB, m, n, k, 1, a, lda, bb, ldb, 0, c, n)
				b.ResetTimer()
				for b.Loop() {
					openblas.Gemm(tr.tA, tr.tB, m, n, k, 1, a, lda, bb, ldb, 0, c, n)
				}
				b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// TestOpenBLASAgrees checks the comparison is fair: both compute the same C.
func TestOpenBLASAgrees(t *testing.T) {
	a, lda, bb, ldb, c := benchOperands[float64](false, true, 70, 300, 90)
	want := make([]float64, len(c))
	Gemm(false, true, 70, 90, 300, 1, a, lda, bb, ldb, 0, c, 90)
	openblas.Gemm(false, true, 70, 90, 300, 1, a, lda, bb, ldb, 0, want, 90)
	for i := range c {
		if d := c[i] - want[i]; d > 1e-9 || d < -1e-9 {
			t.Fatalf("C[%d] = %v, OpenBLAS %v", i, c[i], want[i])
		}
	}
}

// BenchmarkSideBySide alternates one call of Gemm and one of OpenBLAS on
// each benchmark shape and transpose, in one process, and reports both
// speeds and their ratio (gemm/openblas): a ratio that holds on a shared,
// noisy machine, where two separate benchmark runs would not.
func BenchmarkSideBySide(b *testing.B) {
	openblas.SetThreads(1) // Gemm runs on one goroutine
	for _, tr := range benchTrans {
		for _, sh := range benchShapes {
			m, k, n := sh[0], sh[1], sh[2]
			b.Run(fmt.Sprintf("f32/%s/%dx%dx%d", tr.name, m, k, n), func(b *testing.B) {
				a, lda, bb, ldb, c := benchOperands[float32](tr.tA, tr.tB, m, k, n)
				var ours, theirs time.Duration
				for b.Loop() {
					t0 := time.Now()
					Gemm(tr.tA, tr.tB, m, n, k, 1, a, lda, bb, ldb, 0, c, n)
					t1 := time.Now()
					openblas.Gemm(tr.tA, tr.tB, m, n, k, 1, a, lda, bb, ldb, 0, c, n)
					ours, theirs = ours+t1.Sub(t0), theirs+time.Since(t1)
				}
				flop := 2 * float64(m) * float64(n) * float64(k) * float64(b.N)
				g, o := flop/ours.Seconds()/1e9, flop/theirs.Seconds()/1e9
				b.ReportMetric(g, "gemm-GFLOP/s")
				b.ReportMetric(o, "openblas-GFLOP/s")
				b.ReportMetric(g/o, "ratio")
			})
		}
	}
}
