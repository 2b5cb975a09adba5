package bleu

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// synthCorpus makes n hypothesis/reference pairs of about 20 words from a
// 10,000-word vocabulary with some punctuation; the hypothesis is the
// reference with about a fifth of its words replaced.
func synthCorpus(n int) (hyps []string, refs []string) {
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := make([]string, 10000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%x", i*7919%100003)
	}
	word := func() string { return vocab[int(rng.ExpFloat64()*800)%len(vocab)] }
	var h, r strings.Builder
	for range n {
		h.Reset()
		r.Reset()
		for j := range 20 {
			if j > 0 {
				h.WriteByte(' ')
				r.WriteByte(' ')
			}
			w := word()
			r.WriteString(w)
			if rng.IntN(5) == 0 {
				w = word()
			}
			h.WriteString(w)
			if j == 9 {
				h.WriteByte(',')
				r.WriteByte(',')
			}
		}
		h.WriteByte('.')
		r.WriteByte('.')
		hyps, refs = append(hyps, h.String()), append(refs, r.String())
	}
	return hyps, refs
}

func benchmarkCorpus(b *testing.B, lines int, tok Tokenizer) {
	hyps, refs := synthCorpus(lines)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := Corpus(hyps, [][]string{refs}, Options{Tokenize: tok}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*lines*2*22)/b.Elapsed().Seconds(), "tokens/s")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/corpus")
}

// BenchmarkCorpus1M is the speed target: 1M lines of about 20 words
// against one reference in at most 5 s on one core
// (go test -bench Corpus1M -benchtime 1x -cpu 1 ./translate/bleu/).
func BenchmarkCorpus1M(b *testing.B) { benchmarkCorpus(b, 1_000_000, Tok13a) }

func BenchmarkCorpus10k13a(b *testing.B)  { benchmarkCorpus(b, 10_000, Tok13a) }
func BenchmarkCorpus10kIntl(b *testing.B) { benchmarkCorpus(b, 10_000, TokIntl) }

func BenchmarkCorpusChrF10k(b *testing.B) {
	hyps, refs := synthCorpus(10_000)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := CorpusChrF(hyps, [][]string{refs}, ChrFOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
