package layer

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/s2s-nmt/s2s/internal/mat"
)

func TestNLLGrad(t *testing.T) {
	for _, eps := range []float64{0, 0.1} {
		t.Run("smoothing="+[]string{"0", "0.1"}[int(eps*10)], func(t *testing.T) {
			rng := newRNG()
			l := NLL[float64]{Pad: 0, Smoothing: eps}
			tgt := []int{3, 0, 6, 1, 0} // rows 1 and 4 are padding
			logits := randMat(rng, len(tgt), 7)
			work := mat.New[float64](len(tgt), 7)
			const scale = 0.25 // like 1/(target tokens)
			loss := func() float64 {
				copy(work.Data, logits.Data)
				s, n := l.Forward(work, tgt)
				if n != 3 {
					t.Fatalf("counted %d tokens, want 3", n)
				}
				return scale * s
			}
			loss()
			d := mat.New[float64](len(tgt), 7)
			l.Backward(d, work, tgt, scale)
			for _, r := range []int{1, 4} {
				for _, g := range d.Row(r) {
					if g != 0 {
						t.Fatalf("pad row %d has gradient %v", r, d.Row(r))
					}
				}
			}
			check(t, "logits", logits.Data, d.Data, loss)
			// In place: d aliasing the log-probabilities gives the same.
			l.Backward(work, work, tgt, scale)
			for i := range d.Data {
				if d.Data[i] != work.Data[i] {
					t.Fatalf("in-place backward differs at %d", i)
				}
			}
		})
	}
}

func TestNLLValue(t *testing.T) {
	// Uniform logits over V=4: log p = −log 4 for every class, so the
	// smoothed loss equals the plain one, log 4.
	for _, eps := range []float64{0, 0.3} {
		lp := mat.New[float64](1, 4)
		got, _ := NLL[float64]{Pad: NoPad, Smoothing: eps}.Forward(lp, []int{2})
		if math.Abs(got-math.Log(4)) > 1e-15 {
			t.Errorf("ε=%g: loss %g, want log 4", eps, got)
		}
	}
}

// TestRowMax: the vector kernel and the scalar loop agree on lengths
// around its 32-element block, with the maximum anywhere.
func TestRowMax(t *testing.T) {
	for _, n := range []int{1, 31, 32, 33, 64, 95, 8000} {
		for _, at := range []int{0, n / 2, n - 1} {
			x := make([]float32, n)
			for i := range x {
				x[i] = -float32((i*7919)%97) - 1
			}
			x[at] = 3
			if got := rowMax(x); got != 3 || rowMaxScalar(x) != 3 {
				t.Fatalf("n %d, max at %d: rowMax %v, scalar %v", n, at, got, rowMaxScalar(x))
			}
		}
	}
}

// TestLogSoftmaxFloat32 checks float32 LogSoftmax (the vector kernels
// where the CPU has them) against float64 on awkward lengths, with values
// spread wide enough that some exponentials underflow.
func TestLogSoftmaxFloat32(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 2, 7, 15, 16, 17, 31, 32, 33, 63, 65, 257, 1000, 16000} {
		x32 := make([]float32, n)
		x64 := make([]float64, n)
		for i := range x32 {
			x32[i] = float32(r.NormFloat64() * 20)
			x64[i] = float64(x32[i])
		}
		LogSoftmax(x32)
		LogSoftmax(x64)
		var total float64
		for i := range x32 {
			if d := math.Abs(float64(x32[i]) - x64[i]); d > 1e-5*(1+math.Abs(x64[i])) {
				t.Fatalf("n=%d: log-softmax[%d] = %v, float64 gives %v", n, i, x32[i], x64[i])
			}
			total += math.Exp(float64(x32[i]))
		}
		if math.Abs(total-1) > 1e-5 {
			t.Fatalf("n=%d: probabilities sum to %v", n, total)
		}
	}
}
