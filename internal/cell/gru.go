package cell

import (
	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// The GRU, as PyTorch's nn.GRU documents it (gate order r, z, n):
//
//	r  = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr)
//	z  = σ(x W_izᵀ + b_iz + h W_hzᵀ + b_hz)
//	n  = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn))
//	h' = (1 − z) ⊙ n + z ⊙ h
//
// Backward, with ĝ the pre-activations and ghn = h W_hnᵀ + b_hn:
//
//	dn̂ = dh ⊙ (1 − z) ⊙ (1 − n²)
//	dẑ = dh ⊙ (h − n) ⊙ z(1 − z)
//	dr̂ = dn̂ ⊙ ghn ⊙ r(1 − r)
//	dgx = [dr̂, dẑ, dn̂];  dgh = [dr̂, dẑ, dn̂ ⊙ r]
//	dh_prev = dh ⊙ z + dgh W_hh;  dW_hh += dghᵀ h;  db_hh += Σ_b dgh

// gruStep fills tr.Gates with r, z, n, tr.Ghn and tr.H. The gates'
// nonlinearities run over whole row blocks (vectorised in float32).
func (c *Cell[F]) gruStep(tr *Trace[F], in StepIn[F]) {
	H, gx, hPrev := c.Hidden, in.Gx, in.HPrev
	c.recur(tr.Gates, hPrev, in.Whh, 0) // gh without bias
	bhh := c.Bhh.W.Data
	for i := 0; i < gx.Rows; i++ {
		g, x, hp := tr.Gates.Row(i), gx.Row(i), hPrev.Row(i)
		ghn, h := tr.Ghn.Row(i), tr.H.Row(i)
		rz, x, bhh := g[:2*H], x[:3*H], bhh[:3*H]
		for j := range rz {
			rz[j] = x[j] + rz[j] + bhh[j]
		}
		gemm.Sigmoid(rz, rz)
		n := g[2*H : 3*H]
		for j := range n {
			ghn[j] = n[j] + bhh[2*H+j]
			n[j] = x[2*H+j] + rz[j]*ghn[j]
		}
		gemm.Tanh(n, n)
		z, hp, h := rz[H:], hp[:H], h[:H]
		for j := range n {
			h[j] = (1-z[j])*n[j] + z[j]*hp[j]
		}
	}
}

// gruBackward writes dgx, dgh and the direct part dh ⊙ z of dhPrev.
// Float32 rows run an AVX kernel where the CPU has one (gruBwdF32), with
// the loop's single-precision operations in its order, so the same bits.
func gruBackward[F mat.Float](tr *Trace[F], dh, hPrev, dgx, dgh, dhPrev mat.Mat[F]) {
	H := tr.H.Cols
	for i := 0; i < dh.Rows; i++ {
		g, ghn, hp, d := tr.Gates.Row(i), tr.Ghn.Row(i), hPrev.Row(i), dh.Row(i)
		dx, dg, dp := dgx.Row(i), dgh.Row(i), dhPrev.Row(i)
		j0 := 0
		if g32, ok := any(g).([]float32); ok {
			j0 = gruBwdF32(g32, any(ghn).([]float32), any(hp).([]float32), any(d).([]float32),
				any(dx).([]float32), any(dg).([]float32), any(dp).([]float32), H)
		}
		for j := j0; j < H; j++ {
			r, z, n := g[j], g[H+j], g[2*H+j]
			dn := d[j] * (1 - z) * (1 - n*n)
			dz := d[j] * (hp[j] - n) * z * (1 - z)
			dr := dn * ghn[j] * r * (1 - r)
			dx[j], dx[H+j], dx[2*H+j] = dr, dz, dn
			dg[j], dg[H+j], dg[2*H+j] = dr, dz, dn*r
			dp[j] = d[j] * z
		}
	}
}
