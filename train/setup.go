package train

import (
	"fmt"
	"path/filepath"

	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/internal/optim"
	"github.com/s2s-nmt/s2s/internal/safetensors"
	"github.com/s2s-nmt/s2s/rundir"
)

// setup builds the optimizer around the task's model, then restores the
// newest checkpoint when resuming or the weights of InitFrom when
// fine-tuning, and opens metrics.jsonl.
func (t *Trainer) setup() error {
	c := t.cfg.Training
	t.opt = t.newOptimizer()
	t.state = State{Epoch: 1, Plateau: plateau{Base: c.LearningRate}}
	if t.opts.Resume {
		if err := t.restore(); err != nil {
			return err
		}
	} else if t.opts.InitFrom != nil {
		if err := t.initFrom(); err != nil {
			return err
		}
	}
	t.state.Precision = c.Precision
	if c.Precision == BF16 && gemm.KernelBF16() == "emulated" {
		t.log.Warn("training.precision bf16: this CPU lacks AVX512_BF16, so an exact emulation runs, many times slower than fp32")
	}
	metrics := t.opts.Run.Path(rundir.MetricsFile)
	if t.opts.Resume {
		if err := trimMetrics(metrics, t.state.Step); err != nil {
			return err
		}
	}
	var err error
	t.metrics, err = openMetrics(metrics)
	return err
}

// newOptimizer makes the configured optimizer for the model's slab.
func (t *Trainer) newOptimizer() optim.Optimizer[float32] {
	c := t.cfg.Training
	n := len(t.task.params().W)
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

// restore loads the newest checkpoint.
func (t *Trainer) restore() error {
	dirs, err := t.opts.Run.Checkpoints()
	if err != nil {
		return err
	}
	if len(dirs) == 0 {
		return fmt.Errorf("%s %w", t.opts.Run.Dir, rundir.ErrNoCheckpoint)
	}
	dir := dirs[len(dirs)-1]
	st, err := loadCheckpoint(dir, t.task.params(), t.optSlabs())
	if err != nil {
		return err
	}
	if err := samePrecision(st.Precision, t.cfg.Training.Precision, dir); err != nil {
		return err
	}
	if err := t.task.seek(st.Data); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(dir, rundir.StateFile), err)
	}
	if err := t.task.loadExtra(dir); err != nil {
		return err
	}
	t.opt.SetSteps(int64(st.OptStep))
	t.state = st
	t.lastCkpt = dir
	t.log.Info("resumed", "checkpoint", dir, "step", st.Step, "epoch", st.Epoch)
	return nil
}

// samePrecision refuses to resume a run of precision was (empty: fp32)
// with precision now: the optimizer's state and the data position belong
// to the old arithmetic, and exact resume would no longer hold.
func samePrecision(was, now Precision, dir string) error {
	if was == "" {
		was = FP32
	}
	if was == now {
		return nil
	}
	return fmt.Errorf("%s was trained with training.precision %s, the config says %s: --resume cannot change the precision; "+
		"to train on in %s, start a new run from its weights with --init-from %s", dir, was, now, now, dir)
}

// initFrom copies the weights of InitFrom (fine-tuning), which must have
// the same parameters, names and shapes as the model.
func (t *Trainer) initFrom() error {
	dst, src := t.task.params(), t.opts.InitFrom
	if len(dst.List) != len(src.List) {
		return fmt.Errorf("the initial model has %d parameter matrices, this config's %d: it needs the same architecture", len(src.List), len(dst.List))
	}
	for i, p := range dst.List {
		q := src.List[i]
		if p.Name != q.Name || p.W.Rows != q.W.Rows || p.W.Cols != q.W.Cols {
			return fmt.Errorf("the initial model's %s (%d×%d) does not fit this config's %s (%d×%d): it needs the same architecture and vocabularies",
				q.Name, q.W.Rows, q.W.Cols, p.Name, p.W.Rows, p.W.Cols)
		}
	}
	copy(dst.W, src.W)
	return nil
}
