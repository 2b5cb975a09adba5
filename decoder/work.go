package decoder

import (
	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/internal/layer"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// Work is one goroutine's teacher-forced activations and gradients, sized
// on first use for a batch shape and reused: in steady state Forward and
// Backward allocate nothing. The zero value is ready to use. Rows are
// time-major, r = t·B+b, N = T·B.
type Work[F mat.Float] struct {
	B, T, S int

	in, out []int             // (N) input ids (after scheduled sampling) and gold outputs
	x       mat.Mat[F]        // (N, E) embedded inputs, after dropout
	xMask   []F               // (N·E) dropout mask of x
	gx      []mat.Mat[F]      // [l] (N, G·H) input projections
	hs      []mat.Mat[F]      // [l] (N, H) new states; the traces' H are views of it
	lin     []mat.Mat[F]      // [l≥1] (N, H) layer input after dropout
	linMask [][]F             // [l≥1] (N·H) its dropout mask
	tr      [][]cell.Trace[F] // [l][t]
	whh     []gemm.Packed[F]  // [l] W_hhᵀ, packed once per Forward
	whhB    []gemm.Packed[F]  // [l] W_hh, packed once per Backward
	h0      mat.Mat[F]        // (B, H) initial h (and c) of every layer
	given   bool              // the initial states are h0s and c0s (ForwardFrom), not h0
	h0s     []mat.Mat[F]      // [l] (B, H) given initial h
	c0s     []mat.Mat[F]      // [l] (B, H) given initial c (LSTM only)

	keys    mat.Mat[F]         // (B·S, D) attention keys
	mem     layer.Memory[F]    // the encoder outputs as attention memory
	attTr   layer.AttnTrace[F] // over all N query rows
	ctx     mat.Mat[F]         // (N, C) contexts
	attPre  mat.Mat[F]         // (N, H) att_t before dropout
	att     mat.Mat[F]         // (N, H) att_t after dropout (attPre without dropout)
	attBuf  mat.Mat[F]         // storage of att when dropout is on
	attMask []F                // (N·H)
	logits  mat.Mat[F]         // (N, V) logits, then log-probs, then their gradient

	dx       mat.Mat[F]          // (N, E)
	grads    []cell.GateGrads[F] // [l] (N rows) gradients of the gates
	dhs      []mat.Mat[F]        // [l] (N, H) gradient of hs[l]
	dlin     mat.Mat[F]          // (B, H) gradient of one step's lin
	datt     mat.Mat[F]          // (N, H) gradient of att, then of attPre's pre-activation
	dattBuf  mat.Mat[F]          // (N, H) gradient of attPre when dropout is on
	dctx     mat.Mat[F]          // (N, C)
	dkeys    mat.Mat[F]          // (B·S, D)
	dh0      mat.Mat[F]          // (B, H)
	dhp, dcp mat.Mat[F]          // (B, H) StepBackward outputs
	dcs      []mat.Mat[F]        // [l] (B, H) LSTM cell-state carries

	train, sampling bool    // dropout masks were drawn; some inputs were sampled
	smoothing       float64 // label smoothing of the Forward
}

// resize shapes w for a B×T target over an S-long source.
func (w *Work[F]) resize(d *Decoder[F], B, T, S int) {
	w.B, w.T, w.S = B, T, S
	N, H, E, L := T*B, d.Cfg.Hidden, d.Cfg.Emb, len(d.Cells)
	w.in, w.out = grow(w.in, N), grow(w.out, N)
	w.x, w.dx = mat.Resize(w.x, N, E), mat.Resize(w.dx, N, E)
	w.xMask = grow(w.xMask, N*E)
	w.gx, w.grads = grow(w.gx, L), grow(w.grads, L)
	w.hs, w.dhs, w.lin = grow(w.hs, L), grow(w.dhs, L), grow(w.lin, L)
	w.linMask, w.dcs = grow(w.linMask, L), grow(w.dcs, L)
	w.tr, w.whh, w.whhB = grow(w.tr, L), grow(w.whh, L), grow(w.whhB, L)
	for l, c := range d.Cells {
		w.gx[l] = mat.Resize(w.gx[l], N, c.GH())
		w.grads[l].Resize(c, N)
		w.hs[l], w.dhs[l] = mat.Resize(w.hs[l], N, H), mat.Resize(w.dhs[l], N, H)
		if l > 0 {
			w.lin[l], w.linMask[l] = mat.Resize(w.lin[l], N, H), grow(w.linMask[l], N*H)
		}
		w.dcs[l] = mat.Resize(w.dcs[l], B, H)
		w.tr[l] = grow(w.tr[l], T)
		for t := range w.tr[l] {
			tr := &w.tr[l][t]
			tr.H = w.hs[l].Slice(t*B, (t+1)*B)
			tr.Resize(c, B)
		}
	}
	w.h0, w.dh0 = mat.Resize(w.h0, B, H), mat.Resize(w.dh0, B, H)
	w.dhp, w.dcp, w.dlin = mat.Resize(w.dhp, B, H), mat.Resize(w.dcp, B, H), mat.Resize(w.dlin, B, H)
	if d.attends() {
		D := d.Att.KeyDim(d.Mem)
		w.keys, w.dkeys = mat.Resize(w.keys, B*S, D), mat.Resize(w.dkeys, B*S, D)
		w.attTr.Resize(d.Att, N, S)
		w.ctx, w.dctx = mat.Resize(w.ctx, N, d.Mem), mat.Resize(w.dctx, N, d.Mem)
	}
	w.attPre, w.attBuf = mat.Resize(w.attPre, N, H), mat.Resize(w.attBuf, N, H)
	w.datt, w.dattBuf = mat.Resize(w.datt, N, H), mat.Resize(w.dattBuf, N, H)
	w.attMask = grow(w.attMask, N*H)
	w.logits = mat.Resize(w.logits, N, d.Vocab)
}

// rows returns rows [t·B, (t+1)·B) of m: step t of a time-major matrix.
func (w *Work[F]) rows(m mat.Mat[F], t int) mat.Mat[F] { return m.Slice(t*w.B, (t+1)*w.B) }

// prev returns layer l's state before step t: h (B, H) and, for an LSTM,
// c (B, H); at t = 0 both are h0, or the given initial states.
func (w *Work[F]) prev(l, t int) (h, c mat.Mat[F]) {
	if t == 0 && w.given {
		return w.h0s[l], w.c0s[l]
	}
	if t == 0 {
		return w.h0, w.h0
	}
	tr := &w.tr[l][t-1]
	return tr.H, tr.C
}

// input returns layer l ≥ 1's input over all rows: hs[l-1], after dropout
// when training.
func (w *Work[F]) input(d *Decoder[F], l int) mat.Mat[F] {
	if w.train && d.drop.Active() {
		return w.lin[l]
	}
	return w.hs[l-1]
}

// grow returns s with length n, reallocating only when its capacity is
// too small.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		s = append(s[:cap(s)], make([]T, n-cap(s))...)
	}
	return s[:n]
}
