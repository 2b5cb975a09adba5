package translate

import (
	"math/rand/v2"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/decoder"
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

// Searcher translates batches of sentences with one model. It holds one
// goroutine's workspace: make one Searcher per goroutine; many may share
// the model. Steady-state searches reuse its buffers.
//
// A sentence's hypotheses do not depend on the batch it is in: the
// encoder masks padding, the decoder's rows read only their own sentence,
// the matrix products are bit-reproducible whatever their shape (package
// gemm), and each sentence's selection reads only its own rows.
type Searcher[F mat.Float] struct {
	m   *model.Seq2Seq[F]
	opt Options

	ws        *model.Workspace[F]
	batch     model.Batch
	mem       decoder.Memory[F]
	sw        decoder.StepWork[F]
	st        [2]decoder.State[F] // st[0] feeds Step, st[1] receives it
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
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	return &Searcher[F]{m: m, opt: opt, ws: m.NewWorkspace(), smp: sampler[F](&opt)}, nil
}

// Options returns the searcher's options.
func (s *Searcher[F]) Options() Options { return s.opt }

// Search translates srcs as one batch and returns, for each, up to
// Options.NBest hypotheses, best first (at least one).
func (s *Searcher[F]) Search(srcs []Source) [][]Hypothesis {
	out := make([][]Hypothesis, len(srcs))
	var idx []int // the non-empty sentences, which form the batch
	for i, src := range srcs {
		if len(src.Tokens) == 0 {
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
		logp := s.m.Dec.Step(&s.sw, &s.st[1], &s.st[0], s.cur.token, &s.mem, s.cur.sent)
		s.next.reset()
		if s.opt.Mode == Beam {
			s.expandBeam(logp, t)
		} else {
			s.expandRows(logp, t)
		}
		s.cur, s.next = s.next, s.cur
		if s.cur.len() > 0 {
			s.st[0].Gather(&s.st[1], s.cur.parent)
		}
	}
	for j, i := range idx {
		out[i] = s.results(&s.sents[j])
	}
	return out
}

// start encodes the batch of srcs[idx], sets the initial states and
// fills the first frontier: Options.width rows of BOS per sentence
// (one for beam search, which widens as it goes).
func (s *Searcher[F]) start(srcs []Source, idx []int) {
	s.fillBatch(srcs, idx)
	enc := s.m.Encode(s.ws, &s.batch)
	s.m.Dec.Prepare(&s.mem, enc)
	s.m.Dec.InitState(&s.st[1], enc)
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
	s.st[0].Gather(&s.st[1], s.cur.parent)
}

// fillBatch lays out srcs[idx] as a padded source batch.
func (s *Searcher[F]) fillBatch(srcs []Source, idx []int) {
	b := &s.batch
	b.B, b.S = len(idx), 0
	for _, i := range idx {
		b.S = max(b.S, len(srcs[i].Tokens))
	}
	b.Src = append(b.Src[:0], make([]int32, b.B*b.S)...)
	b.SrcLen = b.SrcLen[:0]
	for r, i := range idx {
		copy(b.Src[r*b.S:], srcs[i].Tokens)
		b.SrcLen = append(b.SrcLen, len(srcs[i].Tokens))
	}
}

// alpha returns frontier row r's attention weights over its source, or
// nil when alignments are not recorded.
func (s *Searcher[F]) alpha(r int) []F {
	a := s.sw.Alpha()
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
