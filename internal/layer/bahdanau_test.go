package layer

import (
	"math/rand/v2"
	"testing"
)

// TestBahdanauKernels checks the AVX kernels against the scalar loops bit
// for bit, on lengths around the 8-lane blocks.
func TestBahdanauKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vec := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = rng.Float32()*2 - 1
		}
		return x
	}
	for _, n := range []int{1, 7, 8, 9, 17, 63, 64, 65, 257} {
		e, v, dv, dq, dk := vec(n), vec(n), vec(n), vec(n), vec(n)
		de := rng.Float32() - 0.5
		wv, wq, wk := append([]float32(nil), dv...), append([]float32(nil), dq...), append([]float32(nil), dk...)
		for i, ei := range e {
			wv[i] += de * ei
			dz := de * v[i] * (1 - ei*ei)
			wq[i] += dz
			wk[i] += dz
		}
		i0 := bahdanauBackF32(e, v, dv, dq, dk, de)
		for i := i0; i < n; i++ {
			ei := e[i]
			dv[i] += de * ei
			dz := de * v[i] * (1 - ei*ei)
			dq[i] += dz
			dk[i] += dz
		}
		sum := make([]float32, n)
		i0 = addF32(sum, e, v)
		for i := i0; i < n; i++ {
			sum[i] = e[i] + v[i]
		}
		aff := make([]float32, n)
		i0 = affineF32(aff, e, de, v[0])
		for i := i0; i < n; i++ {
			aff[i] = de*e[i] - v[0]
		}
		if s, m := dotF32(e, v); m > 0 {
			var lanes [16]float32
			for i := range m {
				lanes[i%16] += e[i] * v[i]
			}
			var l8 [8]float32
			for i := range 8 {
				l8[i] = lanes[i] + lanes[i+8]
			}
			l4 := [4]float32{l8[0] + l8[4], l8[1] + l8[5], l8[2] + l8[6], l8[3] + l8[7]}
			l2 := [2]float32{l4[0] + l4[2], l4[1] + l4[3]}
			if want := l2[0] + l2[1]; s != want {
				t.Fatalf("n=%d: dot kernel %v, its order in Go %v", n, s, want)
			}
		}
		for i := range n {
			if aff[i] != de*e[i]-v[0] {
				t.Fatalf("n=%d i=%d: affine kernel differs from the scalar loop", n, i)
			}
			if dv[i] != wv[i] || dq[i] != wq[i] || dk[i] != wk[i] || sum[i] != e[i]+v[i] {
				t.Fatalf("n=%d i=%d: kernel differs from the scalar loop", n, i)
			}
		}
	}
}
