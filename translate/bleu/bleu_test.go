package bleu

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
)

func ptr(v float64) *float64 { return &v }

// Hand-derived BLEU values; each case's comment carries the derivation.
func TestSentenceHandDerived(t *testing.T) {
	tests := []struct {
		name string
		hyp  string
		refs []string
		opts Options
		want float64
		line string // the text line, when checked
	}{
		{
			// hyp: the cat sat on the mat / ref: the cat sat on a mat (6 tokens each, BP 1)
			// 1-grams 5/6 ("the" clipped to 1), 2-grams 3/5, 3-grams 2/4, 4-grams 1/3
			// BLEU = 100 * (5/6 * 3/5 * 2/4 * 1/3)^(1/4) = 100 * 12^(-1/4)
			"clipping", "the cat sat on the mat", []string{"the cat sat on a mat"}, Options{},
			100 * math.Pow(12, -0.25),
			"BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 53.7 83.3/60.0/50.0/33.3 (BP = 1.000 ratio = 1.000 hyp_len = 6 ref_len = 6)",
		},
		{
			// a b c d vs a b c e: 3/4, 2/3, 1/2, 0/1; exp smoothing: p4 = 100 / (2 * 1) = 50
			// BLEU = 100 * (3/4 * 2/3 * 1/2 * 1/2)^(1/4) = 100 * 2^(-3/4)
			"exp", "a b c d", []string{"a b c e"}, Options{}, 100 * math.Pow(2, -0.75),
			"BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 59.5 75.0/66.7/50.0/50.0 (BP = 1.000 ratio = 1.000 hyp_len = 4 ref_len = 4)",
		},
		{
			// floor 0.1: p4 = 100 * 0.1 / 1 = 10; BLEU = 100 * (3/4 * 2/3 * 1/2 * 1/10)^(1/4) = 100 * 0.025^(1/4)
			"floor", "a b c d", []string{"a b c e"}, Options{Smooth: SmoothFloor}, 100 * math.Pow(0.025, 0.25),
			"BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:floor[0.10]|version:2.6.0 = 39.8 75.0/66.7/50.0/10.0 (BP = 1.000 ratio = 1.000 hyp_len = 4 ref_len = 4)",
		},
		{
			// add-k 1 on orders 2..4: 3/4, 3/4, 2/3, 1/2; BLEU = 100 * (3/16)^(1/4)
			"add-k", "a b c d", []string{"a b c e"}, Options{Smooth: SmoothAddK}, 100 * math.Pow(3.0/16, 0.25), "",
		},
		{
			// add-k 0.5 (the signature shows the value): 3/4, 2.5/3.5, 1.5/2.5, 0.5/1.5;
			// product 0.10714, fourth root 0.5721 -> prints 57.2
			"add-k 0.5", "a b c d", []string{"a b c e"}, Options{Smooth: SmoothAddK, SmoothValue: ptr(0.5)},
			100 * math.Pow(0.75*(2.5/3.5)*(1.5/2.5)*(0.5/1.5), 0.25),
			"BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:add-k[0.50]|version:2.6.0 = 57.2 75.0/71.4/60.0/33.3 (BP = 1.000 ratio = 1.000 hyp_len = 4 ref_len = 4)",
		},
		{
			// none: p4 = 0 and log(0) is floored to -9999999999, so BLEU is exp(-huge) = 0
			"none", "a b c d", []string{"a b c e"}, Options{Smooth: SmoothNone}, 0, "",
		},
		{
			// hyp a b, ref a b c: 2/2, 1/1, no 3-grams (the loop stops). Effective order 2:
			// mean of logs of 100, 100 = 100; BP = exp(1 - 3/2)
			"effective order", "a b", []string{"a b c"}, Options{EffectiveOrder: true}, 100 * math.Exp(-0.5),
			"BLEU|nrefs:1|case:mixed|eff:yes|tok:13a|smooth:exp|version:2.6.0 = 60.7 100.0/100.0/0.0/0.0 (BP = 0.607 ratio = 0.667 hyp_len = 2 ref_len = 3)",
		},
		{
			// the same without effective order: orders 3 and 4 count with precision 0 -> 0
			"no effective order", "a b", []string{"a b c"}, Options{}, 0, "",
		},
		{
			// hyp 3 tokens, refs of 2 and 4: a tie at distance 1 goes to the shorter (2), so BP = 1.
			// 1-grams a, b match: 2/3; 2-grams "a b": 1/2; 3-grams 0/1 -> exp: 100 / (2 * 1) = 50;
			// no 4-grams: the loop stops, p4 stays 0 -> BLEU 0 without effective order
			"closest ref tie", "a b c", []string{"a b", "a b x y"}, Options{}, 0,
			"BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 0.0 66.7/50.0/50.0/0.0 (BP = 1.000 ratio = 1.500 hyp_len = 3 ref_len = 2)",
		},
		{
			// "the" three times; the references allow it once and twice: clipped to the max, 2/3.
			// 2-grams "the the" twice, once in ref 2: 1/2. 3-gram "the the the" 0/1 -> exp: 100/2 = 50.
			// No 4-grams, so effective order 3: BLEU = (200/3 * 50 * 50)^(1/3); BP = 1 (ref of 3).
			"multi-ref clip", "the the the", []string{"the cat", "the the dog"}, Options{EffectiveOrder: true},
			math.Pow(200.0/3*50*50, 1.0/3), "",
		},
		{
			// Lowercasing makes "The" match "the": 1/1
			"lowercase", "The", []string{"the"}, Options{Lowercase: true, EffectiveOrder: true}, 100,
			"BLEU|nrefs:1|case:lc|eff:yes|tok:13a|smooth:exp|version:2.6.0 = 100.0 100.0/0.0/0.0/0.0 (BP = 1.000 ratio = 1.000 hyp_len = 1 ref_len = 1)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Sentence(tt.hyp, tt.refs, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(s.Score-tt.want) > 1e-9 {
				t.Errorf("score = %.15g, want %.15g", s.Score, tt.want)
			}
			if tt.line != "" && s.Format(1) != tt.line {
				t.Errorf("line:\n got %s\nwant %s", s.Format(1), tt.line)
			}
		})
	}
}

