package viz

// Feature is a property of each character of a text that a hidden cell may
// track. Value returns its value at every character, 0 or 1 for indicators.
type Feature struct {
	Name  string // short, for the page's table: "inside quotes"
	Value func(text []rune) []float64
}

// Features are the features Correlations measures, in table order. Each is
// defined on the state after the character has been read:
//
//   - inside quotes: an odd number of '"' up to and including this
//     character (the opening quote is inside, the closing one is not);
//   - position in line: the character's column divided by its line's
//     length counting the newline, so 0 at a line's start, below 1 at its
//     end;
//   - inside brackets: more of ( [ { than of ) ] } up to and including
//     this character (a closer with nothing open is ignored);
//   - after newline: the character follows a '\n'.
var Features = []Feature{
	{"inside quotes", insideQuotes},
	{"position in line", linePosition},
	{"inside brackets", insideBrackets},
	{"after newline", afterNewline},
}

func insideQuotes(text []rune) []float64 {
	v := make([]float64, len(text))
	in := false
	for i, r := range text {
		if r == '"' {
			in = !in
		}
		v[i] = indicator(in)
	}
	return v
}

func linePosition(text []rune) []float64 {
	v := make([]float64, len(text))
	start := 0
	for i, r := range text {
		if r == '\n' || i == len(text)-1 {
			n := float64(i + 1 - start)
			for j := start; j <= i; j++ {
				v[j] = float64(j-start) / n
			}
			start = i + 1
		}
	}
	return v
}

func insideBrackets(text []rune) []float64 {
	v := make([]float64, len(text))
	depth := 0
	for i, r := range text {
		switch r {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth = max(depth-1, 0)
		}
		v[i] = indicator(depth > 0)
	}
	return v
}

func afterNewline(text []rune) []float64 {
	v := make([]float64, len(text))
	for i := 1; i < len(text); i++ {
		v[i] = indicator(text[i-1] == '\n')
	}
	return v
}

func indicator(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
