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
	var acc [genMR][genNR]F
	as := unsafe.Slice(a, kc*genMR)
	bs := unsafe.Slice(b, (kc-1)*ldb+genNR)
	for p := 0; p < kc; p++ {
		ap := as[p*genMR : p*genMR+genMR : p*genMR+genMR]
		bp := bs[p*ldb : p*ldb+genNR : p*ldb+genNR]
		for i := range genMR {
			ai := ap[i]
			acc[i][0] = F(acc[i][0] + F(ai*bp[0]))
			acc[i][1] = F(acc[i][1] + F(ai*bp[1]))
			acc[i][2] = F(acc[i][2] + F(ai*bp[2]))
			acc[i][3] = F(acc[i][3] + F(ai*bp[3]))
		}
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
