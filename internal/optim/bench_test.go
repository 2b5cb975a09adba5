package optim

import "testing"

// BenchmarkAdamClear20M: Adam over 20M float32 parameters (the base
// shape's size) clearing the gradients as it reads them, against Adam and
// then a separate zeroing pass, as the trainer did.
func BenchmarkAdamClear20M(b *testing.B) {
	for _, fused := range []bool{true, false} {
		name := map[bool]string{true: "fused", false: "separate"}[fused]
		b.Run(name, func(b *testing.B) {
			n := 20 << 20
			w, g := make([]float32, n), make([]float32, n)
			for i := range g {
				g[i], w[i] = 1e-3, 0.5
			}
			o := NewAdam[float32](n)
			o.Step(w, g, 1e-3) // first touch of the moments
			for b.Loop() {
				o.StepScaled(w, g, 1e-3, 0.5, fused)
				if !fused {
					ForChunks(n, func(lo, hi int) { clear(g[lo:hi]) })
				}
			}
		})
	}
}

// BenchmarkReduceNorm20M: one replica's 20M gradients added into the
// master's, cleared, and the norm of the sum (2-thread training's reduce).
func BenchmarkReduceNorm20M(b *testing.B) {
	n := 20 << 20
	d, s := make([]float32, n), make([]float32, n)
	for i := range d {
		d[i], s[i] = 1e-3, 2e-3
	}
	for b.Loop() {
		ReduceNorm(d, [][]float32{s})
	}
}
