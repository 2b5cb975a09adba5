package cell

import (
	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// Cell is one recurrent cell's parameters, views into a mat.Set. The zero
// value is invalid; use New.
type Cell[F mat.Float] struct {
	Kind       Kind
	In, Hidden int           // In input width, Hidden H
	Wih        *mat.Param[F] // (G·H, In), PyTorch's weight_ih_l*
	Whh        *mat.Param[F] // (G·H, H), PyTorch's weight_hh_l*
	Bih        *mat.Param[F] // (1, G·H), PyTorch's bias_ih_l*
	Bhh        *mat.Param[F] // (1, G·H), PyTorch's bias_hh_l*
}

// New declares a cell's parameters in set as prefix+".W_ih", ".W_hh",
// ".b_ih", ".b_hh" (in that order), each initialised U(−1/√H, 1/√H) as
// PyTorch does once the set is allocated and initialised. It panics on an
// invalid kind or a non-positive size.
func New[F mat.Float](set *mat.Set[F], prefix string, kind Kind, in, hidden int) *Cell[F] {
	if in <= 0 || hidden <= 0 {
		panic("cell: non-positive size")
	}
	g, s := kind.Gates()*hidden, mat.InvSqrt(hidden)
	return &Cell[F]{
		Kind: kind, In: in, Hidden: hidden,
		Wih: set.Add(prefix+".W_ih", g, in, mat.Uniform, s),
		Whh: set.Add(prefix+".W_hh", g, hidden, mat.Uniform, s),
		Bih: set.Add(prefix+".b_ih", 1, g, mat.Uniform, s),
		Bhh: set.Add(prefix+".b_hh", 1, g, mat.Uniform, s),
	}
}

// GH returns G·H, the width of a row of gx.
func (c *Cell[F]) GH() int { return c.Kind.Gates() * c.Hidden }

// Project computes gx = x·W_ihᵀ + b_ih for all rows of x at once (one GEMM):
// x (N, In), gx (N, G·H), N usually T·B. It panics on a shape mismatch.
func (c *Cell[F]) Project(gx, x mat.Mat[F]) {
	fillRows(gx, c.Bih.W.Data)
	mat.Mul(gx, x, false, c.Wih.W, true, 1, 1)
}

// ProjectBackward is Project's backward: dW_ih += dgxᵀ·x, db_ih += the
// column sums of dgx, and dx = dgx·W_ih (dx += … when accumulate is true).
// dx may be empty (Rows 0) when the input needs no gradient. Shapes: dgx
// (N, G·H), x and dx (N, In).
func (c *Cell[F]) ProjectBackward(dx, dgx, x mat.Mat[F], accumulate bool) {
	mat.Mul(c.Wih.G, dgx, true, x, false, 1, 1)
	addColSums(c.Bih.G.Data, dgx)
	if dx.Rows == 0 {
		return
	}
	beta := F(0)
	if accumulate {
		beta = 1
	}
	mat.Mul(dx, dgx, false, c.Wih.W, false, 1, beta)
}

// Step runs one time step for a batch: from the input projection gx
// (B, G·H, from Project) and the previous state hPrev (B, H) and, for an
// LSTM, cPrev (B, H), it writes the new state tr.H (and tr.C) and everything
// StepBackward needs into tr, which must have been Resized for c and B.
// cPrev is ignored unless the kind is LSTM.
func (c *Cell[F]) Step(tr *Trace[F], gx, hPrev, cPrev mat.Mat[F]) {
	c.StepPacked(tr, gx, hPrev, cPrev, nil)
}

// StepPacked is Step with W_hhᵀ packed by PackRecurrent (nil: not packed),
// bit for bit the same, without packing W_hh again at every step.
func (c *Cell[F]) StepPacked(tr *Trace[F], gx, hPrev, cPrev mat.Mat[F], whh *gemm.Packed[F]) {
	switch c.Kind {
	case RNN:
		c.rnnStep(tr, gx, hPrev, whh)
	case GRU:
		c.gruStep(tr, gx, hPrev, whh)
	case LSTM:
		c.lstmStep(tr, gx, hPrev, cPrev, whh)
	}
}

// PackRecurrent packs W_hhᵀ (H, G·H) into p for StepPacked. Pack again
// after the weights change (each optimizer step).
func (c *Cell[F]) PackRecurrent(p *gemm.Packed[F]) {
	p.Pack(true, c.Hidden, c.GH(), c.Whh.W.Data, c.Hidden)
}

// recur sets gates (B, G·H) = hPrev·W_hhᵀ + beta·gates, from whh when it
// is packed.
func (c *Cell[F]) recur(gates, hPrev mat.Mat[F], whh *gemm.Packed[F], beta F) {
	if whh == nil {
		mat.Mul(gates, hPrev, false, c.Whh.W, true, 1, beta)
		return
	}
	if hPrev.Cols != c.Hidden || gates.Rows != hPrev.Rows || gates.Cols != c.GH() {
		panic("cell: StepPacked shape mismatch")
	}
	if gates.Rows == 0 {
		return
	}
	gemm.GemmPacked(false, hPrev.Rows, 1, hPrev.Data, c.Hidden, whh, beta, gates.Data, c.GH())
}

// StepBackward is Step's backward. From the gradient of the new state dh
// (B, H) and, for an LSTM, dc (B, H; may be empty, meaning zero) it writes
// dgx (B, G·H), dhPrev (B, H) and, for an LSTM, dcPrev (B, H), overwriting
// them, and adds into the gradients of W_hh and b_hh. tr, hPrev and cPrev are
// those of the forward Step; sc is per-goroutine scratch Resized for c and B.
// Neither tr nor the inputs are changed, so calling it twice doubles the
// parameter gradients.
func (c *Cell[F]) StepBackward(tr *Trace[F], sc *Scratch[F], dh, dc, hPrev, cPrev, dgx, dhPrev, dcPrev mat.Mat[F]) {
	c.StepBackwardPacked(tr, sc, dh, dc, hPrev, cPrev, dgx, dhPrev, dcPrev, nil)
}

// PackRecurrentBackward packs W_hh (G·H, H) into p for StepBackwardPacked.
// Pack again after the weights change.
func (c *Cell[F]) PackRecurrentBackward(p *gemm.Packed[F]) {
	p.Pack(false, c.GH(), c.Hidden, c.Whh.W.Data, c.Hidden)
}

// StepBackwardPacked is StepBackward with W_hh packed by
// PackRecurrentBackward (nil: not packed), bit for bit the same.
func (c *Cell[F]) StepBackwardPacked(tr *Trace[F], sc *Scratch[F], dh, dc, hPrev, cPrev, dgx, dhPrev, dcPrev mat.Mat[F], whh *gemm.Packed[F]) {
	dgh := c.StepBackwardSeq(tr, dh, dc, hPrev, cPrev, dgx, sc.dgh, dhPrev, dcPrev, whh)
	c.RecurrentGrad(dgh, hPrev)
}

// StepBackwardSeq is StepBackwardPacked without the gradients of W_hh and
// b_hh, for a caller that stacks the steps' dgh and hPrev and adds them
// with one RecurrentGrad over the whole sequence (one GEMM of T·B rows
// instead of T of B). It writes the gradient of h_prev·W_hhᵀ + b_hh into
// dgh (B, G·H) for a GRU and returns it; other kinds return dgx, which is
// that gradient, and ignore dgh (it may be empty).
func (c *Cell[F]) StepBackwardSeq(tr *Trace[F], dh, dc, hPrev, cPrev, dgx, dgh, dhPrev, dcPrev mat.Mat[F], whh *gemm.Packed[F]) mat.Mat[F] {
	switch c.Kind {
	case RNN:
		rnnBackward(tr, dh, dgx)
		dgh = dgx
	case GRU:
		gruBackward(tr, dh, hPrev, dgx, dgh, dhPrev)
	case LSTM:
		lstmBackward(tr, dh, dc, cPrev, dgx, dcPrev)
		dgh = dgx
	}
	beta := F(0)
	if c.Kind == GRU {
		beta = 1 // gruBackward wrote the direct path dh ⊙ z into dhPrev
	}
	if whh == nil {
		mat.Mul(dhPrev, dgh, false, c.Whh.W, false, 1, beta)
		return dgh
	}
	if dhPrev.Rows != dgh.Rows || dhPrev.Cols != c.Hidden {
		panic("cell: StepBackwardPacked shape mismatch")
	}
	if dgh.Rows > 0 {
		gemm.GemmPacked(false, dgh.Rows, 1, dgh.Data, c.GH(), whh, beta, dhPrev.Data, c.Hidden)
	}
	return dgh
}

// RecurrentGrad adds dW_hh += dghᵀ·hPrev and db_hh += the column sums of
// dgh, for dgh (N, G·H) from StepBackwardSeq and the states hPrev (N, H)
// those steps started from; N may span many steps.
func (c *Cell[F]) RecurrentGrad(dgh, hPrev mat.Mat[F]) {
	mat.Mul(c.Whh.G, dgh, true, hPrev, false, 1, 1)
	addColSums(c.Bhh.G.Data, dgh)
}

// RecurrentGradZero is RecurrentGrad for steps that started from the zero
// state: dghᵀ·0 adds nothing to dW_hh, so only db_hh gains dgh's column
// sums.
func (c *Cell[F]) RecurrentGradZero(dgh mat.Mat[F]) {
	addColSums(c.Bhh.G.Data, dgh)
}

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

// Scratch is per-goroutine working memory for StepBackward: one per cell (or
// one sized for the largest) serves every step.
type Scratch[F mat.Float] struct {
	dgh  mat.Mat[F]     // (B, G·H) GRU only: gradient of h_prev·W_hhᵀ + b_hh
	whh  gemm.Packed[F] // storage for PackRecurrent, see Recurrent
	whhB gemm.Packed[F] // storage for PackRecurrentBackward
}

// Recurrent returns storage in s for a packed W_hhᵀ (PackRecurrent, then
// StepPacked), so that a goroutine packs once per sequence.
func (s *Scratch[F]) Recurrent() *gemm.Packed[F] { return &s.whh }

// RecurrentBackward returns storage in s for a packed W_hh
// (PackRecurrentBackward, then StepBackwardPacked).
func (s *Scratch[F]) RecurrentBackward() *gemm.Packed[F] { return &s.whhB }

// Resize shapes s for batch size B of cell c.
func (s *Scratch[F]) Resize(c *Cell[F], B int) {
	if c.Kind == GRU {
		s.dgh = mat.Resize(s.dgh, B, c.GH())
	}
}

// fillRows sets every row of m to row.
func fillRows[F mat.Float](m mat.Mat[F], row []F) {
	for i := 0; i < m.Rows; i++ {
		copy(m.Row(i), row)
	}
}

// addColSums adds the column sums of m into dst (len m.Cols).
func addColSums[F mat.Float](dst []F, m mat.Mat[F]) {
	gemm.AddColSums(dst, m.Data, m.Rows, m.Cols, m.Cols)
}
