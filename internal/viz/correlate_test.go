package viz

import (
	"fmt"
	"math"
	"testing"
)

// quoteText has quotes, brackets and several lines, so that every feature varies.
const quoteText = "He said \"go (now)\" and left.\n\"Yes,\" she said [softly].\nNo.\n"

// featureActs returns activations over the runes of text with cell 0 the
// in-quote indicator, cell 1 its negation scaled, cell 2 the after-newline
// indicator, cell 3 a constant and cell 4 noise-like.
func featureActs(text string) [][]float32 {
	rs := []rune(text)
	q := insideQuotes(rs)
	nl := afterNewline(rs)
	acts := make([][]float32, len(rs))
	for i := range rs {
		acts[i] = []float32{float32(q[i]), float32(-0.5 * q[i]), float32(nl[i]), 0.25, float32(math.Sin(float64(i * i)))}
	}
	return acts
}

func TestCorrelations(t *testing.T) {
	corr := Correlations(quoteText, featureActs(quoteText))
	byName := map[string]FeatureCorr{}
	for _, f := range corr {
		byName[f.Feature] = f
	}
	const eps = 1e-12 // the cells equal the features exactly, so r is ±1 up to rounding
	for _, tc := range []struct {
		feature string
		cell    int
		r       float64
	}{
		{"inside quotes", 0, 1},
		{"inside quotes", 1, -1},
		{"after newline", 2, 1},
	} {
		t.Run(fmt.Sprintf("%s/cell%d", tc.feature, tc.cell), func(t *testing.T) {
			if got := byName[tc.feature].R[tc.cell]; math.Abs(got-tc.r) > eps {
				t.Errorf("r = %v, want %v", got, tc.r)
			}
		})
	}
	if r := byName["inside quotes"].R[3]; !math.IsNaN(r) {
		t.Errorf("constant cell r = %v, want NaN", r)
	}
	top := byName["inside quotes"].Top(3)
	if len(top) != 3 || top[0].Cell != 0 || top[1].Cell != 1 {
		t.Errorf("top cells for quotes %+v, want cells 0 then 1", top)
	}
	if len(corr) != len(Features) {
		t.Errorf("%d features, want %d", len(corr), len(Features))
	}
}

func TestFeatures(t *testing.T) {
	text := []rune("a\"b\"(c)\nd)e(f")
	for _, tc := range []struct {
		name string
		f    func([]rune) []float64
		want []float64
	}{
		{"inside quotes", insideQuotes, []float64{0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{"inside brackets", insideBrackets, []float64{0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1}},
		{"after newline", afterNewline, []float64{0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}},
		// Line one is 8 runes with its newline; line two 5 runes without one.
		{"position in line", linePosition, []float64{0, 1. / 8, 2. / 8, 3. / 8, 4. / 8, 5. / 8, 6. / 8, 7. / 8, 0, 1. / 5, 2. / 5, 3. / 5, 4. / 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.f(text)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestPerRuneBytes(t *testing.T) {
	text := "aé\"" // 'é' is two bytes: a byte-level model gives it two rows
	acts := [][]float32{{1}, {2}, {3}, {4}}
	rs, rows := perRune(text, acts)
	if len(rs) != 3 || len(rows) != 3 || rows[0][0] != 1 || rows[1][0] != 3 || rows[2][0] != 4 {
		t.Errorf("rows %v, want [[1] [3] [4]]: a character takes its last byte's row", rows)
	}
	defer func() {
		if recover() == nil {
			t.Error("no panic for 2 rows over 3 runes")
		}
	}()
	perRune(text, acts[:2])
}

func ExampleCorrelations() {
	text := `say "hi" now`
	acts := make([][]float32, len(text)) // (N, H=2)
	in := false
	for i, r := range text {
		if r == '"' {
			in = !in
		}
		acts[i] = []float32{0, float32(i % 2)}
		if in {
			acts[i][0] = 0.9
		}
	}
	for _, f := range Correlations(text, acts) {
		fmt.Printf("%s:", f.Feature)
		for _, c := range f.Top(1) {
			fmt.Printf(" cell %d r=%+.2f", c.Cell, c.R)
		}
		fmt.Println()
	}
	// Output:
	// inside quotes: cell 0 r=+1.00
	// position in line: cell 1 r=+0.14
	// inside brackets:
	// after newline:
}
