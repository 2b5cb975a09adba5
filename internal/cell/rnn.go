package cell

import (
	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// The Elman RNN, as the lecture and PyTorch's nn.RNN (tanh) write it:
//
//	h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)
//
// Backward, with a = the pre-activation:
//
//	da = dh ⊙ (1 − h'²);  dgx = dgh = da;  dh_prev = da W_hh
//	dW_hh += daᵀ h;  db_hh += Σ_b da

// rnnStep: tr.H = tanh(gx + b_hh + hPrev·W_hhᵀ).
func (c *Cell[F]) rnnStep(tr *Trace[F], in StepIn[F]) {
	gx, bhh := in.Gx, c.Bhh.W.Data
	for i := 0; i < gx.Rows; i++ {
		g, out := gx.Row(i), tr.H.Row(i)
		for j := range out {
			out[j] = g[j] + bhh[j]
		}
	}
	c.recur(tr.H, in.HPrev, in.Whh, 1)
	gemm.Tanh(tr.H.Data, tr.H.Data)
}

// rnnBackward writes da into dgx; the caller does the W_hh products.
func rnnBackward[F mat.Float](tr *Trace[F], dh, dgx mat.Mat[F]) {
	dgx.Data = dgx.Data[:len(tr.H.Data)]
	for j, h := range tr.H.Data {
		dgx.Data[j] = dh.Data[j] * (1 - h*h)
	}
}
