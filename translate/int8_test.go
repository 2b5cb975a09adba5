package translate

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/model"
)

// int8Model is tinyModel with its decoder quantized to int8.
func int8Model(t testing.TB, kind cell.Kind, seed uint64) *model.Seq2Seq[float32] {
	m := tinyModel[float32](t, kind, seed)
	model.SetInt8(m, model.QuantizeInt8(m))
	return m
}

// TestInt8KernelPaths: int8 beam search and greedy search give the same
// hypotheses, scores and alignments, bit for bit, on every int8 kernel
// this CPU runs, for every cell; and they differ from fp32's scores.
func TestInt8KernelPaths(t *testing.T) {
	for _, kind := range cell.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			m := int8Model(t, kind, 1)
			srcs := randomSources(16, 9, 2)
			for _, opt := range []Options{testOptions(Beam, 4, 2), testOptions(Greedy, 1, 1)} {
				var first [][]Hypothesis
				for _, k := range gemm.KernelsInt8() {
					prev, _ := gemm.SetKernelInt8(k)
					got := mustSearcher(t, m, opt).Search(srcs)
					gemm.SetKernelInt8(prev)
					if first == nil {
						first = got
					} else if !reflect.DeepEqual(got, first) {
						t.Fatalf("%v: kernel %s differs from kernel %s", opt.Mode, k, gemm.KernelsInt8()[0])
					}
				}
				fp := mustSearcher(t, tinyModel[float32](t, kind, 1), opt).Search(srcs)
				if reflect.DeepEqual(fp, first) {
					t.Fatalf("%v: int8 search gave fp32's bits: int8 was not used", opt.Mode)
				}
			}
		})
	}
}

// TestInt8BatchIndependence: in int8, as in fp32 (TestBatchIndependence),
// every sentence gets bit-identical hypotheses alone and in batches of
// several sizes: activations are quantized per row.
func TestInt8BatchIndependence(t *testing.T) {
	m := int8Model(t, cell.LSTM, 3)
	srcs := randomSources(13, 11, 4)
	for _, opt := range []Options{testOptions(Greedy, 1, 1), testOptions(Beam, 4, 4)} {
		t.Run(fmt.Sprint(opt.Mode), func(t *testing.T) {
			s := mustSearcher(t, m, opt)
			alone := make([][]Hypothesis, len(srcs))
			for i := range srcs {
				alone[i] = s.Search(srcs[i : i+1])[0]
			}
			for _, bs := range []int{2, 5, 13} {
				for lo := 0; lo < len(srcs); lo += bs {
					for j, h := range s.Search(srcs[lo:min(lo+bs, len(srcs))]) {
						if !reflect.DeepEqual(h, alone[lo+j]) {
							t.Fatalf("batch size %d: sentence %d differs from its translation alone", bs, lo+j)
						}
					}
				}
			}
		})
	}
}

// int8Agreement is the share of srcs whose greedy translation by m is the
// same in int8 (m quantized here) as in fp32, and m's int8
// exact-match accuracy on the reverse task. It leaves m quantized.
func int8Agreement(m *model.Seq2Seq[float32], srcs [][]int32) (same, acc float64) {
	fp := greedyTokens(m, srcs)
	model.SetInt8(m, model.QuantizeInt8(m))
	q := greedyTokens(m, srcs)
	for i := range fp {
		if reflect.DeepEqual(fp[i], q[i]) {
			same++
		}
	}
	return same / float64(len(srcs)), exactMatch(m, srcs)
}

// greedyTokens returns m's greedy translations of srcs.
func greedyTokens(m *model.Seq2Seq[float32], srcs [][]int32) [][]int32 {
	s, err := NewSearcher(m, Options{Mode: Greedy, MaxLenExtra: revMax + 2})
	if err != nil {
		panic(err)
	}
	batch := make([]Source, len(srcs))
	for i, src := range srcs {
		batch[i] = Source{Tokens: src, Line: i}
	}
	var out [][]int32
	for _, h := range s.Search(batch) {
		out = append(out, h[0].Tokens)
	}
	return out
}
