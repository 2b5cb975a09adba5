package layer

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// TestLinearGrad checks the whole layer, with and without bias, with W
// packed (as beam search multiplies the output layer) and not.
func TestLinearGrad(t *testing.T) {
	for _, tc := range []struct {
		name         string
		bias, packed bool
	}{{"nobias", false, false}, {"bias", true, false}, {"nobias/packed", false, true}, {"bias/packed", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			rng := newRNG()
			var ps mat.Set[float64]
			l := NewLinear(&ps, "lin", 3, 4, tc.bias)
			ps.Alloc()
			ps.Init(rng)
			x := randMat(rng, 5, 3)
			w := randMat(rng, 5, 4)
			y := mat.New[float64](5, 4)
			var pk gemm.Packed[float64]
			loss := func() float64 {
				var p Part[float64]
				if tc.packed {
					l.Pack(&pk) // again for every perturbed W
					p.Packed = &pk
				}
				l.Forward(y, x, p)
				return dotLoss(w.Data, y.Data)
			}
			dx := mat.New[float64](5, 3)
			backward := func() { l.Backward(dx, w, x, Part[float64]{}) }
			loss()
			backward()
			checkParams(t, &ps, loss)
			check(t, "x", x.Data, slices.Clone(dx.Data), loss)
			twice(t, &ps, backward)
		})
	}
}

// TestLinearPieces checks a Linear over the concatenation [x1 x2]
// computed a piece at a time, as the decoder runs its input projection
// (bias with the first piece; the second piece's input gradient first and
// its weight gradient in a later call) and its attentional vector (bias
// with the last piece).
func TestLinearPieces(t *testing.T) {
	for _, biasLast := range []bool{false, true} {
		rng := newRNG()
		var ps mat.Set[float64]
		l := NewLinear(&ps, "lin", 5, 4, true)
		ps.Alloc()
		ps.Init(rng)
		x1, x2 := randMat(rng, 3, 2), randMat(rng, 3, 3)
		w := randMat(rng, 3, 4)
		y := mat.New[float64](3, 4)
		loss := func() float64 {
			l.Forward(y, x1, Part[float64]{NoBias: biasLast})
			l.Forward(y, x2, Part[float64]{Off: 2, Add: true, NoBias: !biasLast})
			return dotLoss(w.Data, y.Data)
		}
		dx1, dx2 := mat.New[float64](3, 2), mat.New[float64](3, 3)
		backward := func() {
			l.Backward(mat.Mat[float64]{}, w, x1, Part[float64]{NoBias: true})
			l.Backward(dx1, w, mat.Mat[float64]{}, Part[float64]{})
			l.Backward(dx2, w, x2, Part[float64]{Off: 2, NoBias: true})
		}
		loss()
		backward()
		checkParams(t, &ps, loss)
		check(t, "x1", x1.Data, slices.Clone(dx1.Data), loss)
		check(t, "x2", x2.Data, slices.Clone(dx2.Data), loss)
		twice(t, &ps, backward)
	}
}

// TestLinearPackedSameBits: Forward gives the same bits with W packed as
// without, at sizes past the GEMM's blocks (k > 256).
func TestLinearPackedSameBits(t *testing.T) {
	const n, in, out = 37, 300, 70
	rng := rand.New(rand.NewPCG(1, 2))
	var ps mat.Set[float32]
	l := NewLinear(&ps, "out", in, out, true)
	ps.Alloc()
	ps.Init(rng)
	x := mat.New[float32](n, in)
	for i := range x.Data {
		x.Data[i] = rng.Float32()*2 - 1
	}
	var pk gemm.Packed[float32]
	l.Pack(&pk)
	y1, y2 := mat.New[float32](n, out), mat.New[float32](n, out)
	l.Forward(y1, x, Part[float32]{})
	l.Forward(y2, x, Part[float32]{Packed: &pk})
	if !slices.Equal(y1.Data, y2.Data) {
		t.Fatal("packed and unpacked W differ")
	}
}
