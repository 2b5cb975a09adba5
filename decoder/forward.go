package decoder

import (
	"math/rand/v2"

	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/internal/layer"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// Target is a padded target batch, row-major (B, T): In[b·T+t] is the
// decoder input y_{t-1} (BOS at t = 0) and Out[b·T+t] the gold y_t; both
// hold the pad id beyond each sentence's length.
type Target struct {
	B, T    int
	In, Out []int32
}

// Options control one teacher-forced Forward.
type Options struct {
	// Rng draws dropout masks and scheduled-sampling coins. nil means
	// evaluation: no dropout, no sampling (the forward-only loss path).
	Rng *rand.Rand
	// SampleProb is 1 − the teacher-forcing ratio: at each step t > 0 each
	// row feeds, with this probability, the argmax of its previous step's
	// prediction instead of the gold token (no gradient flows through the
	// argmax). 0, the default, is pure teacher forcing.
	SampleProb float64
	// Smoothing is the label-smoothing ε of the loss (layer.NLL); 0 is none.
	Smoothing float64
}

// Forward runs the decoder over a whole target batch by teacher forcing and
// returns the loss summed over the n non-pad target tokens. w keeps what
// Backward needs. It panics on inconsistent shapes.
func (d *Decoder[F]) Forward(w *Work[F], enc Encoded[F], tgt Target, opt Options) (loss float64, n int) {
	w.given = false
	return d.forward(w, enc, tgt, opt)
}

// forward is Forward from the bridge or, when w.given is set (ForwardFrom),
// from the initial states in w.h0s and w.c0s.
func (d *Decoder[F]) forward(w *Work[F], enc Encoded[F], tgt Target, opt Options) (loss float64, n int) {
	B, T := tgt.B, tgt.T
	if len(tgt.In) != B*T || len(tgt.Out) != B*T || len(enc.Lens) != B || enc.Out.Rows != B*enc.S {
		panic("decoder: Forward shape mismatch")
	}
	w.resize(d, B, T, enc.S)
	w.train = opt.Rng != nil
	w.sampling = w.train && opt.SampleProb > 0
	w.smoothing = opt.Smoothing
	for b := 0; b < B; b++ {
		for t := 0; t < T; t++ {
			w.in[t*B+b], w.out[t*B+b] = int(tgt.In[b*T+t]), int(tgt.Out[b*T+t])
		}
	}
	w.att = w.attPre
	if w.train && d.drop.Active() {
		w.att = w.attBuf
	}
	d.prepare(w, enc)
	d.bridge(w.h0, enc.Final)
	stepwise := d.Cfg.InputFeeding || w.sampling
	if !w.sampling {
		d.embed(w, 0, T, opt.Rng)
	}
	for t := 0; t < T; t++ {
		if w.sampling {
			if t > 0 {
				d.sample(w, t, opt)
			}
			d.embed(w, t, t+1, opt.Rng)
		}
		d.cells(w, t, opt.Rng)
		if stepwise {
			d.attend(w, t, t+1, opt.Rng)
		}
		if w.sampling {
			d.Out.Forward(w.rows(w.logits, t), w.rows(w.att, t), layer.Part[F]{})
		}
	}
	if !stepwise {
		d.attend(w, 0, T, opt.Rng)
	}
	if !w.sampling {
		d.Out.Forward(w.logits, w.att, layer.Part[F]{})
	}
	return layer.NLL[F]{Pad: d.Pad, Smoothing: opt.Smoothing}.Forward(w.logits, w.out)
}

// prepare projects the attention keys once for the batch.
func (d *Decoder[F]) prepare(w *Work[F], enc Encoded[F]) {
	w.mem = layer.Memory[F]{H: enc.Out, Lens: enc.Lens, S: enc.S}
	if d.attends() {
		w.mem.K = d.Att.Keys(w.keys, enc.Out)
	}
}

// embed embeds the inputs of steps [t0, t1), applies dropout and projects
// them through layer 0's input weight (the embedding part, plus b_ih).
func (d *Decoder[F]) embed(w *Work[F], t0, t1 int, rng *rand.Rand) {
	i, j := t0*w.B, t1*w.B
	x := w.x.Slice(i, j)
	d.Embed.Forward(x, w.in[i:j])
	if w.train && d.embDrop.Active() {
		E := x.Cols
		d.embDrop.Forward(x.Data, x.Data, w.xMask[i*E:j*E], rng)
	}
	d.proj0().Forward(w.gx[0].Slice(i, j), x, layer.Part[F]{})
}

// sample replaces, with probability opt.SampleProb per row, the input of
// step t by the argmax of step t-1's logits.
func (d *Decoder[F]) sample(w *Work[F], t int, opt Options) {
	prev := w.rows(w.logits, t-1)
	for b := 0; b < w.B; b++ {
		if opt.Rng.Float64() < opt.SampleProb {
			w.in[t*w.B+b] = mat.Argmax(prev.Row(b))
		}
	}
}

// cells runs every layer for step t.
func (d *Decoder[F]) cells(w *Work[F], t int, rng *rand.Rand) {
	for l, c := range d.Cells {
		gx := w.rows(w.gx[l], t)
		if l == 0 && d.Cfg.InputFeeding && t > 0 {
			d.proj0().Forward(gx, w.rows(w.att, t-1), layer.Part[F]{Off: d.Cfg.Emb, Add: true, NoBias: true})
		}
		if l > 0 {
			x := w.rows(w.hs[l-1], t)
			if w.train && d.drop.Active() {
				H := x.Cols
				x0 := x
				x = w.rows(w.lin[l], t)
				d.drop.Forward(x.Data, x0.Data, w.linMask[l][t*w.B*H:(t+1)*w.B*H], rng)
			}
			c.Project(gx, x)
		}
		h, cp := w.prev(l, t)
		if t == 0 {
			c.PackRecurrent(&w.whh[l]) // once per Forward: the weights are fixed during it
		}
		c.Step(&w.tr[l][t], cell.StepIn[F]{Gx: gx, HPrev: h, CPrev: cp, Whh: &w.whh[l]})
	}
}

// attend computes att for steps [t0, t1): attention with the top states as
// queries, the attentional vector and its dropout.
func (d *Decoder[F]) attend(w *Work[F], t0, t1 int, rng *rand.Rand) {
	i, j := t0*w.B, t1*w.B
	q, pre := w.hs[d.top()].Slice(i, j), w.attPre.Slice(i, j)
	if d.attends() {
		tr, ctx := w.attTr.Rows(i, j), w.ctx.Slice(i, j)
		attVector(d, &tr, pre, ctx, q, w.mem, nil)
	} else {
		copy(pre.Data, q.Data)
	}
	if w.train && d.drop.Active() {
		H := pre.Cols
		d.drop.Forward(w.att.Data[i*H:j*H], pre.Data, w.attMask[i*H:j*H], rng)
	}
}

// attVector sets ctx (N, C) by attention of q (N, H) over m and
// pre (N, H) = tanh(W_a [q; ctx] + b_a).
func attVector[F mat.Float](d *Decoder[F], tr *layer.AttnTrace[F], pre, ctx, q mat.Mat[F], m layer.Memory[F], rows []int) {
	d.Att.Forward(tr, ctx, q, m, rows)
	d.AttVec.Forward(pre, q, layer.Part[F]{NoBias: true})
	d.AttVec.Forward(pre, ctx, layer.Part[F]{Off: q.Cols, Add: true})
	gemm.Tanh(pre.Data, pre.Data)
}
