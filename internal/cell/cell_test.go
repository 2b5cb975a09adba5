package cell

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/internal/gradcheck"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// Tiny shapes for gradient checks: T steps of a batch of B, input width
// In, hidden H; small enough that a central difference per element is
// cheap, and B, H ≥ 2 so that rows and columns cannot be confused.
const tT, tB, tIn, tH = 3, 2, 4, 3

// seq runs a cell over T steps exactly as the encoder and decoder train
// it: one Project for all steps, Step per step (W_hhᵀ packed when
// packed), StepBackward per step into one GateGrads (W_hh packed when
// packed), then one RecurrentGrad for steps 1…T−1, one for step 0 (from
// the zero state when zeroStart) and one ProjectBackward. Its loss is
// Σ wh ⊙ h_t over all steps + Σ wc ⊙ c_T (LSTM), so wh and wc are the
// upstream gradients.
type seq[F mat.Float] struct {
	c                 *Cell[F]
	set               *mat.Set[F]
	T, B              int
	packed, zeroStart bool

	x, h0, c0, wh, wc mat.Mat[F] // x (T·B, In), the rest (B, H) but wh (T·B, H)
	gx, hs            mat.Mat[F] // (T·B, G·H), (T·B, H)
	tr                []Trace[F]
	g                 GateGrads[F]
	whh, whhB         gemm.Packed[F]
}

func newSeq[F mat.Float](kind Kind, T, B, in, H int, packed, zeroStart bool, seed uint64) *seq[F] {
	rng := rand.New(rand.NewPCG(seed, 1))
	s := &seq[F]{set: &mat.Set[F]{}, T: T, B: B, packed: packed, zeroStart: zeroStart}
	s.c = New(s.set, "l", kind, in, H)
	s.set.Alloc()
	s.set.Init(rng)
	s.x, s.wh = randMat[F](rng, T*B, in), randMat[F](rng, T*B, H)
	s.h0, s.c0, s.wc = randMat[F](rng, B, H), randMat[F](rng, B, H), randMat[F](rng, B, H)
	if zeroStart {
		s.h0.Zero()
		s.c0.Zero()
	}
	s.gx, s.hs = mat.New[F](T*B, s.c.GH()), mat.New[F](T*B, H)
	s.tr = make([]Trace[F], T)
	for t := range s.tr {
		s.tr[t].H = s.hs.Slice(t*B, (t+1)*B)
		s.tr[t].Resize(s.c, B)
	}
	s.g.Resize(s.c, T*B)
	return s
}

// prev returns the state before step t.
func (s *seq[F]) prev(t int) (h, c mat.Mat[F]) {
	if t == 0 {
		return s.h0, s.c0
	}
	return s.tr[t-1].H, s.tr[t-1].C
}

func (s *seq[F]) forward() {
	s.c.Project(s.gx, s.x)
	var whh gemm.PackedB[F]
	if s.packed {
		s.c.PackRecurrent(&s.whh)
		whh = &s.whh
	}
	for t := range s.T {
		hp, cp := s.prev(t)
		s.c.Step(&s.tr[t], StepIn[F]{Gx: s.gx.Slice(t*s.B, (t+1)*s.B), HPrev: hp, CPrev: cp, Whh: whh})
	}
}

func (s *seq[F]) loss() float64 {
	s.forward()
	sum := 0.0
	for i, v := range s.hs.Data {
		sum += float64(s.wh.Data[i] * v)
	}
	if s.c.Kind.HasC() {
		for i, v := range s.tr[s.T-1].C.Data {
			sum += float64(s.wc.Data[i] * v)
		}
	}
	return sum
}

// backward returns dx, dh0 and dc0 and adds the parameter gradients. It
// reads the traces of the last forward.
func (s *seq[F]) backward() (dx, dh0, dc0 mat.Mat[F]) {
	B, H, N := s.B, s.c.Hidden, s.T*s.B
	var whhB gemm.PackedB[F]
	if s.packed {
		s.c.PackRecurrentBackward(&s.whhB)
		whhB = &s.whhB
	}
	dh, dhp, dc, dcp := mat.New[F](B, H), mat.New[F](B, H), mat.Mat[F]{}, mat.Mat[F]{}
	if s.c.Kind.HasC() {
		dc, dcp = mat.New[F](B, H), mat.New[F](B, H)
		copy(dc.Data, s.wc.Data)
	}
	for t := s.T - 1; t >= 0; t-- {
		for i, v := range s.wh.Slice(t*B, (t+1)*B).Data {
			dh.Data[i] += v
		}
		hp, cp := s.prev(t)
		s.c.StepBackward(&s.tr[t], StepIn[F]{HPrev: hp, CPrev: cp}, StepGrads[F]{
			DH: dh, DC: dc, Gates: s.g.Rows(t*B, (t+1)*B), DHPrev: dhp, DCPrev: dcp, Whh: whhB})
		dh, dhp, dc, dcp = dhp, dh, dcp, dc
	}
	s.c.RecurrentGrad(s.g.Rows(B, N), s.hs.Slice(0, N-B))
	h0 := s.h0
	if s.zeroStart {
		h0 = mat.Mat[F]{}
	}
	s.c.RecurrentGrad(s.g.Rows(0, B), h0)
	dx = mat.New[F](N, s.c.In)
	s.c.ProjectBackward(dx, s.g.DGx, s.x, false)
	return dx, dh, dc
}

