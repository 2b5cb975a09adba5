package decoder

import (
	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/layer"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// Backward adds the gradient of gradScale·loss (the trainer passes
// 1/target tokens, so data-parallel shards sum correctly) into every
// parameter, and into g.Out (B·S, C) and g.Final for the encoder. enc must
// be the Encoded of the Forward. It consumes w (the log-probabilities
// become their gradient): run Forward again before another Backward.
func (d *Decoder[F]) Backward(w *Work[F], enc Encoded[F], g Grads[F], gradScale float64) {
	w.datt.Zero()
	d.outputBackward(w, gradScale)
	for l := range d.Cells {
		w.dhs[l].Zero()
		w.dcs[l].Zero()
	}
	w.dh0.Zero()
	if d.attends() {
		w.dkeys.Zero()
	}
	stepwise := d.Cfg.InputFeeding || w.sampling
	if !stepwise {
		d.attendBackward(w, g, 0, w.T)
	}
	for t := w.T - 1; t >= 0; t-- {
		if stepwise {
			d.attendBackward(w, g, t, t+1)
		}
		for l := len(d.Cells) - 1; l >= 0; l-- {
			d.cellBackward(w, l, t)
		}
	}
	d.recurrentGrads(w)
	d.inputsBackward(w)
	if d.attends() {
		d.Att.KeysBackward(g.Out, w.dkeys, enc.Out)
	}
	if !w.given { // a given initial state gets no gradient (truncated BPTT)
		d.bridgeBackward(w.dh0, w.h0, enc.Final, g.Final)
	}
}

// attendBackward backpropagates from datt through dropout, the attentional
// vector and attention for steps [t0, t1), adding into dhs[top], g.Out and
// dkeys.
func (d *Decoder[F]) attendBackward(w *Work[F], g Grads[F], t0, t1 int) {
	i, j := t0*w.B, t1*w.B
	H := w.datt.Cols
	dpre := w.datt.Slice(i, j)
	if w.train && d.drop.Active() {
		dpre = w.dattBuf.Slice(i, j)
		dpre.Zero()
		d.drop.Backward(dpre.Data, w.datt.Data[i*H:j*H], w.attMask[i*H:j*H])
	}
	q, dq := w.hs[d.top()].Slice(i, j), w.dhs[d.top()].Slice(i, j)
	if !d.attends() {
		addTo(dq.Data, dpre.Data)
		return
	}
	pre := w.attPre.Slice(i, j)
	for k, v := range pre.Data {
		dpre.Data[k] *= 1 - v*v
	}
	ctx, dctx := w.ctx.Slice(i, j), w.dctx.Slice(i, j)
	dctx.Zero()
	d.AttVec.Backward(dq, dpre, q, layer.Part[F]{})
	d.AttVec.Backward(dctx, dpre, ctx, layer.Part[F]{Off: q.Cols, NoBias: true})
	tr := w.attTr.Rows(i, j)
	d.Att.Backward(&tr, dq, w.dkeys, g.Out, dctx, q, w.mem, nil)
}

// cellBackward backpropagates layer l's step t: from dhs[l] at t (and the
// cell-state carry) to dgx, the previous state and the layer's input.
func (d *Decoder[F]) cellBackward(w *Work[F], l, t int) {
	c, tr := d.Cells[l], &w.tr[l][t]
	h, cp := w.prev(l, t)
	g := w.grads[l].Rows(t*w.B, (t+1)*w.B)
	var dc mat.Mat[F]
	if d.hasC() {
		dc = w.dcs[l]
	}
	if t == w.T-1 {
		c.PackRecurrentBackward(&w.whhB[l]) // once per Backward
	}
	c.StepBackward(tr, cell.StepIn[F]{HPrev: h, CPrev: cp}, cell.StepGrads[F]{
		DH: w.rows(w.dhs[l], t), DC: dc, Gates: g, DHPrev: w.dhp, DCPrev: w.dcp, Whh: &w.whhB[l]})
	dgx := g.DGx
	if t > 0 {
		addTo(w.rows(w.dhs[l], t-1).Data, w.dhp.Data)
		if d.hasC() {
			copy(w.dcs[l].Data, w.dcp.Data)
		}
	} else {
		addTo(w.dh0.Data, w.dhp.Data)
		if d.hasC() {
			addTo(w.dh0.Data, w.dcp.Data) // c0 = h0
		}
	}
	switch {
	case l == 0 && d.Cfg.InputFeeding && t > 0:
		d.proj0().Backward(w.rows(w.datt, t-1), dgx, mat.Mat[F]{}, layer.Part[F]{Off: d.Cfg.Emb, NoBias: true})
	case l > 0 && w.train && d.drop.Active():
		mat.Mul(w.dlin, dgx, false, c.Wih.W, false, 1, 0)
		H := w.dlin.Cols
		d.drop.Backward(w.rows(w.dhs[l-1], t).Data, w.dlin.Data, w.linMask[l][t*w.B*H:(t+1)*w.B*H])
	case l > 0:
		mat.Mul(w.rows(w.dhs[l-1], t), dgx, false, c.Wih.W, false, 1, 1)
	}
}

// recurrentGrads adds every layer's W_hh and b_hh gradients, one GEMM over
// steps 1…T−1 (whose previous states are hs[l]'s first T−1 steps) and one
// for step 0 from the initial state.
func (d *Decoder[F]) recurrentGrads(w *Work[F]) {
	N, B := w.T*w.B, w.B
	for l, c := range d.Cells {
		c.RecurrentGrad(w.grads[l].Rows(B, N), w.hs[l].Slice(0, N-B))
		h0, _ := w.prev(l, 0)
		c.RecurrentGrad(w.grads[l].Rows(0, B), h0)
	}
}

// inputsBackward adds the input-weight gradients of every layer (one GEMM
// each over all steps) and the embedding gradient.
func (d *Decoder[F]) inputsBackward(w *Work[F]) {
	p, N, dgx := d.proj0(), w.T*w.B, w.grads[0].DGx
	w.dx.Zero()
	p.Backward(w.dx, dgx, w.x, layer.Part[F]{})
	if d.Cfg.InputFeeding && w.T > 1 {
		p.Backward(mat.Mat[F]{}, dgx.Slice(w.B, N), w.att.Slice(0, N-w.B), layer.Part[F]{Off: d.Cfg.Emb, NoBias: true})
	}
	if w.train && d.embDrop.Active() {
		for k, m := range w.xMask[:len(w.dx.Data)] {
			w.dx.Data[k] *= m
		}
	}
	d.Embed.Backward(w.dx, w.in)
	for l := 1; l < len(d.Cells); l++ {
		d.Cells[l].ProjectBackward(mat.Mat[F]{}, w.grads[l].DGx, w.input(d, l), false)
	}
}

// addTo adds x into y elementwise.
func addTo[F mat.Float](y, x []F) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += v
	}
}

// outBlock is how many vocabulary columns outputBackward handles at a time:
// a multiple of the GEMM's k blocks (256), so dx sums in the same order as
// one product over all V whatever the block (the bits do not depend on it);
// (T·B, outBlock) of gradient stays in cache, and with 256 the dW product
// reads x in place rather than packing it for every block. Measured on the
// base shape, 2 threads: 256 trains 2.8% faster than 1024 or 512; 1 thread
// is the same within the noise.
const outBlock = 256

// outputBackward turns the log-probabilities into their gradient and runs
// the output layer's backward (into datt and dW_o), a block of vocabulary
// columns at a time: each block of the gradient is written and read by both
// products while cached, rather than the whole (T·B, V) making three trips
// through memory.
func (d *Decoder[F]) outputBackward(w *Work[F], gradScale float64) {
	nll := layer.NLL[F]{Pad: d.Pad, Smoothing: w.smoothing}
	V := w.logits.Cols
	for v0 := 0; v0 < V; v0 += outBlock {
		v1 := min(v0+outBlock, V)
		nll.BackwardCols(w.logits, w.logits, w.out, gradScale, v0, v1)
		d.Out.Backward(w.datt, w.logits, w.att, layer.Part[F]{Lo: v0, Hi: v1})
	}
}