func TestCorpusStreamsAndErrors(t *testing.T) {
	// Two sentences sum their statistics: "a b c d"/"a b c d" gives 4,3,2,1 of 4,3,2,1
	// and "x"/"y" gives 0 of 1 unigram: 4/5, 3/3, 2/2, 1/1 -> 100 * (4/5)^(1/4).
	s, err := Corpus([]string{"a b c d", "x"}, [][]string{{"a b c d", "y"}}, Options{})
	if err != nil || math.Abs(s.Score-100*math.Pow(0.8, 0.25)) > 1e-9 {
		t.Errorf("Corpus = %v, %v", s.Score, err)
	}
	if _, err := Corpus([]string{"a"}, [][]string{{"a", "b"}}, Options{}); !errors.Is(err, ErrLengthMismatch) {
		t.Errorf("length mismatch error = %v", err)
	}
	if _, err := Corpus([]string{"a"}, [][]string{{"a"}}, Options{Tokenize: "zh"}); err == nil {
		t.Error("unknown tokenizer accepted")
	}
	// No hypotheses: sacreBLEU's early stop gives 0 with BP 1.
	if s, err := Corpus(nil, [][]string{{}}, Options{}); err != nil || s.Score != 0 || s.BP != 1 {
		t.Errorf("empty corpus = %+v, %v", s, err)
	}
}

func TestScorerVariableRefs(t *testing.T) {
	// sacreBLEU writes nrefs:var when sentences have different numbers of references.
	s, _ := NewScorer(Options{})
	s.Add("a", []string{"a"})
	s.Add("b", []string{"b", "c"})
	if got := s.Score().Signature; got != "nrefs:var|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0" {
		t.Errorf("signature = %s", got)
	}
}

func TestPyRepr(t *testing.T) {
	// Python: repr(54.5), repr(100.0), repr(0.0), repr(1e-05), repr(0.0001), repr(12.0)
	for x, want := range map[float64]string{54.5: "54.5", 100: "100.0", 0: "0.0", 1e-5: "1e-05", 1e-4: "0.0001", 12: "12.0"} {
		if got := pyRepr(x); got != want {
			t.Errorf("pyRepr(%g) = %s, want %s", x, got, want)
		}
	}
}

// TestManyReferencesOutgrowFirst: the reference table is sized for the
// first reference and grows as later ones are merged in. An empty first
// reference and one with far more n-grams than the first give the BLEU of
// the same references in the other order.
func TestManyReferencesOutgrowFirst(t *testing.T) {
	var words []string
	for i := range 100 {
		words = append(words, "w"+strconv.Itoa(i))
	}
	long := strings.Join(words, " ") // 394 distinct n-grams; "a" has 1
	hyp := "w1 w2 w3 w4 a"
	for _, first := range []string{"", "a"} {
		got, err := Sentence(hyp, []string{first, long}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		want, err := Sentence(hyp, []string{long, first}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Score != want.Score || got.Correct != want.Correct {
			t.Errorf("first ref %q: %v, other order %v", first, got.Correct, want.Correct)
		}
	}
}

// TestSmoothValueRange: a smoothing value that would put a precision
// outside [0, 100] or overflow it is an option error, not a score.
func TestSmoothValueRange(t *testing.T) {
	for _, tc := range []struct {
		smooth Smoothing
		v      float64
		ok     bool
	}{
		{SmoothFloor, 0, true}, {SmoothFloor, 1, true}, {SmoothFloor, 1.5, false}, {SmoothFloor, -0.1, false},
		{SmoothFloor, math.NaN(), false}, {SmoothAddK, 0, true}, {SmoothAddK, 1e300, true},
		{SmoothAddK, -1, false}, {SmoothAddK, 1e308, false}, {SmoothAddK, math.Inf(1), false},
		{SmoothExp, -1, true}, // ignored by exp
	} {
		_, err := Sentence("a b c", []string{"a b d"}, Options{Smooth: tc.smooth, SmoothValue: ptr(tc.v)})
		if (err == nil) != tc.ok {
			t.Errorf("%s %v: err %v, want ok=%v", tc.smooth, tc.v, err, tc.ok)
		}
	}
}
