package train

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/internal/optim"
	"github.com/s2s-nmt/s2s/internal/safetensors"
	"github.com/s2s-nmt/s2s/model"
)

// setup builds the data, model, workers and optimizer, then restores the
// newest checkpoint when resuming or the weights of InitFrom when
// fine-tuning.
func (t *Trainer) setup(data *corpora.Prepared) error {
	if err := t.setupData(data); err != nil {
		return err
	}
	c := t.cfg.Training
	srcV, tgtV := data.Src.VocabSize(), data.Tgt.VocabSize()
	newModel := func() (*model.Seq2Seq[float32], error) {
		return model.New[float32](t.cfg.Model, srcV, tgtV, rand.New(rand.NewPCG(c.Seed, 0x5eed)))
	}
	var err error
	if t.model, err = newModel(); err != nil {
		return err
	}
	n := t.threads()
	if n > 1 {
		gemm.SetThreads(1) // the workers are the parallelism
	}
	if t.pool, err = newPool(t.model, n, newModel); err != nil {
		return err
	}
	t.opt = t.newOptimizer()
	t.state = State{Epoch: 1, Plateau: plateau{Base: c.LearningRate}}
	if t.opts.Resume {
		if err := t.restore(); err != nil {
			return err
		}
	} else if t.opts.InitFrom != "" {
		if err := t.initFrom(); err != nil {
			return err
		}
	}
	metrics := filepath.Join(t.opts.RunDir, "metrics.jsonl")
	if t.opts.Resume {
		if err := trimMetrics(metrics, t.state.Step); err != nil {
			return err
		}
	}
	t.metrics, err = openMetrics(metrics)
	return err
}

// setupData takes the prepared corpora and makes the batcher.
func (t *Trainer) setupData(p *corpora.Prepared) error {
	c := t.cfg.Training
	if p.Train == nil || p.Train.Len() == 0 {
		return fmt.Errorf("the training corpus is empty after cleaning: nothing to train on")
	}
	d := &dataset{trainSrc: p.Train.Src, trainTgt: p.Train.Tgt, srcTok: p.Src, tgtTok: p.Tgt, testSrc: p.Test.Src}
	if p.Test.Refs != nil {
		d.testRefs = p.Test.Refs[0]
	}
	if p.Dev != nil {
		d.devSrc, d.devTgt = p.Dev.Src, p.Dev.Tgt
		for _, ids := range d.devTgt {
			s, err := p.Tgt.Decode(ids)
			if err != nil {
				return fmt.Errorf("dev reference: %w", err)
			}
			d.devRefs = append(d.devRefs, s)
		}
	}
	opt := corpora.BatchOptions{Seed: c.Seed}
	if c.BatchType == Tokens {
		opt.Tokens = c.BatchSize
	} else {
		opt.Sentences = c.BatchSize
	}
	var err error
	if d.batcher, err = corpora.NewBatcher(p.Train, opt); err != nil {
		return err
	}
	t.data = d
	return nil
}

// newOptimizer makes the configured optimizer for the model's slab.
func (t *Trainer) newOptimizer() optim.Optimizer[float32] {
	c := t.cfg.Training
	n := len(t.model.Params().W)
	if c.Optimizer == SGD {
		return optim.NewSGD[float32](n, c.Momentum, c.WeightDecay)
	}
	a := optim.NewAdam[float32](n)
	a.Beta1, a.Beta2, a.Eps, a.WeightDecay = c.Beta1, c.Beta2, c.Eps, c.WeightDecay
	return a
}

// optSlabs returns the optimizer's state as checkpoint extras.
func (t *Trainer) optSlabs() []safetensors.Extra[float32] {
	var ex []safetensors.Extra[float32]
	for _, s := range t.opt.State() {
		ex = append(ex, safetensors.Extra[float32]{Prefix: string(t.cfg.Training.Optimizer) + "." + s.Name + ".", Slab: s.Data})
	}
	return ex
}

// restore loads the newest checkpoint that verifies.
func (t *Trainer) restore() error {
	dirs, err := listCheckpoints(t.opts.RunDir)
	if err != nil {
		return err
	}
	dir := dirs[len(dirs)-1]
	st, err := loadCheckpoint(dir, t.model.Params(), t.optSlabs())
	if err != nil {
		return err
	}
	var pos corpora.Position
	if err := json.Unmarshal(st.Data, &pos); err != nil {
		return fmt.Errorf("%s: data position: %w", filepath.Join(dir, StateFile), err)
	}
	if err := t.data.batcher.Seek(pos); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(dir, StateFile), err)
	}
	t.opt.SetSteps(int64(st.OptStep))
	t.state = st
	t.lastCkpt = dir
	t.log.Info("resumed", "checkpoint", dir, "step", st.Step, "epoch", st.Epoch)
	return nil
}

// initFrom copies the weights of a trained model directory (fine-tuning):
// the same architecture and vocabulary sizes are required.
func (t *Trainer) initFrom() error {
	path := t.opts.InitFrom
	if filepath.Ext(path) != ".safetensors" {
		path = filepath.Join(path, WeightsFile)
	}
	if _, err := safetensors.LoadSet(path, t.model.Params()); err != nil {
		return fmt.Errorf("--init-from: %w (the model must have the same architecture and vocabularies as this config)", err)
	}
	t.log.Info("initialised from", "weights", path)
	return nil
}
