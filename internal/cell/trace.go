package cell

import "github.com/s2s-nmt/s2s/internal/mat"

// Trace is what one Step records for its backward: the new state and the
// gate activations. Traces are owned by the caller, one per time step, and
// reused across batches of the same shape.
type Trace[F mat.Float] struct {
	H     mat.Mat[F] // (B, H) new hidden state h'
	C     mat.Mat[F] // (B, H) new cell state c' (LSTM only)
	Gates mat.Mat[F] // (B, G·H) activated gates: RNN none, GRU r z n, LSTM i f g o
	Ghn   mat.Mat[F] // (B, H) GRU only: h W_hnᵀ + b_hn, before the reset gate
	TanhC mat.Mat[F] // (B, H) LSTM only: tanh(c')
}

// Resize shapes tr for batch size B of cell c, reusing its storage when it
// is large enough. Contents are unspecified until Step.
func (tr *Trace[F]) Resize(c *Cell[F], B int) {
	H := c.Hidden
	tr.H = mat.Resize(tr.H, B, H)
	switch c.Kind {
	case GRU:
		tr.Gates = mat.Resize(tr.Gates, B, 3*H)
		tr.Ghn = mat.Resize(tr.Ghn, B, H)
	case LSTM:
		tr.Gates = mat.Resize(tr.Gates, B, 4*H)
		tr.C = mat.Resize(tr.C, B, H)
		tr.TanhC = mat.Resize(tr.TanhC, B, H)
	}
}

// GateGrads are the gradients of the gate pre-activations of N stacked
// step rows (N = T·B for a sequence, in the caller's row order): each
// StepBackward writes its step's rows (a view from Rows), then
// ProjectBackward (from DGx) and RecurrentGrad read them all at once.
// Caller-owned, like the traces; the zero value is empty, Resize shapes it.
type GateGrads[F mat.Float] struct {
	DGx mat.Mat[F] // (N, G·H) gradient of gx = x·W_ihᵀ + b_ih
	// dgh (N, G·H), GRU only, is the gradient of h_prev·W_hhᵀ + b_hh; it
	// differs from DGx in the n block (dn̂ ⊙ r). For RNN and LSTM the two
	// gradients are equal, DGx serves for both and dgh is empty.
	dgh mat.Mat[F]
}

// Resize shapes g for N rows of cell c, reusing its storage when it is
// large enough. Contents are unspecified until StepBackward.
func (g *GateGrads[F]) Resize(c *Cell[F], N int) {
	g.DGx = mat.Resize(g.DGx, N, c.GH())
	if c.Kind == GRU {
		g.dgh = mat.Resize(g.dgh, N, c.GH())
	}
}

// Rows returns rows [i, j) of g, aliasing it: one step's view.
func (g GateGrads[F]) Rows(i, j int) GateGrads[F] {
	r := GateGrads[F]{DGx: g.DGx.Slice(i, j)}
	if g.dgh.Cols > 0 {
		r.dgh = g.dgh.Slice(i, j)
	}
	return r
}
