package translate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/decoder"
	"github.com/s2s-nmt/s2s/encoder"
	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/layer"
	"github.com/s2s-nmt/s2s/model"
)

// tinyVocab is the vocabulary of the random test models: the 4 specials
// and 16 ordinary tokens.
const tinyVocab = 20

// tinyModel returns a random model small enough for exhaustive checks.
// Init scale 1 makes its output distributions peaked, and EOS's output
// weights are made 0.6 × those of token 9, often the favourite, plus noise, so
// that hypotheses finish at many lengths, some before the bound.
func tinyModel[F float32 | float64](t testing.TB, kind cell.Kind, seed uint64) *model.Seq2Seq[F] {
	cfg := model.DefaultConfig()
	cfg.Encoder = encoder.Config{Cell: kind, Layers: 1, Bidirectional: true, Emb: 8, Hidden: 8}
	cfg.Decoder = decoder.Config{Cell: kind, Layers: 2, Emb: 8, Hidden: 12, Attention: layer.Bahdanau, Bridge: decoder.BridgeTanh}
	cfg.InitScale = 1
	m, err := model.New[F](cfg, tinyVocab, tinyVocab, rand.New(rand.NewPCG(seed, 7)))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 8))
	w := m.Dec.Out.W.W
	for j, x := range w.Row(9) {
		w.Row(int(corpora.EOS))[j] = 0.6*x + F(0.3*rng.NormFloat64())
	}
	return m
}

// randomSources draws n sentences of 1–maxLen ordinary tokens.
func randomSources(n, maxLen int, seed uint64) []Source {
	rng := rand.New(rand.NewPCG(seed, 1))
	srcs := make([]Source, n)
	for i := range srcs {
		toks := make([]int32, 1+rng.IntN(maxLen))
		for j := range toks {
			toks[j] = int32(4 + rng.IntN(tinyVocab-4))
		}
		srcs[i] = Source{Tokens: toks, Line: i}
	}
	return srcs
}

func testOptions(mode Mode, beam, nbest int) Options {
	return Options{Mode: mode, Beam: beam, NBest: nbest, Alpha: 1, MaxLenRatio: 1.5, MaxLenExtra: 2,
		Temperature: 1, Seed: 9, Alignments: true}
}

func mustSearcher[F float32 | float64](t testing.TB, m *model.Seq2Seq[F], opt Options) *Searcher[F] {
	s, err := NewSearcher(m, opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestBeamOneIsGreedy: beam search of width 1 takes the same tokens with
// the same scores and alignments as greedy search, for every cell.
func TestBeamOneIsGreedy(t *testing.T) {
	for _, kind := range cell.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			m := tinyModel[float32](t, kind, 1)
			srcs := randomSources(24, 9, 2)
			g := mustSearcher(t, m, testOptions(Greedy, 1, 1)).Search(srcs)
			b := mustSearcher(t, m, testOptions(Beam, 1, 1)).Search(srcs)
			if !reflect.DeepEqual(g, b) {
				t.Fatalf("greedy %v\nbeam 1 %v", g, b)
			}
		})
	}
}

// TestBatchIndependence: every sentence gets bit-identical hypotheses
// alone, in batches of several sizes and in a shuffled batch, in every
// mode.
func TestBatchIndependence(t *testing.T) {
	m := tinyModel[float32](t, cell.GRU, 3)
	srcs := randomSources(13, 11, 4)
	for _, opt := range []Options{testOptions(Greedy, 1, 1), testOptions(Beam, 4, 4), testOptions(Sample, 1, 3)} {
		t.Run(fmt.Sprint(opt.Mode), func(t *testing.T) {
			s := mustSearcher(t, m, opt)
			alone := make([][]Hypothesis, len(srcs))
			for i := range srcs {
				alone[i] = s.Search(srcs[i : i+1])[0]
			}
			for _, bs := range []int{2, 5, 13} {
				for lo := 0; lo < len(srcs); lo += bs {
					got := s.Search(srcs[lo:min(lo+bs, len(srcs))])
					for j, h := range got {
						if !reflect.DeepEqual(h, alone[lo+j]) {
							t.Fatalf("batch size %d: sentence %d differs from its translation alone", bs, lo+j)
						}
					}
				}
			}
			perm := rand.New(rand.NewPCG(5, 5)).Perm(len(srcs))
			shuffled := make([]Source, len(srcs))
			for i, p := range perm {
				shuffled[i] = srcs[p]
			}
			for i, h := range s.Search(shuffled) {
				if !reflect.DeepEqual(h, alone[perm[i]]) {
					t.Fatalf("shuffled: sentence %d differs", perm[i])
				}
			}
		})
	}
}

