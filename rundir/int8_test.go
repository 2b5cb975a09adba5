package rundir_test

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/s2s-nmt/s2s/internal/layer"
	"github.com/s2s-nmt/s2s/internal/manifest"
	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/internal/safetensors"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/s2s-nmt/s2s/rundir/rundirtest"
	"github.com/s2s-nmt/s2s/translate"
)

// quantized writes a tiny fp32 model (with tied embeddings when tied) at
// fp32 and its int8 copy at int8; it returns both opened.
func quantized(t *testing.T, tied bool) (fp, q *model) {
	t.Helper()
	cfg := rundirtest.Config("tiny", 20)
	if tied {
		cfg.Model.Decoder.TieEmbeddings = true
		cfg.Model.Decoder.Emb = cfg.Model.Decoder.Hidden
	}
	rundirtest.Write(t, "fp32", cfg, 3)
	fp, err := open("fp32")
	if err != nil {
		t.Fatal(err)
	}
	if err := rundir.SaveInt8("int8", fp.Config, fp.Src, fp.Tgt, fp.Net, fp.Meta); err != nil {
		t.Fatal(err)
	}
	if q, err = open("int8"); err != nil {
		t.Fatal(err)
	}
	return fp, q
}

// TestInt8LoadEqualsQuantizeAtLoad: a directory SaveInt8 wrote decodes
// bit for bit as its fp32 model quantized at load time (SetPrecision),
// with beam search and greedy search.
func TestInt8LoadEqualsQuantizeAtLoad(t *testing.T) {
	for _, tied := range []bool{false, true} {
		t.Run(map[bool]string{false: "untied", true: "tied"}[tied], func(t *testing.T) {
			t.Chdir(t.TempDir())
			fp, q := quantized(t, tied)
			if q.Precision != rundir.PrecisionInt8 || fp.Precision != rundir.Precision {
				t.Fatalf("precisions %q and %q", fp.Precision, q.Precision)
			}
			if err := fp.SetPrecision(rundir.DecodeInt8); err != nil {
				t.Fatal(err)
			}
			if q.Net.Dec.StepW == nil {
				t.Fatal("the int8 model has no StepWeights")
			}
			rng := rand.New(rand.NewPCG(1, 1))
			var srcs []translate.Source
			for i := range 12 {
				toks := make([]int32, 1+rng.IntN(10))
				for j := range toks {
					toks[j] = int32(4 + rng.IntN(fp.Tgt.VocabSize()-4))
				}
				srcs = append(srcs, translate.Source{Tokens: toks, Line: i})
			}
			for _, opt := range []translate.Options{
				{Mode: translate.Beam, Beam: 4, NBest: 2, Alpha: 1, MaxLenRatio: 2, MaxLenExtra: 3},
				{Mode: translate.Greedy, Beam: 1, NBest: 1, MaxLenRatio: 2, MaxLenExtra: 3},
			} {
				a, err := translate.NewSearcher(fp.Net, opt)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := translate.NewSearcher(q.Net, opt)
				if ha, hb := a.Search(srcs), b.Search(srcs); !reflect.DeepEqual(ha, hb) {
					t.Errorf("mode %v: quantized directory %v\nquantized at load %v", opt.Mode, hb, ha)
				}
			}
			// The fp32 parameters not quantized are stored as they are;
			// the int8 model holds no fp32 copy of the others.
			quant := map[string]bool{}
			for _, name := range q.Net.Int8Names() {
				quant[name] = true
			}
			for i, p := range fp.Params().List {
				w, qw := p.W, q.Params().List[i].W
				if quant[p.Name] != (qw.Data == nil) {
					t.Errorf("%s: int8 %v, fp32 storage %d values", p.Name, quant[p.Name], len(qw.Data))
				} else if !quant[p.Name] && !reflect.DeepEqual(w.Data, qw.Data) {
					t.Errorf("%s changed", p.Name)
				}
			}
			// Embedding rows dequantize within half a step of their scale.
			embs := []struct {
				w mat.Mat[float32]
				q layer.Rows[float32]
			}{{fp.Net.Enc.Emb.W.W, q.Net.Enc.Emb.Q}, {fp.Net.Dec.Embed.W.W, q.Net.Dec.Embed.Q}}
			for _, e := range embs {
				got := make([]float32, e.w.Cols)
				for r := range e.w.Rows {
					e.q.Row(got, r)
					var mx float64
					for _, x := range e.w.Row(r) {
						mx = max(mx, math.Abs(float64(x)))
					}
					for c, x := range e.w.Row(r) {
						if d := math.Abs(float64(x - got[c])); d > mx/127/2*1.001 {
							t.Fatalf("embedding row %d, %d: %v dequantized to %v", r, c, x, got[c])
						}
					}
				}
			}
			if q.Net.WeightBytes() >= fp.Net.WeightBytes() {
				t.Errorf("int8 model holds %d weight bytes, fp32 %d", q.Net.WeightBytes(), fp.Net.WeightBytes())
			}
			if err := q.SetPrecision(rundir.DecodeFP32); err == nil || !strings.Contains(err.Error(), "int8") {
				t.Errorf("fp32 search of an int8 model: %v", err)
			}
		})
	}
}

// TestInt8File checks the layout of an int8 model's weights: each
// quantized matrix I8 with its F32 scales, the rest F32, and the
// manifest's precision.
func TestInt8File(t *testing.T) {
	t.Chdir(t.TempDir())
	_, q := quantized(t, false)
	f, err := safetensors.Open(filepath.Join("int8", rundir.WeightsFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"decoder.layers.0.W_hh", "decoder.output.weight", "decoder.att_vector.weight",
		"encoder.embedding.weight", "decoder.embedding.weight"} {
		in, ok := f.Lookup(name)
		s, okS := f.Lookup(name + rundir.ScaleSuffix)
		if !ok || !okS || in.Dtype != safetensors.I8 || s.Dtype != safetensors.F32 || s.Shape[0] != in.Shape[0] {
			t.Errorf("%s: %+v, scales %+v", name, in, s)
		}
	}
	if in, _ := f.Lookup("encoder.layers.0.fwd.W_ih"); in.Dtype != safetensors.F32 {
		t.Errorf("encoder W_ih stored as %s", in.Dtype)
	}
	m, err := manifest.Read("int8")
	if err != nil || m.Precision != rundir.PrecisionInt8 {
		t.Errorf("manifest precision %q, %v", m.Precision, err)
	}
	if err := q.NeedFP32("average"); err == nil || !strings.Contains(err.Error(), "int8 is an int8 model (s2s quantize): average needs the fp32 weights") {
		t.Errorf("NeedFP32: %v", err)
	}
	if _, err := os.Stat(filepath.Join("int8", rundir.ConfigFile)); err != nil {
		t.Error(err)
	}
}
