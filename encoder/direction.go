package encoder

import (
	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// direction runs one direction d of layer l over the whole batch: one GEMM
// for all input projections, then one Step per time step (d = 0 forward in
// time, 1 backward). Padded rows keep their previous state and output zero.
func (e *Encoder[F]) direction(w *Work[F], l, d int, c *cell.Cell[F]) {
	dw, B, S := &w.layers[l].dirs[d], w.B, w.S
	c.Project(dw.gx, w.input(l))
	c.PackRecurrent(&dw.whh)
	for k := 0; k < S; k++ {
		t := k
		if d == 1 {
			t = S - 1 - k
		}
		hp, cp := w.prev(dw, d, t)
		tr := &dw.tr[t]
		c.Step(tr, cell.StepIn[F]{Gx: dw.gx.Slice(t*B, (t+1)*B), HPrev: hp, CPrev: cp, Whh: &dw.whh})
		for b := 0; b < B; b++ {
			out := w.outRow(e, l, d, b, t)
			if t < w.lens[b] {
				copy(out, tr.H.Row(b))
				continue
			}
			clear(out)
			copy(tr.H.Row(b), hp.Row(b))
			if tr.C.Rows > 0 {
				copy(tr.C.Row(b), cp.Row(b))
			}
		}
	}
}

// directionBackward is direction's backward: the carries start from
// DFinal, each step adds the output gradient of real rows, and padded rows
// pass their carry through untouched (so they give no parameter gradient).
func (e *Encoder[F]) directionBackward(w *Work[F], l, d int, c *cell.Cell[F]) {
	dw, B, S := &w.layers[l].dirs[d], w.B, w.S
	hasC := c.Kind.HasC()
	dh, dhp, dc, dcp := w.dh, w.dhp, w.dc, w.dcp
	copy(dh.Data, w.DFinal[l][d].H.Data)
	if hasC {
		copy(dc.Data, w.DFinal[l][d].C.Data)
	}
	c.PackRecurrentBackward(&dw.whhB)
	for k := S - 1; k >= 0; k-- {
		t := k
		if d == 1 {
			t = S - 1 - k
		}
		for b := 0; b < B; b++ {
			if t < w.lens[b] {
				addTo(dh.Row(b), w.outGradRow(e, l, d, b, t))
				continue
			}
			moveRow(w.keepH, dh, b)
			if hasC {
				moveRow(w.keepC, dc, b)
			}
		}
		hp, cp := w.prev(dw, d, t)
		c.StepBackward(&dw.tr[t], cell.StepIn[F]{HPrev: hp, CPrev: cp}, cell.StepGrads[F]{
			DH: dh, DC: dc, Gates: dw.g.Rows(t*B, (t+1)*B), DHPrev: dhp, DCPrev: dcp, Whh: &dw.whhB})
		for b := 0; b < B; b++ {
			if t >= w.lens[b] {
				copy(dhp.Row(b), w.keepH.Row(b))
				if hasC {
					copy(dcp.Row(b), w.keepC.Row(b))
				}
			}
		}
		dh, dhp, dc, dcp = dhp, dh, dcp, dc
	}
	e.recurrentGrad(w, dw, d, c)
	c.ProjectBackward(w.layers[l].din, dw.g.DGx, w.input(l), d == 1)
}

// recurrentGrad adds direction d's W_hh and b_hh gradients: one GEMM over
// the steps whose previous state is a trace's (forward: steps 1…S−1 after
// 0…S−2; backward: 0…S−2 after 1…S−1), and the bias part of the first
// step, whose previous state is zero.
func (e *Encoder[F]) recurrentGrad(w *Work[F], dw *dirWork[F], d int, c *cell.Cell[F]) {
	B, N := w.B, w.S*w.B
	first, rest, prev := dw.g.Rows(0, B), dw.g.Rows(B, N), dw.hs.Slice(0, N-B)
	if d == 1 {
		first, rest, prev = dw.g.Rows(N-B, N), dw.g.Rows(0, N-B), dw.hs.Slice(B, N)
	}
	c.RecurrentGrad(rest, prev)
	c.RecurrentGrad(first, mat.Mat[F]{})
}

// outRow returns the slice of layer l's output that direction d writes for
// sentence b at step t: batch-major Out on the top layer, else time-major.
func (w *Work[F]) outRow(e *Encoder[F], l, d, b, t int) []F {
	H := e.Cfg.Hidden
	if l == e.Cfg.Layers-1 {
		return w.Out.Row(b*w.S + t)[d*H : (d+1)*H]
	}
	return w.layers[l].out.Row(t*w.B + b)[d*H : (d+1)*H]
}

// outGradRow is outRow's gradient: DOut on the top layer; below it, the
// gradient before dropout (dout), or the input gradient of the layer above
// when no mask was drawn.
func (w *Work[F]) outGradRow(e *Encoder[F], l, d, b, t int) []F {
	H := e.Cfg.Hidden
	if l == e.Cfg.Layers-1 {
		return w.DOut.Row(b*w.S + t)[d*H : (d+1)*H]
	}
	g := w.layers[l+1].din
	if w.dropMid {
		g = w.layers[l].dout
	}
	return g.Row(t*w.B + b)[d*H : (d+1)*H]
}

// addTo sets dst += src.
func addTo[F mat.Float](dst, src []F) {
	for i, v := range src {
		dst[i] += v
	}
}

// moveRow copies row b of src into dst and zeroes it in src.
func moveRow[F mat.Float](dst, src mat.Mat[F], b int) {
	copy(dst.Row(b), src.Row(b))
	clear(src.Row(b))
}
