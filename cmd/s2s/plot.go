package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/s2s-nmt/s2s/internal/atomicfile"
	"github.com/s2s-nmt/s2s/internal/viz"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/urfave/cli/v2"
)

// plotArgs are the flags of s2s plot.
type plotArgs struct {
	models        fileList // run directories or metrics.jsonl files; none for runs/latest
	out           string   // PNG to write
	width, height int      // pixels; 0 for viz's defaults
}

func newPlotCommand() *cli.Command {
	var a plotArgs
	return &cli.Command{
		Name:  "plot",
		Usage: "draw a run's training and validation loss and dev BLEU against steps as a PNG",
		Description: "Reads RUN/metrics.jsonl (RUN defaults to runs/latest) and writes --out, a PNG:\n" +
			"training and validation loss on top, dev BLEU below when the run has any.\n" +
			"With --model given several times (up to 6), draws the runs on the same axes, a colour each.",
		Flags: []cli.Flag{
			&cli.GenericFlag{Name: "model", Value: &a.models, Usage: "run `DIR` (or its metrics.jsonl) to plot (default runs/latest; repeat to compare runs)"},
			&cli.StringFlag{Name: "out", Usage: "PNG `FILE` to write", Destination: &a.out},
			&cli.IntFlag{Name: "width", Usage: "image width in pixels", Value: viz.DefaultCurvesWidth, Destination: &a.width},
			&cli.IntFlag{Name: "height", Usage: "image height in pixels", Value: viz.DefaultCurvesHeight, Destination: &a.height},
		},
		Action: func(c *cli.Context) error {
			if err := a.check(c.Args().Len()); err != nil {
				return err
			}
			return runPlot(c.App.Writer, c.App.ErrWriter, a)
		},
	}
}

// check reports misuse of the flags as a usage error.
func (a plotArgs) check(nargs int) error {
	switch {
	case nargs > 0:
		return usagef("plot takes no arguments; pass the run with --model DIR")
	case a.out == "":
		return usagef("plot needs --out FILE.png")
	case !strings.EqualFold(filepath.Ext(a.out), ".png"):
		return usagef("--out %s: plot writes PNG; name the file *.png", a.out)
	case len(a.models.files) > 6:
		return usagef("plot compares at most 6 runs; got --model %d times", len(a.models.files))
	case a.width <= 0 || a.height <= 0:
		return usagef("--width %d --height %d: the size must be positive", a.width, a.height)
	}
	return nil
}

// runPlot reads the run's metrics and writes the curves to a.out atomically,
// then says what it wrote on stdout; warnings go to stderr.
func runPlot(stdout, stderr io.Writer, a plotArgs) error {
	var runs []viz.Run
	var paths, names []string
	n := 0
	for _, model := range modelDirs(&a.models) {
		path, name, err := metricsPath(model)
		if err != nil {
			return err
		}
		events, err := viz.ReadMetrics(path, warnLogger(stderr))
		if err != nil {
			return err
		}
		runs = append(runs, viz.Run{Name: name, Events: events})
		paths, names, n = append(paths, path), append(names, name), n+len(events)
	}
	f, err := atomicfile.Create(a.out, 0o644)
	if err != nil {
		return err
	}
	defer f.Abort()
	opts := viz.CurvesOptions{Width: a.width, Height: a.height, Title: strings.Join(names, " vs ")}
	if len(runs) == 1 {
		err = viz.Curves(f, runs[0].Events, opts)
	} else {
		err = viz.Compare(f, runs, opts)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", strings.Join(paths, ", "), err)
	}
	if err := f.Commit(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "wrote %s (%d×%d) from %s: %d events\n", a.out, a.width, a.height, strings.Join(paths, ", "), n)
	return err
}

// metricsPath resolves --model to the metrics file to read and a name for
// the plot's title (the run directory's base name, through runs/latest).
func metricsPath(model string) (path, name string, err error) {
	if model, err = rundir.Resolve(model); err != nil {
		return "", "", fmt.Errorf("%w (--model DIR)", err)
	}
	fi, err := os.Stat(model)
	if err != nil {
		return "", "", fmt.Errorf("--model: %w", err)
	}
	dir := model
	if !fi.IsDir() {
		dir = filepath.Dir(model)
	} else {
		model = filepath.Join(model, rundir.MetricsFile)
	}
	if _, err := os.Stat(model); errors.Is(err, fs.ErrNotExist) {
		return "", "", fmt.Errorf("%s: no metrics: has this run been trained? (pass the run directory, not a checkpoint)", model)
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	return model, filepath.Base(dir), nil
}

// warnLogger logs to w without timestamps: warnings for a person reading
// the terminal.
func warnLogger(w io.Writer) *slog.Logger {
	noTime := func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey && len(groups) == 0 {
			return slog.Attr{}
		}
		return a
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{ReplaceAttr: noTime}))
}
