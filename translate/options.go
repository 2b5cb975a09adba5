package translate

import (
	"errors"
	"fmt"
	"math"

	"github.com/s2s-nmt/s2s/internal/mat"
)

// Mode is a search algorithm.
type Mode int

// The search modes.
const (
	// Beam is beam search with Options.Beam hypotheses per sentence.
	Beam Mode = iota
	// Greedy takes the most probable token at each step.
	Greedy
	// Sample draws each token from the model's distribution, sharpened
	// or flattened by Options.Temperature and cut to Options.TopK.
	Sample
)

// Options control a search.
type Options struct {
	// Mode is the algorithm; the zero value is Beam.
	Mode Mode
	// Beam is the beam size K (Beam mode), ≥ 1.
	Beam int
	// NBest is how many hypotheses to return per sentence, best first,
	// ≥ 1: at most Beam in beam search; in Sample mode NBest independent
	// samples are drawn. Greedy returns one. 0 means 1.
	NBest int
	// Alpha is the length-normalisation exponent: finished hypotheses are
	// ranked by log-probability / penalty(length)^Alpha, length counting
	// EOS (Marian's convention); 0 ranks by the raw log-probability.
	Alpha float64
	// LengthPenalty is the penalty Alpha raises: Marian's length (the
	// zero value) or GNMT's (5+length)/6.
	LengthPenalty LengthPenalty
	// MaxLenRatio and MaxLenExtra bound the output: at most
	// ⌊MaxLenRatio × source length⌋ + MaxLenExtra tokens before EOS.
	MaxLenRatio float64
	MaxLenExtra int
	// Temperature divides the logits before sampling (≥ 0; 1 samples the
	// model's distribution, 0 takes the most probable token). Sample mode
	// only; see Sampler.
	Temperature float64
	// TopK restricts sampling to the TopK most probable tokens; 0 is all.
	TopK int
	// Seed seeds sampling: sentence Source.Line draws from PCG(Seed, Line),
	// so its output depends on neither the batch nor the threads.
	Seed uint64
	// Alignments records the attention weights of every output token in
	// Hypothesis.Align.
	Alignments bool
	// IgnoreEOS never chooses EOS before the length bound (benchmarks: a
	// model with random weights then decodes a fixed number of steps).
	IgnoreEOS bool
}

// FromConfig returns beam-search options with c's beam size, alpha,
// length penalty and length bound.
func FromConfig(c Config) Options {
	return Options{Mode: Beam, Beam: c.Beam, NBest: 1, Alpha: c.Alpha, LengthPenalty: c.LengthPenalty,
		MaxLenRatio: c.MaxLenRatio, MaxLenExtra: c.MaxLenExtra, Temperature: 1}
}

// Validate returns every problem with o, joined, or nil.
func (o *Options) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if o.Mode == Beam && o.Beam < 1 {
		bad("beam size %d: must be ≥ 1", o.Beam)
	}
	if o.NBest < 0 {
		bad("n-best %d: must be ≥ 1", o.NBest)
	}
	if !(o.Alpha >= 0) {
		bad("alpha %g: must be ≥ 0", o.Alpha)
	}
	if o.LengthPenalty != "" && !o.LengthPenalty.Valid() {
		bad("length penalty %q: must be marian or gnmt", o.LengthPenalty)
	}
	if !(o.MaxLenRatio >= 0) || o.MaxLenExtra < 0 || o.MaxLenRatio == 0 && o.MaxLenExtra == 0 {
		bad("length bound %g × source length + %d: must allow at least one token", o.MaxLenRatio, o.MaxLenExtra)
	}
	if err := sampler[float64](o).Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// MaxLen returns the most tokens (EOS excluded) a source of srcLen tokens
// may produce: ⌊MaxLenRatio × srcLen⌋ + MaxLenExtra, at least 1.
func (o *Options) MaxLen(srcLen int) int {
	// The 1e-9 keeps 1.9 × 20 at 38 despite 1.9's binary rounding.
	return max(int(math.Floor(o.MaxLenRatio*float64(srcLen)+1e-9))+o.MaxLenExtra, 1)
}

// nbest returns the number of hypotheses to return per sentence.
func (o *Options) nbest() int {
	switch {
	case o.Mode == Greedy:
		return 1
	case o.Mode == Beam:
		return min(max(o.NBest, 1), o.Beam)
	}
	return max(o.NBest, 1)
}

// width returns the number of search rows per sentence: K for beam
// search, NBest for sampling, 1 for greedy.
func (o *Options) width() int {
	switch o.Mode {
	case Beam:
		return o.Beam
	case Sample:
		return max(o.NBest, 1)
	}
	return 1
}

// sampler returns Sample mode's token sampler for o.
func sampler[F mat.Float](o *Options) Sampler[F] {
	return Sampler[F]{Temperature: o.Temperature, TopK: o.TopK, NoEOS: o.IgnoreEOS}
}
