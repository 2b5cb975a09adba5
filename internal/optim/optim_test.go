package optim

import (
	"math"
	"testing"
)

// grads is the gradient sequence of the hand-computed tests below.
var grads = []float64{2, -1, 0.5}

// TestAdam compares three steps from w = 1, lr 0.1, PyTorch's defaults,
// with values computed by hand from Adam's update (in Python, float64:
// m=b1*m+(1-b1)*g; v=b2*v+(1-b2)*g*g; w-=lr/(1-b1**t)*m/(sqrt(v)/sqrt(1-b2**t)+eps)).
func TestAdam(t *testing.T) {
	want := []float64{0.9000000005, 0.8733662967024315, 0.8393233821389426}
	o := NewAdam[float64](1)
	w := []float64{1}
	for i, g := range grads {
		o.Step(w, []float64{g}, 0.1)
		if math.Abs(w[0]-want[i]) > 1e-15 {
			t.Fatalf("step %d: w = %.17g, want %.17g", i+1, w[0], want[i])
		}
	}
	if o.Steps() != 3 {
		t.Fatalf("Steps() = %d", o.Steps())
	}
}

// TestSGDMomentum: v = 0.9v + g; w -= 0.1v from w = 1 gives 0.8, 0.72, 0.598.
func TestSGDMomentum(t *testing.T) {
	want := []float64{0.8, 0.72, 0.598}
	o := NewSGD[float64](1, 0.9, 0)
	w := []float64{1}
	for i, g := range grads {
		o.Step(w, []float64{g}, 0.1)
		if math.Abs(w[0]-want[i]) > 1e-15 {
			t.Fatalf("step %d: w = %.17g, want %.17g", i+1, w[0], want[i])
		}
	}
}

// TestStateRestore: copying State and Steps into a fresh optimizer makes it
// continue bit for bit.
func TestStateRestore(t *testing.T) {
	for _, mk := range []func() Optimizer[float32]{
		func() Optimizer[float32] { return NewAdam[float32](2) },
		func() Optimizer[float32] { return NewSGD[float32](2, 0.9, 1e-4) },
	} {
		a, b := mk(), mk()
		wa := []float32{1, -1}
		for _, g := range grads {
			a.Step(wa, []float32{float32(g), 1}, 0.01)
		}
		for i, s := range a.State() {
			copy(b.State()[i].Data, s.Data)
		}
		b.SetSteps(a.Steps())
		wb := append([]float32(nil), wa...)
		a.Step(wa, []float32{0.3, -0.2}, 0.01)
		b.Step(wb, []float32{0.3, -0.2}, 0.01)
		if wa[0] != wb[0] || wa[1] != wb[1] {
			t.Fatalf("%T: restored optimizer gives %v, original %v", a, wb, wa)
		}
	}
}

func TestClipGradNorm(t *testing.T) {
	for _, tc := range []struct {
		name string
		g    []float64
		max  float64
		norm float64
		want []float64
	}{
		{"clipped", []float64{3, 4}, 1, 5, []float64{3 / (5 + 1e-6), 4 / (5 + 1e-6)}}, // PyTorch: max/(norm+1e-6)
		{"under", []float64{0.3, 0.4}, 1, 0.5, []float64{0.3, 0.4}},
		{"disabled", []float64{3, 4}, 0, 5, []float64{3, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if n := ClipGradNorm(tc.g, tc.max); math.Abs(n-tc.norm) > 1e-12 {
				t.Fatalf("norm %v, want %v", n, tc.norm)
			}
			for i := range tc.g {
				if math.Abs(tc.g[i]-tc.want[i]) > 1e-15 {
					t.Fatalf("g = %v, want %v", tc.g, tc.want)
				}
			}
		})
	}
}
