package encoder

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/gradcheck"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// Tiny shapes for the gradient checks: B=2, S=3, H=3, V=7 (E=4), small
// enough for a central difference per element, no two dimensions equal.
const tB, tS, tV = 2, 3, 7

// fixture is an encoder with random upstream gradients rOut (B·S, D) and
// rFinal; loss = Σ rOut ⊙ Out + Σ rFinal ⊙ Final, so they are the gradients
// of Out and Final. Dropout masks come from a fresh rng of a fixed seed, so
// the loss is a pure function of the weights.
type fixture struct {
	e      *Encoder[float64]
	set    *mat.Set[float64]
	w      Work[float64]
	src    []int32
	lens   []int
	rOut   mat.Mat[float64]
	rFinal []float64 // flat over layers, directions, H then C
}

func newFixture(t *testing.T, cfg Config, src []int32, lens []int) *fixture {
	rng := rand.New(rand.NewPCG(11, 2))
	f := &fixture{set: &mat.Set[float64]{}, src: src, lens: lens}
	var err error
	if f.e, err = New(f.set, "encoder", cfg, tV); err != nil {
		t.Fatal(err)
	}
	f.set.Alloc()
	f.set.Init(rng)
	f.rOut = mat.New[float64](tB*tS, cfg.OutDim())
	for i := range f.rOut.Data {
		f.rOut.Data[i] = rng.Float64()*2 - 1
	}
	f.rFinal = make([]float64, 2*cfg.Layers*cfg.Dirs()*tB*cfg.Hidden)
	for i := range f.rFinal {
		f.rFinal[i] = rng.Float64()*2 - 1
	}
	return f
}

func (f *fixture) forward() {
	f.e.Forward(&f.w, f.src, f.lens, tB, tS, rand.New(rand.NewPCG(5, 5)))
}

// finals calls fn on every final state matrix, in a fixed order, with its
// slice of rFinal.
func (f *fixture) finals(fn func(m, dm mat.Mat[float64], r []float64)) {
	off, n := 0, tB*f.e.Cfg.Hidden
	for l := range f.w.Final {
		for d := range f.w.Final[l] {
			fn(f.w.Final[l][d].H, f.w.DFinal[l][d].H, f.rFinal[off:off+n])
			fn(f.w.Final[l][d].C, f.w.DFinal[l][d].C, f.rFinal[off+n:off+2*n])
			off += 2 * n
		}
	}
}

func (f *fixture) loss() float64 {
	f.forward()
	s := 0.0
	for i, v := range f.w.Out.Data {
		s += f.rOut.Data[i] * v
	}
	f.finals(func(m, _ mat.Mat[float64], r []float64) {
		for i, v := range m.Data {
			s += r[i] * v
		}
	})
	return s
}

func (f *fixture) backward() {
	f.forward()
	copy(f.w.DOut.Data, f.rOut.Data)
	f.finals(func(_, dm mat.Mat[float64], r []float64) { copy(dm.Data, r) })
	f.e.Backward(&f.w)
}

func testConfig(kind cell.Kind, layers int, bidir bool, dropout float64) Config {
	return Config{Cell: kind, Layers: layers, Bidirectional: bidir, Emb: 4, Hidden: 3, Dropout: dropout}
}

// ragged is a batch whose second sentence has one token and two pads.
var (
	raggedSrc  = []int32{4, 5, 6, 3, PadID, PadID}
	raggedLens = []int{3, 1}
)

// withInOut returns cfg with embedding dropout emb and output dropout out.
func withInOut(cfg Config, emb, out float64) Config {
	cfg.EmbDropout, cfg.OutDropout = &emb, out
	return cfg
}

// dropsSome fails t unless mask drops some elements and keeps others, so
// that a check with it sees both kinds.
func dropsSome(t *testing.T, name string, mask []float64) {
	t.Helper()
	zeros := 0
	for _, m := range mask {
		if m == 0 {
			zeros++
		}
	}
	if zeros == 0 || zeros == len(mask) {
		t.Fatalf("%s mask drops %d of %d", name, zeros, len(mask))
	}
}

