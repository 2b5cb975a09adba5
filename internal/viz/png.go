package viz

import (
	"fmt"
	"image"
	"io"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// dpi is the resolution the plots are laid out at: font sizes in points
// come out at the sizes a browser shows them (CSS pixels are 1/96 inch).
const dpi = 96

// writePNG renders fn on a white canvas of exactly width×height pixels and
// writes it to w as PNG.
func writePNG(w io.Writer, width, height int, fn func(dc draw.Canvas)) error {
	if width <= 0 || height <= 0 {
		return fmt.Errorf("image size %d×%d: width and height must be positive", width, height)
	}
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	c := vgimg.NewWith(vgimg.UseImage(img), vgimg.UseDPI(dpi))
	fn(draw.New(c))
	_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
	return err
}

// pt converts pixels to plot lengths at dpi.
func pt(pixels float64) vg.Length { return vg.Length(pixels) * vg.Inch / dpi }
