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
