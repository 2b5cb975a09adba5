package mat

import (
	"math/rand/v2"
	"testing"
)

// naive computes op(a)·op(b) by the definition.
func naive(a Mat[float64], tA bool, b Mat[float64], tB bool) Mat[float64] {
	at := func(m Mat[float64], t bool, i, j int) float64 {
		if t {
			return m.At(j, i)
		}
		return m.At(i, j)
	}
	m, k := a.Rows, a.Cols
	if tA {
		m, k = k, m
	}
	n := b.Cols
	if tB {
		n = b.Rows
	}
	c := New[float64](m, n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for l := 0; l < k; l++ {
				s += at(a, tA, i, l) * at(b, tB, l, j)
			}
			c.Data[i*n+j] = s
		}
	}
	return c
}

func random(rng *rand.Rand, r, c int) Mat[float64] {
	m := New[float64](r, c)
	for i := range m.Data {
		m.Data[i] = rng.Float64()*2 - 1
	}
	return m
}

func TestMulTransposes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ m, n, k int }{{1, 1, 1}, {3, 5, 7}, {17, 2, 9}} {
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				a := random(rng, tc.m, tc.k)
				if tA {
					a = random(rng, tc.k, tc.m)
				}
				b := random(rng, tc.k, tc.n)
				if tB {
					b = random(rng, tc.n, tc.k)
				}
				want := naive(a, tA, b, tB)
				got := New[float64](tc.m, tc.n)
				for i := range got.Data {
					got.Data[i] = 1
				}
				Mul(got, a, tA, b, tB, 2, 0.5) // 2·ab + 0.5
				for i := range got.Data {
					if d := got.Data[i] - (2*want.Data[i] + 0.5); d > 1e-12 || d < -1e-12 {
						t.Fatalf("%v tA=%v tB=%v: element %d off by %g", tc, tA, tB, i, d)
					}
				}
			}
		}
	}
}

func TestSetInitDeterministic(t *testing.T) {
	build := func() *Set[float32] {
		var s Set[float32]
		s.Add("a", 3, 4, Uniform, InvSqrt(4))
		s.Add("b", 1, 4, Normal, 1)
		s.Alloc()
		s.Init(rand.New(rand.NewPCG(7, 7)))
		return &s
	}
	x, y := build(), build()
	for i := range x.W {
		if x.W[i] != y.W[i] {
			t.Fatalf("weight %d differs: %v vs %v", i, x.W[i], y.W[i])
		}
	}
	if x.List[1].W.Data[0] != x.W[12] {
		t.Fatal("second parameter is not a view at offset 12 of the slab")
	}
}
