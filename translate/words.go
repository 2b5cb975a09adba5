package translate

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/s2s-nmt/s2s/corpora"
)

// Detok returns the text of ids as one output line: the tokenizer's
// decoding with invalid UTF-8 (possible from a byte-level model) replaced
// by U+FFFD, line breaks by spaces, so that one hypothesis stays one
// line, and the spaces at either end trimmed (a model may start with a
// space-prefixed piece).
func Detok(tok *corpora.Tokenizer, ids []int32) string {
	s, err := tok.Decode(ids)
	if err != nil {
		panic(err) // search only outputs ids of the vocabulary
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s))
}

// tokenWords maps each of ids to the whitespace-separated word of its
// decoded text that it belongs to: the word of its first non-space byte,
// or for a token of spaces alone the next word (the last one at the end).
// It returns the map (-1 where the text has no word) and the word count.
func tokenWords(tok *corpora.Tokenizer, ids []int32) ([]int, int) {
	ends := make([]int, len(ids)) // byte offset where each token's text ends
	var text []byte
	for i, id := range ids {
		s, _ := tok.Decode([]int32{id})
		text = append(text, s...)
		ends[i] = len(text)
	}
	word, n := wordOfByte(text)
	out := make([]int, len(ids))
	start := 0
	for i, end := range ends {
		out[i] = n - 1 // a token of trailing spaces: the last word
		for p := start; p < len(text); p++ {
			if word[p] >= 0 {
				out[i] = word[p]
				break
			}
		}
		start = end
	}
	return out, n
}

// wordOfByte returns the index of the word each byte of text is in (-1
// for whitespace) and the number of words, splitting as strings.Fields.
func wordOfByte(text []byte) ([]int, int) {
	word := make([]int, len(text))
	n, in := 0, false
	for p := 0; p < len(text); {
		r, size := utf8.DecodeRune(text[p:])
		space := unicode.IsSpace(r)
		if !space && !in {
			n++
		}
		in = !space
		for k := p; k < p+size; k++ {
			word[k] = -1
			if !space {
				word[k] = n - 1
			}
		}
		p += size
	}
	return word, n
}
