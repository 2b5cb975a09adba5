package bleu

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// ReadLines reads UTF-8 text the way sacreBLEU reads a hypothesis or
// reference file (open(..., newline="\n") and line.rstrip()): only \n ends a
// line, a final line without \n counts, and each line loses its trailing
// Python whitespace (\r, U+00A0, U+3000, ...). With universal set, \r\n and a
// lone \r end lines too, as on sacreBLEU's standard input. Invalid UTF-8 is
// an error that names the line: "name:LINE: invalid UTF-8".
func ReadLines(r io.Reader, name string, universal bool) ([]string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if universal {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}
	text := string(data)
	var out []string
	for n := 1; len(text) > 0; n++ {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		if !utf8.ValidString(line) {
			return nil, fmt.Errorf("%s:%d: invalid UTF-8 (sacreBLEU reads UTF-8 only)", name, n)
		}
		out = append(out, pyRStrip(line))
	}
	return out, nil
}
