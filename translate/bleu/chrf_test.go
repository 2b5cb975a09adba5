package bleu

import (
	"math"
	"testing"
)

// Hand-derived chrF values; each case's comment carries the derivation.
func TestChrFHandDerived(t *testing.T) {
	tests := []struct {
		name string
		hyp  string
		refs []string
		opts ChrFOptions
		want float64
	}{
		// 1-grams a,b,c vs a,b,d: 2/3 both ways; 2-grams ab,bc vs ab,bd: 1/2; 3-grams 0/1;
		// orders 4..6 have no n-grams and do not count (effective order 3).
		// P = R = (2/3 + 1/2 + 0) / 3 = 7/18; F2 = 5PR / (4P + R) = 7/18.
		{"partial", "abc", []string{"abd"}, ChrFOptions{}, 100 * 7.0 / 18},
		// whitespace is removed before character n-grams: "a b" is "ab"
		{"whitespace", "a b", []string{"ab"}, ChrFOptions{}, 100},
		// the best of several references is chosen (an empty one scores 0)
		{"best reference", "ab", []string{"", "xy", "ab"}, ChrFOptions{}, 100},
		// chrF++: "hi!" splits into "hi" "!" like "hi !", and characters match too
		{"chrF++ punctuation", "hi!", []string{"hi !"}, ChrFOptions{WordOrder: 2}, 100},
		// no common character: 0
		{"disjoint", "ab", []string{"cd"}, ChrFOptions{}, 0},
		// lowercase: "AB" matches "ab"
		{"lowercase", "AB", []string{"ab"}, ChrFOptions{Lowercase: true}, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := SentenceChrF(tt.hyp, tt.refs, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(s.Score-tt.want) > 1e-9 {
				t.Errorf("chrF = %.15g, want %.15g", s.Score, tt.want)
			}
		})
	}
}

func TestChrFNames(t *testing.T) {
	s, _ := SentenceChrF("a", []string{"a"}, ChrFOptions{WordOrder: 2})
	want := "chrF2++|nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0 = 100.00"
	if got := s.Format(2); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestChrFHugeBeta: beta weighs recall beta² times precision, and beta² is
// computed without overflow. Beta 2^32 (2^64 wraps to 0 in int) on a
// hypothesis that holds the whole reference: recall is 1 at every order, so
// chrF is 100 up to precision's weight of 2^-64.
func TestChrFHugeBeta(t *testing.T) {
	s, err := SentenceChrF("abcdef", []string{"abc"}, ChrFOptions{Beta: 1 << 32})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(s.Score-100) > 1e-9 {
		t.Errorf("chrF = %v, want 100", s.Score)
	}
}
