package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// Each C element must come out bit-identical whatever M, N and its place in
// a tile: exact resume and batch-independent translation
// rest on it.
func TestDeterminism(t *testing.T) {
	useKernels(t, func(t *testing.T) {
		t.Run("f32", func(t *testing.T) { checkDeterminism[float32](t) })
		t.Run("f64", func(t *testing.T) { checkDeterminism[float64](t) })
	})
}

func checkDeterminism[F Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	// k = 600 spans three k blocks; m and n are not multiples of any tile.
	shapes := [][3]int{{97, 150, 600}, {203, 9, 300}, {5, 400, 140}, {300, 200, 60}}
	for _, sh := range shapes {
		m, n, k := sh[0], sh[1], sh[2]
		for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
			tA, tB := tr[0], tr[1]
			a, lda, b, ldb, c0, ldc := operands[F](rng, tA, tB, m, n, k, 3)
			for _, beta := range []F{0, 0.5} {
				alpha := F(1.25)
				full := append([]F(nil), c0...)
				Gemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, full, ldc)

				// One row at a time (M = 1), at every row.
				for i := range m {
					ai := a[i:] // row i of op(A) = Aᵀ is column i of A
					if !tA {
						ai = a[i*lda:]
					}
					row := append([]F(nil), c0[i*ldc:i*ldc+n]...)
					Gemm(tA, tB, 1, n, k, alpha, ai, lda, b, ldb, beta, row, n)
					if j, ok := sameBits(row, full[i*ldc:i*ldc+n]); !ok {
						t.Fatalf("m=%d n=%d k=%d tA=%v tB=%v beta=%v: row %d alone differs at column %d", m, n, k, tA, tB, beta, i, j)
					}
				}

				// Column ranges (N smaller, shifted off the tile grid).
				for _, j0 := range []int{1, n / 3} {
					nn := min(n-j0, 1+rng.IntN(n))
					bj := b[j0:]
					if tB { // columns of op(B) = Bᵀ are rows of B
						bj = b[j0*ldb:]
					}
					c := append([]F(nil), c0[j0:]...)
					Gemm(tA, tB, m, nn, k, alpha, a, lda, bj, ldb, beta, c, ldc)
					for i := range m {
						if j, ok := sameBits(c[i*ldc:i*ldc+nn], full[i*ldc+j0:i*ldc+j0+nn]); !ok {
							t.Fatalf("m=%d n=%d k=%d tA=%v tB=%v beta=%v: columns [%d,%d) alone differ at (%d,%d)", m, n, k, tA, tB, beta, j0, j0+nn, i, j0+j)
						}
					}
				}
			}
		}
	}
}

func sameBits[F Float](got, want []F) (int, bool) {
	for i := range want {
		// Compare as bits; NaN never appears here.
		if got[i] != want[i] {
			return i, false
		}
	}
	return -1, true
}

// Data-parallel workers call Gemm at once, each with its own operands: each
// must get the result it would get alone (workspaces are not shared).
func TestConcurrentCallers(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	type call struct {
		a, b, c, want []float32
		lda, ldb, ldc int
		m, n, k       int
	}
	calls := make([]call, 6)
	for i := range calls {
		m, n, k := 40+rng.IntN(200), 40+rng.IntN(300), 100+rng.IntN(400)
		a, lda, b, ldb, c, ldc := operands[float32](rng, false, true, m, n, k, 0)
		want := append([]float32(nil), c...)
		Gemm(false, true, m, n, k, 1, a, lda, b, ldb, 0, want, ldc)
		calls[i] = call{a, b, c, want, lda, ldb, ldc, m, n, k}
	}
	done := make(chan error)
	for g := range calls {
		go func() {
			cl := calls[g]
			for range 5 {
				clear(cl.c)
				Gemm(false, true, cl.m, cl.n, cl.k, 1, cl.a, cl.lda, cl.b, cl.ldb, 0, cl.c, cl.ldc)
				if i, ok := sameBits(cl.c, cl.want); !ok {
					done <- fmt.Errorf("caller %d: C[%d] differs when run concurrently", g, i)
					return
				}
			}
			done <- nil
		}()
	}
	for range calls {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestBandedRowsAgree checks that a product whose C is large enough to be
// computed in bands of rows (see config.serial) gives the same bits as the
// same rows computed a few at a time, unbanded.
func TestBandedRowsAgree(t *testing.T) {
	const m, n, k = 8400, 256, 300 // C 8.6 MB > minBandedC, bands of 2048 rows
	a, lda, b, ldb, _ := benchOperands[float32](true, false, m, k, n)
	for i := range a {
		a[i] = float32(i%13)*0.37 - 1.1
	}
	c := make([]float32, m*n)
	Gemm(true, false, m, n, k, 1, a, lda, b, ldb, 0, c, n)
	part := make([]float32, 100*n)
	for i0 := 0; i0 < m; i0 += 100 {
		Gemm(true, false, 100, n, k, 1, a[i0:], lda, b, ldb, 0, part, n)
		for i, v := range part {
			if c[i0*n+i] != v {
				t.Fatalf("row %d col %d: banded %v, unbanded %v", i0+i/n, i%n, c[i0*n+i], v)
			}
		}
	}
}

// TestNarrowTilesAgree checks that the narrow kernels for the last strip
// of C give the bits of the full kernel on a zero-padded tile (edge).
func TestNarrowTilesAgree(t *testing.T) {
	cf := active32
	if cf.narrowW == 0 {
		t.Skip("no narrow kernels on this CPU")
	}
	for _, n := range []int{16, 32, 64, 80, 256, 512, 100} {
		for _, beta := range []float32{0, 1} {
			const m, k = 24, 300
			a, lda, b, ldb, _ := benchOperands[float32](false, true, m, k, n)
			for i := range a {
				a[i] = float32(i%11)*0.31 - 1.3
			}
			c0 := make([]float32, m*n)
			for i := range c0 {
				c0[i] = float32(i%3) * 0.7
			}
			c1 := append([]float32(nil), c0...)
			Gemm(false, true, m, n, k, 1.5, a, lda, b, ldb, beta, c0, n)
			w := cf.narrowW
			cf.narrowW = 0
			Gemm(false, true, m, n, k, 1.5, a, lda, b, ldb, beta, c1, n)
			cf.narrowW = w
			for i := range c0 {
				if c0[i] != c1[i] {
					t.Fatalf("n=%d beta=%v [%d]: narrow %v, edge %v", n, beta, i, c0[i], c1[i])
				}
			}
		}
	}
}
