package bleu

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Tokenizer names one of sacreBLEU's BLEU tokenizers.
type Tokenizer string

// The tokenizers sacreBLEU 2.6.0 offers that need no external library.
const (
	Tok13a  Tokenizer = "13a"  // mteval-v13a: the default
	TokIntl Tokenizer = "intl" // mteval-v14 international: Unicode punctuation and symbols
	TokChar Tokenizer = "char" // every non-space character is a token
	TokNone Tokenizer = "none" // split on whitespace only
)

// Valid reports whether t names a tokenizer this package implements.
func (t Tokenizer) Valid() bool {
	switch t {
	case Tok13a, TokIntl, TokChar, TokNone:
		return true
	}
	return false
}

// Tokenize returns line tokenized the way sacreBLEU's tokenizer t does it,
// tokens separated by single spaces. It is meant for tests and inspection;
// scoring tokenizes into reused buffers instead. It panics if t is not Valid.
func Tokenize(t Tokenizer, line string) string {
	if !t.Valid() {
		panic(fmt.Sprintf("bleu: unknown tokenizer %q", t))
	}
	var tk tokBuf
	buf := tk.run(t, line)
	var b strings.Builder
	forTokens(buf, func(tok []byte) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.Write(tok)
	})
	return b.String()
}

// tokBuf holds the two buffers a tokenizer's passes swap between.
type tokBuf struct{ a, b []byte }

// run tokenizes line with t; the tokens in the returned buffer are separated
// by Python whitespace. The buffer is owned by tk and reused by the next run.
func (tk *tokBuf) run(t Tokenizer, line string) []byte {
	switch t {
	case Tok13a:
		return tk.tok13a(line)
	case TokIntl:
		return tk.tokIntl(line)
	case TokChar:
		return tk.tokChar(line)
	}
	tk.a = append(tk.a[:0], line...)
	return tk.a
}

// tokChar is sacreBLEU's " ".join(line): whitespace then disappears in split.
func (tk *tokBuf) tokChar(line string) []byte {
	out := tk.a[:0]
	for _, r := range line {
		out = utf8.AppendRune(out, r)
		out = append(out, ' ')
	}
	tk.a = out
	return out
}

// forTokens calls f with each token of buf, splitting as Python's str.split().
func forTokens(buf []byte, f func(tok []byte)) {
	start := -1
	for i := 0; i < len(buf); {
		c := buf[i]
		n, space := 1, false
		if c < utf8.RuneSelf {
			space = asciiSpace[c]
		} else {
			var r rune
			r, n = utf8.DecodeRune(buf[i:])
			space = pyIsSpace(r)
		}
		if space {
			if start >= 0 {
				f(buf[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
		i += n
	}
	if start >= 0 {
		f(buf[start:])
	}
}
