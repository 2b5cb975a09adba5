package serve_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/s2s-nmt/s2s/configs"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/s2s-nmt/s2s/serve"
	"github.com/s2s-nmt/s2s/train"
)

// trainNumbers trains the shipped numbers-en-ru config for steps updates
// into a temporary run and opens it: a real model that translates numbers
// well enough to compare outputs. small shrinks it to embeddings 32,
// encoder 32 and decoder 64 (300 steps take about a second on 2 cores);
// otherwise it has the config's own shape.
func trainNumbers(tb testing.TB, steps int, small bool) *serve.Model {
	tb.Helper()
	cfgPath, _ := filepath.Abs("../configs/numbers-en-ru.yaml")
	n := strconv.Itoa(steps)
	sets := []string{"training.max_steps=" + n, "training.valid_every=" + n, "training.checkpoint_every=" + n,
		"training.valid_sentences=50", "training.learning_rate=0.005", "training.patience=0"}
	if small {
		sets = append(sets, "model.encoder.emb=32", "model.encoder.hidden=32", "model.decoder.emb=32", "model.decoder.hidden=64")
	}
	cfg, err := configs.LoadWithSets(cfgPath, sets)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Training.Threads = runtime.GOMAXPROCS(0)
	run := rundir.ForName(tb.TempDir(), cfg.Name)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := run.Create(); err != nil {
		tb.Fatal(err)
	}
	if err := run.WriteConfig(cfg); err != nil {
		tb.Fatal(err)
	}
	data, err := train.Prepare(cfg.Model.Type, cfg.Data, run, log)
	if err != nil {
		tb.Fatal(err)
	}
	spec := &train.Spec{Model: cfg.Model, Training: cfg.Training, Translate: cfg.Translate}
	if _, err := train.Run(context.Background(), spec, data, train.Options{Run: run, Log: log, MaxLen: cfg.Data.MaxLen}); err != nil {
		tb.Fatal(err)
	}
	m, err := rundir.Open[float32](run.Dir, configs.Load)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}
