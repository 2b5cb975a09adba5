package model

import (
	"math/rand/v2"
	"testing"

	"github.com/s2s-nmt/s2s/internal/cell"
)

// int8BytesMax is the most an int8 model's weights may hold, as a share
// of its fp32 model's, at the reference's base shape: int8 embeddings and
// decoder matrices (1 byte a weight) beside the fp32 encoder cells, keys,
// bridge and biases come to about 0.3.
const int8BytesMax = 0.35

// TestInt8WeightBytes: at the base shape (RefShapes), a model built for
// int8 search (NewInt8 with QuantizeInt8's tables) holds at most
// int8BytesMax of the weight bytes of its fp32 model, untied and tied,
// and no fp32 storage for what it holds in int8.
func TestInt8WeightBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two base-shape models")
	}
	for _, tied := range []bool{false, true} {
		cfg := RefConfig(RefShapes[0], cell.GRU)
		if tied {
			cfg.Decoder.Emb, cfg.Decoder.TieEmbeddings = cfg.Decoder.Hidden, true
		}
		V := RefShapes[0].Vocab
		fp, err := New[float32](cfg, V, V, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		q, err := NewInt8(cfg, V, V)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range q.Params().List {
			copy(p.W.Data, fp.Params().List[i].W.Data)
		}
		SetInt8(q, QuantizeInt8(fp))
		for _, name := range q.Int8Names() {
			if q.Params().Lookup(name).W.Data != nil {
				t.Errorf("tied %v: %s has fp32 storage", tied, name)
			}
		}
		bf, bq := fp.WeightBytes(), q.WeightBytes()
		if want := 4 * fp.Params().Len(); bf != want {
			t.Errorf("tied %v: fp32 model holds %d weight bytes, want %d", tied, bf, want)
		}
		r := float64(bq) / float64(bf)
		t.Logf("tied %v: weight bytes fp32 %d, int8 %d: ratio %.3f", tied, bf, bq, r)
		if r > int8BytesMax {
			t.Errorf("tied %v: int8 weights are %.3f of fp32's, want ≤ %v", tied, r, int8BytesMax)
		}
	}
}
