package layer

import (
	"testing"

	"github.com/s2s-nmt/s2s/internal/mat"
)

// Shapes of the attention checks: B=2 sentences, S=3 positions with lengths
// 3 and 2 (ragged), N=4 query rows.
const (
	attB, attS, attN = 2, 3, 4
	attHq, attA      = 3, 5
)

func TestAttentionGrad(t *testing.T) {
	for _, kind := range []AttentionKind{Bahdanau, Dot, General} {
		for _, rows := range [][]int{nil, {1, 0, 1, 1}} {
			name := string(kind) + map[bool]string{true: "/rows=nil", false: "/rows=map"}[rows == nil]
			t.Run(name, func(t *testing.T) { testAttention(t, kind, rows) })
		}
	}
}

func testAttention(t *testing.T, kind AttentionKind, rows []int) {
	c := 4
	if kind == Dot {
		c = attHq
	}
	rng := newRNG()
	var ps mat.Set[float64]
	at := NewAttention(&ps, "att", kind, attHq, c, attA)
	ps.Alloc()
	ps.Init(rng)
	h := randMat(rng, attB*attS, c)
	q := randMat(rng, attN, attHq)
	w := randMat(rng, attN, c)
	m := Memory[float64]{H: h, Lens: []int{3, 2}, S: attS}
	k := mat.New[float64](attB*attS, at.KeyDim(c))
	ctx := mat.New[float64](attN, c)
	var tr AttnTrace[float64]
	tr.Resize(at, attN, attS)
	loss := func() float64 {
		m.K = at.Keys(k, h)
		at.Forward(&tr, ctx, q, m, rows)
		return dotLoss(w.Data, ctx.Data)
	}
	dq := mat.New[float64](attN, attHq)
	dh := mat.New[float64](attB*attS, c)
	dk := mat.New[float64](attB*attS, at.KeyDim(c))
	backward := func() {
		dk.Zero()
		at.Backward(&tr, dq, dk, dh, w, q, m, rows)
		at.KeysBackward(dh, dk, h)
	}
	loss()
	backward()
	for n := 0; n < attN; n++ {
		if b := memRow(rows, n, attB); b == 1 && tr.Alpha.At(n, 2) != 0 {
			t.Errorf("row %d: weight %g at a padded position", n, tr.Alpha.At(n, 2))
		}
	}
	for j, g := range dh.Row(1*attS + 2) {
		if g != 0 {
			t.Errorf("padded memory position has gradient %g at %d", g, j)
		}
	}
	checkParams(t, &ps, loss)
	check(t, "q", q.Data, append([]float64(nil), dq.Data...), loss)
	check(t, "h", h.Data, append([]float64(nil), dh.Data...), loss)
	twice(t, &ps, backward)
}
