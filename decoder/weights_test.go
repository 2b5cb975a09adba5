package decoder

import (
	"math"
	"slices"
	"testing"

	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// fixture32 is f's decoder, batch and parameters in float32.
func fixture32(t *testing.T, f *fixture, cfg Config) (*Decoder[float32], Encoded[float32], *mat.Set[float32]) {
	t.Helper()
	ps := &mat.Set[float32]{}
	d, err := New(ps, "decoder", cfg, tV, f.enc.Out.Cols, 4, pad)
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
	return d, Encoded[float32]{Out: to32(f.enc.Out), Lens: f.enc.Lens, S: f.enc.S,
		Final: []mat.Mat[float32]{to32(f.enc.Final[0]), to32(f.enc.Final[1])}}, ps
}

// stepGold runs the gold target through Step and returns every step's
// log-probabilities, concatenated.
func stepGold(d *Decoder[float32], enc Encoded[float32], tgt Target) []float32 {
	var (
		m         Memory[float32]
		cur, next State[float32]
		sw        StepWork[float32]
		tok       = make([]int32, tB)
		all       []float32
	)
	d.Prepare(&m, enc)
	d.InitState(&cur, enc)
	for s := 0; s < tT; s++ {
		for b := range tB {
			tok[b] = tgt.In[b*tT+s]
		}
		all = append(all, d.Step(&sw, &next, &cur, tok, &m, nil).Data...)
		cur, next = next, cur
	}
	return all
}

// TestStepInt8 steps every configuration's decoder with int8 StepWeights:
// the log-probabilities stay within 0.05 of fp32's (twice the largest
// difference seen, 0.025, with tied embeddings and no attention), and
// every int8 kernel gives the same bits.
func TestStepInt8(t *testing.T) {
	for _, c := range testConfigs() {
		if c.cfg.Dropout > 0 || c.sample > 0 {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, c.cfg)
			d, enc, _ := fixture32(t, f, c.cfg)
			want := stepGold(d, enc, f.tgt)
			d.StepW = QuantizeInt8(d)
			var first []float32
			for _, k := range gemm.KernelsInt8() {
				prev, _ := gemm.SetKernelInt8(k)
				got := stepGold(d, enc, f.tgt)
				gemm.SetKernelInt8(prev)
				if first == nil {
					first = got
				} else if !slices.Equal(got, first) {
					t.Errorf("kernel %s: other bits than kernel %s", k, gemm.KernelsInt8()[0])
				}
			}
			for i, x := range first {
				if d := math.Abs(float64(x - want[i])); !(d < 0.05) {
					t.Fatalf("log-prob %d: int8 %v, fp32 %v", i, x, want[i])
				}
			}
		})
	}
}

// TestStepMatricesNames checks the names and order of StepMatrices, which
// a quantized model file stores its tensors under.
func TestStepMatricesNames(t *testing.T) {
	cs := testConfigs()
	for _, i := range []int{2, 5} { // lstm-general-inputfeed-2layers, lstm-bahdanau-tied-2layers
		f := newFixture(t, cs[i].cfg)
		var names []string
		for _, m := range f.d.StepMatrices() {
			names = append(names, m.Name)
		}
		want := map[int][]string{
			2: {"decoder.layers.0.W_ih", "decoder.layers.0.W_hh", "decoder.layers.1.W_ih", "decoder.layers.1.W_hh",
				"decoder.att_vector.weight", "decoder.output.weight"},
			5: {"decoder.layers.0.W_ih", "decoder.layers.0.W_hh", "decoder.layers.1.W_ih", "decoder.layers.1.W_hh",
				"decoder.attention.query_layer.weight", "decoder.att_vector.weight", "decoder.embedding.weight"},
		}[i]
		if !slices.Equal(names, want) {
			t.Errorf("%s: %q, want %q", cs[i].name, names, want)
		}
	}
}

// TestInt8NoAllocs: in steady state an int8 search step allocates
// nothing, as an fp32 one (TestNoAllocs).
func TestInt8NoAllocs(t *testing.T) {
	for _, c := range testConfigs() {
		if c.cfg.Dropout > 0 || c.sample > 0 {
			continue
		}
		f := newFixture(t, c.cfg)
		d, enc, _ := fixture32(t, f, c.cfg)
		d.StepW = QuantizeInt8(d)
		var (
			m         Memory[float32]
			cur, next State[float32]
			sw        StepWork[float32]
		)
		tok := []int32{1, 1}
		step := func() {
			d.Prepare(&m, enc)
			d.InitState(&cur, enc)
			d.Step(&sw, &next, &cur, tok, &m, nil)
			cur.Gather(&next, []int{1, 0})
		}
		step()
		if n := testing.AllocsPerRun(5, step); n != 0 {
			t.Errorf("%s: an int8 search step allocates %v times", c.name, n)
		}
	}
}
