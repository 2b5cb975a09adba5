package translate

import (
	"math/rand/v2"
	"testing"

	"github.com/s2s-nmt/s2s/decoder"
	"github.com/s2s-nmt/s2s/encoder"
	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/layer"
	"github.com/s2s-nmt/s2s/model"
)

// benchShape is a model size of the PyTorch reference: embeddings E, encoder
// H per direction (bidirectional GRU), decoder H, vocabulary V (both
// sides).
type benchShape struct {
	name                 string
	emb, enc, dec, vocab int
}

var benchShapes = []benchShape{
	{"small", 128, 128, 256, 8000},
	{"base", 256, 256, 512, 16000},
}

// The PyTorch reference's decoding workload: 32 sentences of 20
// source tokens, 40 decoder steps each (39 tokens, then the forced EOS),
// EOS otherwise never chosen, as random weights never choose it there.
const (
	benchBatch  = 32
	benchSrcLen = 20
	benchSteps  = 40
)

func benchModel(b *testing.B, sh benchShape) *model.Seq2Seq[float32] {
	cfg := model.DefaultConfig()
	cfg.Encoder = encoder.Config{Cell: cell.GRU, Layers: 1, Bidirectional: true, Emb: sh.emb, Hidden: sh.enc}
	cfg.Decoder = decoder.Config{Cell: cell.GRU, Layers: 1, Emb: sh.emb, Hidden: sh.dec,
		Attention: layer.Bahdanau, Bridge: decoder.BridgeTanh}
	m, err := model.New[float32](cfg, sh.vocab, sh.vocab, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		b.Fatal(err)
	}
	return m
}

func benchSources(vocab int) []Source {
	rng := rand.New(rand.NewPCG(3, 4))
	srcs := make([]Source, benchBatch)
	for i := range srcs {
		toks := make([]int32, benchSrcLen)
		for j := range toks {
			toks[j] = int32(4 + rng.IntN(vocab-4))
		}
		srcs[i] = Source{Tokens: toks, Line: i}
	}
	return srcs
}

// BenchmarkDecode reports sentences/s of beam-5 and greedy search, one
// goroutine, on the small and base shapes.
func BenchmarkDecode(b *testing.B) {
	for _, sh := range benchShapes {
		m := benchModel(b, sh)
		srcs := benchSources(sh.vocab)
		for _, mode := range []struct {
			name string
			opt  Options
		}{
			{"beam5", Options{Mode: Beam, Beam: 5}},
			{"greedy", Options{Mode: Greedy}},
		} {
			b.Run(sh.name+"/"+mode.name, func(b *testing.B) {
				opt := mode.opt
				opt.Alpha, opt.MaxLenExtra, opt.IgnoreEOS = 1, benchSteps-1, true
				s, err := NewSearcher(m, opt)
				if err != nil {
					b.Fatal(err)
				}
				s.Search(srcs) // size the workspace
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					hyps := s.Search(srcs)
					if n := len(hyps[0][0].Tokens); n != benchSteps-1 {
						b.Fatalf("%d tokens, want %d", n, benchSteps-1)
					}
				}
				b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "sentences/s")
			})
		}
	}
}

// BenchmarkDecodeNumbers reports beam-5 sentences/s at the shape of
// configs/numbers-en-ru.yaml (embeddings 128, bi-GRU 128, GRU 256, its
// joint BPE of 892 pieces) on that corpus's lengths: sources of 10 pieces,
// 21 output steps (random weights never choose EOS).
func BenchmarkDecodeNumbers(b *testing.B) {
	const vocab, srcLen, steps = 892, 10, 21
	m := benchModel(b, benchShape{"numbers", 128, 128, 256, vocab})
	srcs := benchSources(vocab)
	for i := range srcs {
		srcs[i].Tokens = srcs[i].Tokens[:srcLen]
	}
	s, err := NewSearcher(m, Options{Mode: Beam, Beam: 5, Alpha: 1, MaxLenRatio: 1, MaxLenExtra: steps - srcLen - 1, IgnoreEOS: true})
	if err != nil {
		b.Fatal(err)
	}
	s.Search(srcs)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		s.Search(srcs)
	}
	b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "sentences/s")
}
