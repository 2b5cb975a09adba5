package model

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/s2s-nmt/s2s/internal/mat"
)

// GreedyTemperature is the temperature at or below which a Sampler takes
// the argmax instead of drawing.
const GreedyTemperature = 1e-6

// Sampler draws the next token from a row of log-probabilities (Step's):
// from softmax(logp / Temperature), restricted to the TopK most probable
// ids (0: all) and to ids ≥ Min. Temperature ≤ GreedyTemperature takes
// the most probable allowed id (the first on ties) and draws nothing from
// Rng. The same Rng state gives the same tokens. Its buffers are reused:
// in steady state Draw allocates nothing.
type Sampler[F mat.Float] struct {
	Temperature float64
	TopK        int
	Min         int32 // the smallest id drawn; the specials below it never are
	Rng         *rand.Rand

	ids []int32   // candidate ids, most probable first when TopK cuts
	p   []float64 // their unnormalised probabilities
}

// Draw returns the next token. It panics if no id ≥ Min exists.
func (s *Sampler[F]) Draw(logp []F) int32 {
	if int(s.Min) >= len(logp) {
		panic("model: Sampler.Min leaves no token to draw")
	}
	if s.Temperature <= GreedyTemperature {
		return s.Min + int32(mat.Argmax(logp[s.Min:]))
	}
	s.ids = s.ids[:0]
	for id := s.Min; int(id) < len(logp); id++ {
		s.ids = append(s.ids, id)
	}
	if s.TopK > 0 && s.TopK < len(s.ids) {
		slices.SortStableFunc(s.ids, func(a, b int32) int { return cmp.Compare(logp[b], logp[a]) })
		s.ids = s.ids[:s.TopK]
	}
	top := math.Inf(-1)
	for _, id := range s.ids {
		top = max(top, float64(logp[id]))
	}
	s.p = s.p[:0]
	sum := 0.0
	for _, id := range s.ids {
		p := math.Exp((float64(logp[id]) - top) / s.Temperature)
		s.p, sum = append(s.p, p), sum+p
	}
	u := s.Rng.Float64() * sum
	for i, p := range s.p {
		if u < p {
			return s.ids[i]
		}
		u -= p
	}
	return s.ids[len(s.ids)-1] // rounding left u ≥ the last p
}
