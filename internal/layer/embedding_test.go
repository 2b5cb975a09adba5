package layer

import (
	"testing"

	"github.com/s2s-nmt/s2s/internal/mat"
)

func TestEmbeddingGrad(t *testing.T) {
	rng := newRNG()
	var ps mat.Set[float64]
	const pad = 0
	e := NewEmbedding(&ps, "emb", 7, 3, pad)
	ps.Alloc()
	ps.Init(rng)
	ids := []int{3, 0, 5, 3, 1} // 3 twice, the pad id once; rows 2, 4, 6 unused
	w := randMat(rng, len(ids), 3)
	x := mat.New[float64](len(ids), 3)
	loss := func() float64 { e.Forward(x, ids); return dotLoss(w.Data, x.Data) }
	backward := func() { e.Backward(w, ids) }
	loss()
	for _, v := range x.Row(1) {
		if v != 0 {
			t.Fatalf("pad id embedded as %v, want zeros", x.Row(1))
		}
	}
	backward()
	for _, r := range []int{pad, 2, 4, 6} {
		for _, g := range e.W.G.Row(r) {
			if g != 0 {
				t.Errorf("row %d (unused or pad) has gradient %v", r, e.W.G.Row(r))
			}
		}
	}
	checkParams(t, &ps, loss)
	twice(t, &ps, backward)
}

// negRows is a Rows whose row i is −i in every column.
type negRows struct{}

func (negRows) Row(dst []float64, i int) {
	for j := range dst {
		dst[j] = -float64(i)
	}
}

// TestEmbeddingQ: with Q set, Forward reads Q's rows (the pad id still
// zero) and needs no storage in W.
func TestEmbeddingQ(t *testing.T) {
	var ps mat.Set[float64]
	e := NewEmbedding(&ps, "emb", 7, 3, 0)
	ps.AllocWeights(func(*mat.Param[float64]) bool { return false })
	e.Q = negRows{}
	x := mat.New[float64](3, 3)
	e.Forward(x, []int{4, 0, 6})
	want := []float64{-4, -4, -4, 0, 0, 0, -6, -6, -6}
	for i, v := range x.Data {
		if v != want[i] {
			t.Fatalf("x = %v, want %v", x.Data, want)
		}
	}
	if e.W.W.Data != nil || len(ps.W) != 0 {
		t.Errorf("W holds %d values", len(ps.W))
	}
}
