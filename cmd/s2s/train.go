package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/s2s-nmt/s2s/configs"
	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/train"
	"github.com/urfave/cli/v2"
)

func init() { register(newTrainCommand()) }

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
	return &cli.Command{
		Name:      "train",
		Usage:     "prepare the data when needed, train, validate and checkpoint",
		ArgsUsage: "CONFIG",
		Description: "Trains the model of an experiment file into runs/<name>: tokenizers and encoded corpora\n" +
			"(when missing), checkpoints, metrics.jsonl and model.safetensors (the best weights by dev BLEU).\n" +
			"SIGINT or SIGTERM finishes the current step, writes a checkpoint and exits 0; --resume continues\n" +
			"exactly where a run stopped.",
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "set", Usage: "override a config key, e.g. --set training.max_steps=200 (repeatable)"},
			&cli.BoolFlag{Name: "resume", Usage: "continue the run from its newest checkpoint"},
			&cli.BoolFlag{Name: "force", Usage: "start over, discarding the run's checkpoints and weights"},
			&cli.StringFlag{Name: "init-from", Usage: "start from the weights of a trained model `DIR` (fine-tuning; same vocabularies)"},
			&cli.IntFlag{Name: "threads", Usage: "cores to use (default: training.threads, 0 = all)"},
			&cli.IntFlag{Name: "samples", Value: 5, Usage: "test translations to print at the end"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("train takes one CONFIG file, e.g. s2s train configs/numbers-en-ru.yaml")
			}
			a := trainArgs{config: c.Args().First(), sets: c.StringSlice("set"), resume: c.Bool("resume"),
				force: c.Bool("force"), initFrom: c.String("init-from"), threads: c.Int("threads"),
				workDir: ".", samples: c.Int("samples")}
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
	if err := cfg.CheckFiles(); err != nil {
		return err
	}
	runDir := cfg.RunDir(a.workDir)
	if err := train.CheckRunDir(runDir, a.resume, a.force); err != nil {
		return err
	}
	if err := os.MkdirAll(runDir, 0o755); err != nil {
		return err
	}
	if err := cfg.Write(filepath.Join(runDir, "config.yaml")); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{ReplaceAttr: dropTime}))
	var data train.Data
	if cfg.Model.Type == model.TypeLM {
		data.Text, err = corpora.PrepareText(cfg.Data, runDir, log)
	} else {
		data.Parallel, err = corpora.Prepare(cfg.Data, runDir, log)
	}
	if err != nil {
		return err
	}
	if err := linkLatest(filepath.Join(a.workDir, "runs"), cfg.Name); err != nil {
		return err
	}
	if a.initFrom != "" {
		if a.initFrom, err = initFromWeights(a.initFrom, data); err != nil {
			return err
		}
	}
	spec := &train.Spec{Model: cfg.Model, Training: cfg.Training, Translate: cfg.Translate}
	start := time.Now()
	sum, err := train.Run(ctx, spec, data, train.Options{RunDir: runDir, Resume: a.resume, InitFrom: a.initFrom,
		Log: log, Progress: logw, Samples: a.samples, Out: out, MaxLen: cfg.Data.MaxLen})
	if err != nil {
		return err
	}
	return printSummary(out, runDir, sum, time.Since(start))
}

// printSummary prints the end-of-run summary.
func printSummary(w io.Writer, runDir string, s *train.Summary, wall time.Duration) error {
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
	_, err := fmt.Fprintf(w, "trained %s: %d steps (epoch %d, %s), %s, %.0f target tokens/s, %s\nmodel: %s\n",
		runDir, s.Steps, s.Epoch, s.StopReason, best, s.TokPerS, wall.Round(time.Second), filepath.Join(runDir, train.WeightsFile))
	return err
}

// dropTime removes slog's time attribute: log lines stay diffable.
func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// initFromWeights checks that the model directory dir (a run, a checkpoint
// or an average) has exactly the vocabularies of this run and returns its
// weights file, for --init-from.
func initFromWeights(dir string, data train.Data) (string, error) {
	runDir := dir
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err == nil {
		runDir = filepath.Join(dir, "..", "..") // a checkpoint
	}
	var src, tgt *corpora.Tokenizer
	if data.Parallel != nil {
		src, tgt = data.Parallel.Src, data.Parallel.Tgt
	} else {
		src, tgt = data.Text.Tok, data.Text.Tok
	}
	for _, side := range []struct {
		file string
		tok  *corpora.Tokenizer
	}{{"tokenizer.src.json", src}, {"tokenizer.tgt.json", tgt}} {
		path := filepath.Join(runDir, side.file)
		theirs, err := corpora.Load(path)
		if err != nil {
			return "", fmt.Errorf("--init-from %s: %w", dir, err)
		}
		a, _ := theirs.MarshalJSON()
		b, _ := side.tok.MarshalJSON()
		if string(a) != string(b) {
			return "", fmt.Errorf("--init-from %s: %s differs from this run's vocabulary; fine-tuning needs the same tokenizers "+
				"(set data.tokenizer.path, or src_path and tgt_path, to that model's files)", dir, path)
		}
	}
	w := filepath.Join(dir, train.WeightsFile)
	if _, err := os.Stat(w); err != nil {
		return "", fmt.Errorf("--init-from %s: %w", dir, err)
	}
	return w, nil
}
