package bleu

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// fmtFixed is Python's f"{x:.{prec}f}" (both round the exact binary value
// half to even).
func fmtFixed(x float64, prec int) string {
	if prec < 0 {
		prec = 0
	}
	return strconv.FormatFloat(x, 'f', prec, 64)
}

// pyRepr is Python's repr of a float, as json.dumps writes it: the shortest
// round-trip digits, positional with ".0" when 1e-4 <= |x| < 1e16,
// scientific ("1e-05", "1.5e+16") otherwise.
func pyRepr(x float64) string {
	e := strconv.FormatFloat(x, 'e', -1, 64)
	exp, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	if x != 0 && (exp < -4 || exp >= 16) {
		return e
	}
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// formatLine is sacreBLEU's Score.format for text.
func formatLine(name, sig string, score float64, width int, verbose string) string {
	line := name
	if sig != "" {
		line += "|" + sig
	}
	line += " = " + fmtFixed(score, width)
	if verbose != "" {
		line += " " + verbose
	}
	return line
}

// formatJSON is sacreBLEU's Score.format with is_json: json.dumps(d,
// indent=1, ensure_ascii=False) of name, score rounded to width, signature,
// verbose_score (when there is one) and each signature field as a string.
func formatJSON(name, sig string, score float64, width int, verbose string) string {
	rounded, _ := strconv.ParseFloat(fmtFixed(score, width), 64)
	kv := [][2]string{
		{"name", jsonString(name)},
		{"score", pyRepr(rounded)},
		{"signature", jsonString(sig)},
	}
	if verbose != "" {
		kv = append(kv, [2]string{"verbose_score", jsonString(verbose)})
	}
	for _, p := range strings.Split(sig, "|") {
		k, v, _ := strings.Cut(p, ":")
		kv = append(kv, [2]string{k, jsonString(v)})
	}
	var b strings.Builder
	b.WriteString("{\n")
	for i, e := range kv {
		b.WriteString(" " + jsonString(e[0]) + ": " + e[1])
		if i < len(kv)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("}")
	return b.String()
}

// jsonString quotes s as Python's json.dumps with ensure_ascii=False does.
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r < 0x20 {
				b.WriteString(`\u00`)
				b.WriteString(strconv.FormatInt(int64(r)>>4, 16))
				b.WriteString(strconv.FormatInt(int64(r)&15, 16))
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Align lines up several text results on their " = " as sacreBLEU's
// print_single_results does when it prints more than one metric: the part
// before each line's first "=" (less one space) is right-aligned.
func Align(lines []string) []string {
	if len(lines) < 2 {
		return lines
	}
	lens := make([]int, len(lines))
	w := 0
	for i, l := range lines {
		lens[i] = utf8.RuneCountInString(l[:max(strings.IndexByte(l, '='), 1)]) - 1
		w = max(w, lens[i])
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.Repeat(" ", w-lens[i]) + l
	}
	return out
}

// JSONList joins several JSON results as sacreBLEU prints them: one object
// alone, or "[\n" + objects joined by ",\n" + "\n]".
func JSONList(objs []string) string {
	if len(objs) == 1 {
		return objs[0]
	}
	return "[\n" + strings.Join(objs, ",\n") + "\n]"
}
