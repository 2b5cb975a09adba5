package translate

import (
	"testing"

	"github.com/s2s-nmt/s2s/decoder"
)

// BenchmarkDecodePrecision reports sentences/s of beam-5 search, one
// goroutine, in fp32 and in int8 on the small and base shapes (compare
// the pairs; s2s bench --mode decode --precision int8 alternates them
// batch for batch).
func BenchmarkDecodePrecision(b *testing.B) {
	for _, sh := range benchShapes {
		m := benchModel(b, sh)
		srcs := benchSources(sh.vocab)
		for _, v := range []struct {
			name string
			int8 bool
		}{{"fp32", false}, {"int8", true}} {
			b.Run(sh.name+"/beam5/"+v.name, func(b *testing.B) {
				net := m
				if v.int8 {
					net = Int8Copy(m)
				}
				s, err := NewSearcher(net, Options{Mode: Beam, Beam: 5, Alpha: 1, MaxLenExtra: benchSteps - 1, IgnoreEOS: true})
				if err != nil {
					b.Fatal(err)
				}
				s.Search(srcs) // size the workspace
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					s.Search(srcs)
				}
				b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "sentences/s")
			})
		}
	}
}

// BenchmarkQuantizeInt8 reports the time to quantize a decoder's matrices
// at load time (decoder.QuantizeInt8) on the small and base shapes.
func BenchmarkQuantizeInt8(b *testing.B) {
	for _, sh := range benchShapes {
		m := benchModel(b, sh)
		b.Run(sh.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				decoder.QuantizeInt8(m.Dec)
			}
		})
	}
}
