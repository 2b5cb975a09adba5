package gemm

import "unsafe"

// The portable micro-kernel: a 4×4 tile in plain Go, used where no assembly
// kernel runs (not amd64, the purego tag, or a CPU without AVX2 and FMA).
// It keeps the contract of the assembly kernels: every accumulator sums its
// products in k order from 0, then C = alpha·acc + beta·C (C unread when
// beta is 0). Explicit conversions round each product and sum, so that the
// compiler cannot fuse some lanes into FMAs and not others.
const genMR, genNR = 4, 4

var (
	generic32 = &config[float32]{name: "generic", mr: genMR, nr: genNR, kc: 256, mc: 64, nc: 1024, kern: kernGeneric[float32]}
	generic64 = &config[float64]{name: "generic", mr: genMR, nr: genNR, kc: 256, mc: 64, nc: 1024, kern: kernGeneric[float64]}
)

func kernGeneric[F Float](kc int, a, b *F, ldb int, c *F, ldc int, alpha, beta F) {
	as := unsafe.Slice(a, kc*genMR)
	bs := unsafe.Slice(b, (kc-1)*ldb+genNR)
	// Sixteen named accumulators stay in registers; an array would not.
	var c00, c01, c02, c03, c10, c11, c12, c13 F
	var c20, c21, c22, c23, c30, c31, c32, c33 F
	for p := 0; p < kc; p++ {
		ap := as[p*genMR : p*genMR+genMR : p*genMR+genMR]
		bp := bs[p*ldb : p*ldb+genNR : p*ldb+genNR]
		a0, a1, a2, a3 := ap[0], ap[1], ap[2], ap[3]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		c00, c01, c02, c03 = F(c00+F(a0*b0)), F(c01+F(a0*b1)), F(c02+F(a0*b2)), F(c03+F(a0*b3))
		c10, c11, c12, c13 = F(c10+F(a1*b0)), F(c11+F(a1*b1)), F(c12+F(a1*b2)), F(c13+F(a1*b3))
		c20, c21, c22, c23 = F(c20+F(a2*b0)), F(c21+F(a2*b1)), F(c22+F(a2*b2)), F(c23+F(a2*b3))
		c30, c31, c32, c33 = F(c30+F(a3*b0)), F(c31+F(a3*b1)), F(c32+F(a3*b2)), F(c33+F(a3*b3))
	}
	acc := [genMR][genNR]F{
		{c00, c01, c02, c03}, {c10, c11, c12, c13},
		{c20, c21, c22, c23}, {c30, c31, c32, c33},
	}
	cs := unsafe.Slice(c, (genMR-1)*ldc+genNR)
	for i := range genMR {
		row := cs[i*ldc : i*ldc+genNR]
		for j := range genNR {
			if beta == 0 {
				row[j] = F(alpha * acc[i][j])
			} else {
				row[j] = F(F(alpha*acc[i][j]) + F(beta*row[j]))
			}
		}
	}
}
