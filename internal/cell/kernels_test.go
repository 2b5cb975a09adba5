package cell

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/s2s-nmt/s2s/internal/mat"
)

// TestLSTMBackwardKernelMatchesScalar: lstmBackward's float32 vector
// kernel gives the scalar loop's bits, with and without an incoming dc, at
// hidden sizes around its 8-lane width.
func TestLSTMBackwardKernelMatchesScalar(t *testing.T) {
	for _, H := range []int{1, 7, 8, 9, 17, 64, 65} {
		for _, withDC := range []bool{false, true} {
			rng := rand.New(rand.NewPCG(uint64(H), 1))
			B := 3
			rnd := func(r, c int) mat.Mat[float32] { return randMat[float32](rng, r, c) }
			var tr Trace[float32]
			tr.Gates, tr.TanhC, tr.H = rnd(B, 4*H), rnd(B, H), rnd(B, H)
			dh, cp := rnd(B, H), rnd(B, H)
			var dc mat.Mat[float32]
			if withDC {
				dc = rnd(B, H)
			}
			run := func(avx bool) (dgx, dcp mat.Mat[float32]) {
				defer func(old bool) { hasAVX = old }(hasAVX)
				hasAVX = hasAVX && avx
				dgx, dcp = mat.New[float32](B, 4*H), mat.New[float32](B, H)
				lstmBackward(&tr, dh, dc, cp, dgx, dcp)
				return dgx, dcp
			}
			g1, c1 := run(true)
			g2, c2 := run(false)
			if !slices.Equal(g1.Data, g2.Data) || !slices.Equal(c1.Data, c2.Data) {
				t.Fatalf("H %d, dc %v: kernel and scalar differ", H, withDC)
			}
		}
	}
}

// TestGRUBackwardKernelMatchesScalar: gruBackward's float32 vector kernel
// gives the scalar loop's bits at hidden sizes around its 8-lane width.
func TestGRUBackwardKernelMatchesScalar(t *testing.T) {
	for _, H := range []int{1, 7, 8, 9, 17, 64, 65} {
		rng := rand.New(rand.NewPCG(uint64(H), 2))
		B := 3
		rnd := func(r, c int) mat.Mat[float32] { return randMat[float32](rng, r, c) }
		var tr Trace[float32]
		tr.Gates, tr.Ghn, tr.H = rnd(B, 3*H), rnd(B, H), rnd(B, H)
		dh, hp := rnd(B, H), rnd(B, H)
		run := func(avx bool) (dgx, dgh, dhp mat.Mat[float32]) {
			defer func(old bool) { hasAVX = old }(hasAVX)
			hasAVX = hasAVX && avx
			dgx, dgh, dhp = mat.New[float32](B, 3*H), mat.New[float32](B, 3*H), mat.New[float32](B, H)
			gruBackward(&tr, dh, hp, dgx, dgh, dhp)
			return dgx, dgh, dhp
		}
		x1, g1, p1 := run(true)
		x2, g2, p2 := run(false)
		if !slices.Equal(x1.Data, x2.Data) || !slices.Equal(g1.Data, g2.Data) || !slices.Equal(p1.Data, p2.Data) {
			t.Fatalf("H %d: kernel and scalar differ", H)
		}
	}
}
