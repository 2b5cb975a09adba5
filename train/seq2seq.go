package train

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"sync"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/internal/safetensors"
	"github.com/s2s-nmt/s2s/model"
)

// s2sTask trains a translation model on length-bucketed batches.
type s2sTask struct {
	spec      *Spec
	runDir    string
	maxSrc    int // data.max_len: test sources are truncated to it
	evalBatch int

	trainSrc, trainTgt [][]int32
	devSrc, devTgt     [][]int32
	devRefs            []string // raw dev targets, for BLEU
	testSrc, testRefs  []string // raw test sources and first references, for samples
	srcTok, tgtTok     *corpora.Tokenizer
	batcher            *corpora.Batcher

	model *model.Seq2Seq[float32]
	pool  *pool
	bufs  []*model.Batch // the loaded update's batches (buffers reused)
	nbuf  int
}

// newS2STask builds the model, its workers and the batcher.
func newS2STask(spec *Spec, p *corpora.Prepared, runDir string, threads, maxSrc int) (*s2sTask, error) {
	c := spec.Training
	if p.Train == nil || p.Train.Len() == 0 {
		return nil, fmt.Errorf("the training corpus is empty after cleaning: nothing to train on")
	}
	k := &s2sTask{spec: spec, runDir: runDir, maxSrc: maxSrc, evalBatch: 64,
		trainSrc: p.Train.Src, trainTgt: p.Train.Tgt, srcTok: p.Src, tgtTok: p.Tgt, testSrc: p.Test.Src}
	if p.Test.Refs != nil {
		k.testRefs = p.Test.Refs[0]
	}
	if p.Dev != nil {
		k.devSrc, k.devTgt = p.Dev.Src, p.Dev.Tgt
		for _, ids := range k.devTgt {
			s, err := p.Tgt.Decode(ids)
			if err != nil {
				return nil, fmt.Errorf("dev reference: %w", err)
			}
			k.devRefs = append(k.devRefs, s)
		}
	}
	opt := corpora.BatchOptions{Seed: c.Seed}
	if c.BatchType == Tokens {
		opt.Tokens = c.BatchSize
	} else {
		opt.Sentences = c.BatchSize
	}
	var err error
	if k.batcher, err = corpora.NewBatcher(p.Train, opt); err != nil {
		return nil, err
	}
	newModel := func() (*model.Seq2Seq[float32], error) {
		return model.New[float32](spec.Model, p.Src.VocabSize(), p.Tgt.VocabSize(), rand.New(rand.NewPCG(c.Seed, 0x5eed)))
	}
	if k.model, err = newModel(); err != nil {
		return nil, err
	}
	if k.pool, err = newPool(k.model, threads, newModel); err != nil {
		return nil, err
	}
	return k, nil
}

func (k *s2sTask) params() *mat.Set[float32] { return k.model.Params() }

func (k *s2sTask) replicas() []*mat.Set[float32] {
	var s []*mat.Set[float32]
	for _, w := range k.pool.workers {
		s = append(s, w.m.Params())
	}
	return s
}

// next loads training.accumulate batches.
func (k *s2sTask) next() (tokens, epoch int, ok bool) {
	c := k.spec.Training
	k.nbuf = 0
	for i := range c.Accumulate {
		pos := k.batcher.Position()
		ep := pos.Epoch + 1
		if pos.Batch >= k.batcher.EpochBatches() {
			ep++
		}
		if c.Epochs > 0 && ep > c.Epochs {
			if i == 0 {
				return 0, 0, false
			}
			break
		}
		b := k.batcher.Next()
		for len(k.bufs) <= i {
			k.bufs = append(k.bufs, &model.Batch{})
		}
		fillBatch(k.bufs[i], b.Src, b.Tgt, rangeIdx(0, len(b.Src)))
		k.nbuf++
		tokens += k.bufs[i].Tokens()
		epoch = ep
	}
	return tokens, epoch, true
}

func (k *s2sTask) pass(o passOptions) float64 {
	var sum float64
	for _, b := range k.bufs[:k.nbuf] {
		l, _ := k.pool.run(b, o)
		sum += l
	}
	return sum
}

func (k *s2sTask) position() json.RawMessage {
	b, _ := json.Marshal(k.batcher.Position())
	return b
}

