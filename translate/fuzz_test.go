package translate

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/s2s-nmt/s2s/corpora"
)

// FuzzFormat prints a hypothesis of arbitrary text (and, from raw, arbitrary
// vocabulary ids, specials included) with arbitrary attention weights and
// scores, NaN and infinities included, in every format. Properties: no
// panic; one line per n-best entry (one per sentence without NBest), no
// "\r" anywhere; an n-best line is "line ||| hyp ||| [alignment ||| ]F0=
// logprob ||| score", and its hypothesis parses back: it is written as is,
// as Marian writes it (a "|||" or a tab in it is not escaped), so it is what
// lies between the first " ||| " and the fixed fields taken off the end,
// none of which contains "|||".
func FuzzFormat(f *testing.F) {
	tok, err := corpora.Learn(corpora.LearnOptions{VocabSize: 300, MinFrequency: 1},
		[]string{"the cat sat on the mat", "кошка сидела ||| на коврике", "a\tb\r\nc"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("the cat", "cat the", []byte{}, []byte{0, 0, 128, 63}, -1.25, -0.5, uint16(4), uint8(0))
	f.Add("кошка ||| сидела", "the | cat", []byte{1, 2, 3, 255}, []byte{0, 0, 192, 127, 0, 0, 128, 127}, math.NaN(), math.Inf(-1), uint16(0), uint8(7))
	f.Add("a\nb\r\nc\t d", " ", []byte{200, 100}, []byte{0, 0, 128, 255, 1}, math.Inf(1), 0.0, uint16(65535), uint8(3))
	f.Add("", "", []byte{}, []byte{}, 0.0, 0.0, uint16(1), uint8(5))
	f.Add("  \u2028 \xff\xfe ", "x", []byte{0, 1, 2, 3}, []byte{0, 0, 0, 128}, math.Copysign(0, -1), 1e300, uint16(2), uint8(6))
	f.Fuzz(func(t *testing.T, text, srcText string, raw, weights []byte, logProb, score float64, line uint16, opt uint8) {
		tokens := tok.Encode(text)
		for _, b := range raw {
			tokens = append(tokens, int32(b)%int32(tok.VocabSize()))
		}
		src := tok.Encode(srcText)
		align := make([][]float32, len(tokens)+1)
		for i := range align {
			align[i] = make([]float32, len(src))
			for j := range align[i] {
				if k := 4 * (i*len(src) + j) % max(len(weights)-3, 1); k+4 <= len(weights) {
					align[i][j] = math.Float32frombits(binary.LittleEndian.Uint32(weights[k:]))
				}
			}
		}
		hyps := []Hypothesis{{Tokens: tokens, LogProb: logProb, Score: score, Align: align},
			{Tokens: tok.Encode(srcText), LogProb: score, Score: logProb}}
		fm := Format{NBest: opt&1 != 0, Align: []Alignment{NoAlignment, Hard, Soft, Hard}[opt>>1&3], Scores: opt&8 != 0, Src: tok, Tgt: tok}
		out := string(fm.Append(nil, int(line), src, hyps))
		if strings.ContainsRune(out, '\r') || !strings.HasSuffix(out, "\n") {
			t.Fatalf("output %q", out)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if !fm.NBest {
			if len(lines) != 1 {
				t.Fatalf("one-best gave %d lines: %q", len(lines), out)
			}
			if len(src) > 0 && !strings.HasPrefix(lines[0], Detok(tok, tokens)) {
				t.Fatalf("one-best %q does not start with the hypothesis %q", lines[0], Detok(tok, tokens))
			}
			return
		}
		if len(lines) != len(hyps) {
			t.Fatalf("%d n-best lines for %d hypotheses: %q", len(lines), len(hyps), out)
		}
		tail := 2 // F0= and the score
		if fm.Align != NoAlignment {
			tail = 3
		}
		for i, l := range lines {
			head, rest, ok := strings.Cut(l, " ||| ")
			if !ok || head != strconv.Itoa(int(line)) {
				t.Fatalf("n-best line %q does not start with %d ||| ", l, line)
			}
			var fields []string // the fixed fields, last first
			for range tail {
				k := strings.LastIndex(rest, " ||| ")
				if k < 0 {
					t.Fatalf("n-best line %q has too few fields", l)
				}
				rest, fields = rest[:k], append(fields, rest[k+len(" ||| "):])
			}
			if want := Detok(tok, hyps[i].Tokens); rest != want {
				t.Fatalf("n-best line %q: hypothesis %q, want %q", l, rest, want)
			}
			if !strings.HasPrefix(fields[1], "F0= ") || strings.ContainsAny(fields[0], " |") {
				t.Fatalf("n-best line %q: scores %q", l, fields[:2])
			}
		}
	})
}
