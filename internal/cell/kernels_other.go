//go:build !amd64

package cell

var hasAVX = false

func lstmBwdF32(g, dx, tc, cp, d, dc, dcp []float32, H int) int { return 0 }
func gruBwdF32(g, ghn, hp, d, dx, dg, dp []float32, H int) int  { return 0 }
