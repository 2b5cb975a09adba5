package layer

//go:noescape
func bahdanauBackF32AVX(e, v, dv, dqp, dk []float32, de float32)

//go:noescape
func addF32AVX(dst, x, y []float32)

// bahdanauBackF32 runs the energy backward (see Attention.scoreBackward)
// over e[:n] and returns n = len(e) &^ 7, what the AVX kernel covers (0
// without AVX: the caller does it all). All slices are at least len(e) long.
func bahdanauBackF32(e, v, dv, dqp, dk []float32, de float32) int {
	n := len(e) &^ 7
	if !hasAVX || n == 0 {
		return 0
	}
	_, _, _, _ = v[n-1], dv[n-1], dqp[n-1], dk[n-1]
	bahdanauBackF32AVX(e[:n], v, dv, dqp, dk, de)
	return n
}

// addF32 sets dst[:n] = x[:n] + y[:n] and returns n = len(dst) &^ 7 (0
// without AVX). x and y are at least len(dst) long.
func addF32(dst, x, y []float32) int {
	n := len(dst) &^ 7
	if !hasAVX || n == 0 {
		return 0
	}
	_, _ = x[n-1], y[n-1]
	addF32AVX(dst[:n], x, y)
	return n
}

//go:noescape
func affineF32AVX(dst, x []float32, a, c float32)

// affineF32 sets dst[:n] = a·x[:n] − c and returns n = len(dst) &^ 7 (0
// without AVX). x is at least len(dst) long.
func affineF32(dst, x []float32, a, c float32) int {
	n := len(dst) &^ 7
	if !hasAVX || n == 0 {
		return 0
	}
	_ = x[n-1]
	affineF32AVX(dst[:n], x, a, c)
	return n
}

//go:noescape
func dotF32AVX(x, y []float32) float32

// dotF32 returns Σ x[i]·y[i] over i < n and n = len(x) &^ 15, what the AVX
// kernel covers (0, 0 without AVX: the caller does it all). y is at least
// len(x) long.
func dotF32(x, y []float32) (float32, int) {
	n := len(x) &^ 15
	if !hasAVX || n == 0 {
		return 0, 0
	}
	_ = y[n-1]
	return dotF32AVX(x[:n], y), n
}
