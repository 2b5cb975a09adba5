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
	// Score is the ranking score: LogProb normalised by the length
	// len(Tokens)+1 (EOS counted) with Options.LengthPenalty and Alpha.
	Score float64
	// Align, with Options.Alignments, holds the attention weights of each
	// output token and then of EOS: len(Tokens)+1 rows of one weight per
	// source token. Nil otherwise.
	Align [][]float32
}

// LengthPenalty names how a hypothesis's log-probability is normalised
// by its length |Y| (tokens plus EOS) for ranking.
type LengthPenalty string

// The length penalties.
const (
	// Marian divides by |Y|^α, Marian's and s2s's default.
	Marian LengthPenalty = "marian"
	// GNMT divides by ((5+|Y|)/6)^α, the penalty of Wu et al. (2016),
	// OpenNMT-py's "wu".
	GNMT LengthPenalty = "gnmt"
)

// Valid reports whether p is a known penalty.
func (p LengthPenalty) Valid() bool { return p == Marian || p == GNMT }

// Score returns logp normalised by p for a hypothesis of length tokens
// (EOS counted) and exponent alpha; alpha 0 returns logp, as does every
// penalty but GNMT (the zero value is Marian's).
func (p LengthPenalty) Score(logp float64, length int, alpha float64) float64 {
	switch {
	case alpha == 0:
		return logp
	case p == GNMT:
		return logp / math.Pow((5+float64(length))/6, alpha)
	}
	return logp / math.Pow(float64(length), alpha)
}

// Rerank rescores hyps, a sentence's hypotheses, with penalty p and
// exponent alpha, and sorts them best first as a search with those
// settings ranks them. Search's order depends on alpha only through this
// ranking, so hypotheses found once rank for every alpha: ties (equal
// log-probability and length) keep their order, which is the order in
// which they finished.
func Rerank(hyps []Hypothesis, p LengthPenalty, alpha float64) {
	for i := range hyps {
		hyps[i].Score = p.Score(hyps[i].LogProb, len(hyps[i].Tokens)+1, alpha)
	}
	rank(hyps)
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
