package viz

import (
	"image/color"

	"gonum.org/v1/plot/vg/draw"
)

var grey = color.Gray{Y: 0x80}

// padded returns dc shrunk by px pixels on every side.
func padded(dc draw.Canvas, px float64) draw.Canvas {
	d := pt(px)
	dc.Min.X += d
	dc.Min.Y += d
	dc.Max.X -= d
	dc.Max.Y -= d
	return dc
}
