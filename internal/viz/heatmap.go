package viz

import (
	"fmt"
	"io"
	"math"
	"unicode/utf8"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// HeatmapOptions configure Heatmap. The zero value is useful.
type HeatmapOptions struct {
	// Width and Height of the PNG in pixels; 0 means the size HeatmapSize
	// gives for the tokens.
	Width, Height int
	// Title is drawn above the plot; empty for none.
	Title string
}

// Sizing of HeatmapSize, in pixels.
const (
	heatCell      = 32  // side of one token's square
	heatMargin    = 80  // axes, title and padding around the grid
	heatCharWidth = 7   // an average glyph of the 10 pt tick labels
	heatMinSide   = 240 // the smallest image side
	heatMaxSide   = 4000
)

// HeatmapSize returns the PNG size Heatmap uses by default for the given
// tokens: 32 pixels per token along each axis, plus 80 pixels of margin
// and room for the longest tick label (7 pixels a character) on the other
// axis, each side clamped to [240, 4000].
func HeatmapSize(src, tgt []string) (width, height int) {
	width = heatMargin + heatCell*len(src) + heatCharWidth*maxRunes(tgt)
	height = heatMargin + heatCell*len(tgt) + heatCharWidth*maxRunes(src)
	return clampSide(width), clampSide(height)
}

func clampSide(n int) int { return min(max(n, heatMinSide), heatMaxSide) }

func maxRunes(tokens []string) int {
	n := 0
	for _, t := range tokens {
		n = max(n, utf8.RuneCountInString(t))
	}
	return n
}

// Heatmap draws the attention weights (T, S) — row t is the distribution
// over the source tokens when the t-th target token was produced — as a
// heatmap and writes it to w as a PNG. Source tokens label the x axis (left
// to right, turned upright when any is longer than 3 characters) and target
// tokens the y axis, the first target token at the top. Colours run from
// black (weight 0) through red and yellow to white (weight 1), Moreland's
// black-body palette, on a fixed 0..1 scale so maps compare. NaN weights
// are drawn grey.
//
// Heatmap panics if weights is not len(tgt) rows of len(src) columns, or
// if either token list is empty.
func Heatmap(w io.Writer, weights [][]float64, src, tgt []string, opts HeatmapOptions) error {
	checkWeights(weights, src, tgt)
	width, height := HeatmapSize(src, tgt)
	if opts.Width != 0 {
		width = opts.Width
	}
	if opts.Height != 0 {
		height = opts.Height
	}
	p := heatPlot(weights, src, tgt, opts.Title)
	return writePNG(w, width, height, func(dc draw.Canvas) {
		p.Draw(padded(dc, 8))
	})
}

// checkWeights panics unless weights is (len(tgt), len(src)) and non-empty.
func checkWeights(weights [][]float64, src, tgt []string) {
	if len(src) == 0 || len(tgt) == 0 {
		panic("viz: attention over no source or no target tokens")
	}
	if len(weights) != len(tgt) {
		panic(fmt.Sprintf("viz: %d attention rows for %d target tokens", len(weights), len(tgt)))
	}
	for t, row := range weights {
		if len(row) != len(src) {
			panic(fmt.Sprintf("viz: attention row %d has %d weights for %d source tokens", t, len(row), len(src)))
		}
	}
}

// heatPlot builds the plot; rows are flipped so the first target is on top.
func heatPlot(weights [][]float64, src, tgt []string, title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	h := plotter.NewHeatMap(attnGrid(weights), moreland.BlackBody().Palette(256))
	h.Min, h.Max = 0, 1
	h.Underflow, h.Overflow = h.Palette.Colors()[0], h.Palette.Colors()[255]
	h.NaN = grey
	p.Add(h)
	p.NominalX(src...)
	flipped := make([]string, len(tgt))
	for i, t := range tgt {
		flipped[len(tgt)-1-i] = t
	}
	p.NominalY(flipped...)
	if maxRunes(src) > 3 {
		p.X.Tick.Label.Rotation = math.Pi / 2
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	}
	p.X.Label.Text = "source"
	p.Y.Label.Text = "target"
	return p
}

// attnGrid is weights (T, S) as a plotter.GridXYZ with column c = source
// token c and row r = target token T-1-r, so that row 0 is drawn lowest.
type attnGrid [][]float64

func (g attnGrid) Dims() (c, r int)   { return len(g[0]), len(g) }
func (g attnGrid) Z(c, r int) float64 { return g[len(g)-1-r][c] }
func (g attnGrid) X(c int) float64    { return float64(c) }
func (g attnGrid) Y(r int) float64    { return float64(r) }
