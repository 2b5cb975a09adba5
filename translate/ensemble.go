package translate

import (
	"errors"
	"fmt"
	"math"

	"github.com/s2s-nmt/s2s/decoder"
	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/model"
)

// Ensemble is the models a Searcher decodes with together. Each search
// step scores a token by Σᵢ wᵢ·log pᵢ, the members' log-probabilities
// weighted by Weights normalised to sum to 1 (OpenNMT-py's combination:
// the average of the log-probabilities, not renormalised). One model with
// weight 1 scores exactly as that model alone.
//
// The models must share the target vocabulary (the same ids for the same
// pieces); their sources may differ, see Source.Others. The first model
// gives the attention weights (Options.Alignments).
type Ensemble[F mat.Float] struct {
	// Models are the members, at least one.
	Models []*model.Seq2Seq[F]
	// Weights are one per model, each > 0 and finite; nil weighs them
	// equally.
	Weights []float64
}

// Validate returns every problem with e, joined, or nil.
func (e Ensemble[F]) Validate() error {
	var errs []error
	if len(e.Models) == 0 {
		errs = append(errs, errors.New("an ensemble needs at least one model"))
	}
	if e.Weights != nil && len(e.Weights) != len(e.Models) {
		errs = append(errs, fmt.Errorf("%d weights for %d models: give one per model", len(e.Weights), len(e.Models)))
	}
	for i, w := range e.Weights {
		if !(w > 0) || math.IsInf(w, 1) {
			errs = append(errs, fmt.Errorf("weight %d is %g: each must be > 0 and finite", i+1, w))
		}
	}
	for i, m := range e.Models[min(1, len(e.Models)):] {
		if v, v0 := m.Dec.Vocab, e.Models[0].Dec.Vocab; v != v0 {
			errs = append(errs, fmt.Errorf("model %d has a target vocabulary of %d, model 1 of %d: an ensemble needs one target vocabulary", i+2, v, v0))
		}
	}
	return errors.Join(errs...)
}

// Normalised returns the weights scaled to sum to 1 (uniform when nil).
func (e Ensemble[F]) Normalised() []float64 {
	w := make([]float64, len(e.Models))
	sum := 0.0
	for i := range w {
		w[i] = 1
		if e.Weights != nil {
			w[i] = e.Weights[i]
		}
		sum += w[i]
	}
	for i := range w {
		w[i] /= sum
	}
	return w
}

// member is one model of a searcher's ensemble with its own workspace,
// source batch, decoder memory, step scratch and states.
type member[F mat.Float] struct {
	m      *model.Seq2Seq[F]
	weight float64 // normalised
	ws     *model.Workspace[F]
	batch  model.Batch
	mem    decoder.Memory[F]
	sw     decoder.StepWork[F]
	st     [2]decoder.State[F] // st[0] feeds Step, st[1] receives it
}

// step advances every member by one token from the frontier s.cur and
// returns the combined log-probabilities (rows, V): the one member's own
// when alone (no arithmetic, so exactly the single model's), else
// Σᵢ wᵢ·log pᵢ summed in float64, a view into s valid until the next step.
func (s *Searcher[F]) step() mat.Mat[F] {
	if len(s.ms) == 1 {
		mb := &s.ms[0]
		return mb.m.Dec.Step(&mb.sw, &mb.st[1], &mb.st[0], s.cur.token, &mb.mem, s.cur.sent)
	}
	for i := range s.ms {
		mb := &s.ms[i]
		logp := mb.m.Dec.Step(&mb.sw, &mb.st[1], &mb.st[0], s.cur.token, &mb.mem, s.cur.sent)
		if i == 0 {
			s.comb = mat.Resize(s.comb, logp.Rows, logp.Cols)
			s.sum = s.sum[:0]
			for _, x := range logp.Data {
				s.sum = append(s.sum, mb.weight*float64(x))
			}
			continue
		}
		for k, x := range logp.Data {
			s.sum[k] += mb.weight * float64(x)
		}
	}
	for k, x := range s.sum {
		s.comb.Data[k] = F(x)
	}
	return s.comb
}

// gather sets every member's state rows to the previous step's rows
// parent: each member follows the same hypotheses.
func (s *Searcher[F]) gather(parent []int) {
	for i := range s.ms {
		mb := &s.ms[i]
		mb.st[0].Gather(&mb.st[1], parent)
	}
}
