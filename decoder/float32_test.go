package decoder

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/s2s-nmt/s2s/internal/mat"
)

// TestFloat32 runs the float32 instantiation that training uses and checks
// its loss against the float64 one on the same weights and batch.
func TestFloat32(t *testing.T) {
	c := testConfigs()[0]
	f := newFixture(t, c.cfg)
	d, enc, ps := fixture32(t, f, c.cfg)
	g := Grads[float32]{Out: mat.New[float32](tB*tS, 4), Final: []mat.Mat[float32]{mat.New[float32](tB, 2), mat.New[float32](tB, 2)}}
	var w32 Work[float32]
	var w64 Work[float64]
	l32, _ := d.Forward(&w32, enc, f.tgt, Options{Rng: rand.New(rand.NewPCG(1, 2))})
	l64, _ := f.d.Forward(&w64, f.enc, f.tgt, Options{Rng: rand.New(rand.NewPCG(1, 2))})
	if math.Abs(l32-l64) > 1e-5*math.Abs(l64) {
		t.Errorf("float32 loss %g, float64 loss %g", l32, l64)
	}
	d.Backward(&w32, enc, g, scale)
	for _, v := range ps.G {
		if math.IsNaN(float64(v)) {
			t.Fatal("NaN gradient")
		}
	}
}
