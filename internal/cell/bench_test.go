package cell

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/s2s-nmt/s2s/internal/mat"
)

// BenchmarkStep times one forward and backward step of a batch of 64 at the
// hidden sizes of the "base" shape (encoder 256, decoder 512); a token is one
// row of the batch.
func BenchmarkStep(b *testing.B) {
	for _, kind := range []Kind{GRU, LSTM} {
		for _, h := range []int{256, 512} {
			b.Run(fmt.Sprintf("%s/H%d/f32", kind, h), func(b *testing.B) { benchStep[float32](b, kind, 64, 256, h) })
			b.Run(fmt.Sprintf("%s/H%d/f64", kind, h), func(b *testing.B) { benchStep[float64](b, kind, 64, 256, h) })
		}
	}
}

func benchStep[F mat.Float](b *testing.B, kind Kind, B, in, H int) {
	var set mat.Set[F]
	c := New(&set, "l", kind, in, H)
	set.Alloc()
	set.Init(rand.New(rand.NewPCG(1, 1)))
	gx, dgx := mat.New[F](B, c.GH()), mat.New[F](B, c.GH())
	h, cs, dh, dc := mat.New[F](B, H), mat.New[F](B, H), mat.New[F](B, H), mat.New[F](B, H)
	dhp, dcp := mat.New[F](B, H), mat.New[F](B, H)
	var tr Trace[F]
	var sc Scratch[F]
	tr.Resize(c, B)
	sc.Resize(c, B)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Step(&tr, gx, h, cs)
		c.StepBackward(&tr, &sc, dh, dc, h, cs, dgx, dhp, dcp)
	}
	b.ReportMetric(float64(B*b.N)/b.Elapsed().Seconds(), "tokens/s")
}
