// Package train is the training loop: teacher forcing with full BPTT,
// data-parallel workers whose gradients are summed in a fixed order,
// Adam or SGD with clipping and schedules, validation by dev loss and BLEU,
// atomic checkpoints and exact resume.
package train

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/internal/optim"
	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/s2s-nmt/s2s/translate"
)

// Spec is what the experiment file says about a run, as the trainer needs
// it: package configs composes these sections with the data section.
type Spec struct {
	Model     model.Config
	Training  Config
	Translate translate.Config
}

// Data is what a run trains on: a parallel corpus for a translation
// model, or a text stream for a language model.
type Data struct {
	Parallel *corpora.Prepared
	Text     *corpora.TextData
}

// Options are what a training run needs besides its config.
type Options struct {
	Run      rundir.Run        // the run directory, ready for this start (rundir.Run.Check)
	Resume   bool              // continue from the newest checkpoint
	InitFrom *mat.Set[float32] // initial weights (fine-tuning), or nil
	Log      *slog.Logger      // plain log lines
	Progress io.Writer         // where a terminal progress bar goes (nil: none)
	Samples  int               // test-set translations to print at the end
	MaxLen   int               // data.max_len: test sources are truncated to it
	Out      io.Writer         // where the end summary and samples go
}

// Summary is what a finished run reports.
type Summary struct {
	Steps       int
	Epoch       int
	BestBLEU    float64
	HasBLEU     bool
	BestLoss    float64 // best dev loss per token, when validation ranks by loss
	HasLoss     bool
	BestStep    int
	Seconds     float64
	TokPerS     float64
	Interrupted bool
	StopReason  string
	Checkpoint  string
	// Averaged is the number of checkpoints training.average_last
	// averaged (0 when it did not run); AvgLoss and AvgBLEU are the
	// mean's validation, AvgBetter whether it beat the best and became
	// the run's model.
	Averaged         int
	AvgLoss, AvgBLEU float64
	AvgBetter        bool
}

// Trainer holds a run in progress.
type Trainer struct {
	cfg      *Spec
	opts     Options
	log      *slog.Logger
	task     task
	opt      optim.Optimizer[float32]
	state    State
	metrics  *metricsLog
	progress *progress
	logEvery int
	ema      float64

	stopReason  string
	interrupted bool
	lastCkpt    string
}

// Run trains the model described by cfg in opts.RunDir until a limit in
// cfg.Training, a cancelled ctx (SIGINT/SIGTERM: the current step finishes
// and a checkpoint is written), or an error.
func Run(ctx context.Context, cfg *Spec, data Data, opts Options) (*Summary, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	t := &Trainer{cfg: cfg, opts: opts, log: opts.Log, logEvery: 10}
	if err := opts.Run.Create(); err != nil {
		return nil, err
	}
	var err error
	switch {
	case cfg.Model.Type == model.TypeLM && data.Text != nil:
		cfg.Training.ValidMetric = Loss // an LM has no BLEU: best by dev loss
		t.task, err = newLMTask(cfg, data.Text, opts.Run, t.threads())
	case cfg.Model.Type != model.TypeLM && data.Parallel != nil:
		t.task, err = newS2STask(cfg, data.Parallel, opts.Run, t.threads(), opts.MaxLen)
	default:
		err = fmt.Errorf("model.type %s needs %s", cfg.Model.Type, map[bool]string{true: "data.text (a plain-text file)", false: "a parallel corpus (data.train or data.synthetic)"}[cfg.Model.Type == model.TypeLM])
	}
	if err != nil {
		return nil, err
	}
	if err := t.setup(); err != nil {
		return nil, err
	}
	defer t.metrics.close()
	t.progress = newProgress(opts.Progress, t.log, cfg.Training.MaxSteps, 50)
	err = t.loop(ctx)
	t.progress.finish()
	if err != nil {
		return nil, err
	}
	sum, err := t.finish()
	if err != nil {
		return nil, err
	}
	if !sum.Interrupted {
		if err := t.task.samples(opts.Out, opts.Samples); err != nil {
			return nil, err
		}
	}
	return sum, nil
}

// threads is the number of data-parallel workers.
func (t *Trainer) threads() int {
	if n := t.cfg.Training.Threads; n > 0 {
		return n
	}
	return runtime.NumCPU()
}

// finish writes the last checkpoint and returns the summary.
func (t *Trainer) finish() (*Summary, error) {
	if err := t.checkpoint(); err != nil {
		return nil, err
	}
	st := t.state
	s := &Summary{Steps: st.Step, Epoch: st.Epoch, Seconds: st.Seconds, Interrupted: t.interrupted,
		StopReason: t.stopReason, Checkpoint: t.lastCkpt, BestStep: st.Plateau.BestStep}
	if st.Seconds > 0 {
		s.TokPerS = float64(st.Tokens) / st.Seconds
	}
	if t.cfg.Training.ValidMetric == BLEU && st.Plateau.HasBest {
		s.BestBLEU, s.HasBLEU = st.Plateau.Best, true
	}
	if t.cfg.Training.ValidMetric == Loss && st.Plateau.HasBest {
		s.BestLoss, s.HasLoss = st.Plateau.Best, true
	}
	if !t.interrupted && t.cfg.Training.AverageLast > 0 {
		if err := t.averageLast(s); err != nil {
			return nil, err
		}
	}
	_ = t.metrics.write(Event{Event: "end", Step: st.Step, Epoch: st.Epoch, BLEU: s.BestBLEU, HasBLEU: s.HasBLEU})
	return s, nil
}
