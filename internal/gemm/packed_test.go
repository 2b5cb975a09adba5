package gemm

import (
	"math/rand/v2"
	"testing"
)

// GemmPacked (and PackedB.Mul) must give exactly what Gemm gives, whatever
// the shape and the transposes, with one Packed reused across shapes.
func TestGemmPackedMatchesGemm(t *testing.T) {
	useKernels(t, func(t *testing.T) {
		t.Run("f32", checkPacked[float32])
		t.Run("f64", checkPacked[float64])
	})
}

func checkPacked[F Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	var p Packed[F]
	for trial := range 30 {
		m := awkward[rng.IntN(len(awkward))]
		n := awkward[rng.IntN(len(awkward))]
		k := awkward[rng.IntN(len(awkward))]
		if trial%5 == 0 {
			m, n, k = 150+rng.IntN(100), 100+rng.IntN(200), 300+rng.IntN(300)
		}
		tA, tB := rng.IntN(2) == 1, rng.IntN(2) == 1
		a, lda, b, ldb, c, ldc := operands[F](rng, tA, tB, m, n, k, trial%3)
		alpha, beta := F(1), F(0)
		if trial%2 == 1 {
			alpha, beta = 0.5, -1.5
		}
		want := append([]F(nil), c...)
		Gemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc)
		p.Pack(tB, k, n, b, ldb)
		if pk, pn := p.Dims(); pk != k || pn != n {
			t.Fatalf("Dims() = %d, %d, want %d, %d", pk, pn, k, n)
		}
		got := append([]F(nil), c...)
		GemmPacked(tA, m, alpha, a, lda, &p, beta, got, ldc)
		if i, ok := sameBits(got, want); !ok {
			t.Fatalf("tA=%v tB=%v %dx%dx%d: C[%d] = %v, Gemm gives %v", tA, tB, m, k, n, i, got[i], want[i])
		}
		if tA || alpha != 1 {
			continue // PackedB.Mul is A·op(B) + beta·C only
		}
		var pb PackedB[F] = &p
		got = append(got[:0], c...)
		pb.Mul(m, a, lda, beta, got, ldc)
		if i, ok := sameBits(got, want); !ok {
			t.Fatalf("Mul %dx%dx%d: C[%d] = %v, Gemm gives %v", m, k, n, i, got[i], want[i])
		}
	}
}
