//go:build openblas && cgo

package gemm

import (
	"fmt"
	"os"
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

// TestSideBySide prints, per benchmark shape and transpose, the best
// GFLOP/s of Gemm and of OpenBLAS over GEMM_SIDE_BY_SIDE calls
// each (scaled to 100 MFLOP a call: fewer for larger products), in five
// alternating rounds in one process: ratios that hold on a shared, noisy
// machine. It runs only when GEMM_SIDE_BY_SIDE is set.
func TestSideBySide(t *testing.T) {
	var reps int
	if _, err := fmt.Sscan(os.Getenv("GEMM_SIDE_BY_SIDE"), &reps); err != nil || reps < 1 {
		t.Skip("set GEMM_SIDE_BY_SIDE=N to compare with OpenBLAS")
	}
	openblas.SetThreads(1) // Gemm runs on one goroutine
	for _, tr := range benchTrans {
		for _, sh := range benchShapes {
			m, k, n := sh[0], sh[1], sh[2]
			a, lda, bb, ldb, c := benchOperands[float32](tr.tA, tr.tB, m, k, n)
			flop := 2 * float64(m) * float64(n) * float64(k)
			// Rounds of blocks, best call of each side over all rounds.
			var ours, theirs time.Duration
			best := func(d *time.Duration, f func()) {
				for range max(int(float64(reps)*1e8/flop)/5, 2) {
					t0 := time.Now()
					f()
					if e := time.Since(t0); *d == 0 || e < *d {
						*d = e
					}
				}
			}
			for range 5 {
				best(&ours, func() { Gemm(tr.tA, tr.tB, m, n, k, 1, a, lda, bb, ldb, 0, c, n) })
				best(&theirs, func() { openblas.Gemm(tr.tA, tr.tB, m, n, k, 1, a, lda, bb, ldb, 0, c, n) })
			}
			g, o := flop/ours.Seconds()/1e9, flop/theirs.Seconds()/1e9
			fmt.Printf("f32 %s %dx%dx%d: gemm %.1f  openblas %.1f GFLOP/s  ratio %.2f\n", tr.name, m, k, n, g, o, g/o)
		}
	}
}
