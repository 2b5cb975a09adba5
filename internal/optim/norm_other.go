//go:build !amd64

package optim

func sqF32(x []float32, acc *[4]float64) int { return 0 }

func addClearSqF32(d, s []float32, acc *[4]float64) int { return 0 }
