package viz

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"math"
)

// NeuronOptions configure NeuronPage. The zero value is useful.
type NeuronOptions struct {
	// Title of the page; empty means "s2s neurons".
	Title string
	// Cell is the hidden cell shown when the page opens; it panics outside
	// [0, H). A negative Cell opens the cell with the largest |r| for any
	// feature.
	Cell int
	// Top is how many cells the table lists per feature; 0 or less means 5.
	Top int
}

// NeuronPage writes one self-contained HTML page (inline CSS and script,
// nothing fetched) that shows text with each character's background
// coloured by the activation of one hidden cell, as in Karpathy's char-rnn
// visualisation: blue for +1, white for 0, red for −1. A number input (or a
// click on a cell in the table) chooses the cell. Below the text, a table
// lists the cells most correlated with each of Features (see Correlations).
//
// acts holds H activations per character: one row per rune of text, or
// one row per byte of text for a byte-level model (a character then shows
// the row of its last byte). Activations are meant for the tanh range: the
// page embeds them as JSON, each cell's values clamped to [−1, 1] and
// quantised to 1/127 as base64 of int8. Newlines show as ↵, tabs as ⇥ and
// other control characters as their Unicode control pictures; all text is
// HTML-escaped.
//
// NeuronPage panics if acts fits neither the runes nor the bytes of text,
// if its rows differ in length, or if opts.Cell is not a cell.
func NeuronPage(w io.Writer, text string, acts [][]float32, opts NeuronOptions) error {
	rs, rows := perRune(text, acts)
	h := cells(rows)
	corr := Correlations(text, acts)
	d := pageData{
		Title: opts.Title, Cells: h, Cell: opts.Cell, MaxCell: h - 1,
		Chars: showChars(rs),
		Acts:  actsJSON{N: len(rows), H: h, Scale: quantScale, Cells: quantise(rows)},
	}
	if d.Title == "" {
		d.Title = "s2s neurons"
	}
	top := opts.Top
	if top <= 0 {
		top = 5
	}
	for _, f := range corr {
		d.Table = append(d.Table, tableRow{f.Feature, f.Top(top)})
	}
	if d.Cell < 0 {
		d.Cell = bestCell(corr)
	}
	if h > 0 && d.Cell >= h {
		panic(fmt.Sprintf("viz: cell %d of %d", d.Cell, h))
	}
	return pageTemplate.Execute(w, d)
}

// pageData is what pageTemplate renders.
type pageData struct {
	Title   string
	Cells   int // H
	Cell    int // shown first
	MaxCell int // H-1
	Chars   []shownChar
	Table   []tableRow
	Acts    actsJSON
}

type tableRow struct {
	Feature string
	Top     []CellR
}

// actsJSON is the embedded activations: Cells[c] is base64 of N int8, the
// activations of cell c times Scale, rounded.
type actsJSON struct {
	N     int      `json:"n"`
	H     int      `json:"h"`
	Scale int      `json:"scale"`
	Cells []string `json:"cells"`
}

const quantScale = 127

// quantise encodes rows (N, H) cell by cell as base64 int8.
func quantise(rows [][]float32) []string {
	out := make([]string, cells(rows))
	buf := make([]byte, len(rows))
	for c := range out {
		for i, row := range rows {
			v := math.Max(-1, math.Min(1, float64(row[c])))
			if math.IsNaN(v) {
				v = 0
			}
			buf[i] = byte(int8(math.Round(v * quantScale)))
		}
		out[c] = base64.StdEncoding.EncodeToString(buf)
	}
	return out
}

// bestCell is the cell with the largest |r| for any feature (0 if none).
func bestCell(corr []FeatureCorr) int {
	best, bestR := 0, 0.0
	for _, f := range corr {
		if top := f.Top(1); len(top) == 1 && math.Abs(top[0].R) > bestR {
			best, bestR = top[0].Cell, math.Abs(top[0].R)
		}
	}
	return best
}

// shownChar is one character as the page shows it.
type shownChar struct {
	Text  string // what is displayed; "↵\n" for a newline
	Class string // "" or "mark" for a stand-in glyph
}

func showChars(rs []rune) []shownChar {
	out := make([]shownChar, len(rs))
	for i, r := range rs {
		out[i] = showChar(r)
	}
	return out
}

func showChar(r rune) shownChar {
	switch {
	case r == '\n':
		return shownChar{"↵\n", "mark"}
	case r == '\t':
		return shownChar{"⇥", "mark"}
	case r < 0x20:
		return shownChar{string(0x2400 + r), "mark"} // Control Pictures block
	case r == 0x7f:
		return shownChar{"␡", "mark"}
	}
	return shownChar{string(r), ""}
}

// signed formats r with its sign, for the table.
func signed(r float64) string { return fmt.Sprintf("%+.2f", r) }

var pageTemplate = template.Must(template.New("page").
	Funcs(template.FuncMap{"signed": signed}).Parse(pageHTML))
