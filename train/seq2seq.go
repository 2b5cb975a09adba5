package train

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/internal/safetensors"
	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/s2s-nmt/s2s/translate"
	"github.com/s2s-nmt/s2s/translate/bleu"
)

// s2sTask trains a translation model on length-bucketed batches.
type s2sTask struct {
	spec      *Spec
	run       rundir.Run
	maxSrc    int // data.max_len: sources to translate are truncated to it
	evalBatch int

	trainSrc, trainTgt [][]int32
	devSrc, devTgt     [][]int32
	devLines, devRefs  []string // the dev files' source lines and references, for BLEU
	devName            string   // the dev source file, for warnings
	testSrc, testRefs  []string // raw test sources and first references, for samples
	srcTok, tgtTok     *corpora.Tokenizer
	batcher            *corpora.Batcher

	model *model.Seq2Seq[float32]
	pool  *pool
	bufs  []*model.Batch // the loaded update's batches (buffers reused)
	nbuf  int
}

// newS2STask builds the model, its workers and the batcher.
func newS2STask(spec *Spec, p *corpora.Prepared, run rundir.Run, threads, maxSrc int) (*s2sTask, error) {
	c := spec.Training
	if p.Train == nil || p.Train.Len() == 0 {
		return nil, fmt.Errorf("the training corpus is empty after cleaning: nothing to train on")
	}
	k := &s2sTask{spec: spec, run: run, maxSrc: maxSrc, evalBatch: 64,
		trainSrc: p.Train.Src, trainTgt: p.Train.Tgt, srcTok: p.Src, tgtTok: p.Tgt, testSrc: p.Test.Src}
	if p.Test.Refs != nil {
		k.testRefs = p.Test.Refs[0]
	}
	if p.Dev != nil {
		k.devSrc, k.devTgt = p.Dev.Src, p.Dev.Tgt
	}
	if err := k.readDevText(p.DevText); err != nil {
		return nil, err
	}
	// BPE-dropout re-segments the training pairs only: dev and BLEU keep
	// the deterministic ids and text.
	opt := corpora.BatchOptions{Seed: c.Seed, Dropout: corpora.Dropout{Src: p.Src, Tgt: p.Tgt, P: p.Files.Tokenizer.Dropout}}
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

// readDevText takes the dev files' lines for BLEU: the sources as
// `s2s translate` reads a file, the references as `s2s eval` does.
func (k *s2sTask) readDevText(d corpora.DevText) error {
	if len(d.Src) == 0 {
		return nil
	}
	refs, err := bleu.ReadLines(strings.NewReader(strings.Join(d.Tgt, "\n")), d.TgtName, false)
	if err != nil {
		return fmt.Errorf("dev references: %w", err)
	}
	if len(refs) != len(d.Src) {
		return fmt.Errorf("%s has %d lines but %s has %d", d.SrcName, len(d.Src), d.TgtName, len(refs))
	}
	k.devLines, k.devRefs, k.devName = d.Src, refs, d.SrcName
	return nil
}

// evaluate computes the dev loss per token over the whole dev set and
// dev BLEU: the first training.valid_sentences lines of the dev files (all
// when 0) translated exactly as `s2s translate --greedy` (or, with
// training.valid_beam N > 1, `s2s translate --beam N`) translates them,
// scored as `s2s eval` scores them.
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
	n := len(k.devLines)
	if c := k.spec.Training.ValidSentences; c > 0 && c < n {
		n = c
	}
	if n == 0 {
		return v, nil
	}
	hyps, err := k.translate(k.devLines[:n], k.devName, k.spec.Training.ValidBeam)
	if err != nil {
		return v, err
	}
	return v, v.setBLEU(hyps, k.devRefs[:n])
}

// translate translates lines (read from the file name) on the master
// model, one searcher per worker: the search of `s2s translate --greedy`
// when beam ≤ 1, else of `s2s translate --beam beam` with the translate
// section's other options; sources truncated at data.max_len.
func (k *s2sTask) translate(lines []string, name string, beam int) ([]string, error) {
	opt := translate.FromConfig(k.spec.Translate)
	opt.Mode, opt.Beam = translate.Greedy, beam
	if beam > 1 {
		opt.Mode = translate.Beam
	}
	s := &translate.Stream[float32]{Model: k.model, Options: opt, BatchSize: k.spec.Translate.BatchSize,
		Workers: len(k.pool.workers), Format: translate.Format{Src: k.srcTok, Tgt: k.tgtTok},
		Input: translate.Input{Tok: k.srcTok, MaxLen: k.maxSrc, Name: name}}
	return s.Lines(lines)
}

// samples loads the run's best weights and prints greedy translations of
// the first n test sentences (dev when there is no test set).
func (k *s2sTask) samples(w io.Writer, n int) error {
	if n <= 0 {
		return nil
	}
	if _, err := safetensors.LoadSet(k.run.Path(rundir.WeightsFile), k.model.Params()); err != nil {
		return err
	}
	src, refs, name := k.testSrc, k.testRefs, "test set"
	if len(src) == 0 {
		src, refs, name = k.devLines, k.devRefs, k.devName
	}
	src = src[:min(n, len(src))]
	hyps, err := k.translate(src, name, 1)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "translations with the best weights:")
	for i, h := range hyps {
		fmt.Fprintf(w, "  src: %s\n  hyp: %s\n", src[i], h)
		if i < len(refs) {
			fmt.Fprintf(w, "  ref: %s\n", refs[i])
		}
	}
	return nil
}

func rangeIdx(lo, hi int) []int {
	idx := make([]int, hi-lo)
	for i := range idx {
		idx[i] = lo + i
	}
	return idx
}
