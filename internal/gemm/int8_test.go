package gemm

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// useI8Kernels runs f once per int8 kernel this CPU can run, each made the
// active one.
func useI8Kernels(t *testing.T, f func(t *testing.T)) {
	save := activeI8
	defer func() { activeI8 = save }()
	for _, cf := range configsI8() {
		activeI8 = cf
		t.Run(cf.name, f)
	}
}

// refInt8 is Int8Packed's formula written out element by element, with
// int64 sums: C = A·op(B) + beta·C.
func refInt8(tB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	bat := func(kk, j int) float32 {
		if tB {
			return b[j*ldb+kk]
		}
		return b[kk*ldb+j]
	}
	q := func(x, s float32, lim float64) int64 {
		if s == 0 {
			return 0
		}
		return int64(math.Max(-lim, math.Min(lim, math.RoundToEven(float64(x/s)))))
	}
	sb := make([]float32, n)
	qb := make([]int64, k*n)
	colsum := make([]int64, n)
	for j := range n {
		var mx float32
		for kk := range k {
			mx = max(mx, float32(math.Abs(float64(bat(kk, j)))))
		}
		sb[j] = mx / 127
		for kk := range k {
			qb[kk*n+j] = q(bat(kk, j), sb[j], 127)
			colsum[j] += qb[kk*n+j]
		}
	}
	u := make([]int64, k)
	for i := range m {
		var mx float32
		for kk := range k {
			mx = max(mx, float32(math.Abs(float64(a[i*lda+kk]))))
		}
		sa := mx / 63
		for kk := range k {
			u[kk] = q(a[i*lda+kk], sa, 63) + 64
		}
		for j := range n {
			var t int64
			for kk := range k {
				t += u[kk] * qb[kk*n+j]
			}
			t -= 64 * colsum[j]
			if t != int64(int32(t)) {
				panic("refInt8: int32 overflow")
			}
			x := float32(sa*sb[j]) * float32(t)
			if beta != 0 {
				x += float32(beta * c[i*ldc+j])
			}
			c[i*ldc+j] = x
		}
	}
}

// int8Case checks every kernel against refInt8 bit for bit on one problem,
// with beta 0 over NaN garbage and with beta 0.5.
func int8Case(t *testing.T, tB bool, m, n, k int, a, b []float32) {
	t.Helper()
	lda, ldb, ldc := k+3, n+1, n+2
	if tB {
		ldb = k + 1
	}
	aa := make([]float32, (m-1)*lda+k)
	for i := range m {
		copy(aa[i*lda:i*lda+k], a[i*k:(i+1)*k])
	}
	bb := make([]float32, len(b)+ldb*max(n, k))
	for r := range k {
		for j := range n {
			if tB {
				bb[j*ldb+r] = b[r*n+j]
			} else {
				bb[r*ldb+j] = b[r*n+j]
			}
		}
	}
	var p Int8Packed
	p.Pack(tB, k, n, bb, ldb)
	rng := rand.New(rand.NewPCG(uint64(m), uint64(n*k)))
	c0 := make([]float32, (m-1)*ldc+n)
	for i := range c0 {
		c0[i] = rng.Float32()*2 - 1
	}
	for _, beta := range []float32{0, 0.5} {
		want := append([]float32(nil), c0...)
		got := append([]float32(nil), c0...)
		if beta == 0 {
			for i := range got {
				got[i] = float32(math.NaN())
			}
		}
		refInt8(tB, m, n, k, aa, lda, bb, ldb, beta, want, ldc)
		p.Mul(m, aa, lda, beta, got, ldc)
		for i := range m {
			for j := range n {
				w, g := want[i*ldc+j], got[i*ldc+j]
				if math.Float32bits(w) != math.Float32bits(g) {
					t.Fatalf("tB=%v %dx%dx%d beta=%v: C[%d,%d] = %v, want %v", tB, m, n, k, beta, i, j, g, w)
				}
			}
		}
		for i := range m {
			for j := n; j < ldc && i*ldc+j < len(got); j++ {
				if math.Float32bits(got[i*ldc+j]) != math.Float32bits(c0[i*ldc+j]) && beta != 0 {
					t.Fatalf("%dx%dx%d: wrote past row %d", m, n, k, i)
				}
			}
		}
	}
}

func randF32(rng *rand.Rand, n int, scale float32) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = (rng.Float32()*2 - 1) * scale
	}
	return s
}

func TestInt8AgainstReference(t *testing.T) {
	small := []int{1, 7, 17, 33}
	var shapes [][3]int
	for _, m := range small {
		for _, n := range small {
			for _, k := range small {
				shapes = append(shapes, [3]int{m, n, k})
			}
		}
	}
	shapes = append(shapes, [][3]int{{513, 7, 17}, {7, 513, 33}, {17, 33, 513}, {33, 513, 513}, {513, 49, 1}, {1, 513, 513}, {6, 48, 4}, {12, 96, 8}}...)
	useI8Kernels(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		for _, sh := range shapes {
			m, n, k := sh[0], sh[1], sh[2]
			a, b := randF32(rng, m*k, 3), randF32(rng, k*n, 0.1)
			for _, tB := range []bool{false, true} {
				int8Case(t, tB, m, n, k, a, b)
			}
		}
	})
}