func (k *s2sTask) seek(raw json.RawMessage) error {
	var pos corpora.Position
	if err := json.Unmarshal(raw, &pos); err != nil {
		return fmt.Errorf("data position: %w", err)
	}
	return k.batcher.Seek(pos)
}

func (k *s2sTask) saveExtra(string) error { return nil }
func (k *s2sTask) loadExtra(string) error { return nil }

// evaluate computes the dev loss per token over the whole dev set and, for
// the first training.valid_sentences sentences, greedy translations and
// corpus BLEU.
func (k *s2sTask) evaluate() (validation, error) {
	var v validation
	var sum float64
	var ntok int
	var b model.Batch
	for lo := 0; lo < len(k.devSrc); lo += k.evalBatch {
		fillBatch(&b, k.devSrc, k.devTgt, rangeIdx(lo, min(lo+k.evalBatch, len(k.devSrc))))
		l, n := k.pool.run(&b, passOptions{})
		sum, ntok = sum+l, ntok+n
	}
	v.loss = sum / float64(max(ntok, 1))
	v.ppl = math.Exp(v.loss)
	n := len(k.devSrc)
	if c := k.spec.Training.ValidSentences; c > 0 && c < n {
		n = c
	}
	if n == 0 {
		return v, nil
	}
	hyps, err := k.greedy(k.devSrc[:n])
	if err != nil {
		return v, err
	}
	return v, v.setBLEU(hyps, k.devRefs[:n])
}

// greedy translates src with greedy search on all workers and detokenises.
func (k *s2sTask) greedy(src [][]int32) ([]string, error) {
	out := make([]string, len(src))
	errs := make([]error, len(k.pool.workers))
	var wg sync.WaitGroup
	chunk := (len(src) + len(k.pool.workers) - 1) / len(k.pool.workers)
	for wi, w := range k.pool.workers {
		lo, hi := wi*chunk, min((wi+1)*chunk, len(src))
		if lo >= hi {
			break
		}
		wg.Go(func() {
			var b model.Batch
			for s := lo; s < hi; s += k.evalBatch {
				e := min(s+k.evalBatch, hi)
				fillBatch(&b, src, src, rangeIdx(s, e)) // the target side is unused
				for i, seq := range w.m.Greedy(w.ws, &b, k.maxOut(b.S)) {
					txt, err := k.tgtTok.Decode(seq)
					if err != nil {
						errs[wi] = err
						return
					}
					out[s+i] = txt
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// maxOut is the longest output greedy search may produce for sources of
// length s.
func (k *s2sTask) maxOut(s int) int {
	return int(k.spec.Translate.MaxLenRatio*float64(s)) + k.spec.Translate.MaxLenExtra
}

// samples loads the run's best weights and prints greedy translations of
// the first n test sentences (dev when there is no test set).
func (k *s2sTask) samples(w io.Writer, n int) error {
	if n <= 0 {
		return nil
	}
	if _, err := safetensors.LoadSet(filepath.Join(k.runDir, WeightsFile), k.model.Params()); err != nil {
		return err
	}
	var ids [][]int32
	var refs []string
	for i, s := range k.testSrc {
		if len(ids) == n {
			break
		}
		if x := truncate(k.srcTok.Encode(s), k.maxSrc); len(x) > 0 {
			ids = append(ids, x)
			if i < len(k.testRefs) {
				refs = append(refs, k.testRefs[i])
			}
		}
	}
	if len(k.testSrc) == 0 {
		ids, refs = k.devSrc[:min(n, len(k.devSrc))], k.devRefs
	}
	hyps, err := k.greedy(ids)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "translations with the best weights:")
	for i, h := range hyps {
		s, _ := k.srcTok.Decode(ids[i])
		fmt.Fprintf(w, "  src: %s\n  hyp: %s\n", s, h)
		if i < len(refs) {
			fmt.Fprintf(w, "  ref: %s\n", refs[i])
		}
	}
	return nil
}

func truncate(ids []int32, n int) []int32 {
	if n > 0 && len(ids) > n {
		return ids[:n]
	}
	return ids
}

func rangeIdx(lo, hi int) []int {
	idx := make([]int, hi-lo)
	for i := range idx {
		idx[i] = lo + i
	}
	return idx
}
