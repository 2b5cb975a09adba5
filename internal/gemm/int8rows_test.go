package gemm

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestInt8Rows: a row of QuantizeRows and the same row read from the
// Int8Packed of the same weights (Row) are the same bits, scale·q, within
// half a quantization step of the weight; Bytes counts the storage.
func TestInt8Rows(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, sh := range []struct{ n, k int }{{1, 1}, {7, 17}, {50, 7}, {97, 130}, {33, 513}} {
		w := randF32(rng, sh.n*sh.k, 2)
		clear(w[:sh.k]) // an all-zero row: scale 0
		tab := QuantizeRows(sh.n, sh.k, w, sh.k)
		var p Int8Packed
		p.Pack(true, sh.k, sh.n, w, sh.k)
		got, packed := make([]float32, sh.k), make([]float32, sh.k)
		for j := range sh.n {
			tab.Row(got, j)
			p.Row(packed, j)
			if !slices.Equal(got, packed) {
				t.Fatalf("%d×%d row %d: Int8Rows %v, Int8Packed %v", sh.n, sh.k, j, got, packed)
			}
			for kk, x := range got {
				if d := math.Abs(float64(x - w[j*sh.k+kk])); d > float64(tab.Scale[j])/2*1.001 {
					t.Fatalf("%d×%d [%d,%d]: %v dequantized to %v", sh.n, sh.k, j, kk, w[j*sh.k+kk], x)
				}
			}
		}
		if b := tab.Bytes(); b != sh.n*sh.k+4*sh.n {
			t.Errorf("%d×%d: Int8Rows.Bytes %d", sh.n, sh.k, b)
		}
		kp, np := (sh.k+3)&^3, (sh.n+int8NR-1)/int8NR*int8NR
		if b := p.Bytes(); b != kp*np+8*np {
			t.Errorf("%d×%d: Int8Packed.Bytes %d, want %d", sh.n, sh.k, b, kp*np+8*np)
		}
	}
}
