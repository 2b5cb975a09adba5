package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/s2s-nmt/s2s/configs"
	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/s2s-nmt/s2s/train"
	"github.com/urfave/cli/v2"
)

// trainArgs are the arguments of s2s train.
type trainArgs struct {
	config   string   // the experiment file
	sets     []string // --set key=value overrides
	resume   bool
	force    bool
	initFrom string
	threads  int // overrides training.threads when > 0
	workDir  string
	samples  int
}

func newTrainCommand() *cli.Command {
	a := trainArgs{workDir: "."}
	var sets cli.StringSlice
	return &cli.Command{
		Name:      "train",
		Usage:     "prepare the data when needed, train, validate and checkpoint",
		ArgsUsage: "CONFIG",
		Description: "Trains the model of an experiment file into runs/<name>: tokenizers and encoded corpora\n" +
			"(when missing), checkpoints, metrics.jsonl and model.safetensors (the best weights by dev BLEU).\n" +
			"SIGINT or SIGTERM finishes the current step, writes a checkpoint and exits 0; --resume continues\n" +
			"exactly where a run stopped.",
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "set", Usage: "override a config key, e.g. --set training.max_steps=200 (repeatable)", Destination: &sets},
			&cli.BoolFlag{Name: "resume", Usage: "continue the run from its newest checkpoint", Destination: &a.resume},
			&cli.BoolFlag{Name: "force", Usage: "start over, discarding the run's checkpoints and weights", Destination: &a.force},
			&cli.StringFlag{Name: "init-from", Usage: "start from the weights of a trained model `DIR` (fine-tuning; same vocabularies)", Destination: &a.initFrom},
			&cli.IntFlag{Name: "threads", Usage: "cores to use (default: training.threads, 0 = all)", Destination: &a.threads},
			&cli.IntFlag{Name: "samples", Value: 5, Usage: "test translations to print at the end", Destination: &a.samples},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("train takes one CONFIG file, e.g. s2s train configs/numbers-en-ru.yaml")
			}
			a.config, a.sets = c.Args().First(), sets.Value()
			if a.threads < 0 {
				return usagef("--threads %d: must be ≥ 0", a.threads)
			}
			if a.resume && a.force {
				return usagef("--resume and --force contradict each other: --resume continues the run, --force starts it over")
			}
			if a.resume && a.initFrom != "" {
				return usagef("--init-from starts a new run; it cannot be combined with --resume")
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runTrain(ctx, a, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// start is how the flags say training begins.
func (a trainArgs) start() rundir.Start {
	switch {
	case a.resume:
		return rundir.Resume
	case a.force:
		return rundir.Over
	}
	return rundir.Fresh
}

// runTrain does s2s train: the summary goes to out, the log to logw.
func runTrain(ctx context.Context, a trainArgs, out, logw io.Writer) error {
	cfg, err := configs.LoadWithSets(a.config, a.sets)
	if err != nil {
		return err
	}
	if a.threads > 0 {
		cfg.Training.Threads = a.threads
	}
	if cfg.Training.Threads > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(cfg.Training.Threads))
	}
	if err := startError(rundir.ForName(a.workDir, cfg.Name).Check(a.start())); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{ReplaceAttr: dropTime}))
	run, data, err := prepareRun(cfg, a.workDir, log)
	if err != nil {
		return err
	}
	opts := train.Options{Run: run, Resume: a.resume, Log: log, Progress: logw, Samples: a.samples, Out: out, MaxLen: cfg.Data.MaxLen}
	if a.initFrom != "" {
		if opts.InitFrom, err = initFromWeights(a.initFrom, cfg, data, logw); err != nil {
			return err
		}
	}
	spec := &train.Spec{Model: cfg.Model, Training: cfg.Training, Translate: cfg.Translate}
	start := time.Now()
	sum, err := train.Run(ctx, spec, data, opts)
	if err != nil {
		return startError(err)
	}
	return printSummary(out, run, sum, time.Since(start))
}

// startError says which flag to use when a run cannot start as asked.
func startError(err error) error {
	switch {
	case errors.Is(err, rundir.ErrTrained):
		return fmt.Errorf("%w: pass --resume to continue it or --force to start over", err)
	case errors.Is(err, rundir.ErrNoCheckpoint):
		return fmt.Errorf("%w; run without --resume to start training", err)
	}
	return err
}

// printSummary prints the end-of-run summary.
func printSummary(w io.Writer, run rundir.Run, s *train.Summary, wall time.Duration) error {
	if s.Interrupted {
		_, err := fmt.Fprintf(w, "interrupted at step %d: checkpoint %s written; continue with --resume\n", s.Steps, s.Checkpoint)
		return err
	}
	best := "no validation ran"
	if s.HasLoss {
		best = fmt.Sprintf("best dev loss %.4f at step %d", s.BestLoss, s.BestStep)
	}
	if s.HasBLEU {
		best = fmt.Sprintf("best dev BLEU %.2f at step %d", s.BestBLEU, s.BestStep)
	}
	if s.Averaged > 0 {
		score := fmt.Sprintf("dev loss %.4f", s.AvgLoss)
		if s.HasBLEU {
			score = fmt.Sprintf("dev BLEU %.2f", s.AvgBLEU)
		}
		use := "kept as the model"
		if !s.AvgBetter {
			use = fmt.Sprintf("not better; the model is step %d's", s.BestStep)
		}
		best += fmt.Sprintf(", mean of the last %d checkpoints %s (%s)", s.Averaged, score, use)
	}
	_, err := fmt.Fprintf(w, "trained %s: %d steps (epoch %d, %s), %s, %.0f target tokens/s, %s\nmodel: %s\n",
		run.Dir, s.Steps, s.Epoch, s.StopReason, best, s.TokPerS, wall.Round(time.Second), run.Path(rundir.WeightsFile))
	return err
}

// dropTime removes slog's time attribute: log lines stay diffable.
func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// initFromWeights opens the model directory dir (a run, a checkpoint or
// an average) for --init-from, checks that it has exactly this run's
// vocabularies and model type, and returns its weights.
func initFromWeights(dir string, cfg *configs.Config, data train.Data, warn io.Writer) (*mat.Set[float32], error) {
	m, err := openFP32Model(dir, cfg.Model.Type, warn, "training from it")
	if err != nil {
		return nil, fmt.Errorf("--init-from: %w", err)
	}
	var src, tgt *corpora.Tokenizer
	if data.Parallel != nil {
		src, tgt = data.Parallel.Src, data.Parallel.Tgt
	} else {
		src, tgt = data.Text.Tok, data.Text.Tok
	}
	for _, side := range []struct {
		file       string
		ours, them *corpora.Tokenizer
	}{{rundir.SrcTokenizer, src, m.Src}, {rundir.TgtTokenizer, tgt, m.Tgt}} {
		a, _ := side.them.MarshalJSON()
		b, _ := side.ours.MarshalJSON()
		if string(a) != string(b) {
			return nil, fmt.Errorf("--init-from %s: %s differs from this run's vocabulary; fine-tuning needs the same tokenizers "+
				"(set data.tokenizer.path, or src_path and tgt_path, to that model's files)", dir, m.Run.Path(side.file))
		}
	}
	return m.Params(), nil
}
