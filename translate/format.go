package translate

import (
	"strconv"

	"github.com/s2s-nmt/s2s/corpora"
)

// Alignment is the kind of alignment printed with each hypothesis.
type Alignment string

// The alignment kinds.
const (
	NoAlignment Alignment = ""
	Hard        Alignment = "hard" // Pharaoh word pairs "0-0 1-2"
	Soft        Alignment = "soft" // per output token, the source weights
)

// Valid reports whether a is a known kind.
func (a Alignment) Valid() bool { return a == NoAlignment || a == Hard || a == Soft }

// Format says how hypotheses are printed.
type Format struct {
	// NBest prints every hypothesis in Marian's n-best format,
	//	i ||| hypothesis ||| F0= <log-prob> ||| <score>
	// (the log-prob is Hypothesis.LogProb: an ensemble's combined sum)
	// with an alignment field before the scores when Align is set. Without
	// it, one line per sentence: the best hypothesis, then tab-separated
	// the alignment (with Align) and the log-prob and score (with Scores).
	NBest bool
	// Align adds alignments (the search must record them).
	Align Alignment
	// Scores adds the scores to one-best lines.
	Scores bool
	// Src and Tgt detokenise and map subwords to words.
	Src, Tgt *corpora.Tokenizer
}

// Append appends the output lines of sentence line (0-based), translated
// from srcIDs into hyps (best first), to dst. An empty sentence (no
// srcIDs) gives an empty line, or one n-best entry with an empty
// hypothesis.
func (f *Format) Append(dst []byte, line int, srcIDs []int32, hyps []Hypothesis) []byte {
	if !f.NBest {
		if len(srcIDs) == 0 {
			return append(dst, '\n')
		}
		h := hyps[0]
		dst = append(dst, Detok(f.Tgt, h.Tokens)...)
		if f.Align != NoAlignment {
			dst = append(append(dst, '\t'), f.alignment(h, srcIDs)...)
		}
		if f.Scores {
			dst = appendScore(append(dst, '\t'), h.LogProb)
			dst = appendScore(append(dst, '\t'), h.Score)
		}
		return append(dst, '\n')
	}
	for _, h := range hyps {
		dst = strconv.AppendInt(dst, int64(line), 10)
		dst = append(append(append(dst, " ||| "...), Detok(f.Tgt, h.Tokens)...), " ||| "...)
		if f.Align != NoAlignment {
			dst = append(append(dst, f.alignment(h, srcIDs)...), " ||| "...)
		}
		dst = appendScore(append(dst, "F0= "...), h.LogProb)
		dst = appendScore(append(dst, " ||| "...), h.Score)
		dst = append(dst, '\n')
	}
	return dst
}

// alignment returns h's alignment field.
func (f *Format) alignment(h Hypothesis, srcIDs []int32) string {
	if f.Align == Hard {
		return HardAlign(h, srcIDs, f.Src, f.Tgt)
	}
	return SoftAlign(h)
}

// appendScore appends x with 6 decimals.
func appendScore(dst []byte, x float64) []byte {
	return strconv.AppendFloat(dst, x, 'f', 6, 64)
}
