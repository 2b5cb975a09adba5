package layer

import (
	"testing"

	"github.com/s2s-nmt/s2s/internal/mat"
)

func TestDropoutGrad(t *testing.T) {
	rng := newRNG()
	d := Dropout[float64]{P: 0.4}
	x := randMat(rng, 4, 5)
	w := randMat(rng, 4, 5)
	y := mat.New[float64](4, 5)
	mask := make([]float64, 20)
	d.Forward(y.Data, x.Data, mask, rng)
	dropped := 0
	for i, m := range mask {
		if m == 0 {
			dropped++
		} else if m != 1/(1-0.4) || y.Data[i] != x.Data[i]*m {
			t.Fatalf("element %d: mask %g, y %g, x %g", i, m, y.Data[i], x.Data[i])
		}
	}
	if dropped == 0 || dropped == 20 {
		t.Fatalf("%d of 20 dropped at P=0.4", dropped)
	}
	// The loss reuses the drawn mask, as backward does.
	loss := func() float64 {
		for i := range y.Data {
			y.Data[i] = x.Data[i] * mask[i]
		}
		return dotLoss(w.Data, y.Data)
	}
	dx := mat.New[float64](4, 5)
	d.Backward(dx.Data, w.Data, mask)
	check(t, "x", x.Data, append([]float64(nil), dx.Data...), loss)
	once := append([]float64(nil), dx.Data...)
	d.Backward(dx.Data, w.Data, mask)
	for i := range once {
		if dx.Data[i] != 2*once[i] {
			t.Fatalf("second backward: %g, want %g", dx.Data[i], 2*once[i])
		}
	}
}
