package corpora

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// smallLines is a little corpus the tests learn from.
var smallLines = []string{
	"the cat sat on the mat", "the dog's bone isn't here", "they're  here\tnow ",
	"Привет, мир! Ёжик ест ёлку.", "数字 123,456.78 и 2021 год", "emoji 🙂🙂 end",
	"<s> literal </s> and <pad>", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
}

func learnSmall(t testing.TB, vocab int) *Tokenizer {
	t.Helper()
	var many []string
	for range 20 {
		many = append(many, smallLines...)
	}
	tok, err := Learn(LearnOptions{VocabSize: vocab, MinFrequency: 2}, many)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestRoundTrip(t *testing.T) {
	tok := learnSmall(t, 400)
	extra := []string{"", " ", "   ", "\t\t x", "a\r\nb", "\xff\xfe invalid", strings.Repeat("ёж", 500),
		"'s 't 're 've 'm 'll 'd 'S", "  leading and trailing  "}
	for _, line := range append(append([]string{}, smallLines...), extra...) {
		ids := tok.Encode(line)
		got, err := tok.Decode(ids)
		if err != nil || got != line {
			t.Errorf("Decode(Encode(%q)) = %q, %v", line, got, err)
		}
		for _, id := range ids {
			if id <= UNK {
				t.Errorf("Encode(%q) produced special id %d", line, id)
			}
		}
	}
}

func TestLearnDeterministic(t *testing.T) {
	a, _ := learnSmall(t, 400).MarshalJSON()
	b, _ := learnSmall(t, 400).MarshalJSON()
	if !bytes.Equal(a, b) {
		t.Fatal("two runs of Learn on the same lines gave different files")
	}
}

func TestJSONRoundTrip(t *testing.T) {
	tok := learnSmall(t, 400)
	data, _ := tok.MarshalJSON()
	back, err := ParseTokenizerJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := back.MarshalJSON()
	if !bytes.Equal(data, again) {
		t.Fatal("parse then write changed the file")
	}
	for _, line := range smallLines {
		if a, b := tok.Encode(line), back.Encode(line); !slices.Equal(a, b) {
			t.Errorf("%q: %v before, %v after reload", line, a, b)
		}
	}
}

func TestHeapMatchesScan(t *testing.T) {
	tok := learnSmall(t, 400)
	for _, w := range []string{strings.Repeat("a", 200), strings.Repeat("the", 40), strings.Repeat("ёлка", 30)} {
		if a, b := tok.bpeHeap(nil, w), tok.bpeScan(nil, w); !slices.Equal(a, b) {
			t.Errorf("%.20q…: heap %v, scan %v", w, a, b)
		}
	}
}
