package model

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/s2s-nmt/s2s/internal/cell"
)

// torchGolden is what scripts/torchref-golden.py wrote from PyTorch: the
// weights of the PyTorch reference model (RefConfig) under s2s's names, one
// batch, and PyTorch's loss and gradients (float64).
type torchGolden struct {
	About  string
	RawSrc [][]int32 `json:"src"`
	RawIn  [][]int32 `json:"tgt_in"`
	RawOut [][]int32 `json:"tgt_out"`
	Loss   float64
	Params map[string]struct {
		Shape        []int
		Weight, Grad []float64
	}
}

// TestMatchesPyTorch loads PyTorch's weights into the reference
// configuration and checks that s2s computes the same loss and the same
// gradient for every parameter: the architecture is exactly the reference's.
func TestMatchesPyTorch(t *testing.T) {
	for _, kind := range []cell.Kind{cell.GRU, cell.LSTM} {
		t.Run(string(kind), func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "torchref", string(kind)+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var g torchGolden
			if err := json.Unmarshal(b, &g); err != nil {
				t.Fatal(err)
			}
			sh := RefShape{Emb: 4, Hidden: 3, DecHidden: 5, Vocab: 11}
			m, err := New[float64](RefConfig(sh, kind), sh.Vocab, sh.Vocab, rand.New(rand.NewPCG(1, 1)))
			if err != nil {
				t.Fatal(err)
			}
			set := m.Params()
			if len(set.List) != len(g.Params) {
				t.Fatalf("s2s has %d parameters, PyTorch %d", len(set.List), len(g.Params))
			}
			for _, p := range set.List {
				tp, ok := g.Params[p.Name]
				if !ok || len(tp.Weight) != len(p.W.Data) {
					t.Fatalf("parameter %s (%d×%d) has no PyTorch counterpart of that size", p.Name, p.W.Rows, p.W.Cols)
				}
				copy(p.W.Data, tp.Weight)
			}
			batch := torchBatch(g.RawSrc, g.RawIn, g.RawOut)
			ws := m.NewWorkspace()
			sum, n := m.Loss(ws, batch, 1/float64(batch.Tokens()), Options{})
			if loss := sum / float64(n); math.Abs(loss-g.Loss) > 1e-12 {
				t.Errorf("loss %.17g, PyTorch %.17g", loss, g.Loss)
			}
			for _, p := range set.List {
				want := g.Params[p.Name].Grad
				for i, v := range p.G.Data {
					if math.Abs(v-want[i]) > 1e-12*math.Max(1, math.Abs(want[i])) {
						t.Errorf("%s[%d]: gradient %.17g, PyTorch %.17g", p.Name, i, v, want[i])
						break
					}
				}
			}
		})
	}
}

// torchBatch lays out the reference's fixed-length batch: every target token
// counts (no EOS, no padding).
func torchBatch(src, in, out [][]int32) *Batch {
	B, S, T := len(src), len(src[0]), len(in[0])
	b := &Batch{B: B, S: S, T: T}
	for i := range B {
		b.Src = append(b.Src, src[i]...)
		b.TgtIn = append(b.TgtIn, in[i]...)
		b.TgtOut = append(b.TgtOut, out[i]...)
		b.SrcLen = append(b.SrcLen, S)
		b.TgtLen = append(b.TgtLen, T)
	}
	return b
}