// variants are the production paths a gradient check runs: W_hh packed or
// not, the first step from a given state or from the zero state.
var variants = []struct {
	name              string
	packed, zeroStart bool
}{{"unpacked", false, false}, {"packed", true, false}, {"packed/zero-start", true, true}, {"unpacked/zero-start", false, true}}

func TestGradients(t *testing.T) {
	for _, kind := range Kinds {
		for _, v := range variants {
			t.Run(string(kind)+"/"+v.name, func(t *testing.T) {
				s := newSeq[float64](kind, tT, tB, tIn, tH, v.packed, v.zeroStart, 7)
				s.forward()
				dx, dh0, dc0 := s.backward()
				check := func(name string, x, g []float64) {
					if err := gradcheck.Check(name, x, g, s.loss, gradcheck.Options{}); err != nil {
						t.Error(err)
					}
				}
				check("x", s.x.Data, dx.Data)
				if !v.zeroStart {
					check("h0", s.h0.Data, dh0.Data)
					if kind.HasC() {
						check("c0", s.c0.Data, dc0.Data)
					}
				}
				for _, p := range s.set.List {
					check(p.Name, p.W.Data, p.G.Data)
				}
			})
		}
	}
}

// TestBackwardTwiceDoubles: backward adds into gradients and leaves the
// traces intact, so a second call gives twice the gradient (to rounding:
// the GEMM accumulates term by term into the gradient).
func TestBackwardTwiceDoubles(t *testing.T) {
	for _, kind := range Kinds {
		for _, v := range variants {
			s := newSeq[float64](kind, tT, tB, tIn, tH, v.packed, v.zeroStart, 3)
			s.forward()
			s.backward()
			once := slices.Clone(s.set.G)
			s.backward()
			for i, g := range s.set.G {
				if d := g - 2*once[i]; d > 1e-12 || d < -1e-12 {
					t.Fatalf("%s/%s: gradient %d is %v after two calls, want 2·%v", kind, v.name, i, g, once[i])
				}
			}
		}
	}
}

// TestPackedSameBits: the packed W_hh gives the unpacked path's bits,
// forward and backward, in both precisions, at sizes past the kernels'
// register blocks.
func TestPackedSameBits(t *testing.T) {
	for _, kind := range Kinds {
		t.Run(string(kind)+"/f32", func(t *testing.T) { checkPackedSameBits[float32](t, kind) })
		t.Run(string(kind)+"/f64", func(t *testing.T) { checkPackedSameBits[float64](t, kind) })
	}
}

func checkPackedSameBits[F mat.Float](t *testing.T, kind Kind) {
	run := func(packed bool) (hs, dx, dh0, grads []F) {
		s := newSeq[F](kind, 4, 5, 9, 17, packed, false, 11)
		s.forward()
		x, h0, _ := s.backward()
		return s.hs.Data, x.Data, h0.Data, s.set.G
	}
	h1, x1, d1, g1 := run(false)
	h2, x2, d2, g2 := run(true)
	for _, c := range []struct {
		name string
		a, b []F
	}{{"h", h1, h2}, {"dx", x1, x2}, {"dh0", d1, d2}, {"parameter gradients", g1, g2}} {
		if !slices.Equal(c.a, c.b) {
			t.Errorf("%s differs between packed and unpacked W_hh", c.name)
		}
	}
}

// TestLSTMEmptyDC: an empty dc means zero.
func TestLSTMEmptyDC(t *testing.T) {
	s := newSeq[float64](LSTM, 1, tB, tIn, tH, false, false, 5)
	s.forward()
	run := func(dc mat.Mat[float64]) []float64 {
		g := s.g.Rows(0, tB)
		s.c.StepBackward(&s.tr[0], StepIn[float64]{HPrev: s.h0, CPrev: s.c0}, StepGrads[float64]{
			DH: s.wh, DC: dc, Gates: g, DHPrev: mat.New[float64](tB, tH), DCPrev: mat.New[float64](tB, tH)})
		return slices.Clone(g.DGx.Data)
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

// randMat is an r×c matrix of uniform values in [−1, 1).
func randMat[F mat.Float](rng *rand.Rand, r, c int) mat.Mat[F] {
	m := mat.New[F](r, c)
	for i := range m.Data {
		m.Data[i] = F(rng.Float64()*2 - 1)
	}
	return m
}