func TestGradients(t *testing.T) {
	for _, kind := range cell.Kinds {
		for _, tc := range []struct {
			name     string
			layers   int
			bidir    bool
			dropout  float64
			emb, out float64 // EmbDropout, OutDropout
		}{
			{"bi2-dropout", 2, true, 0.3, 0, 0},
			{"uni1", 1, false, 0, 0, 0},
			// One layer, where only the embedding and output dropouts act.
			{"bi1-emb-out", 1, true, 0.3, 0.25, 0.4},
			{"bi2-all", 2, true, 0.3, 0.25, 0.4},
		} {
			t.Run(string(kind)+"/"+tc.name, func(t *testing.T) {
				cfg := withInOut(testConfig(kind, tc.layers, tc.bidir, tc.dropout), tc.emb, tc.out)
				f := newFixture(t, cfg, raggedSrc, raggedLens)
				f.backward()
				if tc.emb > 0 {
					dropsSome(t, "embedding", f.w.xMask)
					dropsSome(t, "output", f.w.outMask)
				}
				for _, p := range f.set.List {
					if err := gradcheck.Check(p.Name, p.W.Data, p.G.Data, f.loss, gradcheck.Options{}); err != nil {
						t.Error(err)
					}
				}
			})
		}
	}
}

// TestPaddingGetsNoGradient: a token placed only at a padded position and
// the output gradient at padded rows change nothing — not the outputs, not a
// single gradient bit — and padded output rows are zero.
func TestPaddingGetsNoGradient(t *testing.T) {
	for _, kind := range cell.Kinds {
		for _, cfg := range []Config{testConfig(kind, 2, true, 0), withInOut(testConfig(kind, 1, true, 0), 0.25, 0.4)} {
			testPaddingGetsNoGradient(t, kind, cfg)
		}
	}
}

// testPaddingGetsNoGradient compares a batch with one whose padded
// positions hold other tokens; with dropout, both draw the same masks.
func testPaddingGetsNoGradient(t *testing.T, kind cell.Kind, cfg Config) {
	name := fmt.Sprintf("%s/layers%d/emb%g/out%g", kind, cfg.Layers, cfg.InputDropout(), cfg.OutDropout)
	clean := newFixture(t, cfg, raggedSrc, raggedLens)
	dirty := newFixture(t, cfg, []int32{4, 5, 6, 3, 1, 2}, raggedLens) // ids 1, 2 only in padding
	for _, f := range []*fixture{clean, dirty} {
		f.backward()
	}
	for b := 0; b < tB; b++ {
		for s := raggedLens[b]; s < tS; s++ {
			for _, v := range clean.w.Out.Row(b*tS + s) {
				if v != 0 {
					t.Fatalf("%s: padded output (%d,%d) is %v", name, b, s, v)
				}
			}
		}
	}
	for i := range clean.w.Out.Data {
		if clean.w.Out.Data[i] != dirty.w.Out.Data[i] {
			t.Fatalf("%s: output %d depends on padded tokens", name, i)
		}
	}
	for i := range clean.set.G {
		if clean.set.G[i] != dirty.set.G[i] {
			t.Fatalf("%s: gradient %d depends on padding", name, i)
		}
	}
	emb := clean.e.Emb.W.G
	for _, id := range []int{1, 2} {
		for _, v := range emb.Row(id) {
			if v != 0 {
				t.Fatalf("%s: embedding row %d (unused) has gradient %v", name, id, v)
			}
		}
	}
}

