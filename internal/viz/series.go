package viz

import (
	"math"

	"gonum.org/v1/plot/plotter"
)

// series collects (step, value) points of one curve. A point whose step is
// not after the last one means the run was resumed from an earlier
// checkpoint: the points it re-does are dropped, so the curve shows the
// history that the surviving weights actually have.
type series struct{ xy plotter.XYs }

// add appends (step, v), first dropping points at or after step. A
// non-finite v is skipped after the drop: it still marks the resume.
func (s *series) add(step int64, v float64) {
	x := float64(step)
	for len(s.xy) > 0 && s.xy[len(s.xy)-1].X >= x {
		s.xy = s.xy[:len(s.xy)-1]
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	s.xy = append(s.xy, plotter.XY{X: x, Y: v})
}

// curves are the series a training-curve plot draws.
type curves struct {
	train, valid, bleu series
}

// collect splits events into the plotted series; other kinds are ignored.
func collect(events []Event) curves {
	var c curves
	for _, e := range events {
		switch e.Event {
		case "train":
			c.train.add(e.Step, e.Loss)
		case "valid":
			c.valid.add(e.Step, e.Loss)
			c.bleu.add(e.Step, e.BLEU)
		}
	}
	return c
}
