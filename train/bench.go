package train

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/internal/optim"
	"github.com/s2s-nmt/s2s/model"
)

// BenchOptions are a training benchmark's: the PyTorch reference model
// (model.RefConfig) at Shape with Cell, Threads data-parallel workers,
// Warmup untimed steps, then Steps timed ones.
type BenchOptions struct {
	Shape         model.RefShape
	Cell          cell.Kind
	Threads       int // data-parallel workers (≥ 1)
	Warmup, Steps int
	Seed          uint64
	// Precision bf16 times bf16 steps and, alternating with them, the
	// same steps in fp32 on a second copy of the model (FP32Seconds), so
	// that both see the same load. Default (empty) fp32.
	Precision Precision
}

// BenchResult is what a benchmark measured.
type BenchResult struct {
	Params        int       // trainable parameters
	TokensPerStep int       // target tokens of one step
	FlopPerStep   float64   // matrix-product FLOPs of one step: 3 × forward (as the reference's train_gflops_3x)
	StepSeconds   []float64 // wall time of each timed step
	Loss          float64   // loss per token of the last step
	// With Precision bf16: StepSeconds and Loss are bf16's, FP32Seconds
	// and FP32Loss those of the fp32 steps run alternately.
	FP32Seconds []float64
	FP32Loss    float64
}

// Bench times training steps exactly as the trainer runs them (the
// data-parallel pool, reduce, clipping to norm 1, Adam at 1e-3) on
// the reference's random batches: four batches of fixed lengths, cycled.
func Bench(o BenchOptions) (*BenchResult, error) {
	if o.Threads < 1 || o.Steps < 1 || o.Warmup < 0 {
		return nil, fmt.Errorf("bench: threads %d and steps %d must be ≥ 1, warmup %d ≥ 0", o.Threads, o.Steps, o.Warmup)
	}
	sh := o.Shape
	rng := rand.New(rand.NewPCG(o.Seed, 1))
	batches := make([]*model.Batch, 4)
	for i := range batches {
		batches[i] = model.RandomBatch(rng, sh.Vocab, sh.Batch, sh.SrcLen, sh.TgtLen)
	}
	step, params, err := benchStepper(o, batches)
	if err != nil {
		return nil, err
	}
	r := &BenchResult{Params: params, TokensPerStep: batches[0].Tokens(),
		FlopPerStep: 3 * sh.ForwardFlops(o.Cell, sh.Batch, sh.SrcLen, sh.Batch*sh.TgtLen)}
	var fp32Step func(i int) (float64, float64)
	if o.Precision == BF16 {
		if fp32Step, _, err = benchStepper(o, batches); err != nil {
			return nil, err
		}
	}
	for i := range o.Warmup + o.Steps {
		prev := gemm.SetPrecision(o.Precision.gemm())
		sec, loss := step(i)
		gemm.SetPrecision(prev)
		if i >= o.Warmup {
			r.StepSeconds = append(r.StepSeconds, sec)
		}
		r.Loss = loss
		if fp32Step != nil {
			sec, loss := fp32Step(i)
			if i >= o.Warmup {
				r.FP32Seconds = append(r.FP32Seconds, sec)
			}
			r.FP32Loss = loss
		}
	}
	return r, nil
}

// benchStepper builds a model and its workers and returns a function that
// runs training step i on them, returning its wall time and loss per
// token, and the number of parameters.
func benchStepper(o BenchOptions, batches []*model.Batch) (func(i int) (float64, float64), int, error) {
	sh := o.Shape
	newModel := func() (*model.Seq2Seq[float32], error) {
		return model.New[float32](model.RefConfig(sh, o.Cell), sh.Vocab, sh.Vocab, rand.New(rand.NewPCG(o.Seed, 0x5eed)))
	}
	m, err := newModel()
	if err != nil {
		return nil, 0, err
	}
	p, err := newPool(m, o.Threads, newModel)
	if err != nil {
		return nil, 0, err
	}
	set, adam := m.Params(), optim.NewAdam[float32](len(m.Params().W))
	sets := make([]*mat.Set[float32], len(p.workers))
	for i, w := range p.workers {
		sets[i] = w.m.Params()
	}
	zeroGrads(sets) // then each step leaves them zeroed, as in training
	return func(i int) (float64, float64) {
		b := batches[i%len(batches)]
		start := time.Now()
		loss, n := p.run(b, passOptions{seed: o.Seed, step: uint64(i), gradScale: 1 / float32(b.Tokens()), teacherForcing: 1, train: true})
		norm := reduceGrads(sets) // in worker order, as the trainer reduces
		update(adam, set.W, set.G, norm, 1, 1e-3)
		return time.Since(start).Seconds(), loss / float64(n)
	}, len(set.W), nil
}
