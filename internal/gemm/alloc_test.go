package gemm

import "testing"

// Steady-state calls allocate nothing: workspaces are reused (a fresh
// buffer would also pay ~15 µs per page to fault in).
func TestGemmAllocatesNothing(t *testing.T) {
	for _, tr := range benchTrans {
		a, lda, b, ldb, c := benchOperands[float32](tr.tA, tr.tB, 100, 300, 200)
		Gemm(tr.tA, tr.tB, 100, 200, 300, 1, a, lda, b, ldb, 0, c, 200)
		if n := testing.AllocsPerRun(20, func() {
			Gemm(tr.tA, tr.tB, 100, 200, 300, 1, a, lda, b, ldb, 0, c, 200)
		}); n > 0 {
			t.Errorf("%s: %v allocations per call", tr.name, n)
		}
		var p Packed[float32]
		p.Pack(tr.tB, 300, 200, b, ldb)
		if n := testing.AllocsPerRun(20, func() {
			p.Pack(tr.tB, 300, 200, b, ldb)
			GemmPacked(tr.tA, 100, 1, a, lda, &p, 0, c, 200)
		}); n > 0 {
			t.Errorf("%s: %v allocations per Pack and GemmPacked", tr.name, n)
		}
	}
}
