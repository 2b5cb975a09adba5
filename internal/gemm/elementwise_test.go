package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestElementwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	specials := []float32{0, float32(math.Copysign(0, -1)), 1e-30, -1e-30, 1e-6, -1e-6, 0.624, 0.626, -0.625,
		1, -1, 9, -9, 20, -20, 88, 88.7, 89, 100, -87, -95, -103, -104, -200, 1e30, -1e30,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())}
	x := append([]float32(nil), specials...)
	for range 5000 {
		x = append(x, float32(rng.NormFloat64()*4), float32(rng.Float64()*200-100), float32(rng.NormFloat64()*0.01))
	}
	for _, fn := range []struct {
		name string
		f32  func(dst, src []float32)
		f64  func(float64) float64
	}{
		{"exp", Exp[float32], math.Exp},
		{"tanh", Tanh[float32], math.Tanh},
		{"sigmoid", Sigmoid[float32], sigmoid64},
	} {
		t.Run(fn.name, func(t *testing.T) {
			got := make([]float32, len(x))
			fn.f32(got, x)
			for i, v := range x {
				want := fn.f64(float64(v))
				if !close32(got[i], want, 3) { // measured worst: exp 0.96, tanh 1.25, sigmoid 1.99 ulp
					t.Errorf("%s(%v) = %v, want %v", fn.name, v, got[i], float32(want))
				}
			}
			// Every length (tails under a mask), in place: the same values.
			for n := range 40 {
				buf := append([]float32(nil), x[100:100+n]...)
				fn.f32(buf, buf)
				for i := range n {
					if math.Float32bits(buf[i]) != math.Float32bits(got[100+i]) {
						t.Fatalf("%s: length %d, element %d: %v, want %v as in the long run", fn.name, n, i, buf[i], got[100+i])
					}
				}
			}
		})
	}
}

// close32 says whether got is within ulps float32 ulps of want (rounded to
// float32), treating NaN as equal to NaN; results below the normal range
// are held to an absolute 2⁻¹²⁶.
func close32(got float32, want float64, ulps float64) bool {
	w := float32(want)
	if math.IsNaN(float64(w)) || math.IsNaN(float64(got)) {
		return math.IsNaN(float64(w)) && math.IsNaN(float64(got))
	}
	if math.IsInf(float64(w), 0) || math.IsInf(float64(got), 0) {
		return got == w
	}
	ulp := math.Max(math.Abs(float64(math.Nextafter32(w, float32(math.Inf(1)))-w)), math.SmallestNonzeroFloat32)
	return math.Abs(float64(got)-want) <= ulps*ulp || math.Abs(float64(got)-want) <= 0x1p-126
}

func TestElementwiseFloat64(t *testing.T) {
	x := []float64{-3, -0.5, 0, 0.25, 2}
	got := make([]float64, len(x))
	Tanh(got, x)
	for i, v := range x {
		if got[i] != math.Tanh(v) {
			t.Errorf("Tanh(%v) = %v, want %v", v, got[i], math.Tanh(v))
		}
	}
}

func BenchmarkElementwise(b *testing.B) {
	x := make([]float32, 4096)
	for i := range x {
		x[i] = float32(i%200)/20 - 5
	}
	dst := make([]float32, len(x))
	for _, fn := range []struct {
		name string
		f    func(dst, src []float32)
	}{{"exp", Exp[float32]}, {"tanh", Tanh[float32]}, {"sigmoid", Sigmoid[float32]}} {
		b.Run(fn.name+"/f32/n=4096", func(b *testing.B) {
			for b.Loop() {
				fn.f(dst, x)
			}
			b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
		})
	}
}

// TestAddColSums checks the vector column sums against the plain loop, bit
// for bit, on awkward shapes with a row stride wider than the matrix.
func TestAddColSums(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, rows := range []int{1, 2, 7, 33} {
		for _, cols := range []int{1, 15, 16, 17, 63, 64, 65, 100, 1024} {
			ld := cols + 3
			m := make([]float32, rows*ld)
			for i := range m {
				m[i] = float32(r.NormFloat64())
			}
			got, want := make([]float32, cols), make([]float32, cols)
			for j := range got {
				got[j] = float32(r.NormFloat64())
				want[j] = got[j]
			}
			AddColSums(got, m, rows, cols, ld)
			for i := range rows {
				for j := range cols {
					want[j] += m[i*ld+j]
				}
			}
			for j := range want {
				if got[j] != want[j] {
					t.Fatalf("rows %d cols %d: column %d sums to %v, the loop gives %v", rows, cols, j, got[j], want[j])
				}
			}
		}
	}
}

// TestSumExp checks SumExp against float64 sums on awkward lengths
// (partial vectors), with values spread wide enough that some exponentials
// underflow to zero.
func TestSumExp(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{1, 2, 15, 16, 17, 31, 33, 100, 16000} {
		x32 := make([]float32, n)
		var m float32 = -1e30
		for i := range x32 {
			x32[i] = float32(r.NormFloat64() * 30)
			m = max(m, x32[i])
		}
		var want float64
		for _, v := range x32 {
			want += math.Exp(float64(v - m))
		}
		if got := SumExp(x32, m); math.Abs(got-want) > 1e-6*want {
			t.Errorf("float32 n=%d: SumExp = %v, float64 sum %v", n, got, want)
		}
		x64 := make([]float64, n)
		for i, v := range x32 {
			x64[i] = float64(v)
		}
		if got := SumExp(x64, float64(m)); math.Abs(got-want) > 1e-12*want {
			t.Errorf("float64 n=%d: SumExp = %v, want %v", n, got, want)
		}
	}
	if got := SumExp([]float32{}, 0); got != 0 {
		t.Errorf("empty: %v", got)
	}
}
