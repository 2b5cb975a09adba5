package cell

import "golang.org/x/sys/cpu"

// hasAVX: the LSTM and GRU backward kernels run (8 lanes).
var hasAVX = cpu.X86.HasAVX

//go:noescape
func lstmBwdF32AVX(g, dx, tc, cp, d, dc, dcp []float32, n, h int)

// lstmBwdF32 runs lstmBackward's loop over the first H &^ 7 elements of a
// row with the AVX kernel (the same operations, so the same bits) and
// returns how many it did (0 without AVX).
func lstmBwdF32(g, dx, tc, cp, d, dc, dcp []float32, H int) int {
	n := H &^ 7
	if !hasAVX || n == 0 {
		return 0
	}
	_, _, _ = g[4*H-1], dx[4*H-1], tc[n-1]
	_, _, _ = cp[n-1], d[n-1], dcp[n-1]
	if len(dc) > 0 {
		_ = dc[n-1]
	}
	lstmBwdF32AVX(g, dx, tc, cp, d, dc, dcp, n, H)
	return n
}

//go:noescape
func gruBwdF32AVX(g, ghn, hp, d, dx, dg, dp []float32, n, h int)

// gruBwdF32 runs gruBackward's loop over the first H &^ 7 elements of a
// row with the AVX kernel (the same operations, so the same bits) and
// returns how many it did (0 without AVX).
func gruBwdF32(g, ghn, hp, d, dx, dg, dp []float32, H int) int {
	n := H &^ 7
	if !hasAVX || n == 0 {
		return 0
	}
	_, _, _ = g[3*H-1], dx[3*H-1], dg[3*H-1]
	_, _, _, _ = ghn[n-1], hp[n-1], d[n-1], dp[n-1]
	gruBwdF32AVX(g, ghn, hp, d, dx, dg, dp, n, H)
	return n
}