// TestInt8Extremes: weights all ±127, activations at both ends of the
// range (u = 1 and 127), zero, constant, huge and tiny rows, at a k where
// the int32 sums are large; VPMADDUBSW's pair sums reach ±32258 here.
func TestInt8Extremes(t *testing.T) {
	const m, n, k = 9, 50, 2051
	a := make([]float32, m*k)
	b := make([]float32, k*n)
	for kk := range k {
		for j := range n {
			b[kk*n+j] = 1
			if (kk+j)%3 == 0 && j%2 == 1 {
				b[kk*n+j] = -1
			}
		}
	}
	for kk := range k {
		a[0*k+kk] = 5                     // constant: u = 127
		a[1*k+kk] = -5                    // u = 1
		a[2*k+kk] = 0                     // zero row
		a[3*k+kk] = 1e38                  // huge
		a[4*k+kk] = 1e-44                 // max/63 underflows: a zero row
		a[5*k+kk] = float32(kk%2*2-1) * 7 // alternating ends
		a[6*k+kk] = -3e38 * float32(kk%5) / 4
		a[7*k+kk] = float32(kk) // ramp
		a[8*k+kk] = 0.5         // ties: 0.5/(0.5/63) = 63 exactly
	}
	useI8Kernels(t, func(t *testing.T) {
		int8Case(t, false, m, n, k, a, b)
		int8Case(t, true, m, n, k, a, b)
		var p Int8Packed
		p.Pack(false, k, n, b, n)
		c := make([]float32, m*n)
		p.Mul(m, a, k, 0, c, n)
		for j := range n {
			if c[2*n+j] != 0 || c[4*n+j] != 0 {
				t.Fatalf("zero row gives %v, %v", c[2*n+j], c[4*n+j])
			}
			if want := 5 * colSumF(b, n, k, j); math.Abs(float64(c[j]-want)) > 1e-3*math.Abs(float64(want))+1e-3 {
				t.Fatalf("constant row: C[0,%d] = %v, want %v", j, c[j], want)
			}
		}
	})
}

func colSumF(b []float32, n, k, j int) float32 {
	var s float32
	for kk := range k {
		s += b[kk*n+j]
	}
	return s
}

// TestInt8QuantizeError: |a − s·(u − 64)| ≤ s/2 for every element, at
// scales from tiny to huge.
func TestInt8QuantizeError(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, scale := range []float32{1e-30, 1e-3, 1, 1e3, 1e30, 3e38} {
		a := randF32(rng, 1000, scale)
		u := make([]uint8, len(a))
		s := QuantizeRow(u, a)
		for i, x := range a {
			if u[i] < 1 || u[i] > 127 {
				t.Fatalf("u = %d outside [1, 127]", u[i])
			}
			d := float64(s) * float64(int(u[i])-64)
			if e := math.Abs(float64(x) - d); e > float64(s)/2*(1+1e-6) {
				t.Fatalf("scale %g: |%g − %g| = %g > s/2 = %g", scale, x, d, e, s/2)
			}
		}
	}
}

// TestInt8BatchInvariance: row i's output is the same bits whatever rows
// surround it and however many there are.
func TestInt8BatchInvariance(t *testing.T) {
	const m, n, k = 37, 101, 77
	rng := rand.New(rand.NewPCG(7, 8))
	a, b := randF32(rng, m*k, 2), randF32(rng, k*n, 1)
	useI8Kernels(t, func(t *testing.T) {
		var p Int8Packed
		p.Pack(false, k, n, b, n)
		all := make([]float32, m*n)
		p.Mul(m, a, k, 0, all, n)
		for _, sub := range [][2]int{{0, 1}, {5, 1}, {36, 1}, {3, 7}, {10, 13}, {0, 6}, {1, 36}} {
			i0, h := sub[0], sub[1]
			c := make([]float32, h*n)
			p.Mul(h, a[i0*k:], k, 0, c, n)
			for i := range h {
				for j := range n {
					if math.Float32bits(c[i*n+j]) != math.Float32bits(all[(i0+i)*n+j]) {
						t.Fatalf("rows %d+%d: C[%d,%d] = %v, alone %v", i0, h, i0+i, j, all[(i0+i)*n+j], c[i*n+j])
					}
				}
			}
		}
	})
}

