package cell

import (
	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// The LSTM, as PyTorch's nn.LSTM documents it (gate order i, f, g, o; no
// peepholes, no projection):
//
//	i  = σ(x W_iiᵀ + b_ii + h W_hiᵀ + b_hi)
//	f  = σ(x W_ifᵀ + b_if + h W_hfᵀ + b_hf)
//	g  = tanh(x W_igᵀ + b_ig + h W_hgᵀ + b_hg)
//	o  = σ(x W_ioᵀ + b_io + h W_hoᵀ + b_ho)
//	c' = f ⊙ c + i ⊙ g
//	h' = o ⊙ tanh(c')
//
// Backward, with ĝ the pre-activations:
//
//	dc̃ = dc + dh ⊙ o ⊙ (1 − tanh²c')
//	dî = dc̃ ⊙ g ⊙ i(1 − i);   df̂ = dc̃ ⊙ c ⊙ f(1 − f)
//	dĝ = dc̃ ⊙ i ⊙ (1 − g²);   dô = dh ⊙ tanh c' ⊙ o(1 − o)
//	dgx = dgh = [dî, df̂, dĝ, dô];  dc_prev = dc̃ ⊙ f
//	dh_prev = dgh W_hh;  dW_hh += dghᵀ h;  db_hh += Σ_b dgh

// lstmStep fills tr.Gates with i, f, g, o, and tr.C, tr.TanhC, tr.H. The
// nonlinearities run over whole row blocks (vectorised in float32).
func (c *Cell[F]) lstmStep(tr *Trace[F], in StepIn[F]) {
	H, gx, cPrev := c.Hidden, in.Gx, in.CPrev
	bhh := c.Bhh.W.Data
	for i := 0; i < gx.Rows; i++ {
		g, x := tr.Gates.Row(i), gx.Row(i)
		for j := range g {
			g[j] = x[j] + bhh[j]
		}
	}
	c.recur(tr.Gates, in.HPrev, in.Whh, 1)
	for i := 0; i < gx.Rows; i++ {
		g, cp := tr.Gates.Row(i), cPrev.Row(i)
		cn, tc, h := tr.C.Row(i), tr.TanhC.Row(i), tr.H.Row(i)
		gemm.Sigmoid(g[:2*H], g[:2*H])
		gemm.Tanh(g[2*H:3*H], g[2*H:3*H])
		gemm.Sigmoid(g[3*H:4*H], g[3*H:4*H])
		ig, fg, gg := g[:H], g[H:2*H], g[2*H:3*H]
		cp, cn = cp[:H], cn[:H]
		for j := range cn {
			cn[j] = fg[j]*cp[j] + ig[j]*gg[j]
		}
		gemm.Tanh(tc, cn)
		og, h, tc := g[3*H:4*H], h[:H], tc[:H]
		for j := range h {
			h[j] = og[j] * tc[j]
		}
	}
}

// lstmBackward writes dgx (= dgh) and dcPrev. dc may be empty (zero).
// Float32 rows run an AVX kernel where the CPU has one (lstmBwdF32), with
// the loop's single-precision operations in its order, so the same bits.
func lstmBackward[F mat.Float](tr *Trace[F], dh, dc, cPrev, dgx, dcPrev mat.Mat[F]) {
	H := tr.H.Cols
	for i := 0; i < dh.Rows; i++ {
		g, tc, cp, d := tr.Gates.Row(i), tr.TanhC.Row(i), cPrev.Row(i), dh.Row(i)
		dx, dcp := dgx.Row(i), dcPrev.Row(i)
		var dcr []F
		if dc.Rows > 0 {
			dcr = dc.Row(i)
		}
		j0 := 0
		if g32, ok := any(g).([]float32); ok {
			j0 = lstmBwdF32(g32, any(dx).([]float32), any(tc).([]float32), any(cp).([]float32),
				any(d).([]float32), any(dcr).([]float32), any(dcp).([]float32), H)
		}
		for j := j0; j < H; j++ {
			ig, fg, gg, og := g[j], g[H+j], g[2*H+j], g[3*H+j]
			dct := d[j] * og * (1 - tc[j]*tc[j])
			if dcr != nil {
				dct += dcr[j]
			}
			dx[j] = dct * gg * ig * (1 - ig)
			dx[H+j] = dct * cp[j] * fg * (1 - fg)
			dx[2*H+j] = dct * ig * (1 - gg*gg)
			dx[3*H+j] = d[j] * tc[j] * og * (1 - og)
			dcp[j] = dct * fg
		}
	}
}
