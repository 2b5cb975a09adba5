package bleu

import (
	"math"
	"strings"
	"testing"
)

var fuzzTokenizers = []Tokenizer{TokNone, Tok13a, TokIntl, TokChar}
var fuzzSmoothings = []Smoothing{SmoothExp, SmoothFloor, SmoothAddK, SmoothNone}

// FuzzScores scores arbitrary text: the lines of hyps against the lines of
// two reference streams (padded or cut to the hypotheses' length), with
// every tokenizer, a smoothing and chrF's orders and beta drawn from the
// input. Property: no panic; corpus and sentence BLEU, chrF and chrF++ are
// in [0, 100], never NaN, whenever the options are accepted. "In" allows
// rounding: a perfect match is 100.00000000000004 (exp of the mean of four
// log(100)), exactly as sacreBLEU prints it, and the golden tests keep that.
func FuzzScores(f *testing.F) {
	f.Add("the cat sat on the mat", "the cat sat on the mat", "", uint8(0), false, false, 0.0, 0, 0, 0)
	f.Add("a b c\nd e", "a b\nd e f", "x\n", uint8(1), true, true, 0.1, 6, 2, 2)
	f.Add("Привет, мир!", "Привет мир", "ПРИВЕТ", uint8(2), true, false, 1.0, 3, 1, 1)
	f.Add("1,000.5-2 &amp; <b>", "1,000.5 - 2 & <b>", "", uint8(3), false, true, -1.0, 1, 0, 3)
	f.Add("", "", "", uint8(0), false, false, math.NaN(), 0, 0, 0)
	f.Add(" \t\u00a0\u2028", "\x00\xff", "ΣΑΣ ς", uint8(1), true, true, math.Inf(1), 2, 2, 100000)
	f.Add("x", "x x x x x x x x", "", uint8(2), false, false, 1e308, 0, 0, -1)
	f.Add("a b c d", "a b x d", "", uint8(5), false, true, -0.5, 0, 0, 0)
	f.Add("a b c d", "a b x d", "", uint8(6), false, false, -1.0, 0, 0, 0)
	f.Add("a b c d", "a x c y", "", uint8(5), false, false, 50.0, 0, 0, 0)
	f.Fuzz(func(t *testing.T, hyp, ref1, ref2 string, opt uint8, lower, eff bool, smoothValue float64, charOrder, wordOrder, beta int) {
		hyps := strings.Split(hyp, "\n")
		refs := [][]string{fit(strings.Split(ref1, "\n"), len(hyps)), fit(strings.Split(ref2, "\n"), len(hyps))}
		for _, tk := range fuzzTokenizers {
			o := Options{Tokenize: tk, Lowercase: lower, Smooth: fuzzSmoothings[opt%4], EffectiveOrder: eff}
			if opt&4 != 0 {
				o.SmoothValue = &smoothValue
			}
			if s, err := Corpus(hyps, refs, o); err == nil {
				inRange(t, "corpus BLEU "+string(tk), s.Score)
			}
			if s, err := Sentence(hyps[0], []string{refs[0][0], refs[1][0]}, o); err == nil {
				inRange(t, "sentence BLEU "+string(tk), s.Score)
			}
		}
		// Orders are kept small: each one is a map per segment.
		co := ChrFOptions{CharOrder: charOrder % 10, WordOrder: wordOrder % 4, Beta: beta, Lowercase: lower, Whitespace: eff, EpsSmoothing: opt&8 != 0}
		for _, wo := range []int{0, 2, co.WordOrder} {
			co.WordOrder = wo
			if s, err := CorpusChrF(hyps, refs, co); err == nil {
				inRange(t, "corpus "+s.Name(), s.Score)
			}
			if s, err := SentenceChrF(hyps[0], []string{refs[0][0]}, co); err == nil {
				inRange(t, "sentence "+s.Name(), s.Score)
			}
		}
	})
}

// fit pads lines with empty ones or cuts them to n.
func fit(lines []string, n int) []string {
	for len(lines) < n {
		lines = append(lines, "")
	}
	return lines[:n]
}

func inRange(t *testing.T, what string, x float64) {
	t.Helper()
	if math.IsNaN(x) || x < 0 || x > 100*(1+1e-14) {
		t.Fatalf("%s = %v, want a number in [0, 100]", what, x)
	}
}
