package bleu

import (
	"strings"
	"testing"
)

// Expected tokenizations derived by hand from sacreBLEU's regexes (see the
// comments in tok13a.go and tokintl.go); each comment walks the passes.
func TestTokenize(t *testing.T) {
	tests := []struct {
		tok        Tokenizer
		in, want   string
		derivation string
	}{
		{Tok13a, "Hello, world.", "Hello , world .",
			"pass 2 splits 'o,' and 'd.'; padding makes the final '.' followed by a space"},
		{Tok13a, "1,000.5 and 3.14.", "1,000.5 and 3.14 .",
			"separators between digits stay; the last '.' follows a digit but precedes the pad space (pass 3)"},
		{Tok13a, "..a", ". . a",
			"pass 2 on ' ..a ': (' ', '.') -> ' . ', then '.a' does not match; pass 3 on ' . .a ': ('.', ' ') " +
				"and then ('.', 'a') both match -> ' . ' and ' . a'"},
		{Tok13a, "a.,b", "a . , b",
			"pass 2: ('a', '.') matches and consumes the '.', so (',' 'b') is left; pass 3: ('.', ' ') and (',', 'b') match"},
		{Tok13a, "3-4-5", "3 - 4 - 5", "pass 4: '3-' and '4-' each become 'd - '"},
		{Tok13a, "a-b", "a-b", "a dash after a letter is not split"},
		{Tok13a, "AT&amp;T &lt;x&gt;", "AT & T < x >", "entities unescaped, then & < > are in the pass-1 class"},
		{Tok13a, "&amp;lt;", "<", "sequential replaces: &amp; -> & gives &lt; which the next replace turns into <"},
		{Tok13a, "a<skipped>b", "ab", "<skipped> is deleted before tokenizing"},
		{Tok13a, "it's e.g. x", "it's e . g . x", "' is not in the class; pass 2 splits ('e', '.') and ('g', '.')"},
		{Tok13a, "a\u00a0b", "a b", "U+00A0 is whitespace to Python's split"},
		{TokIntl, "Wait…what?!", "Wait … what ? !", "… and ? ! are \\p{P}, not preceded or followed by \\p{N}"},
		{TokIntl, "in 2019.", "in 2019.", "a final period after a number stays (mteval-v14's known quirk)"},
		{TokIntl, "$4.2 5%", "$ 4.2 5%", "$ is \\p{S}; '.' sits between digits; '%' follows a digit and ends the line"},
		{TokIntl, "x€y", "x € y", "€ is \\p{Sc}"},
		{TokChar, "ab c", "a b c", "each non-space code point is a token"},
		{TokNone, " a  b\tc ", "a b c", "split on Python whitespace only"},
	}
	for _, tt := range tests {
		if got := Tokenize(tt.tok, tt.in); got != tt.want {
			t.Errorf("%s(%q) = %q, want %q (%s)", tt.tok, tt.in, got, tt.want, tt.derivation)
		}
	}
}

func TestPythonStrings(t *testing.T) {
	// Python: "a\x1cb\u3000c\u200bd".split() == ['a', 'b', 'c\u200bd']
	// (U+001C and U+3000 are whitespace to Python, U+200B is not).
	if got := strings.Join(pyFields("a\x1cb\u3000c\u200bd"), "|"); got != "a|b|c\u200bd" {
		t.Errorf("pyFields = %q", got)
	}
	// Python: "x \r\u00a0".rstrip() == "x"
	if got := pyRStrip("x \r\u00a0"); got != "x" {
		t.Errorf("pyRStrip = %q", got)
	}
	// Python: "İSTANBUL ΟΔΟΣ".lower() == "i̇stanbul οδος": U+0130 becomes
	// i + U+0307, and the word-final Σ becomes ς.
	if got := pyLower("İSTANBUL ΟΔΟΣ"); got != "i\u0307stanbul οδος" {
		t.Errorf("pyLower = %q", got)
	}
}

func TestReadLines(t *testing.T) {
	// Only \n ends a line; \r stays inside and is stripped at the end; the
	// last line needs no \n; a trailing \n adds no empty line.
	got, err := ReadLines(strings.NewReader("a\rb\r\n c \u3000\n\nlast"), "f", false)
	want := []string{"a\rb", " c", "", "last"}
	if err != nil || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("ReadLines = %q, %v; want %q", got, err, want)
	}
	// Universal newlines (standard input): \r and \r\n end lines too.
	got, _ = ReadLines(strings.NewReader("a\rb\r\nc\n"), "f", true)
	if strings.Join(got, "|") != "a|b|c" {
		t.Errorf("universal ReadLines = %q", got)
	}
	if _, err := ReadLines(strings.NewReader("ok\nbad\xff\n"), "f.txt", false); err == nil || !strings.HasPrefix(err.Error(), "f.txt:2: invalid UTF-8") {
		t.Errorf("invalid UTF-8 error = %v", err)
	}
}
