package bleu

import "errors"

// ErrLengthMismatch is sacreBLEU's complaint when the hypotheses and a
// reference stream differ in length; its text is sacreBLEU's message.
//
//lint:ignore ST1005 sacreBLEU prints this message as it is.
var ErrLengthMismatch = errors.New("System and reference streams have different lengths.")

// maxVocab bounds the token-id table; it is cleared between sentences when
// it grows past this (ids only need to agree within one sentence).
const maxVocab = 1 << 20

// Scorer accumulates corpus BLEU one sentence at a time. Tokenization and
// n-gram counting reuse the Scorer's buffers: after warm-up a sentence costs
// no allocation beyond new vocabulary. A Scorer is not safe for concurrent
// use; give each goroutine its own and sum their Stats.
type Scorer struct {
	opts    Options
	tk      tokBuf
	vocab   map[string]uint32
	ids     []uint32
	ref     gramTable
	one     gramTable
	refLens []int
	stats   Stats
	nrefs   int // references per sentence so far; -1 once it varied
	n       int // sentences added
}

// NewScorer returns a Scorer for opts, or an error naming a bad option.
func NewScorer(opts Options) (*Scorer, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Scorer{opts: o, vocab: make(map[string]uint32)}, nil
}

// Add scores hyp against its references and adds the statistics to the
// corpus totals. It returns the sentence's own statistics.
func (s *Scorer) Add(hyp string, refs []string) Stats {
	st := s.SentenceStats(hyp, refs)
	s.stats.Add(st)
	switch {
	case s.n == 0:
		s.nrefs = len(refs)
	case s.nrefs != len(refs):
		s.nrefs = -1
	}
	s.n++
	return st
}

// Stats returns the corpus statistics added so far.
func (s *Scorer) Stats() Stats { return s.stats }

// Score returns corpus BLEU over everything added so far.
func (s *Scorer) Score() Score { return s.opts.compute(s.stats, s.nrefs) }

// Reset forgets the sentences added so far, keeping the buffers.
func (s *Scorer) Reset() { s.stats, s.nrefs, s.n = Stats{}, 0, 0 }

// SentenceStats returns hyp's statistics against refs without adding them.
func (s *Scorer) SentenceStats(hyp string, refs []string) Stats {
	if len(s.vocab) > maxVocab {
		clear(s.vocab)
	}
	s.refLens = s.refLens[:0]
	s.ref.reset(0)
	for k, r := range refs {
		ids := s.tokenIDs(r)
		s.refLens = append(s.refLens, len(ids))
		if k == 0 {
			s.ref.count(ids)
			continue
		}
		s.one.count(ids)
		s.ref.mergeMax(&s.one)
	}
	ids := s.tokenIDs(hyp)
	st := Stats{HypLen: len(ids), RefLen: max(closestRefLen(len(ids), s.refLens), 0)}
	st.Correct = s.ref.match(ids)
	for n := range st.Total {
		st.Total[n] = max(len(ids)-n, 0)
	}
	return st
}

// tokenIDs preprocesses and tokenizes a segment as sacreBLEU's
// BLEU._preprocess_segment does, and maps its tokens to ids.
func (s *Scorer) tokenIDs(seg string) []uint32 {
	if s.opts.Lowercase {
		seg = pyLower(seg)
	}
	buf := s.tk.run(s.opts.Tokenize, pyRStrip(seg))
	s.ids = s.ids[:0]
	forTokens(buf, s.addToken)
	return s.ids
}

func (s *Scorer) addToken(tok []byte) {
	id, ok := s.vocab[string(tok)]
	if !ok {
		id = uint32(len(s.vocab))
		s.vocab[string(tok)] = id
	}
	s.ids = append(s.ids, id)
}

// Corpus returns corpus BLEU of hyps against the reference streams refs
// (refs[k][i] is the k-th reference of hyps[i]). It fails with
// ErrLengthMismatch when a stream's length differs from len(hyps).
func Corpus(hyps []string, refs [][]string, opts Options) (Score, error) {
	s, err := NewScorer(opts)
	if err != nil {
		return Score{}, err
	}
	if err := checkLengths(hyps, refs); err != nil {
		return Score{}, err
	}
	seg := make([]string, len(refs))
	for i, h := range hyps {
		for k := range refs {
			seg[k] = refs[k][i]
		}
		s.Add(h, seg)
	}
	if len(hyps) == 0 {
		s.nrefs = len(refs)
	}
	return s.Score(), nil
}

// Sentence returns BLEU of one hypothesis against its references. Set
// opts.EffectiveOrder for sacreBLEU's sentence BLEU (-sl does).
func Sentence(hyp string, refs []string, opts Options) (Score, error) {
	s, err := NewScorer(opts)
	if err != nil {
		return Score{}, err
	}
	s.Add(hyp, refs)
	return s.Score(), nil
}

func checkLengths(hyps []string, refs [][]string) error {
	if len(refs) == 0 {
		return errors.New("bleu: no reference stream given")
	}
	for _, r := range refs {
		if len(r) != len(hyps) {
			return ErrLengthMismatch
		}
	}
	return nil
}
