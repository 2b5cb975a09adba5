package translate

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/s2s-nmt/s2s/corpora"
)

// specialsHigh is a row over a vocabulary of 7 whose specials PAD, BOS and
// UNK are by far the most probable, and whose other tokens (EOS, 4, 5, 6)
// have probabilities 0.1, 0.2, 0.3 and 0.4 relative to each other.
var specialsHigh = []float64{10, 10, math.Log(0.1), 10, math.Log(0.2), math.Log(0.3), math.Log(0.4)}

// tiesAtCut is a row whose top two outputs (EOS and 4) tie, and 5 ties
// with them: a top-k cut must keep the smaller ids.
var tiesAtCut = []float64{10, 10, 0, 10, 0, 0, -1}

// TestSamplerValidate: T ≥ 0 and top-k ≥ 0 are valid; T < 0, NaN and
// top-k < 0 are not, through Sampler.Validate and Options.Validate.
func TestSamplerValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		T    float64
		k    int
		ok   bool
	}{
		{"greedy", 0, 0, true},
		{"t=1", 1, 0, true},
		{"t=0.8 top-40", 0.8, 40, true},
		{"negative", -1, 0, false},
		{"negative zero is zero", math.Copysign(0, -1), 0, true},
		{"NaN", math.NaN(), 0, false},
		{"top-k negative", 1, -1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Sampler[float32]{Temperature: tc.T, TopK: tc.k}.Validate()
			if (err == nil) != tc.ok {
				t.Errorf("Sampler.Validate: %v, want ok %v", err, tc.ok)
			}
			o := Options{Mode: Sample, MaxLenRatio: 1, Temperature: tc.T, TopK: tc.k}
			if err := o.Validate(); (err == nil) != tc.ok {
				t.Errorf("Options.Validate: %v, want ok %v", err, tc.ok)
			}
		})
	}
}

// TestSamplerFrequencies: over 20000 draws at a fixed seed, each token's
// frequency matches softmax(row / T) over the drawable tokens (cut to the
// top k), by Pearson's chi-square test at p = 0.001, and tokens of
// probability 0 (specials, EOS with NoEOS, those below the cut) are never
// drawn.
func TestSamplerFrequencies(t *testing.T) {
	const n = 20000
	for _, tc := range []struct {
		name string
		s    Sampler[float64]
		row  []float64
		want []float64 // probabilities by id
	}{
		{"t=1", Sampler[float64]{Temperature: 1}, specialsHigh, []float64{0, 0, 0.1, 0, 0.2, 0.3, 0.4}},
		{"t=1 no EOS", Sampler[float64]{Temperature: 1, NoEOS: true}, specialsHigh,
			[]float64{0, 0, 0, 0, 2.0 / 9, 3.0 / 9, 4.0 / 9}},
		// p^(1/T) with T = 0.5: squares, normalised by 0.01+0.04+0.09+0.16.
		{"t=0.5", Sampler[float64]{Temperature: 0.5}, specialsHigh,
			[]float64{0, 0, 0.01 / 0.3, 0, 0.04 / 0.3, 0.09 / 0.3, 0.16 / 0.3}},
		{"t=1 top-2", Sampler[float64]{Temperature: 1, TopK: 2}, specialsHigh, []float64{0, 0, 0, 0, 0, 3.0 / 7, 4.0 / 7}},
		{"t=1 top-4 is all", Sampler[float64]{Temperature: 1, TopK: 4}, specialsHigh, []float64{0, 0, 0.1, 0, 0.2, 0.3, 0.4}},
		{"t=5 top-1 is greedy", Sampler[float64]{Temperature: 5, TopK: 1}, specialsHigh, []float64{0, 0, 0, 0, 0, 0, 1}},
		{"t=0 is greedy", Sampler[float64]{}, specialsHigh, []float64{0, 0, 0, 0, 0, 0, 1}},
		{"ties keep smaller ids", Sampler[float64]{Temperature: 1, TopK: 2}, tiesAtCut, []float64{0, 0, 0.5, 0, 0.5, 0, 0}},
		{"ties without EOS", Sampler[float64]{Temperature: 1, TopK: 2, NoEOS: true}, tiesAtCut,
			[]float64{0, 0, 0, 0, 0.5, 0.5, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			counts := make([]float64, len(tc.row))
			for range n {
				counts[tc.s.Draw(tc.row, rng)]++
			}
			chi2, df := 0.0, -1
			for id, p := range tc.want {
				if p == 0 {
					if counts[id] != 0 {
						t.Errorf("id %d drawn %v times, want never", id, counts[id])
					}
					continue
				}
				e := p * n
				chi2 += (counts[id] - e) * (counts[id] - e) / e
				df++
			}
			// The chi-square distribution's 0.999 quantiles for 1, 2 and 3
			// degrees of freedom (NIST/SEMATECH e-Handbook, table 1.3.6.7.4).
			if df > 0 && chi2 > []float64{10.828, 13.816, 16.266}[df-1] {
				t.Errorf("counts %v: chi-square %.2f with %d degrees of freedom, want %v", counts, chi2, df, tc.want)
			}
		})
	}
}

