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
// (N, G·H), the DGx of GateGrads, x and dx (N, In).
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

// StepIn is what one Step reads, and its StepBackward reads again.
type StepIn[F mat.Float] struct {
	Gx    mat.Mat[F] // (B, G·H) input projection x·W_ihᵀ + b_ih, from Project; StepBackward ignores it
	HPrev mat.Mat[F] // (B, H) previous hidden state
	CPrev mat.Mat[F] // (B, H) previous cell state; LSTM only, ignored otherwise
	// Whh is W_hhᵀ (H, G·H) packed by PackRecurrent, so that a sequence
	// packs it once rather than at every step; nil multiplies W_hh itself,
	// with the same bits. StepBackward ignores it (see StepGrads.Whh).
	Whh gemm.PackedB[F]
}

// Step runs one time step for a batch: from in it writes the new state
// tr.H (and, for an LSTM, tr.C) and everything StepBackward needs into tr,
// which must have been Resized for c and B. It panics on a shape mismatch.
func (c *Cell[F]) Step(tr *Trace[F], in StepIn[F]) {
	switch c.Kind {
	case RNN:
		c.rnnStep(tr, in)
	case GRU:
		c.gruStep(tr, in)
	case LSTM:
		c.lstmStep(tr, in)
	}
}

// StepGrads are one StepBackward's gradients: DH and DC are read, Gates,
// DHPrev and DCPrev written (overwritten, not added into).
type StepGrads[F mat.Float] struct {
	DH     mat.Mat[F]   // (B, H) gradient of the new h
	DC     mat.Mat[F]   // (B, H) gradient of the new c; LSTM only, empty means zero
	Gates  GateGrads[F] // (B rows) this step's rows of the sequence's gate gradients
	DHPrev mat.Mat[F]   // (B, H) gradient of StepIn.HPrev
	DCPrev mat.Mat[F]   // (B, H) gradient of StepIn.CPrev; LSTM only
	// Whh is W_hh (G·H, H) packed by PackRecurrentBackward; nil multiplies
	// W_hh itself, with the same bits.
	Whh gemm.PackedB[F]
}

// StepBackward is Step's backward. tr and in are those of the forward Step.
// It writes the gradient of the step's gates into g.Gates (the gradient of
// gx for ProjectBackward, and what RecurrentGrad needs) and the gradient
// of the previous state into g.DHPrev (and g.DCPrev). Parameter gradients
// are left to ProjectBackward and RecurrentGrad, one GEMM each over all
// steps. Neither tr nor in is changed. It panics on a shape mismatch.
func (c *Cell[F]) StepBackward(tr *Trace[F], in StepIn[F], g StepGrads[F]) {
	dgx, dgh := g.Gates.DGx, g.Gates.DGx
	beta := F(0)
	switch c.Kind {
	case RNN:
		rnnBackward(tr, g.DH, dgx)
	case GRU:
		dgh = g.Gates.dgh
		if dgh.Rows != dgx.Rows || dgh.Cols != dgx.Cols {
			panic("cell: GateGrads not Resized for a GRU")
		}
		gruBackward(tr, g.DH, in.HPrev, dgx, dgh, g.DHPrev)
		beta = 1 // gruBackward wrote the direct path dh ⊙ z into DHPrev
	case LSTM:
		lstmBackward(tr, g.DH, g.DC, in.CPrev, dgx, g.DCPrev)
	}
	if g.Whh == nil {
		mat.Mul(g.DHPrev, dgh, false, c.Whh.W, false, 1, beta)
		return
	}
	if k, n := g.Whh.Dims(); k != c.GH() || n != c.Hidden || g.DHPrev.Rows != dgh.Rows || g.DHPrev.Cols != c.Hidden {
		panic("cell: StepBackward shape mismatch")
	}
	if dgh.Rows > 0 {
		g.Whh.Mul(dgh.Rows, dgh.Data, c.GH(), beta, g.DHPrev.Data, c.Hidden)
	}
}

// RecurrentGrad adds the W_hh and b_hh gradients of the steps whose rows g
// holds (StepBackward wrote them): dW_hh += dghᵀ·hPrev and db_hh += the
// column sums of dgh, dgh being the gradient of h_prev·W_hhᵀ + b_hh, which
// for a GRU differs from DGx. hPrev (N, H) holds, row for row, the states
// those steps started from; N may span many steps, so that one GEMM serves
// a sequence. An empty hPrev (Rows 0) means the zero state: dghᵀ·0 adds
// nothing to dW_hh, so only db_hh gains, without the product.
func (c *Cell[F]) RecurrentGrad(g GateGrads[F], hPrev mat.Mat[F]) {
	dgh := g.DGx
	if c.Kind == GRU {
		dgh = g.dgh
	}
	if hPrev.Rows > 0 {
		mat.Mul(c.Whh.G, dgh, true, hPrev, false, 1, 1)
	}
	addColSums(c.Bhh.G.Data, dgh)
}

// PackRecurrent packs W_hhᵀ (H, G·H) into p for StepIn.Whh. Pack again
// after the weights change (each optimizer step).
func (c *Cell[F]) PackRecurrent(p *gemm.Packed[F]) {
	p.Pack(true, c.Hidden, c.GH(), c.Whh.W.Data, c.Hidden)
}

// PackRecurrentBackward packs W_hh (G·H, H) into p for StepGrads.Whh.
// Pack again after the weights change.
func (c *Cell[F]) PackRecurrentBackward(p *gemm.Packed[F]) {
	p.Pack(false, c.GH(), c.Hidden, c.Whh.W.Data, c.Hidden)
}

// recur sets gates (B, G·H) = hPrev·W_hhᵀ + beta·gates, from whh when it
// is packed.
func (c *Cell[F]) recur(gates, hPrev mat.Mat[F], whh gemm.PackedB[F], beta F) {
	if whh == nil {
		mat.Mul(gates, hPrev, false, c.Whh.W, true, 1, beta)
		return
	}
	if k, n := whh.Dims(); k != c.Hidden || n != c.GH() || hPrev.Cols != c.Hidden || gates.Rows != hPrev.Rows || gates.Cols != c.GH() {
		panic("cell: Step shape mismatch")
	}
	if gates.Rows > 0 {
		whh.Mul(hPrev.Rows, hPrev.Data, c.Hidden, beta, gates.Data, c.GH())
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