// TestInt8Accuracy: the int8 product stays near the float32 one.
func TestInt8Accuracy(t *testing.T) {
	const m, n, k = 8, 64, 512
	rng := rand.New(rand.NewPCG(9, 10))
	a, b := randF32(rng, m*k, 1), randF32(rng, k*n, 0.1)
	var p Int8Packed
	p.Pack(false, k, n, b, n)
	got := make([]float32, m*n)
	want := make([]float32, m*n)
	p.Mul(m, a, k, 0, got, n)
	Gemm(false, false, m, n, k, 1, a, k, b, n, 0, want, n)
	var num, den float64
	for i := range got {
		num += math.Pow(float64(got[i]-want[i]), 2)
		den += math.Pow(float64(want[i]), 2)
	}
	if r := math.Sqrt(num / den); r > 0.02 {
		t.Fatalf("relative error %g", r)
	}
}

func TestInt8Panics(t *testing.T) {
	for name, f := range map[string]func(){
		"empty": func() { var p Int8Packed; p.Mul(1, make([]float32, 1), 1, 0, make([]float32, 1), 1) },
		"short a": func() {
			var p Int8Packed
			p.Pack(false, 4, 4, make([]float32, 16), 4)
			p.Mul(2, make([]float32, 7), 4, 0, make([]float32, 8), 4)
		},
		"big k": func() { var p Int8Packed; p.Pack(false, int8MaxK+1, 1, make([]float32, int8MaxK+1), 1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// TestInt8PackQuantized checks that QuantizeWeights then PackQuantized
// packs what Pack packs, so that weights quantized into a file multiply
// with the same bits as weights quantized at load time.
func TestInt8PackQuantized(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sh := range []struct{ n, k int }{{1, 1}, {50, 7}, {97, 130}} {
		w := randF32(rng, sh.n*sh.k, 2)
		clear(w[:sh.k]) // an all-zero row: scale 0
		var want, got Int8Packed
		want.Pack(true, sh.k, sh.n, w, sh.k)
		q, s := make([]int8, sh.n*sh.k), make([]float32, sh.n)
		QuantizeWeights(q, s, sh.n, sh.k, w, sh.k)
		got.PackQuantized(sh.k, sh.n, q, s)
		if !slices.Equal(got.data, want.data) || !slices.Equal(got.scale, want.scale) || !slices.Equal(got.corr, want.corr) {
			t.Errorf("%d×%d: PackQuantized differs from Pack", sh.n, sh.k)
		}
		var tr Int8Packed // op(B) given untransposed: the same quantization
		wt := make([]float32, sh.n*sh.k)
		for j := range sh.n {
			for kk := range sh.k {
				wt[kk*sh.n+j] = w[j*sh.k+kk]
			}
		}
		tr.Pack(false, sh.k, sh.n, wt, sh.n)
		if !slices.Equal(tr.data, want.data) || !slices.Equal(tr.scale, want.scale) {
			t.Errorf("%d×%d: Pack(false) differs from Pack(true)", sh.n, sh.k)
		}
	}
}

// TestInt8KernelsAgree: every int8 kernel this CPU runs gives the first
// one's bits on every shape with m, n, k in {1, 7, 17, 33, 513} (the
// largest products left out), with row and column scales spread over
// 10^±15 and a few subnormal rows and columns, for beta 0 and −1.5.
func TestInt8KernelsAgree(t *testing.T) {
	dims := []int{1, 7, 17, 33, 513}
	rng := rand.New(rand.NewPCG(13, 14))
	spread := func(x []float32, rows, cols int, byRow bool) {
		for r := range rows {
			e := math.Pow(10, float64(rng.IntN(31)-15))
			if rng.IntN(9) == 0 {
				e = 1e-41 // subnormal: max/63 and max/127 underflow or lose bits
			}
			for c := range cols {
				if byRow {
					x[r*cols+c] *= float32(e)
				} else {
					x[c*rows+r] *= float32(e)
				}
			}
		}
	}
	for _, m := range dims {
		for _, n := range dims {
			for _, k := range dims {
				if m*n*k > 513*513*33 {
					continue
				}
				a, b := randF32(rng, m*k, 1), randF32(rng, n*k, 1)
				spread(a, m, k, true)
				spread(b, n, k, true) // b is n×k: op(B) = bᵀ, a scale per column of op(B)
				var p Int8Packed
				p.Pack(true, k, n, b, k)
				c0 := randF32(rng, m*n, 1)
				for _, beta := range []float32{0, -1.5} {
					var first []float32
					for _, cf := range configsI8() {
						save := activeI8
						activeI8 = cf
						c := append([]float32(nil), c0...)
						p.Mul(m, a, k, beta, c, n)
						activeI8 = save
						if first == nil {
							first = c
							continue
						}
						for i := range c {
							if math.Float32bits(c[i]) != math.Float32bits(first[i]) {
								t.Fatalf("%dx%dx%d beta %v: kernel %s C[%d] = %v, kernel %s %v",
									m, n, k, beta, cf.name, i, c[i], configsI8()[0].name, first[i])
							}
						}
					}
				}
			}
		}
	}
}
