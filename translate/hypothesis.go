package translate

import (
	"cmp"
	"math"
	"slices"
)

// Source is one sentence to translate.
type Source struct {
	// Tokens are its source ids, without BOS or EOS: those of the model,
	// or of an ensemble's first model, whose length bounds the output. An
	// empty sentence translates to one empty hypothesis of
	// log-probability 0.
	Tokens []int32
	// Others are the ids of an ensemble's other models, Others[i] for
	// model i+2, each encoded by that model's own source tokenizer. Nil:
	// every model reads Tokens (they share a source vocabulary).
	Others [][]int32
	// Line is its 0-based number in the input; it seeds sampling.
	Line int
}

// Member returns the ids ensemble member k (0-based) reads: Tokens for
// the first, and for every member when Others is nil.
func (s Source) Member(k int) []int32 {
	if k == 0 || s.Others == nil {
		return s.Tokens
	}
	return s.Others[k-1]
}

// empty reports whether any of n members has no ids.
func (s Source) empty(n int) bool {
	for k := range n {
		if len(s.Member(k)) == 0 {
			return true
		}
	}
	return false
}

// Hypothesis is one translation of a sentence.
type Hypothesis struct {
	// Tokens are the output ids without BOS and EOS.
	Tokens []int32
	// LogProb is the sum of the log-probabilities of Tokens and EOS; for
	// an Ensemble, of their combined scores Σᵢ wᵢ·log pᵢ.
	LogProb float64
	// Score is LogProb / (len(Tokens)+1)^alpha, the ranking score.
	Score float64
	// Align, with Options.Alignments, holds the attention weights of each
	// output token and then of EOS: len(Tokens)+1 rows of one weight per
	// source token. Nil otherwise.
	Align [][]float32
}

// normalise returns logp / length^alpha; alpha 0 returns logp.
func normalise(logp float64, length int, alpha float64) float64 {
	if alpha == 0 {
		return logp
	}
	return logp / math.Pow(float64(length), alpha)
}

// rank sorts hyps best first: by Score, then LogProb, then the order in
// which they finished (the sort is stable).
func rank(hyps []Hypothesis) {
	slices.SortStableFunc(hyps, func(a, b Hypothesis) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(b.LogProb, a.LogProb)
	})
}
