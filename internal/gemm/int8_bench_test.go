package gemm

import (
	"fmt"
	"testing"
)

// BenchmarkInt8 runs each int8 kernel this CPU can run next to the packed
// float32 product at decoder-like shapes m×k×n, x·Wᵀ with W n×k packed
// once: the recurrent step (32 rows, 3H gates), beam 5 × 32 = 160 rows on
// the gates, and the output layer (V = 8000). Each int8 run reports GOP/s
// and x-fp32, its speed over the fp32 run of the same shape just before
// it. The portable kernel runs only on the smaller products.
func BenchmarkInt8(b *testing.B) {
	save := activeI8
	defer func() { activeI8 = save }()
	shapes := [][3]int{{32, 512, 1536}, {160, 512, 1536}, {160, 768, 1536}, {32, 512, 8000}, {160, 512, 8000}, {160, 1024, 8000}, {160, 1024, 512}}
	for _, sh := range shapes {
		m, k, n := sh[0], sh[1], sh[2]
		a, lda, w, ldw, c := benchOperands[float32](false, true, m, k, n)
		ops := 2 * float64(m) * float64(n) * float64(k)
		name := fmt.Sprintf("%dx%dx%d", m, k, n)
		var fp32 float64
		b.Run(name+"/fp32", func(b *testing.B) {
			var p Packed[float32]
			p.Pack(true, k, n, w, ldw)
			for b.Loop() {
				p.Mul(m, a, lda, 0, c, n)
			}
			fp32 = ops * float64(b.N) / b.Elapsed().Seconds() / 1e9
			b.ReportMetric(fp32, "GOP/s")
		})
		for _, cf := range configsI8() {
			if cf == int8Generic && ops > 1e9 {
				continue
			}
			b.Run(name+"/int8-"+cf.name, func(b *testing.B) {
				activeI8 = cf
				var p Int8Packed
				p.Pack(true, k, n, w, ldw)
				for b.Loop() {
					p.Mul(m, a, lda, 0, c, n)
				}
				g := ops * float64(b.N) / b.Elapsed().Seconds() / 1e9
				b.ReportMetric(g, "GOP/s")
				if fp32 > 0 {
					b.ReportMetric(g/fp32, "x-fp32")
				}
			})
		}
	}
}
