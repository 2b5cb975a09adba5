package viz

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Default size of Curves' image, in pixels.
const (
	DefaultCurvesWidth  = 1000
	DefaultCurvesHeight = 600
)

// CurvesOptions configure Curves. The zero value is useful.
type CurvesOptions struct {
	// Width and Height of the PNG in pixels; 0 means DefaultCurvesWidth
	// and DefaultCurvesHeight.
	Width, Height int
	// Title is drawn above the plot; empty for none.
	Title string
}

var (
	trainColor = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff} // blue
	validColor = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff} // red
	bleuColor  = color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff} // green
	// runColors tell runs apart when Compare draws several.
	runColors = []color.Color{trainColor, validColor, bleuColor,
		color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff}, // purple
		color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}, // orange
		color.RGBA{R: 0x8c, G: 0x56, B: 0x4b, A: 0xff}, // brown
	}
)

// Run is one training run for Compare: its events, named in the legend.
type Run struct {
	Name   string
	Events []Event
}

// Curves draws the training curves of events (as ReadMetrics returns them)
// and writes them to w as a PNG: training loss and validation loss against
// steps on one panel, and dev BLEU against steps on a second panel below it
// when any valid event has a finite BLEU (a language model has none).
// Non-finite values are left out; a step that goes back (a resumed run)
// drops the points it re-does. It returns an error when no event has a
// finite loss, or when the size is not positive.
func Curves(w io.Writer, events []Event, opts CurvesOptions) error {
	c := collect(events)
	if len(c.train.xy) == 0 && len(c.valid.xy) == 0 {
		return errors.New("no train or valid event with a finite loss to plot")
	}
	plots, err := curvePlots(c, lossScale([]curves{c}), opts.Title)
	if err != nil {
		return err
	}
	return drawPanels(w, plots, opts)
}

// lossWindows is how many windows of steps Curves and Compare average
// the training loss over, across the longest run.
const lossWindows = 100

// Compare draws the curves of several runs on the same axes, one colour
// per run (at most six): training loss as a line, each point the mean of
// the logged losses in one window of 1/100 of the longest run's steps,
// and validation loss dashed with points on top; dev BLEU below when any
// run has it; each legend entry prefixed by the run's name. When any run
// has validations, the loss axis stops 15% above the highest validation
// loss, so that the early training loss does not flatten the curves
// being compared. Each run's events are read as Curves reads them. It
// returns an error when a run has no finite loss, naming it, or when
// there are no runs or more than six.
func Compare(w io.Writer, runs []Run, opts CurvesOptions) error {
	if len(runs) == 0 || len(runs) > len(runColors) {
		return fmt.Errorf("%d runs: Compare draws 1 to %d", len(runs), len(runColors))
	}
	loss, bleu := plot.New(), plot.New()
	loss.Title.Text = opts.Title
	loss.Y.Label.Text = "loss (nats/token)"
	loss.Legend.Top = true
	bleu.Y.Label.Text = "dev BLEU"
	bleu.Legend.Top, bleu.Legend.Left = false, false
	hasBLEU := false
	all := make([]curves, len(runs))
	for i, r := range runs {
		c := collect(r.Events)
		if len(c.train.xy) == 0 && len(c.valid.xy) == 0 {
			return fmt.Errorf("run %s: no train or valid event with a finite loss to plot", r.Name)
		}
		all[i] = c
	}
	scale := lossScale(all)
	for i, r := range runs {
		c, col := all[i], runColors[i]
		if err := addLine(loss, windowMeans(c.train.xy, scale.window), r.Name+" train loss", col, false); err != nil {
			return err
		}
		if err := addDashed(loss, c.valid.xy, r.Name+" valid loss", col); err != nil {
			return err
		}
		if err := addLine(bleu, c.bleu.xy, r.Name+" dev BLEU", col, true); err != nil {
			return err
		}
		hasBLEU = hasBLEU || len(c.bleu.xy) > 0
	}
	loss.Add(plotter.NewGrid())
	scale.fit(loss)
	plots := []*plot.Plot{loss}
	if hasBLEU {
		bleu.Add(plotter.NewGrid())
		bleu.X.Label.Text = "step"
		bleu.X.Min, bleu.X.Max = loss.X.Min, loss.X.Max
		plots = append(plots, bleu)
	} else {
		loss.X.Label.Text = "step"
	}
	return drawPanels(w, plots, opts)
}

// lossAxis is how the loss panel draws a set of runs: the width in steps
// of the windows the training loss is averaged over, and the top of the
// axis (+Inf when no run has a validation).
type lossAxis struct {
	window, top float64
}

