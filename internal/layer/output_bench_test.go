package layer

import (
	"math/rand/v2"
	"testing"

	"github.com/s2s-nmt/s2s/internal/mat"
)

// BenchmarkOutputLayer times the output layer of the base reference shape
// for one data-parallel worker (800 target tokens, 512 → 16000): the
// forward product and the backward in blocks of 256 outputs, as the
// decoder runs them.
func BenchmarkOutputLayer(b *testing.B) {
	const n, in, out, block = 800, 512, 16000, 256
	r := rand.New(rand.NewPCG(1, 2))
	var ps mat.Set[float32]
	l := NewLinear(&ps, "out", in, out, false)
	ps.Alloc()
	ps.Init(r)
	x := mat.New[float32](n, in)
	dx := mat.New[float32](n, in)
	y := mat.New[float32](n, out)
	for i := range x.Data {
		x.Data[i] = float32(r.NormFloat64())
	}
	for i := range y.Data {
		y.Data[i] = float32(r.NormFloat64()) * 1e-3
	}
	flop := 2.0 * n * in * out
	b.Run("forward", func(b *testing.B) {
		for b.Loop() {
			l.Forward(y, x, Part[float32]{})
		}
		b.ReportMetric(flop*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
	b.Run("backward", func(b *testing.B) {
		for b.Loop() {
			for v0 := 0; v0 < out; v0 += block {
				l.Backward(dx, y, x, Part[float32]{Lo: v0, Hi: min(v0+block, out)})
			}
		}
		b.ReportMetric(2*flop*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
}
