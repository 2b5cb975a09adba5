package corpora

import (
	"strings"
	"testing"
)

// TestVocabDiff: a tokenizer matches itself and one learned alike; one
// of another size, or with a piece changed, differs and says where.
func TestVocabDiff(t *testing.T) {
	lines := []string{"the cat sat on the mat", "a dog ate the bone"}
	learn := func(v int) *Tokenizer {
		tok, err := Learn(LearnOptions{VocabSize: v, MinFrequency: 1}, lines)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	a, b, c := learn(280), learn(280), learn(270)
	if d := a.VocabDiff(b); d != "" {
		t.Errorf("two tokenizers learned alike differ: %s", d)
	}
	if d := a.VocabDiff(c); d != "280 ids, not 270" {
		t.Errorf("sizes 280 and 270: %q", d)
	}
	v := append([]string(nil), b.vocab...)
	v[len(v)-1] += "x" // without merges, any piece may be renamed
	changed, err := newTokenizer(v, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := a.VocabDiff(changed); !strings.HasPrefix(d, "id 279 is ") {
		t.Errorf("a renamed piece: %q", d)
	}
	same, err := newTokenizer(a.vocab, a.merges[:len(a.merges)-1])
	if err != nil {
		t.Fatal(err)
	}
	if d := a.VocabDiff(same); !strings.Contains(d, "merges, not") {
		t.Errorf("a merge less: %q", d)
	}
}
