package main

import (
	"fmt"
	"io"
	"log/slog"
	"runtime"

	"github.com/s2s-nmt/s2s/configs"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/s2s-nmt/s2s/train"
	"github.com/urfave/cli/v2"
)

// prepareArgs are the arguments of s2s prepare.
type prepareArgs struct {
	config  string // the experiment file
	workDir string // where runs/ lives: the working directory
	threads int    // cores to use; 0: all
}

func newPrepareCommand() *cli.Command {
	a := prepareArgs{workDir: "."}
	return &cli.Command{
		Name:      "prepare",
		Usage:     "learn or load the tokenizers and encode the corpora into runs/<name>",
		ArgsUsage: "CONFIG",
		Description: "Reads the experiment file, writes runs/<name>/config.yaml (every default written out),\n" +
			"tokenizer.src.json, tokenizer.tgt.json and the encoded corpora (or text) in data/, and\n" +
			"points runs/latest at the run. A second run with the same corpora and tokenizer reuses the cache.",
		Flags: []cli.Flag{&cli.IntFlag{Name: "threads", Usage: "cores to use (0: all)", Destination: &a.threads}},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("prepare takes one CONFIG file, e.g. s2s prepare configs/numbers-en-ru.yaml")
			}
			a.config = c.Args().First()
			if a.threads < 0 {
				return usagef("--threads %d: must be ≥ 0", a.threads)
			}
			return runPrepare(a, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// runPrepare does s2s prepare: out gets the one-line result, logw the log.
func runPrepare(a prepareArgs, out, logw io.Writer) error {
	if a.threads > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(a.threads))
	}
	cfg, err := configs.Load(a.config)
	if err != nil {
		return err
	}
	run, data, err := prepareRun(cfg, a.workDir, slog.New(slog.NewTextHandler(logw, nil)))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "prepared %s: %s\n", run.Dir, data.Describe())
	return err
}

// prepareRun is the data part that prepare and train share: it checks
// the config's files, writes the resolved config into the run directory,
// prepares the data as the model type needs it and points runs/latest at
// the run.
func prepareRun(cfg *configs.Config, workDir string, log *slog.Logger) (rundir.Run, train.Data, error) {
	run := rundir.ForName(workDir, cfg.Name)
	if err := cfg.CheckFiles(); err != nil {
		return run, train.Data{}, err
	}
	if err := run.Create(); err != nil {
		return run, train.Data{}, err
	}
	if err := run.WriteConfig(cfg); err != nil {
		return run, train.Data{}, err
	}
	data, err := train.Prepare(cfg.Model.Type, cfg.Data, run, log)
	if err != nil {
		return run, data, err
	}
	return run, data, run.LinkLatest()
}
