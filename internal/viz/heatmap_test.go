package viz

import (
	"bytes"
	"math"
	"os"
	"strings"
	"testing"
)

// diagonalish returns (T, S) attention rows that favour the diagonal.
func diagonalish(t, s int) [][]float64 {
	w := make([][]float64, t)
	for i := range w {
		w[i] = make([]float64, s)
		sum := 0.0
		for j := range w[i] {
			w[i][j] = math.Exp(-math.Abs(float64(i*s)/float64(t) - float64(j)))
			sum += w[i][j]
		}
		for j := range w[i] {
			w[i][j] /= sum
		}
	}
	return w
}

func TestHeatmap(t *testing.T) {
	src := strings.Fields("the agreement on the European Economic Area was signed in August 1992 . </s>")
	tgt := strings.Fields("соглашение о Европейской экономической зоне было подписано в августе 1992 года . </s>")
	short := strings.Fields("a b c")
	sw, sh := HeatmapSize(src, tgt)
	for _, tc := range []struct {
		name     string
		src, tgt []string
		opts     HeatmapOptions
		w, h     int
	}{
		{"long tokens, derived size", src, tgt, HeatmapOptions{Title: "attention"}, sw, sh},
		{"given size", src, tgt, HeatmapOptions{Width: 500, Height: 300}, 500, 300},
		{"one by one", short[:1], short[:1], HeatmapOptions{}, heatMinSide, heatMinSide},
		{"short tokens", short, short[:2], HeatmapOptions{}, heatMinSide, heatMinSide},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Heatmap(&buf, diagonalish(len(tc.tgt), len(tc.src)), tc.src, tc.tgt, tc.opts); err != nil {
				t.Fatal(err)
			}
			checkPNG(t, buf.Bytes(), tc.w, tc.h)
		})
	}
}

func TestHeatmapSize(t *testing.T) {
	for _, tc := range []struct {
		name     string
		src, tgt []string
		w, h     int
	}{
		// 80 margin + 32 per token + 7 per character of the longest other-axis label.
		{"ten by five", make([]string, 10), []string{"abcd", "", "", "", ""}, 80 + 320 + 28, 80 + 160},
		{"clamped small", []string{"a"}, []string{"b"}, 240, 240},
		{"clamped large", make([]string, 200), make([]string, 10), 4000, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if w, h := HeatmapSize(tc.src, tc.tgt); w != tc.w || h != tc.h {
				t.Errorf("HeatmapSize = %d×%d, want %d×%d", w, h, tc.w, tc.h)
			}
		})
	}
}

func TestHeatmapPanics(t *testing.T) {
	for _, tc := range []struct {
		name     string
		weights  [][]float64
		src, tgt []string
	}{
		{"rows", [][]float64{{1}}, []string{"a"}, []string{"x", "y"}},
		{"cols", [][]float64{{1}}, []string{"a", "b"}, []string{"x"}},
		{"empty", nil, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			Heatmap(&bytes.Buffer{}, tc.weights, tc.src, tc.tgt, HeatmapOptions{})
		})
	}
}

func TestAlignmentText(t *testing.T) {
	weights := [][]float64{
		{0.9, 0.05, 0.05},
		{0.1, 0.2, 0.7},
		{0.4, 0.4, 0.2}, // a tie goes to the first source token
	}
	var buf bytes.Buffer
	if err := AlignmentText(&buf, weights, []string{"I", "see", "you"}, []string{"я", "тебя", "вижу"}); err != nil {
		t.Fatal(err)
	}
	want := "target  source  weight\n" +
		"я       I       0.90\n" +
		"тебя    you     0.70\n" +
		"вижу    I       0.40\n" +
		"alignment: 0-0 2-1 0-2\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestHardAlignmentNaN(t *testing.T) {
	got := HardAlignment([][]float64{{nan, 0.2, 0.8}, {nan, nan}})
	if got[0].Src != 2 || got[0].Weight != 0.8 {
		t.Errorf("row 0 links %+v, want source 2 at 0.8", got[0])
	}
	if got[1].Src != 0 || !math.IsNaN(got[1].Weight) {
		t.Errorf("all-NaN row links %+v, want source 0 at NaN", got[1])
	}
}

func ExampleAlignmentText() {
	weights := [][]float64{ // (T=2, S=3)
		{0.8, 0.1, 0.1},
		{0.1, 0.3, 0.6},
	}
	AlignmentText(os.Stdout, weights, []string{"good", "morning", "!"}, []string{"bonjour", "!"})
	// Output:
	// target   source  weight
	// bonjour  good    0.80
	// !        !       0.60
	// alignment: 0-0 2-1
}
