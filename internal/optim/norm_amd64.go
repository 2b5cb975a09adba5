package optim

//go:noescape
func sqF32AVX(x []float32, acc *[4]float64)

//go:noescape
func addClearSqF32AVX(d, s []float32, acc *[4]float64)

// sqF32 adds the squares of the first len(x) &^ 7 elements into
// sumSquares' running sums acc with the AVX kernel (the same float64
// operations in the same order) and returns how many it did (0 without AVX).
func sqF32(x []float32, acc *[4]float64) int {
	n := len(x) &^ 7
	if !hasAVX || n == 0 {
		return 0
	}
	sqF32AVX(x[:n], acc)
	return n
}

// addClearSqF32 is sqF32 after adding s into d and clearing s, over the
// same elements, in one pass.
func addClearSqF32(d, s []float32, acc *[4]float64) int {
	n := len(d) &^ 7
	if !hasAVX || n == 0 {
		return 0
	}
	addClearSqF32AVX(d[:n], s[:n], acc)
	return n
}
