package cell

import (
	"math"
	"unsafe"
)

// Sigmoid returns σ(x) = 1/(1+e^(−x)). In float64 it is exact to rounding
// (gradient checks depend on it); in float32 it is ½ + ½·tanh(x/2) with the
// fast Tanh, within 1e-6 absolute.
func Sigmoid[F ~float32 | ~float64](x F) F {
	if unsafe.Sizeof(x) == 4 {
		return F(0.5 + 0.5*tanh32(0.5*float32(x)))
	}
	return F(1 / (1 + math.Exp(-float64(x))))
}

// Tanh returns tanh(x): math.Tanh in float64, a rational approximation in
// float32 (within 1e-6 absolute, several times faster). Exported so that
// other layers' hot loops (attention) can share it.
func Tanh[F ~float32 | ~float64](x F) F {
	if unsafe.Sizeof(x) == 4 {
		return F(tanh32(float32(x)))
	}
	return F(math.Tanh(float64(x)))
}

// tanh32 is Eigen's generic_fast_tanh_float: a 13/6 odd/even rational
// approximation on [−7.905, 7.905], where float32 tanh saturates to ±1.
func tanh32(x float32) float32 {
	const clamp = 7.90531110763549805
	if x > clamp {
		x = clamp
	} else if x < -clamp {
		x = -clamp
	}
	if x < 0.0004 && x > -0.0004 {
		return x
	}
	x2 := x * x
	p := x2*-2.76076847742355e-16 + 2.00018790482477e-13
	p = x2*p + -8.60467152213735e-11
	p = x2*p + 5.12229709037114e-08
	p = x2*p + 1.48572235717979e-05
	p = x2*p + 6.37261928875436e-04
	p = x2*p + 4.89352455891786e-03
	q := x2*1.19825839466702e-06 + 1.18534705686654e-04
	q = x2*q + 2.26843463243900e-03
	q = x2*q + 4.89352518554385e-03
	return x * p / q
}

// sigmoid and tanh are the cells' shorthands.
func sigmoid[F ~float32 | ~float64](x F) F { return Sigmoid(x) }
func tanh[F ~float32 | ~float64](x F) F    { return Tanh(x) }
