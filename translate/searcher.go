package translate

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/model"
)

// The special target ids.
const (
	eos = corpora.EOS
	// firstOut is the smallest id search may output: PAD and BOS (0 and
	// 1) are never outputs.
	firstOut = corpora.BOS + 1
)

// Searcher translates batches of sentences with one model or an
// Ensemble. It holds one goroutine's workspace: make one Searcher per
// goroutine; many may share the models. Steady-state searches reuse its
// buffers.
//
// A sentence's hypotheses do not depend on the batch it is in: the
// encoder masks padding, the decoder's rows read only their own sentence,
// the matrix products are bit-reproducible whatever their shape (package
// gemm), an ensemble combines each row on its own, and each sentence's
// selection reads only its own rows.
type Searcher[F mat.Float] struct {
	ms  []member[F] // the ensemble; one for a single model
	opt Options

	comb      mat.Mat[F] // an ensemble's combined log-probabilities (rows, V)
	sum       []float64  // comb's float64 accumulator
	cur, next frontier
	hist      history
	sents     []sentence
	top       topK
	smp       Sampler[F]
}

// sentence is the search state of one batch sentence.
type sentence struct {
	srcLen, maxLen int
	width          int // rows it may still fill: K minus finished in beam search
	rng            *rand.Rand
	done           []final
}

// final is a finished hypothesis: its EOS node and log-probability.
type final struct {
	node int32
	logp float64
}

// NewSearcher returns a searcher for m with options opt; it returns
// opt's errors, if any.
func NewSearcher[F mat.Float](m *model.Seq2Seq[F], opt Options) (*Searcher[F], error) {
	return NewEnsembleSearcher(Ensemble[F]{Models: []*model.Seq2Seq[F]{m}}, opt)
}

// NewEnsembleSearcher returns a searcher for the ensemble e with options
// opt; it returns e's and opt's errors, if any. Sample mode draws from the
// renormalised combined distribution, softmax(Σᵢ wᵢ·log pᵢ / T).
func NewEnsembleSearcher[F mat.Float](e Ensemble[F], opt Options) (*Searcher[F], error) {
	if err := errors.Join(e.Validate(), opt.Validate()); err != nil {
		return nil, err
	}
	s := &Searcher[F]{opt: opt, smp: sampler[F](&opt)}
	for i, w := range e.Normalised() {
		s.ms = append(s.ms, member[F]{m: e.Models[i], weight: w, ws: e.Models[i].NewWorkspace()})
	}
	return s, nil
}

// Options returns the searcher's options.
func (s *Searcher[F]) Options() Options { return s.opt }

// Search translates srcs as one batch and returns, for each, up to
// Options.NBest hypotheses, best first (at least one). A source that is
// empty for any member translates to one empty hypothesis. It panics if a
// source's Others are neither nil nor one per member after the first.
func (s *Searcher[F]) Search(srcs []Source) [][]Hypothesis {
	out := make([][]Hypothesis, len(srcs))
	var idx []int // the non-empty sentences, which form the batch
	for i, src := range srcs {
		if src.Others != nil && len(src.Others) != len(s.ms)-1 {
			panic(fmt.Sprintf("translate: Search: a source with %d member token lists for %d models", 1+len(src.Others), len(s.ms)))
		}
		if src.empty(len(s.ms)) {
			out[i] = []Hypothesis{{Tokens: []int32{}}}
		} else {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return out
	}
	s.start(srcs, idx)
	for t := 0; s.cur.len() > 0; t++ {
		logp := s.step()
		s.next.reset()
		if s.opt.Mode == Beam {
			s.expandBeam(logp, t)
		} else {
			s.expandRows(logp, t)
		}
		s.cur, s.next = s.next, s.cur
		if s.cur.len() > 0 {
			s.gather(s.cur.parent)
		}
	}
	for j, i := range idx {
		out[i] = s.results(&s.sents[j])
	}
	return out
}

// start encodes the batch of srcs[idx] with every member, sets the
// initial states and fills the first frontier: Options.width rows of BOS
// per sentence (one for beam search, which widens as it goes). The length
// bound follows the first member's source length.
func (s *Searcher[F]) start(srcs []Source, idx []int) {
	for i := range s.ms {
		mb := &s.ms[i]
		fillBatch(&mb.batch, srcs, idx, i)
		enc := mb.m.Encode(mb.ws, &mb.batch)
		mb.m.Dec.Prepare(&mb.mem, enc)
		mb.m.Dec.InitState(&mb.st[1], enc)
	}
	s.hist.reset(s.opt.Alignments)
	s.cur.reset()
	s.sents = s.sents[:0]
	w := s.opt.width()
	for b, i := range idx {
		n := len(srcs[i].Tokens)
		sn := sentence{srcLen: n, maxLen: s.opt.MaxLen(n), width: w}
		if s.opt.Mode == Sample {
			sn.rng = rand.New(rand.NewPCG(s.opt.Seed, uint64(srcs[i].Line)))
		}
		s.sents = append(s.sents, sn)
		rows := w
		if s.opt.Mode == Beam {
			rows = 1
		}
		for range rows {
			s.cur.push(b, corpora.BOS, b, -1, 0)
		}
	}
	s.gather(s.cur.parent)
}

// fillBatch lays out member k's tokens of srcs[idx] as a padded source
// batch b.
func fillBatch(b *model.Batch, srcs []Source, idx []int, k int) {
	b.B, b.S = len(idx), 0
	for _, i := range idx {
		b.S = max(b.S, len(srcs[i].Member(k)))
	}
	b.Src = append(b.Src[:0], make([]int32, b.B*b.S)...)
	b.SrcLen = b.SrcLen[:0]
	for r, i := range idx {
		toks := srcs[i].Member(k)
		copy(b.Src[r*b.S:], toks)
		b.SrcLen = append(b.SrcLen, len(toks))
	}
}

// alpha returns frontier row r's attention weights over its source (the
// first member's), or nil when alignments are not recorded.
func (s *Searcher[F]) alpha(r int) []F {
	a := s.ms[0].sw.Alpha()
	if !s.opt.Alignments || a.Rows == 0 {
		return nil
	}
	return a.Row(r)[:s.sents[s.cur.sent[r]].srcLen]
}

// results returns a sentence's finished hypotheses, best first, at most
// Options.nbest.
func (s *Searcher[F]) results(sn *sentence) []Hypothesis {
	hyps := make([]Hypothesis, len(sn.done))
	for i, f := range sn.done {
		hyps[i] = s.hist.hypothesis(f.node, f.logp, s.opt.LengthPenalty, s.opt.Alpha)
	}
	rank(hyps)
	return hyps[:min(len(hyps), s.opt.nbest())]
}
