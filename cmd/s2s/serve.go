package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/s2s-nmt/s2s/serve"
	"github.com/s2s-nmt/s2s/translate"
	"github.com/urfave/cli/v2"
)

// serveArgs are the flags of s2s serve.
type serveArgs struct {
	models      fileList // --model, once per model of an ensemble
	weights     string   // --weights
	addr        string
	beam        int
	threads     int
	maxBatch    int
	maxWait     time.Duration
	maxQueue    int
	corsOrigins cli.StringSlice
	apiKeyFile  string
	precision   string // "": the config's
}

func newServeCommand() *cli.Command {
	a := serveArgs{}
	return &cli.Command{
		Name:  "serve",
		Usage: "serve a model over HTTP: a JSON API, a LibreTranslate-compatible API and a page",
		Description: "Translates the sentences of all concurrent requests in shared batches. Defaults come from the\n" +
			"model config's translate section. It binds to localhost unless --addr says otherwise.\n" +
			"--model given more than once serves the ensemble of the models, weighted by --weights, as\n" +
			"s2s translate does; /v1/info lists them all.\n" +
			"SIGHUP reloads the model directories (damaged ones are refused and the old models keep serving);\n" +
			"SIGINT or SIGTERM stops accepting, answers the requests in flight (up to 30 s) and exits 0.",
		Flags: []cli.Flag{
			&cli.GenericFlag{Name: "model", Value: &a.models, Usage: "model `DIR` (default runs/latest; repeat for an ensemble)"},
			&cli.StringFlag{Name: "weights", Usage: "ensemble weights `W1,W2,...`, one per --model, each > 0 (default equal)", Destination: &a.weights},
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8080", Usage: "`HOST:PORT` to listen on", Destination: &a.addr},
			&cli.IntFlag{Name: "beam", Usage: "default beam size (default: the config's)", Destination: &a.beam},
			&cli.IntFlag{Name: "threads", Usage: "searchers, one batch each (0: all cores)", Destination: &a.threads},
			&cli.IntFlag{Name: "max-batch", Value: 32, Usage: "most sentences in one batch", Destination: &a.maxBatch},
			&cli.DurationFlag{Name: "max-wait", Value: 5 * time.Millisecond, Usage: "longest a partial batch waits for more sentences", Destination: &a.maxWait},
			&cli.IntFlag{Name: "max-queue", Value: 4096, Usage: "most sentences waiting; more gets 503", Destination: &a.maxQueue},
			&cli.StringSliceFlag{Name: "cors-origin", Usage: "allow cross-origin requests from `ORIGIN` (repeatable; * allows any)", Destination: &a.corsOrigins},
			precisionFlag(&a.precision),
			&cli.StringFlag{Name: "api-key-file", Usage: "require the key in `FILE` on the translation routes", Destination: &a.apiKeyFile},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("serve takes no arguments (got %q)", c.Args().First())
			}
			if a.threads < 0 || a.maxBatch < 1 || a.maxQueue < 1 || a.maxWait < 0 || a.beam < 0 {
				return usagef("serve: --max-batch and --max-queue must be ≥ 1; --threads, --beam and --max-wait ≥ 0")
			}
			if _, err := parseWeights(a.weights, len(modelDirs(&a.models))); err != nil {
				return usagef("serve: %w", err)
			}
			if a.beam > serve.MaxBeam {
				return usagef("serve: --beam %d is more than %d", a.beam, serve.MaxBeam)
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runServe(ctx, a, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// drainGrace is how long a stopping server waits for the requests in
// flight.
const drainGrace = 30 * time.Second

// runServe opens the model and serves it until ctx ends; SIGHUP reloads
// the model directory.
func runServe(ctx context.Context, a serveArgs, out, logw io.Writer) error {
	cfg, err := a.config(logw)
	if err != nil {
		return err
	}
	ms, err := openEnsemble(modelDirs(&a.models), logw)
	if err != nil {
		return err
	}
	m := ms[0]
	s, err := serve.NewEnsemble(ms, cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", a.addr, err)
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	dirs := m.Dir
	for _, o := range ms[1:] {
		dirs += " + " + o.Dir
	}
	fmt.Fprintf(out, "serving %s (%s→%s) at http://%s/\n", dirs, m.Config.Data.SrcLang, m.Config.Data.TgtLang, ln.Addr())
	go func() {
		for range hup {
			s.Reload(modelDirs(&a.models)...) // logs why refused models were refused
		}
	}()
	return s.Serve(ctx, ln, drainGrace)
}

// config returns the server's config from the flags.
func (a serveArgs) config(logw io.Writer) (serve.Config, error) {
	cfg := serve.DefaultConfig()
	cfg.Beam = a.beam
	cfg.Batcher.Threads = a.threads
	if cfg.Batcher.Threads == 0 {
		cfg.Batcher.Threads = runtime.GOMAXPROCS(0)
	}
	cfg.Batcher.MaxBatch, cfg.Batcher.MaxWait, cfg.Batcher.MaxQueue = a.maxBatch, a.maxWait, a.maxQueue
	cfg.CORSOrigins = a.corsOrigins.Value()
	if cfg.Precision = a.precision; cfg.Precision != "" && !translate.Precision(cfg.Precision).Valid() {
		return cfg, usagef("--precision %q is not one of fp32, int8", cfg.Precision)
	}
	cfg.Log = slog.New(slog.NewTextHandler(logw, nil))
	w, err := parseWeights(a.weights, len(modelDirs(&a.models)))
	if err != nil {
		return cfg, usagef("serve: %w", err)
	}
	cfg.Weights = w
	if a.apiKeyFile != "" {
		b, err := os.ReadFile(a.apiKeyFile)
		if err != nil {
			return cfg, fmt.Errorf("--api-key-file: %w", err)
		}
		cfg.APIKey = strings.TrimSpace(string(b))
		if cfg.APIKey == "" {
			return cfg, fmt.Errorf("--api-key-file %s is empty: write the key in it", a.apiKeyFile)
		}
	}
	return cfg, nil
}