// TestSamplerGreedy: at T = 0 Draw returns the argmax over the drawable
// tokens, the smallest id on ties, and draws nothing from the RNG (a nil
// one would panic).
func TestSamplerGreedy(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 200 {
		row := make([]float32, 12)
		for v := range row {
			row[v] = float32(rng.IntN(5)) // many ties
		}
		for _, noEOS := range []bool{false, true} {
			want := int32(-1)
			for v, x := range row {
				id := int32(v)
				if id == corpora.PAD || id == corpora.BOS || id == corpora.UNK || noEOS && id == corpora.EOS {
					continue
				}
				if want < 0 || x > row[want] {
					want = id
				}
			}
			s := Sampler[float32]{NoEOS: noEOS}
			if got := s.Draw(row, nil); got != want {
				t.Fatalf("row %d %v (no EOS %v): Draw %d, want %d", i, row, noEOS, got, want)
			}
		}
	}
}

// TestSamplerDeterministic: the same RNG state gives the same tokens, and
// a top-k of at least the number of drawable tokens draws as top-k 0.
func TestSamplerDeterministic(t *testing.T) {
	draws := func(s Sampler[float64]) []int32 {
		rng := rand.New(rand.NewPCG(5, 6))
		out := make([]int32, 500)
		for i := range out {
			out[i] = s.Draw(specialsHigh, rng)
		}
		return out
	}
	a := draws(Sampler[float64]{Temperature: 1.3})
	if b := draws(Sampler[float64]{Temperature: 1.3}); !slices.Equal(a, b) {
		t.Errorf("the same seed drew\n%v\n%v", a, b)
	}
	if b := draws(Sampler[float64]{Temperature: 1.3, TopK: 7}); !slices.Equal(a, b) {
		t.Errorf("top-k 7 of 4 drawable tokens drew\n%v\nwhere top-k 0 drew\n%v", b, a)
	}
}

// TestSamplerAllocs: Draw allocates nothing once its buffers have grown.
func TestSamplerAllocs(t *testing.T) {
	row := make([]float32, 1000)
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range row {
		row[i] = float32(rng.NormFloat64())
	}
	for _, s := range []Sampler[float32]{{}, {Temperature: 1}, {Temperature: 0.8, TopK: 40}} {
		s.Draw(row, rng)
		if a := testing.AllocsPerRun(20, func() { s.Draw(row, rng) }); a != 0 {
			t.Errorf("T %g top-k %d: Draw allocates %v times", s.Temperature, s.TopK, a)
		}
	}
}

// TestSamplerTopKSet: on random rows with many ties, the top-k candidates
// are those a stable sort by probability puts first, drawable ids only.
func TestSamplerTopKSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	var s Sampler[float32]
	for i := range 300 {
		row := make([]float32, 5+rng.IntN(60))
		for v := range row {
			row[v] = float32(rng.IntN(8))
		}
		s.TopK, s.NoEOS = 1+rng.IntN(len(row)), rng.IntN(2) == 0
		var want []int32
		for v := range row {
			if s.drawable(int32(v)) {
				want = append(want, int32(v))
			}
		}
		slices.SortStableFunc(want, func(a, b int32) int { return cmp.Compare(row[b], row[a]) })
		want = want[:min(s.TopK, len(want))]
		slices.Sort(want)
		if s.candidates(row); !slices.Equal(s.ids, want) {
			t.Fatalf("row %d %v top-%d (no EOS %v): candidates %v, want %v", i, row, s.TopK, s.NoEOS, s.ids, want)
		}
	}
}

// BenchmarkSamplerDraw: one draw from a vocabulary of V, over all tokens
// and over the top 40, with s2s sample's temperature.
func BenchmarkSamplerDraw(b *testing.B) {
	for _, V := range []int{256, 8000, 32000} {
		row := make([]float32, V)
		rng := rand.New(rand.NewPCG(11, 12))
		for i := range row {
			row[i] = float32(rng.NormFloat64())
		}
		for _, k := range []int{0, 40} {
			b.Run(fmt.Sprintf("V=%d/top-k=%d", V, k), func(b *testing.B) {
				s := Sampler[float32]{Temperature: 0.8, TopK: k}
				b.ReportAllocs()
				for b.Loop() {
					s.Draw(row, rng)
				}
			})
		}
	}
}
