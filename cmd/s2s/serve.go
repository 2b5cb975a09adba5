package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/serve"
	"github.com/urfave/cli/v2"
)

// serveArgs are the flags of s2s serve.
type serveArgs struct {
	model, addr string
	beam        int
	threads     int
	maxBatch    int
	maxWait     time.Duration
	maxQueue    int
}

func newServeCommand() *cli.Command {
	a := serveArgs{}
	return &cli.Command{
		Name:  "serve",
		Usage: "serve a model over HTTP: a JSON API, a LibreTranslate-compatible API and a page",
		Description: "Translates the sentences of all concurrent requests in shared batches. Defaults come from the\n" +
			"model config's translate section. It binds to localhost unless --addr says otherwise.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Usage: "model `DIR` (default runs/latest)", Destination: &a.model},
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8080", Usage: "`HOST:PORT` to listen on", Destination: &a.addr},
			&cli.IntFlag{Name: "beam", Usage: "default beam size (default: the config's)", Destination: &a.beam},
			&cli.IntFlag{Name: "threads", Usage: "searchers, one batch each (0: all cores)", Destination: &a.threads},
			&cli.IntFlag{Name: "max-batch", Value: 32, Usage: "most sentences in one batch", Destination: &a.maxBatch},
			&cli.DurationFlag{Name: "max-wait", Value: 5 * time.Millisecond, Usage: "longest a partial batch waits for more sentences", Destination: &a.maxWait},
			&cli.IntFlag{Name: "max-queue", Value: 4096, Usage: "most sentences waiting; more gets 503", Destination: &a.maxQueue},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("serve takes no arguments (got %q)", c.Args().First())
			}
			if a.threads < 0 || a.maxBatch < 1 || a.maxQueue < 1 || a.maxWait < 0 || a.beam < 0 {
				return usagef("serve: --max-batch and --max-queue must be ≥ 1; --threads, --beam and --max-wait ≥ 0")
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runServe(ctx, a, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// runServe opens the model and serves it until ctx ends.
func runServe(ctx context.Context, a serveArgs, out, logw io.Writer) error {
	m, err := openModel(a.model, model.TypeSeq2Seq, logw)
	if err != nil {
		return err
	}
	cfg := serve.DefaultConfig()
	cfg.Beam = a.beam
	cfg.Batcher.Threads = a.threads
	if cfg.Batcher.Threads == 0 {
		cfg.Batcher.Threads = runtime.GOMAXPROCS(0)
	}
	cfg.Batcher.MaxBatch, cfg.Batcher.MaxWait, cfg.Batcher.MaxQueue = a.maxBatch, a.maxWait, a.maxQueue
	s, err := serve.New(m, cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", a.addr, err)
	}
	fmt.Fprintf(out, "serving %s (%s→%s) at http://%s/\n", m.Dir, m.Config.Data.SrcLang, m.Config.Data.TgtLang, ln.Addr())
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
