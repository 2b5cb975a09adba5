package translate

import (
	"strings"
	"sync"
	"testing"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/internal/cell"
)

func learnTok(t *testing.T) *corpora.Tokenizer {
	tok, err := corpora.Learn(corpora.LearnOptions{VocabSize: 280, MinFrequency: 1},
		[]string{"the cat sat on the mat", "кошка сидела"})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestTokenWords: each subword maps to the whitespace-separated word of
// its first non-space byte; a token of spaces alone to the next word.
func TestTokenWords(t *testing.T) {
	tok := learnTok(t)
	for _, line := range []string{"the cat", " the  cat ", "кошка сидела", "x", "   "} {
		ids := tok.Encode(line)
		words, n := tokenWords(tok, ids)
		if n != len(strings.Fields(line)) {
			t.Errorf("%q: %d words", line, n)
		}
		// Joining the pieces of each word, without spaces, gives the word.
		got := make([]string, n)
		for i, id := range ids {
			s, _ := tok.Decode([]int32{id})
			if w := words[i]; w >= 0 {
				got[w] += strings.TrimSpace(s)
			}
		}
		if strings.Join(got, " ") != strings.Join(strings.Fields(line), " ") {
			t.Errorf("%q: words %q", line, got)
		}
	}
}

// TestFormat: exact n-best, one-best and empty-line output for a
// hand-made hypothesis whose weights put each output word on the other
// source word, so that the hard alignment is the crossing 1-0 0-1.
func TestFormat(t *testing.T) {
	tok := learnTok(t)
	src := tok.Encode("the cat")
	tgt := tok.Encode("cat the")
	sw, _ := tokenWords(tok, src)
	tw, _ := tokenWords(tok, tgt)
	align := make([][]float32, len(tgt)+1)
	for i := range align {
		align[i] = make([]float32, len(src))
		for j := range src {
			if i < len(tgt) && sw[j] != tw[i] {
				align[i][j] = 1 // each output word attends to the other source word
			}
		}
	}
	h := Hypothesis{Tokens: tgt, LogProb: -1.25, Score: -0.5, Align: align}
	for _, tc := range []struct {
		f    Format
		src  []int32
		want string
	}{
		{Format{NBest: true}, src, "4 ||| cat the ||| F0= -1.250000 ||| -0.500000\n"},
		{Format{NBest: true, Align: Hard}, src, "4 ||| cat the ||| 1-0 0-1 ||| F0= -1.250000 ||| -0.500000\n"},
		{Format{Scores: true}, src, "cat the\t-1.250000\t-0.500000\n"},
		{Format{Align: Hard}, src, "cat the\t1-0 0-1\n"},
		{Format{}, nil, "\n"},
		{Format{NBest: true}, nil, "4 ||| cat the ||| F0= -1.250000 ||| -0.500000\n"},
	} {
		tc.f.Src, tc.f.Tgt = tok, tok
		if got := string(tc.f.Append(nil, 4, tc.src, []Hypothesis{h})); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.f.Align, got, tc.want)
		}
	}
	soft := SoftAlign(Hypothesis{Align: [][]float32{{0.25, 0.75}, {1, 0}}})
	if soft != "0.250000,0.750000 1.000000,0.000000" {
		t.Errorf("soft %q", soft)
	}
}

// TestInput: invalid bytes become U+FFFD one by one, long lines are cut,
// blank lines are empty sources; each warning names input:line.
func TestInput(t *testing.T) {
	in := Input{Tok: learnTok(t), Name: "in.txt"}
	src, w := in.Source(6, "a\xff\xfeb\r")
	if got, _ := in.Tok.Decode(src.Tokens); got != "a\uFFFD\uFFFDb" || len(w) != 1 || !strings.HasPrefix(w[0], "in.txt:7: invalid UTF-8") {
		t.Errorf("%q, %q", got, w)
	}
	in.MaxLen = 3
	src, w = in.Source(0, "the cat sat on the mat")
	if len(src.Tokens) != 3 || len(w) != 1 || !strings.Contains(w[0], "in.txt:1: ") || !strings.Contains(w[0], "truncated") {
		t.Errorf("%v, %q", src.Tokens, w)
	}
	if src, w = in.Source(2, " \t"); len(src.Tokens) != 0 || len(w) != 0 || src.Line != 2 {
		t.Errorf("blank: %v %q", src, w)
	}
}

// TestConcurrent: searchers in several goroutines on one model give what
// one searcher gives alone (run with -race to check for sharing).
func TestConcurrent(t *testing.T) {
	m := tinyModel[float32](t, cell.LSTM, 11)
	srcs := randomSources(8, 9, 12)
	opt := testOptions(Beam, 3, 2)
	want := mustSearcher(t, m, opt).Search(srcs)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			s := mustSearcher(t, m, opt)
			for range 3 {
				got := s.Search(srcs)
				for i := range got {
					if got[i][0].Score != want[i][0].Score || len(got[i]) != len(want[i]) {
						t.Errorf("sentence %d differs", i)
					}
				}
			}
		})
	}
	wg.Wait()
}
