package cell

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// BenchmarkStep times one forward and backward step of a batch of 64 at the
// hidden sizes of the "base" shape (encoder 256, decoder 512), W_hh packed
// as in training; a token is one row of the batch.
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
	var whh, whhB gemm.Packed[F]
	c.PackRecurrent(&whh)
	c.PackRecurrentBackward(&whhB)
	in1 := StepIn[F]{Gx: mat.New[F](B, c.GH()), HPrev: mat.New[F](B, H), CPrev: mat.New[F](B, H), Whh: &whh}
	var g GateGrads[F]
	g.Resize(c, B)
	grads := StepGrads[F]{DH: mat.New[F](B, H), DC: mat.New[F](B, H), Gates: g,
		DHPrev: mat.New[F](B, H), DCPrev: mat.New[F](B, H), Whh: &whhB}
	var tr Trace[F]
	tr.Resize(c, B)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Step(&tr, in1)
		c.StepBackward(&tr, in1, grads)
		c.RecurrentGrad(g, in1.HPrev)
	}
	b.ReportMetric(float64(B*b.N)/b.Elapsed().Seconds(), "tokens/s")
}