// lossScale gives lossWindows windows across the longest of runs, and
// a top 15% above the highest validation loss, raised to the highest
// windowed training loss from the first validation on, so that a
// training loss above every validation (dropout, label smoothing) stays
// in view.
func lossScale(runs []curves) lossAxis {
	lastStep, maxValid, firstValid := 0.0, math.Inf(-1), math.Inf(1)
	for _, c := range runs {
		for _, xy := range [][]plotter.XY{c.train.xy, c.valid.xy} {
			if len(xy) > 0 {
				lastStep = max(lastStep, xy[len(xy)-1].X)
			}
		}
		for _, p := range c.valid.xy {
			maxValid = max(maxValid, p.Y)
			firstValid = min(firstValid, p.X)
		}
	}
	a := lossAxis{window: max(lastStep/lossWindows, 1), top: math.Inf(1)}
	if math.IsInf(maxValid, -1) {
		return a
	}
	a.top = 1.15 * maxValid
	for _, c := range runs {
		for _, p := range windowMeans(c.train.xy, a.window) {
			if p.X >= firstValid {
				a.top = max(a.top, p.Y)
			}
		}
	}
	return a
}

// fit stops p's Y axis at the top, if there is one.
func (a lossAxis) fit(p *plot.Plot) {
	if !math.IsInf(a.top, 1) {
		p.Y.Max = a.top
	}
}

// windowMeans averages xy (ordered by X) over consecutive windows of
// width steps, counted from 0: one point per non-empty window, at the
// mean X and mean Y of its points.
func windowMeans(xy plotter.XYs, width float64) plotter.XYs {
	var out plotter.XYs
	for i := 0; i < len(xy); {
		w := math.Floor(xy[i].X / width)
		var sx, sy float64
		j := i
		for ; j < len(xy) && math.Floor(xy[j].X/width) == w; j++ {
			sx, sy = sx+xy[j].X, sy+xy[j].Y
		}
		n := float64(j - i)
		out = append(out, plotter.XY{X: sx / n, Y: sy / n})
		i = j
	}
	return out
}

// addDashed adds xy as a dashed line with point markers, and a legend
// entry; an empty xy adds nothing.
func addDashed(p *plot.Plot, xy plotter.XYs, name string, c color.Color) error {
	return addStyled(p, xy, name, c, true, []vg.Length{vg.Points(4), vg.Points(3)})
}

// drawPanels writes plots stacked in one column as a PNG of opts' size.
func drawPanels(w io.Writer, plots []*plot.Plot, opts CurvesOptions) error {
	width, height := opts.Width, opts.Height
	if width == 0 {
		width = DefaultCurvesWidth
	}
	if height == 0 {
		height = DefaultCurvesHeight
	}
	return writePNG(w, width, height, func(dc draw.Canvas) {
		rows := make([][]*plot.Plot, len(plots))
		for i, p := range plots {
			rows[i] = []*plot.Plot{p}
		}
		tiles := draw.Tiles{Rows: len(plots), Cols: 1, PadX: pt(8), PadY: pt(8),
			PadTop: pt(8), PadBottom: pt(8), PadLeft: pt(8), PadRight: pt(16)}
		cs := plot.Align(rows, tiles, dc)
		for i, p := range plots {
			p.Draw(cs[i][0])
		}
	})
}

// curvePlots builds the loss panel and, when there is BLEU, the BLEU panel.
func curvePlots(c curves, scale lossAxis, title string) ([]*plot.Plot, error) {
	loss := plot.New()
	loss.Title.Text = title
	loss.Y.Label.Text = "loss (nats/token)"
	loss.Legend.Top = true
	if err := addLine(loss, windowMeans(c.train.xy, scale.window), "train loss", trainColor, false); err != nil {
		return nil, err
	}
	if err := addLine(loss, c.valid.xy, "valid loss", validColor, true); err != nil {
		return nil, err
	}
	loss.Add(plotter.NewGrid())
	scale.fit(loss)
	if len(c.bleu.xy) == 0 {
		loss.X.Label.Text = "step"
		return []*plot.Plot{loss}, nil
	}
	bleu := plot.New()
	bleu.X.Label.Text = "step"
	bleu.Y.Label.Text = "dev BLEU"
	if err := addLine(bleu, c.bleu.xy, "dev BLEU", bleuColor, true); err != nil {
		return nil, err
	}
	bleu.Add(plotter.NewGrid())
	// Both panels span the same steps so that they read as one time axis.
	bleu.X.Min, bleu.X.Max = loss.X.Min, loss.X.Max
	return []*plot.Plot{loss, bleu}, nil
}

// addLine adds xy as a line (with point markers if points) and a legend
// entry; an empty xy adds nothing.
func addLine(p *plot.Plot, xy plotter.XYs, name string, c color.Color, points bool) error {
	return addStyled(p, xy, name, c, points, nil)
}

// addStyled is addLine with the line's dash pattern (nil: solid).
func addStyled(p *plot.Plot, xy plotter.XYs, name string, c color.Color, points bool, dashes []vg.Length) error {
	if len(xy) == 0 {
		return nil
	}
	l, err := plotter.NewLine(xy)
	if err != nil {
		return err
	}
	l.Color = c
	l.Dashes = dashes
	l.Width = vg.Points(1.5)
	p.Add(l)
	p.Legend.Add(name, l)
	if points {
		s, err := plotter.NewScatter(xy)
		if err != nil {
			return err
		}
		s.Color = c
		s.Shape = draw.CircleGlyph{}
		s.Radius = vg.Points(2.5)
		p.Add(s)
	}
	return nil
}
