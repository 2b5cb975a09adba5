package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"

	"github.com/s2s-nmt/s2s/configs"
	"github.com/s2s-nmt/s2s/corpora"
	"github.com/urfave/cli/v2"
)

func init() { register(newPrepareCommand()) }

// prepareArgs are the arguments of s2s prepare.
type prepareArgs struct {
	config  string // the experiment file
	workDir string // where runs/ lives: the working directory
	threads int    // cores to use; 0: all
}

func newPrepareCommand() *cli.Command {
	return &cli.Command{
		Name:      "prepare",
		Usage:     "learn or load the tokenizers and encode the corpora into runs/<name>",
		ArgsUsage: "CONFIG",
		Description: "Reads the experiment file, writes runs/<name>/config.yaml (every default written out),\n" +
			"tokenizer.src.json, tokenizer.tgt.json and the encoded corpora in data/, and points\n" +
			"runs/latest at the run. A second run with the same corpora and tokenizer reuses the cache.",
		Flags: []cli.Flag{&cli.IntFlag{Name: "threads", Usage: "cores to use (0: all)"}},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("prepare takes one CONFIG file, e.g. s2s prepare configs/numbers-en-ru.yaml")
			}
			a := prepareArgs{config: c.Args().First(), workDir: ".", threads: c.Int("threads")}
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
	if err := cfg.CheckFiles(); err != nil {
		return err
	}
	runDir := cfg.RunDir(a.workDir)
	if err := os.MkdirAll(runDir, 0o755); err != nil {
		return err
	}
	if err := cfg.Write(filepath.Join(runDir, "config.yaml")); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(logw, nil))
	p, err := corpora.Prepare(cfg.Data, runDir, log)
	if err != nil {
		return err
	}
	if err := linkLatest(filepath.Join(a.workDir, "runs"), cfg.Name); err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "prepared %s: %d training pairs, %d dev pairs, %d test lines, vocabulary %d/%d\n",
		runDir, p.Train.Len(), p.Dev.Len(), len(p.Test.Src), p.Src.VocabSize(), p.Tgt.VocabSize())
	return err
}

// linkLatest points runsDir/latest at runsDir/name, replacing the link
// atomically.
func linkLatest(runsDir, name string) error {
	tmp := filepath.Join(runsDir, ".latest.tmp")
	os.Remove(tmp)
	if err := os.Symlink(name, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(runsDir, "latest")); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
