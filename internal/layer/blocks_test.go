package layer

import (
	"math/rand/v2"
	"testing"

	"github.com/s2s-nmt/s2s/internal/mat"
)

// TestBackwardInBlocks checks that NLL.BackwardCols and Linear.Backward
// over blocks of 256 output columns (Part.Lo, Hi) give the whole call's bits.
func TestBackwardInBlocks(t *testing.T) {
	const n, in, out = 37, 70, 600
	rng := rand.New(rand.NewPCG(3, 4))
	fill := func(m mat.Mat[float32]) mat.Mat[float32] {
		for i := range m.Data {
			m.Data[i] = rng.Float32()*2 - 1
		}
		return m
	}
	newLinear := func() Linear[float32] {
		var ps mat.Set[float32]
		l := NewLinear(&ps, "out", in, out, true)
		ps.Alloc()
		ps.Init(rand.New(rand.NewPCG(5, 6)))
		return l
	}
	tgt := make([]int, n)
	for i := range tgt {
		tgt[i] = rng.IntN(out)
	}
	tgt[3] = 0 // a Pad row
	lp, x := fill(mat.New[float32](n, out)), fill(mat.New[float32](n, in))
	nll := NLL[float32]{Pad: 0, Smoothing: 0.1}
	nll.Forward(lp, tgt)

	whole, blocks := newLinear(), newLinear()
	d1, dx1 := mat.New[float32](n, out), mat.New[float32](n, in)
	nll.Backward(d1, lp, tgt, 0.5)
	whole.Backward(dx1, d1, x, Part[float32]{})
	d2, dx2 := mat.New[float32](n, out), mat.New[float32](n, in)
	for o := 0; o < out; o += 256 {
		nll.BackwardCols(d2, lp, tgt, 0.5, o, min(o+256, out))
		blocks.Backward(dx2, d2, x, Part[float32]{Lo: o, Hi: min(o+256, out)})
	}
	same := func(name string, a, b []float32) {
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("%s[%d]: blocks %v, whole %v", name, i, b[i], a[i])
			}
		}
	}
	same("d", d1.Data, d2.Data)
	same("dx", dx1.Data, dx2.Data)
	same("dW", whole.W.G.Data, blocks.W.G.Data)
	same("db", whole.B.G.Data, blocks.B.G.Data)
}
