package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// awkward are sizes that stress tiling: 1, primes around tile widths,
// one either side of 64, and one past 256 (the k block).
var awkward = []int{1, 7, 17, 63, 65, 257}

// ref computes C = alpha·op(A)·op(B) + beta·C with float64 sums (C unread
// when beta is 0) and returns it with, per element, Σ|alpha·a·b| + |beta·c|
// for an error bound.
func ref[F Float](tA, tB bool, m, n, k int, alpha F, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) (want, mag []float64) {
	want = make([]float64, m*n)
	mag = make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s, abs float64
			for p := range k {
				var av, bv F
				if tA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if tB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
				abs += math.Abs(float64(av) * float64(bv))
			}
			s *= float64(alpha)
			abs *= math.Abs(float64(alpha))
			if beta != 0 {
				s += float64(beta) * float64(c[i*ldc+j])
				abs += math.Abs(float64(beta) * float64(c[i*ldc+j]))
			}
			want[i*n+j], mag[i*n+j] = s, abs
		}
	}
	return want, mag
}

func randSlice[F Float](rng *rand.Rand, n int) []F {
	s := make([]F, n)
	for i := range s {
		s[i] = F(rng.Float64()*2 - 1)
	}
	return s
}

// operands makes op(A) m×k and op(B) k×n as stored, with row strides padded
// by pad, and C m×n with stride n+pad holding garbage.
func operands[F Float](rng *rand.Rand, tA, tB bool, m, n, k, pad int) (a []F, lda int, b []F, ldb int, c []F, ldc int) {
	ar, ac := m, k
	if tA {
		ar, ac = k, m
	}
	br, bc := k, n
	if tB {
		br, bc = n, k
	}
	lda, ldb, ldc = ac+pad, bc+pad, n+pad
	a = randSlice[F](rng, (ar-1)*lda+ac)
	b = randSlice[F](rng, (br-1)*ldb+bc)
	c = randSlice[F](rng, (m-1)*ldc+n)
	return a, lda, b, ldb, c, ldc
}

// useKernels runs f once per kernel this CPU can run, each made the active one.
func useKernels(t *testing.T, f func(t *testing.T)) {
	save32, save64 := active32, active64
	defer func() { active32, active64 = save32, save64 }()
	c32, c64 := configs32(), configs64()
	for i := range c32 {
		active32, active64 = c32[i], c64[i]
		t.Run(c32[i].name, f)
	}
}

func TestGemmAgainstReference(t *testing.T) {
	useKernels(t, func(t *testing.T) {
		t.Run("f32", func(t *testing.T) { checkRandom[float32](t, 1e-6) })
		t.Run("f64", func(t *testing.T) { checkRandom[float64](t, 1e-15) })
	})
}

func checkRandom[F Float](t *testing.T, eps float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	// alpha/beta pairs: plain product, accumulate, general scaling, and
	// beta 0 over NaN garbage.
	scalars := [][2]F{{1, 0}, {1, 1}, {-0.5, 2}, {0.75, 0}}
	cases := 0
	for _, tA := range []bool{false, true} {
		for _, tB := range []bool{false, true} {
			for trial := range 24 {
				m := awkward[rng.IntN(len(awkward))]
				n := awkward[rng.IntN(len(awkward))]
				k := awkward[rng.IntN(len(awkward))]
				if trial < 2 { // some larger ones: several tiles and blocks each way
					m, n, k = 131+rng.IntN(100), 260+rng.IntN(200), 513+rng.IntN(40)
				}
				pad := 0
				if trial%3 == 1 {
					pad = 1 + rng.IntN(5)
				}
				sc := scalars[trial%len(scalars)]
				checkOne[F](t, rng, tA, tB, m, n, k, pad, sc[0], sc[1], eps)
				cases++
			}
		}
	}
	// Every awkward size in every dimension at least once.
	for _, s := range awkward {
		checkOne[F](t, rng, false, true, s, 33, 65, 0, 1, 0, eps)
		checkOne[F](t, rng, true, false, 9, s, 17, 2, 1, 1, eps)
		checkOne[F](t, rng, false, false, 5, 50, s, 0, 2, -1, eps)
	}
}

func checkOne[F Float](t *testing.T, rng *rand.Rand, tA, tB bool, m, n, k, pad int, alpha, beta F, eps float64) {
	t.Helper()
	a, lda, b, ldb, c, ldc := operands[F](rng, tA, tB, m, n, k, pad)
	if beta == 0 {
		for i := range c {
			c[i] = F(math.NaN())
		}
	}
	want, mag := ref(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	// Padding between rows must survive.
	for i := 0; i+1 < m; i++ {
		for j := n; j < ldc; j++ {
			c[i*ldc+j] = 12345
		}
	}
	Gemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	name := fmt.Sprintf("tA=%v tB=%v m=%d n=%d k=%d pad=%d alpha=%v beta=%v", tA, tB, m, n, k, pad, alpha, beta)
	bad := 0
	for i := range m {
		for j := range n {
			got := float64(c[i*ldc+j])
			w := want[i*n+j]
			// Rounding of k+2 operations, each within eps of the magnitudes.
			tol := eps * float64(k+4) * (mag[i*n+j] + 1e-30)
			if !(math.Abs(got-w) <= tol) && bad < 3 {
				t.Errorf("%s: C[%d,%d] = %v, want %v (tol %g)", name, i, j, got, w, tol)
				bad++
			}
		}
		for j := n; j < ldc && i+1 < m; j++ {
			if c[i*ldc+j] != 12345 {
				t.Fatalf("%s: padding C[%d,%d] overwritten", name, i, j)
			}
		}
	}
}
