package encoder

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// BenchmarkForwardBackward times encoder forward + backward at the
// PyTorch reference's shapes: "base" (E 256, H 256 per direction,
// batch 64, length 25, vocabulary 16000) and "small" (128, 128, 64, 20,
// 8000), bidirectional, one layer. A token is one source position.
func BenchmarkForwardBackward(b *testing.B) {
	shapes := []struct {
		name              string
		emb, hid, B, S, V int
	}{{"base", 256, 256, 64, 25, 16000}, {"small", 128, 128, 64, 20, 8000}}
	for _, sh := range shapes {
		for _, kind := range []cell.Kind{cell.GRU, cell.LSTM} {
			cfg := Config{Cell: kind, Layers: 1, Bidirectional: true, Emb: sh.emb, Hidden: sh.hid}
			b.Run(fmt.Sprintf("%s/%s/f32", sh.name, kind), func(b *testing.B) { benchEncoder[float32](b, cfg, sh.B, sh.S, sh.V) })
			b.Run(fmt.Sprintf("%s/%s/f64", sh.name, kind), func(b *testing.B) { benchEncoder[float64](b, cfg, sh.B, sh.S, sh.V) })
		}
	}
}

func benchEncoder[F mat.Float](b *testing.B, cfg Config, B, S, V int) {
	var set mat.Set[F]
	e, err := New(&set, "encoder", cfg, V)
	if err != nil {
		b.Fatal(err)
	}
	set.Alloc()
	rng := rand.New(rand.NewPCG(1, 1))
	set.Init(rng)
	src, lens := make([]int32, B*S), make([]int, B)
	for i := range src {
		src[i] = int32(4 + rng.IntN(V-4))
	}
	for i := range lens {
		lens[i] = S
	}
	var w Work[F]
	run := func() {
		e.Forward(&w, src, lens, B, S, nil)
		for i := range w.DOut.Data {
			w.DOut.Data[i] = 1e-3
		}
		e.Backward(&w)
	}
	run()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run()
	}
	b.ReportMetric(float64(B*S*b.N)/b.Elapsed().Seconds(), "tokens/s")
}
