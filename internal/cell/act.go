package cell

import "math"

// sigmoid returns σ(x) = 1/(1+e^(−x)), computed in float64.
func sigmoid[F ~float32 | ~float64](x F) F { return F(1 / (1 + math.Exp(-float64(x)))) }

// tanh returns tanh(x), computed in float64.
func tanh[F ~float32 | ~float64](x F) F { return F(math.Tanh(float64(x))) }
