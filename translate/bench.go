package translate

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/par"
	"github.com/s2s-nmt/s2s/model"
)

// BenchOptions are a decoding benchmark's: model.RefConfig's model at Shape
// with Cell (random weights), batches of Batch random sources of length
// SrcLen decoded by beam search of width Beam (1: greedy) for exactly
// Steps decoder steps (EOS is never chosen before the last), Warmup
// untimed batches, then Batches timed ones. Workers searchers, each on
// one goroutine, split each batch into Workers parts of nearly equal size
// and decode them side by side (translations are batch-independent, so
// the output is the batch's); with PerWorker each searcher decodes a whole
// batch of its own instead, as s2s translate --threads runs them.
type BenchOptions struct {
	Shape                model.RefShape
	Cell                 cell.Kind
	Beam                 int
	Batch, SrcLen, Steps int
	Warmup, Batches      int
	Workers              int  // parallel searchers; < 1 means 1
	PerWorker            bool // a batch per searcher instead of one batch split among them
	Seed                 uint64
	// Precision int8 times int8 decoding (the decoder quantized once,
	// timed in QuantizeSeconds) and fp32 decoding of the same model, batch
	// for batch in alternating order; "" or fp32 times fp32 alone.
	Precision Precision
}

// BenchResult is what a decoding benchmark measured.
type BenchResult struct {
	Params       int
	FlopPerBatch float64   // matrix-product FLOPs of one batch (forward only)
	BatchSeconds []float64 // wall time of each timed batch (PerWorker: of Workers batches at once, divided by Workers)
	OutTokens    int       // output tokens of one sentence's best hypothesis, EOS included
	// With Precision int8: BatchSeconds are int8's, FP32Seconds fp32's
	// on the same batches, and QuantizeSeconds the quantization's.
	FP32Seconds     []float64
	QuantizeSeconds float64
}

// Bench times Searcher.Search on the PyTorch reference's decode setting:
// each round decodes one batch split among Workers searchers (or, with
// PerWorker, Workers different batches at once, counting the round's wall
// time divided by Workers per batch), run on package par's pool: at most
// GOMAXPROCS at once, each with its products on its own goroutine.
func Bench(o BenchOptions) (*BenchResult, error) {
	if o.Beam < 1 || o.Batch < 1 || o.SrcLen < 1 || o.Steps < 1 || o.Batches < 1 || o.Warmup < 0 {
		return nil, fmt.Errorf("bench: beam %d, batch %d, source length %d, steps %d, batches %d must be ≥ 1",
			o.Beam, o.Batch, o.SrcLen, o.Steps, o.Batches)
	}
	sh := o.Shape
	m, err := model.New[float32](model.RefConfig(sh, o.Cell), sh.Vocab, sh.Vocab, rand.New(rand.NewPCG(o.Seed, 0x5eed)))
	if err != nil {
		return nil, err
	}
	opt := Options{Mode: Beam, Beam: o.Beam, NBest: 1, Alpha: 1, MaxLenExtra: o.Steps - 1, IgnoreEOS: true, Temperature: 1}
	if o.Beam == 1 {
		opt.Mode = Greedy
	}
	nets := []*model.Seq2Seq[float32]{m}
	r := &BenchResult{Params: m.Params().Len()}
	if o.Precision == Int8 {
		start := time.Now()
		m8 := Int8Copy(m)
		r.QuantizeSeconds = time.Since(start).Seconds()
		nets = []*model.Seq2Seq[float32]{m8, m}
	}
	searchers := make([][]*Searcher[float32], len(nets))
	for v, net := range nets {
		searchers[v] = make([]*Searcher[float32], max(o.Workers, 1))
		for i := range searchers[v] {
			if searchers[v][i], err = NewSearcher(net, opt); err != nil {
				return nil, err
			}
		}
	}
	rng := rand.New(rand.NewPCG(o.Seed, 2))
	srcs := make([][]Source, 4)
	for i := range srcs {
		b := model.RandomBatch(rng, sh.Vocab, o.Batch, o.SrcLen, 0)
		for j := 0; j < o.Batch; j++ {
			srcs[i] = append(srcs[i], Source{Tokens: b.Src[j*o.SrcLen : (j+1)*o.SrcLen], Line: j})
		}
	}
	// Step 0 runs one row per sentence, the others Beam rows.
	rows := o.Batch * (1 + o.Beam*(o.Steps-1))
	r.FlopPerBatch = sh.ForwardFlops(o.Cell, o.Batch, o.SrcLen, rows)
	for i := range o.Warmup + o.Batches {
		for k := range nets { // alternating which goes first, against drift
			v := (i + k) % len(nets)
			sec, out := benchRound(searchers[v], srcs, i, o.PerWorker)
			if i < o.Warmup {
				continue
			}
			if v == 0 {
				r.BatchSeconds = append(r.BatchSeconds, sec)
				r.OutTokens = out
			} else {
				r.FP32Seconds = append(r.FP32Seconds, sec)
			}
		}
	}
	return r, nil
}

// benchRound decodes round i with searchers and returns its seconds per
// batch and the output tokens of its first sentence's best hypothesis.
func benchRound(searchers []*Searcher[float32], srcs [][]Source, i int, perWorker bool) (float64, int) {
	outs := make([][][]Hypothesis, len(searchers))
	start := time.Now()
	par.For(len(searchers), func(j int) {
		outs[j] = searchers[j].Search(benchPart(srcs, i, j, len(searchers), perWorker))
	})
	sec := time.Since(start).Seconds()
	if perWorker {
		sec /= float64(len(searchers))
	}
	return sec, len(outs[0][0][0].Tokens)
}

// Int8Copy returns a model that shares m's weights and searches in int8:
// model.Int8Copy with m quantized by model.QuantizeInt8.
func Int8Copy(m *model.Seq2Seq[float32]) *model.Seq2Seq[float32] {
	return model.Int8Copy(m, model.QuantizeInt8(m))
}

// benchPart returns the sources searcher j of n decodes in round i: its
// own batch (perWorker), or its share of the round's one batch, parts
// differing in size by at most one sentence.
func benchPart(srcs [][]Source, i, j, n int, perWorker bool) []Source {
	if perWorker {
		return srcs[(i*n+j)%len(srcs)]
	}
	b := srcs[i%len(srcs)]
	return b[j*len(b)/n : (j+1)*len(b)/n]
}
