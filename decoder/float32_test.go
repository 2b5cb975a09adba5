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
	var ps mat.Set[float32]
	d, err := New(&ps, "decoder", c.cfg, tV, 4, 4, pad)
	if err != nil {
		t.Fatal(err)
	}
	ps.Alloc()
	for i, v := range f.ps.W {
		ps.W[i] = float32(v)
	}
	to32 := func(m mat.Mat[float64]) mat.Mat[float32] {
		r := mat.New[float32](m.Rows, m.Cols)
		for i, v := range m.Data {
			r.Data[i] = float32(v)
		}
		return r
	}
	enc := Encoded[float32]{Out: to32(f.enc.Out), Lens: f.enc.Lens, S: f.enc.S,
		Final: []mat.Mat[float32]{to32(f.enc.Final[0]), to32(f.enc.Final[1])}}
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
