package cell

import (
	"math"
	"testing"
)

// TestFastActivations bounds the float32 approximations against math over
// [−20, 20] in steps of 1e-3, and checks saturation.
func TestFastActivations(t *testing.T) {
	var worstT, worstS float64
	for i := -20000; i <= 20000; i++ {
		x := float64(i) / 1000
		worstT = max(worstT, math.Abs(float64(Tanh(float32(x)))-math.Tanh(x)))
		worstS = max(worstS, math.Abs(float64(Sigmoid(float32(x)))-1/(1+math.Exp(-x))))
	}
	if worstT > 1e-6 || worstS > 1e-6 {
		t.Fatalf("largest error: tanh %.3g, sigmoid %.3g; want ≤ 1e-6", worstT, worstS)
	}
	if Tanh(float32(100)) != 1 || Tanh(float32(-100)) != -1 || Sigmoid(float32(-100)) != 0 {
		t.Fatal("no saturation")
	}
	if Tanh(0.3) != math.Tanh(0.3) {
		t.Fatal("float64 Tanh is not math.Tanh")
	}
}

func BenchmarkTanh32(b *testing.B) {
	x := float32(0)
	for i := 0; i < b.N; i++ {
		x += Tanh(float32(i&1023)/256 - 2)
	}
	_ = x
}
