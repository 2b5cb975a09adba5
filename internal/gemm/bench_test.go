package gemm

import (
	"fmt"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// benchShapes are the model's products, m×k×n ([m×k]·[k×n]): the decoder's
// recurrent step (B=64, H=512, 3H gates), the output layer (T·B=1600,
// H=512, V=16000) and the encoder's input projection (E=256, 3H=768);
// then the output layer's backward: dW = dyᵀ·x (V×T·B×H, TN) and
// dx = dy·W (T·B×V×H, NN).
var benchShapes = [][3]int{{64, 512, 1536}, {1600, 512, 16000}, {1600, 256, 768}, {16000, 1600, 512}, {1600, 16000, 512}, {800, 512, 16000}, {16000, 800, 512}, {800, 16000, 512}}

// benchTrans are the transpose combinations training uses: forward x·Wᵀ
// (NT), backward dx = dy·W (NN), dW = dyᵀ·x (TN).
var benchTrans = []struct {
	name   string
	tA, tB bool
}{{"NN", false, false}, {"NT", false, true}, {"TN", true, false}}

// benchOperands returns A, B and C for op(A) m×k and op(B) k×n, tightly
// stored, with the row strides.
func benchOperands[F Float](tA, tB bool, m, k, n int) (a []F, lda int, b []F, ldb int, c []F) {
	a, b, c = make([]F, m*k), make([]F, k*n), make([]F, m*n)
	for i := range a {
		a[i] = F(i%7) * 0.25
	}
	for i := range b {
		b[i] = F(i%5) * 0.5
	}
	lda, ldb = k, n
	if tA {
		lda = m
	}
	if tB {
		ldb = k
	}
	return a, lda, b, ldb, c
}

func BenchmarkGemm(b *testing.B) {
	b.Run("f32", benchGemm[float32])
	b.Run("f64", benchGemm[float64])
}

func benchGemm[F Float](b *testing.B) {
	for _, tr := range benchTrans {
		for _, sh := range benchShapes {
			m, k, n := sh[0], sh[1], sh[2]
			b.Run(fmt.Sprintf("%s/%dx%dx%d", tr.name, m, k, n), func(b *testing.B) {
				benchOne[F](b, tr.tA, tr.tB, m, k, n)
			})
		}
	}
}

// BenchmarkGonum is BenchmarkGemm through gonum's pure-Go BLAS, for the
// ratio, with GOMAXPROCS 1 (gonum splits a product over GOMAXPROCS
// goroutines; Gemm runs on one).
func BenchmarkGonum(b *testing.B) {
	b.Run("f32", benchGonum[float32])
	b.Run("f64", benchGonum[float64])
}

func benchGonum[F Float](b *testing.B) {
	for _, tr := range benchTrans {
		for _, sh := range benchShapes {
			m, k, n := sh[0], sh[1], sh[2]
			b.Run(fmt.Sprintf("%s/%dx%dx%d", tr.name, m, k, n), func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
				a, lda, bb, ldb, c := benchOperands[F](tr.tA, tr.tB, m, k, n)
				ta, tb := blas.NoTrans, blas.NoTrans
				if tr.tA {
					ta = blas.Trans
				}
				if tr.tB {
					tb = blas.Trans
				}
				b.ResetTimer()
				for b.Loop() {
					switch a := any(a).(type) {
					case []float32:
						blas32.Implementation().Sgemm(ta, tb, m, n, k, 1, a, lda, any(bb).([]float32), ldb, 0, any(c).([]float32), n)
					case []float64:
						blas64.Implementation().Dgemm(ta, tb, m, n, k, 1, a, lda, any(bb).([]float64), ldb, 0, any(c).([]float64), n)
					}
				}
				b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkKernels runs every kernel this CPU can run on one shape (the
// AVX2 and portable kernels serve other CPUs).
func BenchmarkKernels(b *testing.B) {
	save32, save64 := active32, active64
	defer func() { active32, active64 = save32, save64 }()
	const m, k, n = 1600, 256, 768
	for _, cf := range configs32() {
		b.Run("f32/"+cf.name+fmt.Sprintf("/NN/%dx%dx%d", m, k, n), func(b *testing.B) {
			active32 = cf
			benchOne[float32](b, false, false, m, k, n)
		})
	}
	for _, cf := range configs64() {
		b.Run("f64/"+cf.name+fmt.Sprintf("/NN/%dx%dx%d", m, k, n), func(b *testing.B) {
			active64 = cf
			benchOne[float64](b, false, false, m, k, n)
		})
	}
}

func benchOne[F Float](b *testing.B, tA, tB bool, m, k, n int) {
	a, lda, bb, ldb, c := benchOperands[F](tA, tB, m, k, n)
	Gemm(tA, tB, m, n, k, 1, a, lda, bb, ldb, 0, c, n)
	b.ResetTimer()
	for b.Loop() {
		Gemm(tA, tB, m, n, k, 1, a, lda, bb, ldb, 0, c, n)
	}
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkGemmPacked is the recurrent step (64x512x1536) and a beam-search
// output layer (beam 5 × batch 32 = 160 rows, V = 16000), both x·Wᵀ, with W
// packed once (GemmPacked) or on every call (Gemm).
func BenchmarkGemmPacked(b *testing.B) {
	for _, sh := range [][3]int{{64, 512, 1536}, {160, 512, 16000}} {
		m, k, n := sh[0], sh[1], sh[2]
		a, lda, bb, ldb, c := benchOperands[float32](false, true, m, k, n)
		var p Packed[float32]
		p.Pack(true, k, n, bb, ldb)
		name := fmt.Sprintf("f32/NT/%dx%dx%d", m, k, n)
		b.Run("packed/"+name, func(b *testing.B) {
			GemmPacked(false, m, 1, a, lda, &p, 0, c, n)
			b.ResetTimer()
			for b.Loop() {
				GemmPacked(false, m, 1, a, lda, &p, 0, c, n)
			}
			b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		b.Run("gemm/"+name, func(b *testing.B) {
			benchOne[float32](b, false, true, m, k, n)
		})
	}
}
