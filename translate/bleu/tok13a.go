package bleu

import "strings"

// The 13a tokenizer (sacrebleu/tokenizers/tokenizer_13a.py and
// tokenizer_re.py) is a chain of regular-expression substitutions applied to
// " " + line + " ":
//
//	([\{-\~\[-\` -\&\(-\+\:-\@\/])  →  " \1 "
//	([^0-9])([\.,])                  →  "\1 \2 "
//	([\.,])([^0-9])                  →  " \1 \2"
//	([0-9])(-)                       →  "\1 \2 "
//
// Each pass below is one re.sub: a left-to-right scan over non-overlapping
// matches. Scanning bytes gives the same result as scanning code points,
// because every character a pattern names is ASCII and the bytes of a
// multi-byte character are all "not a digit" and never start a match.

// punct13a marks the characters of the first pattern's class:
// { | } ~ [ \ ] ^ _ ` space ! " # $ % & ( ) * + : ; < = > ? @ /
var punct13a = func() (t [256]bool) {
	for _, r := range [][2]byte{{'{', '~'}, {'[', '`'}, {' ', '&'}, {'(', '+'}, {':', '@'}, {'/', '/'}} {
		for c := int(r[0]); c <= int(r[1]); c++ {
			t[c] = true
		}
	}
	return t
}()

// entities13a is the language-independent part, in sacreBLEU's order.
var entities13a = [][2]string{
	{"<skipped>", ""}, {"-\n", ""}, {"\n", " "},
	{"&quot;", `"`}, {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"},
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func (tk *tokBuf) tok13a(line string) []byte {
	var has [256]bool
	for i := 0; i < len(line); i++ {
		has[line[i]] = true
	}
	if has['<'] || has['&'] || has['\n'] {
		for _, e := range entities13a {
			line = strings.ReplaceAll(line, e[0], e[1])
		}
	}
	in := tk.pad13a(line)
	if has['.'] || has[','] {
		in = tk.swap(in, splitBeforeDot)
		in = tk.swap(in, splitAfterDot)
	}
	if has['-'] {
		in = tk.swap(in, splitDigitDash)
	}
	return in
}

// pad13a writes " " + line + " " into tk.a with the first pattern applied.
func (tk *tokBuf) pad13a(line string) []byte {
	out := append(tk.a[:0], ' ')
	last := 0
	for i := 0; i < len(line); i++ {
		if c := line[i]; punct13a[c] {
			out = append(out, line[last:i]...)
			out = append(out, ' ', c, ' ')
			last = i + 1
		}
	}
	out = append(out, line[last:]...)
	out = append(out, ' ')
	tk.a = out
	return out
}

// swap runs pass over in (which is tk.a) into tk.b and swaps the buffers.
func (tk *tokBuf) swap(in []byte, pass func(dst, in []byte) []byte) []byte {
	out := pass(tk.b[:0], in)
	tk.a, tk.b = out, in
	return out
}

// In the passes below, in[:last] has been copied to out, and a match may
// not start before last (re.sub's matches do not overlap).

// splitBeforeDot is ([^0-9])([\.,]) → "\1 \2 ".
func splitBeforeDot(out, in []byte) []byte {
	last := 0
	for j := 1; j < len(in); j++ {
		if c := in[j]; (c == '.' || c == ',') && j-1 >= last && !isDigit(in[j-1]) {
			out = append(out, in[last:j]...)
			out = append(out, ' ', c, ' ')
			last = j + 1
		}
	}
	return append(out, in[last:]...)
}

// splitAfterDot is ([\.,])([^0-9]) → " \1 \2".
func splitAfterDot(out, in []byte) []byte {
	last := 0
	for j := last; j+1 < len(in); j++ {
		if c := in[j]; (c == '.' || c == ',') && j >= last && !isDigit(in[j+1]) {
			out = append(out, in[last:j]...)
			out = append(out, ' ', c, ' ', in[j+1])
			last = j + 2
		}
	}
	return append(out, in[last:]...)
}

// splitDigitDash is ([0-9])(-) → "\1 \2 ".
func splitDigitDash(out, in []byte) []byte {
	last := 0
	for j := 0; j+1 < len(in); j++ {
		if in[j+1] == '-' && j >= last && isDigit(in[j]) {
			out = append(out, in[last:j+1]...)
			out = append(out, ' ', '-', ' ')
			last = j + 2
		}
	}
	return append(out, in[last:]...)
}
