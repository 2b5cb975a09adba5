package translate

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// Sampler draws the next token from a row of log-probabilities (or
// logits: a constant shift changes nothing) over the vocabulary. It is
// the one sampler of s2s: translate --sample, s2s sample and a language
// model's end-of-training samples all draw with it.
//
//   - Temperature T > 0 draws from softmax(logp / T); T = 0 takes the most
//     probable token, the smallest id on ties, and draws nothing from the
//     RNG. T < 0 or NaN is invalid (Validate).
//   - TopK K > 0 draws only from the K most probable tokens, the smaller
//     id first on ties; 0 draws from all.
//   - PAD, BOS and UNK are never drawn; EOS is unless NoEOS.
//
// Draws are a function of the row and the RNG state alone. A Sampler
// reuses its buffers: in steady state Draw allocates nothing. It is not
// safe for concurrent use; the zero value is greedy over all tokens.
type Sampler[F mat.Float] struct {
	Temperature float64
	TopK        int
	// NoEOS never draws EOS: a language model's text has no sentence end,
	// and Options.IgnoreEOS decodes to the length bound.
	NoEOS bool

	ids  []int32   // the candidates, ascending
	heap []int32   // top-k selection: a min-heap, the least probable first
	p    []float64 // the candidates' unnormalised probabilities
}

// Validate returns every problem with s's settings, joined, or nil.
func (s Sampler[F]) Validate() error {
	var errs []error
	if !(s.Temperature >= 0) {
		errs = append(errs, fmt.Errorf("temperature %g: must be ≥ 0 (0: greedy)", s.Temperature))
	}
	if s.TopK < 0 {
		errs = append(errs, fmt.Errorf("top-k %d: must be ≥ 0 (0: all tokens)", s.TopK))
	}
	return errors.Join(errs...)
}

// drawable reports whether id may be drawn.
func (s *Sampler[F]) drawable(id int32) bool {
	switch id {
	case corpora.PAD, corpora.BOS, corpora.UNK:
		return false
	case corpora.EOS:
		return !s.NoEOS
	}
	return true
}

// Draw returns the next token, drawn from logp with rng (unused when
// greedy). It panics if no token may be drawn (a vocabulary of specials
// only) or if the settings are invalid.
func (s *Sampler[F]) Draw(logp []F, rng *rand.Rand) int32 {
	if err := s.Validate(); err != nil {
		panic("translate: Sampler: " + err.Error())
	}
	if s.Temperature == 0 {
		return s.argmax(logp)
	}
	s.candidates(logp)
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
	u := rng.Float64() * sum
	for i, p := range s.p {
		if u < p {
			return s.ids[i]
		}
		u -= p
	}
	return s.ids[len(s.ids)-1] // rounding left u ≥ the last p
}

// argmax returns the most probable drawable token, the smallest on ties.
func (s *Sampler[F]) argmax(logp []F) int32 {
	best := int32(-1)
	for id, x := range logp {
		if s.drawable(int32(id)) && (best < 0 || x > logp[best]) {
			best = int32(id)
		}
	}
	if best < 0 {
		panic("translate: Sampler: no token may be drawn")
	}
	return best
}

// candidates sets s.ids to the drawable tokens, cut to the TopK most
// probable, in ascending order: a TopK of at least their number draws
// exactly as 0 does.
func (s *Sampler[F]) candidates(logp []F) {
	s.ids = s.ids[:0]
	for id := range logp {
		if s.drawable(int32(id)) {
			s.ids = append(s.ids, int32(id))
		}
	}
	if len(s.ids) == 0 {
		panic("translate: Sampler: no token may be drawn")
	}
	if s.TopK == 0 || s.TopK >= len(s.ids) {
		return
	}
	s.heap = s.heap[:0]
	for _, id := range s.ids {
		switch {
		case len(s.heap) < s.TopK:
			s.heap = append(s.heap, id)
			s.up(logp, len(s.heap)-1)
		case ranks(logp, id, s.heap[0]):
			s.heap[0] = id
			s.down(logp, 0)
		}
	}
	s.ids = append(s.ids[:0], s.heap...)
	slices.Sort(s.ids)
}

// ranks reports whether token a ranks before b: more probable, or as
// probable and a smaller id.
func ranks[F mat.Float](logp []F, a, b int32) bool {
	return logp[a] > logp[b] || logp[a] == logp[b] && a < b
}

// up restores the heap order (the lowest-ranked at the root) after an
// append at i.
func (s *Sampler[F]) up(logp []F, i int) {
	h := s.heap
	for i > 0 {
		parent := (i - 1) / 2
		if !ranks(logp, h[parent], h[i]) {
			return
		}
		h[parent], h[i] = h[i], h[parent]
		i = parent
	}
}

// down restores the heap order after a replacement at i.
func (s *Sampler[F]) down(logp []F, i int) {
	h := s.heap
	for {
		low := i
		if l := 2*i + 1; l < len(h) && ranks(logp, h[low], h[l]) {
			low = l
		}
		if r := 2*i + 2; r < len(h) && ranks(logp, h[low], h[r]) {
			low = r
		}
		if low == i {
			return
		}
		h[low], h[i] = h[i], h[low]
		i = low
	}
}
