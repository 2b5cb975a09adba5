package layer

import (
	"testing"

	"github.com/s2s-nmt/s2s/internal/mat"
)

func TestLinearGrad(t *testing.T) {
	for _, bias := range []bool{false, true} {
		t.Run(map[bool]string{false: "nobias", true: "bias"}[bias], func(t *testing.T) {
			rng := newRNG()
			var ps mat.Set[float64]
			l := NewLinear(&ps, "lin", 3, 4, bias)
			ps.Alloc()
			ps.Init(rng)
			x := randMat(rng, 5, 3)
			w := randMat(rng, 5, 4)
			y := mat.New[float64](5, 4)
			loss := func() float64 { l.Forward(y, x); return dotLoss(w.Data, y.Data) }
			dx := mat.New[float64](5, 3)
			backward := func() { l.Backward(dx, w, x) }
			loss()
			backward()
			checkParams(t, &ps, loss)
			check(t, "x", x.Data, append([]float64(nil), dx.Data...), loss)
			twice(t, &ps, backward)
		})
	}
}

// TestLinearCols checks a Linear over the concatenation [x1; x2] computed
// piecewise with ForwardCols and BackwardCols.
func TestLinearCols(t *testing.T) {
	rng := newRNG()
	var ps mat.Set[float64]
	l := NewLinear(&ps, "lin", 5, 4, true)
	ps.Alloc()
	ps.Init(rng)
	x1, x2 := randMat(rng, 3, 2), randMat(rng, 3, 3)
	w := randMat(rng, 3, 4)
	y := mat.New[float64](3, 4)
	loss := func() float64 {
		l.ForwardCols(y, x1, 0, false)
		l.ForwardCols(y, x2, 2, true)
		l.AddBias(y)
		return dotLoss(w.Data, y.Data)
	}
	dx1, dx2 := mat.New[float64](3, 2), mat.New[float64](3, 3)
	loss()
	l.BackwardCols(dx1, w, x1, 0)
	l.BackwardCols(dx2, w, x2, 2)
	l.BiasBackward(w)
	checkParams(t, &ps, loss)
	check(t, "x1", x1.Data, append([]float64(nil), dx1.Data...), loss)
	check(t, "x2", x2.Data, append([]float64(nil), dx2.Data...), loss)
}