// TestEvalIgnoresDropout: without an rng, an encoder with every dropout on
// gives bit for bit the outputs and final states of one without dropout
// and the same weights; with one, the embedding and output dropouts change
// the outputs of a one-layer encoder.
func TestEvalIgnoresDropout(t *testing.T) {
	for _, kind := range cell.Kinds {
		plain := newFixture(t, testConfig(kind, 1, true, 0), raggedSrc, raggedLens)
		drop := newFixture(t, withInOut(testConfig(kind, 1, true, 0.3), 0.25, 0.4), raggedSrc, raggedLens)
		plain.e.Forward(&plain.w, raggedSrc, raggedLens, tB, tS, nil)
		drop.e.Forward(&drop.w, raggedSrc, raggedLens, tB, tS, nil)
		same := func(what string, a, b []float64) {
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("%s: evaluation %s %d is %v with dropout configured, %v without", kind, what, i, b[i], a[i])
				}
			}
		}
		same("output", plain.w.Out.Data, drop.w.Out.Data)
		for d := range plain.w.Final[0] {
			same("final state", plain.w.Final[0][d].H.Data, drop.w.Final[0][d].H.Data)
		}
		drop.forward()
		differs := false
		for i := range plain.w.Out.Data {
			differs = differs || plain.w.Out.Data[i] != drop.w.Out.Data[i]
		}
		if !differs {
			t.Fatalf("%s: training outputs equal evaluation outputs at emb_dropout 0.25, out_dropout 0.4", kind)
		}
	}
}

// TestTrainStepAllocatesNothing: with every dropout on, a steady-state
// training Forward and Backward allocate nothing.
func TestTrainStepAllocatesNothing(t *testing.T) {
	f := newFixture(t, withInOut(testConfig(cell.LSTM, 2, true, 0.3), 0.25, 0.4), raggedSrc, raggedLens)
	rng := rand.New(rand.NewPCG(5, 5))
	step := func() {
		f.e.Forward(&f.w, f.src, f.lens, tB, tS, rng)
		copy(f.w.DOut.Data, f.rOut.Data)
		f.e.Backward(&f.w)
	}
	step()
	if n := testing.AllocsPerRun(5, step); n != 0 {
		t.Fatalf("%v allocations per step", n)
	}
}

// TestBackwardTwiceDoubles: Backward adds into the gradients.
func TestBackwardTwiceDoubles(t *testing.T) {
	f := newFixture(t, testConfig(cell.LSTM, 2, true, 0.3), raggedSrc, raggedLens)
	f.backward()
	once := append([]float64(nil), f.set.G...)
	f.backward()
	for i, g := range f.set.G {
		if d := g - 2*once[i]; d > 1e-12 || d < -1e-12 {
			t.Fatalf("gradient %d is %v after two calls, want 2·%v", i, g, once[i])
		}
	}
}

func TestParamNames(t *testing.T) {
	var set mat.Set[float32]
	if _, err := New(&set, "encoder", testConfig(cell.GRU, 2, true, 0), tV); err != nil {
		t.Fatal(err)
	}
	want := []string{"encoder.embedding.weight",
		"encoder.layers.0.fwd.W_ih", "encoder.layers.0.fwd.W_hh", "encoder.layers.0.fwd.b_ih", "encoder.layers.0.fwd.b_hh",
		"encoder.layers.0.bwd.W_ih", "encoder.layers.0.bwd.W_hh", "encoder.layers.0.bwd.b_ih", "encoder.layers.0.bwd.b_hh",
		"encoder.layers.1.fwd.W_ih"}
	for i, w := range want {
		if set.List[i].Name != w {
			t.Errorf("param %d is %q, want %q", i, set.List[i].Name, w)
		}
	}
	if got := set.List[9].W.Cols; got != 6 {
		t.Errorf("layer 1 W_ih has %d columns, want 2H = 6", got)
	}
}

func TestValidate(t *testing.T) {
	one := 1.0
	bad := Config{Cell: "lstmm", Layers: 0, Emb: 1, Hidden: 1, Dropout: 1, EmbDropout: &one, OutDropout: -0.1}
	if errs := bad.Validate(); len(errs) != 5 {
		t.Fatalf("got %v, want 5 errors (cell, layers, dropout, emb_dropout, out_dropout)", errs)
	}
	if errs := DefaultConfig().Validate(); len(errs) != 0 {
		t.Fatal(errs)
	}
}
