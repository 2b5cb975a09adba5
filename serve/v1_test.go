package serve

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/s2s-nmt/s2s/translate"
)

// equalityTexts are the texts of the equality tests: single lines, and a
// text of several lines with an empty one and one of spaces alone.
var equalityTexts = []string{
	"the cat sat on the mat",
	"a dog ate the bone",
	"one two three\n\nкошка сидела на коврике\n   \nfive",
	"",
}

// streamLines translates the lines of texts with s2s translate's path,
// translate.Stream, with the model's options overridden by beam and
// nbest, and format f; it returns the output lines.
func streamLines(t *testing.T, s *Server, beam, nbest int, f translate.Format) []string {
	t.Helper()
	m := s.Model()
	opt := translate.FromConfig(m.Config.Translate)
	if beam > 0 {
		opt.Beam = beam
	}
	opt.NBest = max(nbest, 1)
	opt.Alignments = f.Align != translate.NoAlignment
	f.Src, f.Tgt = m.Src, m.Tgt
	st := &translate.Stream[float32]{Model: m.Net, Options: opt, BatchSize: 4, Workers: 1, Format: f,
		Input: translate.Input{Tok: m.Src, MaxLen: m.Config.Data.MaxLen}}
	var lines []string
	for _, text := range equalityTexts {
		lines = append(lines, strings.Split(text, "\n")...)
	}
	out, err := st.Lines(lines)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// v1Answer is TranslateResponse with the per-line entries left raw.
type v1Answer struct {
	Translations []string `json:"translations"`
	Alternatives []any    `json:"alternatives"`
	Scores       []any    `json:"scores"`
	Alignments   []any    `json:"alignments"`
}

// perLineEntries returns the per-line entries of text i's entry e: e
// itself for a text of one line, else its elements.
func perLineEntries(t *testing.T, i int, e any) []any {
	t.Helper()
	if !strings.Contains(equalityTexts[i], "\n") {
		return []any{e}
	}
	l, ok := e.([]any)
	if !ok || len(l) != strings.Count(equalityTexts[i], "\n")+1 {
		t.Fatalf("text %d: entry %v, want one per line", i, e)
	}
	return l
}

func score6(x any) string { return strconv.FormatFloat(x.(float64), 'f', 6, 64) }

// TestV1EqualsTranslate checks that POST /v1/translate answers exactly
// what s2s translate writes for the same lines: one-best with the
// config's beam and with beam 1 (greedy), n-best lists, scores, and soft
// and hard alignments.
func TestV1EqualsTranslate(t *testing.T) {
	s, _ := newServer(t, testConfig())
	h := s.Handler()
	q := mustJSON(t, equalityTexts)
	for _, beam := range []int{0, 1, 3} {
		t.Run(fmt.Sprintf("beam%d", beam), func(t *testing.T) {
			a := postJSON(t, h, "/v1/translate", fmt.Sprintf(`{"q": %s, "beam": %d, "scores": true}`, q, beam))
			if a.code != 200 {
				t.Fatalf("%d %s", a.code, a.body)
			}
			var got v1Answer
			a.decode(t, &got)
			want := streamLines(t, s, beam, 1, translate.Format{Scores: true})
			n := 0
			for i, text := range got.Translations {
				scores := perLineEntries(t, i, got.Scores[i])
				var lines []string
				for k, line := range strings.Split(text, "\n") {
					sc := scores[k].(map[string]any)
					l := line
					if strings.TrimSpace(strings.Split(equalityTexts[i], "\n")[k]) != "" {
						l += "\t" + score6(sc["log_prob"]) + "\t" + score6(sc["score"])
					}
					lines = append(lines, l)
				}
				for _, l := range lines {
					if w := want[n]; l != w {
						t.Errorf("text %d line %d: %q, translate wrote %q", i, n, l, w)
					}
					n++
				}
			}
			if n != len(want) {
				t.Fatalf("%d lines answered, translate wrote %d", n, len(want))
			}
		})
	}
	t.Run("nbest", func(t *testing.T) {
		a := postJSON(t, h, "/v1/translate", fmt.Sprintf(`{"q": %s, "beam": 4, "n_best": 3}`, q))
		var got v1Answer
		a.decode(t, &got)
		want := streamLines(t, s, 4, 3, translate.Format{NBest: true})
		var lines []string
		n := 0
		for i := range got.Translations {
			for _, e := range perLineEntries(t, i, got.Alternatives[i]) {
				for _, alt := range e.([]any) {
					alt := alt.(map[string]any)
					lines = append(lines, fmt.Sprintf("%d ||| %s ||| F0= %s ||| %s", n, alt["text"], score6(alt["log_prob"]), score6(alt["score"])))
				}
				n++
			}
		}
		if strings.Join(lines, "\n") != strings.Join(want, "\n") {
			t.Fatalf("n-best lists\n%s\ntranslate wrote\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
		}
	})
	t.Run("alignments", func(t *testing.T) {
		a := postJSON(t, h, "/v1/translate", fmt.Sprintf(`{"q": %s, "alignments": true}`, q))
		var got struct {
			Translations []string `json:"translations"`
			Alignments   []any    `json:"alignments"`
		}
		a.decode(t, &got)
		soft := streamLines(t, s, 0, 1, translate.Format{Align: translate.Soft})
		hard := streamLines(t, s, 0, 1, translate.Format{Align: translate.Hard})
		n := 0
		for i, text := range got.Translations {
			for k, e := range perLineEntries(t, i, got.Alignments[i]) {
				al := decodeAlignment(t, e)
				line := strings.Split(text, "\n")[k]
				if len(al.Source) == 0 { // an empty line
					if soft[n] != "" || line != "" || len(al.Target) != 0 {
						t.Errorf("line %d: empty source, alignment %+v, line %q; translate wrote %q", n, al, line, soft[n])
					}
					n++
					continue
				}
				if len(al.Weights) != len(al.Target) || len(al.Weights[0]) != len(al.Source) || al.Target[len(al.Target)-1] != "</s>" {
					t.Errorf("line %d: %d×%d weights for %d target and %d source pieces", n, len(al.Weights), len(al.Weights[0]), len(al.Target), len(al.Source))
				}
				if g := line + "\t" + translate.SoftAlign(translate.Hypothesis{Align: al.Weights}); g != soft[n] {
					t.Errorf("line %d soft: %q, translate wrote %q", n, g, soft[n])
				}
				if g := line + "\t" + al.Hard; g != hard[n] {
					t.Errorf("line %d hard: %q, translate wrote %q", n, g, hard[n])
				}
				n++
			}
		}
		if n != len(soft) {
			t.Fatalf("%d lines answered, translate wrote %d", n, len(soft))
		}
	})
}

// decodeAlignment decodes an alignment entry.
func decodeAlignment(t *testing.T, e any) Alignment {
	t.Helper()
	var a Alignment
	answer{body: []byte(mustJSON(t, e))}.decode(t, &a)
	return a
}

// TestV1Shapes checks the answer's fields: present only when asked for,
// a plain string q answered with one translation.
func TestV1Shapes(t *testing.T) {
	s, _ := newServer(t, testConfig())
	a := postJSON(t, s.Handler(), "/v1/translate", `{"q": "the cat"}`)
	if a.code != 200 || a.header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("%d %s %q", a.code, a.header.Get("Content-Type"), a.body)
	}
	var m map[string]any
	a.decode(t, &m)
	if len(m) != 1 || len(m["translations"].([]any)) != 1 {
		t.Fatalf("answer %s, want translations alone, one", a.body)
	}
	a = postJSON(t, s.Handler(), "/v1/translate", `{"q": [], "scores": true}`)
	if a.code != 200 || strings.TrimSpace(string(a.body)) != `{"translations":[]}` {
		t.Fatalf("empty q: %d %s", a.code, a.body)
	}
}
