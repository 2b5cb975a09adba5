package bleu

import (
	"unicode"
	"unicode/utf8"
)

// The intl tokenizer (sacrebleu/tokenizers/tokenizer_intl.py, after
// mteval-v14.pl) applies, with the `regex` module's Unicode categories:
//
//	(\P{N})(\p{P})  →  "\1 \2 "
//	(\p{P})(\P{N})  →  " \1 \2"
//	(\p{S})         →  " \1 "
//
// then joins line.split() with single spaces. Unlike 13a it does not pad the
// line, so a number followed by a final period keeps the period.

func isN(r rune) bool {
	if r < utf8.RuneSelf {
		return isDigit(byte(r))
	}
	return unicode.Is(unicode.N, r)
}

func isP(r rune) bool { return unicode.Is(unicode.P, r) }
func isS(r rune) bool { return unicode.Is(unicode.S, r) }

func (tk *tokBuf) tokIntl(line string) []byte {
	tk.a = append(tk.a[:0], line...)
	in := tk.swap(tk.a, intlBeforeP)
	in = tk.swap(in, intlAfterP)
	return tk.swap(in, intlSymbols)
}

// intlBeforeP is (\P{N})(\p{P}) → "\1 \2 ".
func intlBeforeP(out, in []byte) []byte {
	for i := 0; i < len(in); {
		r, n := utf8.DecodeRune(in[i:])
		if i+n < len(in) && !isN(r) {
			r2, n2 := utf8.DecodeRune(in[i+n:])
			if isP(r2) {
				out = append(out, in[i:i+n]...)
				out = append(out, ' ')
				out = append(out, in[i+n:i+n+n2]...)
				out = append(out, ' ')
				i += n + n2
				continue
			}
		}
		out = append(out, in[i:i+n]...)
		i += n
	}
	return out
}

// intlAfterP is (\p{P})(\P{N}) → " \1 \2".
func intlAfterP(out, in []byte) []byte {
	for i := 0; i < len(in); {
		r, n := utf8.DecodeRune(in[i:])
		if i+n < len(in) && isP(r) {
			r2, n2 := utf8.DecodeRune(in[i+n:])
			if !isN(r2) {
				out = append(out, ' ')
				out = append(out, in[i:i+n]...)
				out = append(out, ' ')
				out = append(out, in[i+n:i+n+n2]...)
				i += n + n2
				continue
			}
		}
		out = append(out, in[i:i+n]...)
		i += n
	}
	return out
}

// intlSymbols is (\p{S}) → " \1 ".
func intlSymbols(out, in []byte) []byte {
	for i := 0; i < len(in); {
		r, n := utf8.DecodeRune(in[i:])
		if isS(r) {
			out = append(out, ' ')
			out = append(out, in[i:i+n]...)
			out = append(out, ' ')
		} else {
			out = append(out, in[i:i+n]...)
		}
		i += n
	}
	return out
}
