//go:build !amd64

package layer

func bahdanauBackF32(e, v, dv, dqp, dk []float32, de float32) int { return 0 }

func addF32(dst, x, y []float32) int { return 0 }

func affineF32(dst, x []float32, a, c float32) int { return 0 }

func dotF32(x, y []float32) (float32, int) { return 0, 0 }
