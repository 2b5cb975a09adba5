package translate

import (
	"cmp"
	"math"
	"slices"
)

// Source is one sentence to translate.
type Source struct {
	// Tokens are its source ids, without BOS or EOS. An empty sentence
	// translates to one empty hypothesis of log-probability 0.
	Tokens []int32
	// Line is its 0-based number in the input; it seeds sampling.
	Line int
}

// Hypothesis is one translation of a sentence.
type Hypothesis struct {
	// Tokens are the output ids without BOS and EOS.
	Tokens []int32
	// LogProb is the sum of the log-probabilities of Tokens and EOS.
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
