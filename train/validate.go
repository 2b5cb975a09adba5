package train

import (
	"math"
	"sync"

	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/translate/bleu"
)

// validation is the result of one pass over the dev set.
type validation struct {
	loss, ppl float64
	bleu      float64
	hasBLEU   bool
	hyps      []string
}

// evaluate computes the dev loss per token over the whole dev set and, for
// the first ValidSentences sentences, greedy translations and corpus BLEU.
func (t *Trainer) evaluate() (validation, error) {
	var v validation
	d := t.data
	var sum float64
	var ntok int
	var b model.Batch
	for lo := 0; lo < len(d.devSrc); lo += t.evalBatch {
		idx := rangeIdx(lo, min(lo+t.evalBatch, len(d.devSrc)))
		fillBatch(&b, d.devSrc, d.devTgt, idx)
		l, n := t.pool.run(&b, passOptions{})
		sum, ntok = sum+l, ntok+n
	}
	v.loss = sum / float64(max(ntok, 1))
	v.ppl = math.Exp(v.loss)
	n := len(d.devSrc)
	if c := t.cfg.Training.ValidSentences; c > 0 && c < n {
		n = c
	}
	if n == 0 || len(d.devRefs) == 0 {
		return v, nil
	}
	hyps, err := t.greedy(d.devSrc[:n])
	if err != nil {
		return v, err
	}
	s, err := bleu.Corpus(hyps, [][]string{d.devRefs[:n]}, bleu.Options{})
	if err != nil {
		return v, err
	}
	v.bleu, v.hasBLEU, v.hyps = s.Score, true, hyps
	return v, nil
}

// greedy translates src with greedy search on all workers and detokenises.
func (t *Trainer) greedy(src [][]int32) ([]string, error) {
	out := make([]string, len(src))
	errs := make([]error, len(t.pool.workers))
	var wg sync.WaitGroup
	chunk := (len(src) + len(t.pool.workers) - 1) / len(t.pool.workers)
	for wi, w := range t.pool.workers {
		lo, hi := wi*chunk, min((wi+1)*chunk, len(src))
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var b model.Batch
			for s := lo; s < hi; s += t.evalBatch {
				e := min(s+t.evalBatch, hi)
				fillBatch(&b, src, src, rangeIdx(s, e)) // the target side is unused
				ids := w.m.Greedy(w.ws, &b, t.maxOut(&b))
				for i, seq := range ids {
					txt, err := t.data.tgtTok.Decode(seq)
					if err != nil {
						errs[wi] = err
						return
					}
					out[s+i] = txt
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// maxOut is the longest output greedy search may produce for b.
func (t *Trainer) maxOut(b *model.Batch) int {
	return int(t.cfg.Translate.MaxLenRatio*float64(b.S)) + 10
}

func rangeIdx(lo, hi int) []int {
	idx := make([]int, hi-lo)
	for i := range idx {
		idx[i] = lo + i
	}
	return idx
}
