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