// TestScores: in float64, every hypothesis's LogProb is the model's
// teacher-forced log-likelihood of its tokens and EOS (model.Eval), Score
// is LogProb / (len+1)^alpha, and the n-best lists are ranked, 1 to NBest
// long.
func TestScores(t *testing.T) {
	m := tinyModel[float64](t, cell.LSTM, 5)
	srcs := randomSources(10, 8, 6)
	for _, opt := range []Options{testOptions(Beam, 5, 3), testOptions(Sample, 1, 4), testOptions(Greedy, 1, 1)} {
		for _, alpha := range []float64{0, 0.6, 1} {
			opt.Alpha = alpha
			for i, hyps := range mustSearcher(t, m, opt).Search(srcs) {
				if len(hyps) < 1 || len(hyps) > max(opt.NBest, 1) {
					t.Fatalf("mode %d: %d hypotheses for n-best %d", opt.Mode, len(hyps), opt.NBest)
				}
				for k, h := range hyps {
					if k > 0 && h.Score > hyps[k-1].Score {
						t.Errorf("mode %d sentence %d: hypothesis %d scores above its predecessor", opt.Mode, i, k)
					}
					nll, _ := m.Eval(m.NewWorkspace(), pairBatch(srcs[i].Tokens, h.Tokens))
					if d := math.Abs(-nll - h.LogProb); d > 1e-9 {
						t.Errorf("mode %d sentence %d: LogProb %v, forward %v", opt.Mode, i, h.LogProb, -nll)
					}
					if want := Marian.Score(h.LogProb, len(h.Tokens)+1, alpha); h.Score != want {
						t.Errorf("score %v, want %v", h.Score, want)
					}
				}
			}
		}
	}
}

// pairBatch is a batch of one sentence pair.
func pairBatch(src, tgt []int32) *model.Batch {
	in := append([]int32{corpora.BOS}, tgt...)
	out := append(append([]int32(nil), tgt...), corpora.EOS)
	return &model.Batch{B: 1, S: len(src), T: len(in), Src: src, SrcLen: []int{len(src)},
		TgtIn: in, TgtOut: out, TgtLen: []int{len(in)}}
}

// TestBeamBeatsGreedy: beam search of width 5 finds, for some sentences,
// a hypothesis the model scores strictly higher than greedy search's, by
// the score the search ranks by (raw log-probability at alpha 0, its
// length-normalised form at alpha 1), and the model's teacher-forced
// rescoring (model.Eval) of the beam's output agrees with the score the
// search reports. A beam search that returned the greedy path would fail.
func TestBeamBeatsGreedy(t *testing.T) {
	m := tinyModel[float64](t, cell.GRU, 11)
	srcs := randomSources(40, 8, 12)
	for _, alpha := range []float64{0, 1} {
		t.Run(fmt.Sprint("alpha=", alpha), func(t *testing.T) {
			greedy := testOptions(Greedy, 1, 1)
			beam := testOptions(Beam, 5, 1)
			greedy.Alpha, beam.Alpha = alpha, alpha
			g := mustSearcher(t, m, greedy).Search(srcs)
			b := mustSearcher(t, m, beam).Search(srcs)
			wins := 0
			for i := range srcs {
				gh, bh := g[i][0], b[i][0]
				if bh.Score <= gh.Score {
					continue
				}
				wins++
				nll, _ := m.Eval(m.NewWorkspace(), pairBatch(srcs[i].Tokens, bh.Tokens))
				if d := math.Abs(-nll - bh.LogProb); d > 1e-5 {
					t.Errorf("sentence %d: beam LogProb %v, the model's rescoring %v", i, bh.LogProb, -nll)
				}
				if want := Marian.Score(-nll, len(bh.Tokens)+1, alpha); math.Abs(bh.Score-want) > 1e-5 {
					t.Errorf("sentence %d: beam score %v, rescored %v", i, bh.Score, want)
				}
			}
			if wins == 0 {
				t.Fatalf("beam 5 never scores above greedy on %d sentences", len(srcs))
			}
			t.Logf("beam 5 beats greedy on %d of %d sentences", wins, len(srcs))
		})
	}
}

// TestSampleSpecials: translate's sampling, hot enough (T = 5) to reach
// every token, never outputs PAD, BOS or UNK; with IgnoreEOS every sample
// runs to the length bound; at T = 0 every sample is the greedy output
// (greedy search may output UNK, which this model never prefers).
func TestSampleSpecials(t *testing.T) {
	m := tinyModel[float32](t, cell.GRU, 13)
	srcs := randomSources(20, 8, 14)
	hot := testOptions(Sample, 1, 4)
	hot.Temperature = 5
	for _, ignoreEOS := range []bool{false, true} {
		hot.IgnoreEOS = ignoreEOS
		for i, hyps := range mustSearcher(t, m, hot).Search(srcs) {
			for _, h := range hyps {
				for _, y := range h.Tokens {
					if y == corpora.PAD || y == corpora.BOS || y == corpora.UNK || y == corpora.EOS {
						t.Errorf("sentence %d: sample %v holds special %d", i, h.Tokens, y)
					}
				}
				if n := hot.MaxLen(len(srcs[i].Tokens)); ignoreEOS && len(h.Tokens) != n {
					t.Errorf("sentence %d: IgnoreEOS sample of %d tokens, want %d", i, len(h.Tokens), n)
				}
			}
		}
	}
	cold := testOptions(Sample, 1, 2)
	cold.Temperature = 0
	g := mustSearcher(t, m, testOptions(Greedy, 1, 1)).Search(srcs)
	for i, hyps := range mustSearcher(t, m, cold).Search(srcs) {
		for _, h := range hyps {
			if !slices.Equal(h.Tokens, g[i][0].Tokens) {
				t.Errorf("sentence %d: T = 0 sample %v, greedy %v", i, h.Tokens, g[i][0].Tokens)
			}
		}
	}
}
