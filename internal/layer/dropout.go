package layer

import (
	"math/rand/v2"

	"github.com/s2s-nmt/s2s/internal/mat"
)

// Dropout is inverted dropout: in training each element is kept with
// probability 1−P and scaled by 1/(1−P), so evaluation is the identity.
// The mask is caller-owned and reused by Backward.
type Dropout[F mat.Float] struct {
	P float64 // drop probability in [0, 1); 0 disables
}

// Active reports whether Forward changes anything.
func (d Dropout[F]) Active() bool { return d.P > 0 }

// Forward draws mask (len(x)) from rng, each element 0 or 1/(1−P), and
// sets y = x⊙mask; y may alias x. It panics if a slice is shorter than x.
func (d Dropout[F]) Forward(y, x, mask []F, rng *rand.Rand) {
	y, mask = y[:len(x)], mask[:len(x)]
	keep := F(1 / (1 - d.P))
	for i := range x {
		if rng.Float64() < d.P {
			mask[i] = 0
		} else {
			mask[i] = keep
		}
		y[i] = x[i] * mask[i]
	}
}

// Backward adds dy⊙mask into dx, mask being the one Forward drew.
func (d Dropout[F]) Backward(dx, dy, mask []F) {
	dx, mask = dx[:len(dy)], mask[:len(dy)]
	for i, v := range dy {
		dx[i] += v * mask[i]
	}
}
