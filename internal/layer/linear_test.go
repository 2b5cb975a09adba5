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
