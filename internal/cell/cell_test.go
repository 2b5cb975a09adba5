package cell

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/s2s-nmt/s2s/internal/gradcheck"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// Tiny shapes for gradient checks (B=2, H=3).
const tB, tIn, tH = 2, 4, 3

func randMat(rng *rand.Rand, r, c int) mat.Mat[float64] {
	m := mat.New[float64](r, c)
	for i := range m.Data {
		m.Data[i] = rng.Float64()*2 - 1
	}
	return m
}

// fixture is one cell with random inputs, previous state and upstream
// gradients; loss = Σ dh ⊙ h' + Σ dc ⊙ c' makes dh, dc the gradients of h', c'.
type fixture struct {
	c                       *Cell[float64]
	set                     *mat.Set[float64]
	x, hPrev, cPrev, dh, dc mat.Mat[float64]
}

func newFixture(kind Kind, seed uint64) *fixture {
	rng := rand.New(rand.NewPCG(seed, 1))
	f := &fixture{set: &mat.Set[float64]{}}
	f.c = New(f.set, "l", kind, tIn, tH)
	f.set.Alloc()
	f.set.Init(rng)
	f.x, f.hPrev, f.cPrev = randMat(rng, tB, tIn), randMat(rng, tB, tH), randMat(rng, tB, tH)
	f.dh, f.dc = randMat(rng, tB, tH), randMat(rng, tB, tH)
	return f
}

func (f *fixture) forward() (*Trace[float64], mat.Mat[float64]) {
	gx := mat.New[float64](tB, f.c.GH())
	f.c.Project(gx, f.x)
	tr := &Trace[float64]{}
	tr.Resize(f.c, tB)
	f.c.Step(tr, gx, f.hPrev, f.cPrev)
	return tr, gx
}

func (f *fixture) loss() float64 {
	tr, _ := f.forward()
	s := 0.0
	for i, v := range tr.H.Data {
		s += f.dh.Data[i] * v
	}
	if f.c.Kind.HasC() {
		for i, v := range tr.C.Data {
			s += f.dc.Data[i] * v
		}
	}
	return s
}

// backward returns dx, dhPrev, dcPrev and adds parameter gradients.
func (f *fixture) backward() (dx, dhPrev, dcPrev mat.Mat[float64]) {
	tr, _ := f.forward()
	var sc Scratch[float64]
	sc.Resize(f.c, tB)
	dgx := mat.New[float64](tB, f.c.GH())
	dx, dhPrev, dcPrev = mat.New[float64](tB, tIn), mat.New[float64](tB, tH), mat.New[float64](tB, tH)
	f.c.StepBackward(tr, &sc, f.dh, f.dc, f.hPrev, f.cPrev, dgx, dhPrev, dcPrev)
	f.c.ProjectBackward(dx, dgx, f.x, false)
	return dx, dhPrev, dcPrev
}

func TestGradients(t *testing.T) {
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			f := newFixture(kind, 7)
			dx, dhPrev, dcPrev := f.backward()
			check := func(name string, x, g []float64) {
				if err := gradcheck.Check(name, x, g, f.loss, gradcheck.Options{}); err != nil {
					t.Error(err)
				}
			}
			check("x", f.x.Data, dx.Data)
			check("h_prev", f.hPrev.Data, dhPrev.Data)
			if kind.HasC() {
				check("c_prev", f.cPrev.Data, dcPrev.Data)
			}
			for _, p := range f.set.List {
				check(p.Name, p.W.Data, p.G.Data)
			}
		})
	}
}

// TestBackwardTwiceDoubles: backward adds into gradients and leaves the
// trace intact, so a second call gives twice the gradient (to rounding:
// the GEMM accumulates term by term into the gradient).
func TestBackwardTwiceDoubles(t *testing.T) {
	for _, kind := range Kinds {
		f := newFixture(kind, 3)
		f.backward()
		once := append([]float64(nil), f.set.G...)
		f.backward()
		for i, g := range f.set.G {
			if d := g - 2*once[i]; d > 1e-12 || d < -1e-12 {
				t.Fatalf("%s: gradient %d is %v after two calls, want 2·%v", kind, i, g, once[i])
			}
		}
	}
}

// TestLSTMEmptyDC: an empty dc means zero.
func TestLSTMEmptyDC(t *testing.T) {
	f := newFixture(LSTM, 5)
	tr, _ := f.forward()
	var sc Scratch[float64]
	sc.Resize(f.c, tB)
	run := func(dc mat.Mat[float64]) []float64 {
		dgx := mat.New[float64](tB, f.c.GH())
		f.c.StepBackward(tr, &sc, f.dh, dc, f.hPrev, f.cPrev, dgx, mat.New[float64](tB, tH), mat.New[float64](tB, tH))
		return dgx.Data
	}
	a, b := run(mat.Mat[float64]{}), run(mat.New[float64](tB, tH))
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("empty dc gives %v, zero dc %v", a, b)
	}
}

func TestKind(t *testing.T) {
	for _, tc := range []struct {
		k     Kind
		valid bool
	}{{RNN, true}, {GRU, true}, {LSTM, true}, {"lstmm", false}, {"", false}} {
		if tc.k.Valid() != tc.valid {
			t.Errorf("%q.Valid() = %v", tc.k, !tc.valid)
		}
	}
}
