package cell

import "github.com/s2s-nmt/s2s/internal/mat"

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

// gruStep fills tr.Gates with r, z, n, tr.Ghn and tr.H.
func (c *Cell[F]) gruStep(tr *Trace[F], gx, hPrev mat.Mat[F]) {
	H := c.Hidden
	mat.Mul(tr.Gates, hPrev, false, c.Whh.W, true, 1, 0) // gh without bias
	bhh := c.Bhh.W.Data
	for i := 0; i < gx.Rows; i++ {
		g, x, hp := tr.Gates.Row(i), gx.Row(i), hPrev.Row(i)
		ghn, h := tr.Ghn.Row(i), tr.H.Row(i)
		for j := 0; j < H; j++ {
			r := sigmoid(x[j] + g[j] + bhh[j])
			z := sigmoid(x[H+j] + g[H+j] + bhh[H+j])
			ghn[j] = g[2*H+j] + bhh[2*H+j]
			n := tanh(x[2*H+j] + r*ghn[j])
			g[j], g[H+j], g[2*H+j] = r, z, n
			h[j] = (1-z)*n + z*hp[j]
		}
	}
}

// gruBackward writes dgx, dgh and the direct part dh ⊙ z of dhPrev.
func gruBackward[F mat.Float](tr *Trace[F], dh, hPrev, dgx, dgh, dhPrev mat.Mat[F]) {
	H := tr.H.Cols
	for i := 0; i < dh.Rows; i++ {
		g, ghn, hp, d := tr.Gates.Row(i), tr.Ghn.Row(i), hPrev.Row(i), dh.Row(i)
		dx, dg, dp := dgx.Row(i), dgh.Row(i), dhPrev.Row(i)
		for j := 0; j < H; j++ {
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
