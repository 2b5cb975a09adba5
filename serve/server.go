package serve

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/s2s-nmt/s2s/configs"
	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/s2s-nmt/s2s/translate"
)

//go:embed page
var page embed.FS

// Model is a model directory opened for serving.
type Model = rundir.Model[float32, *configs.Config]

// Config is how a Server runs; zero fields take the defaults of
// DefaultConfig.
type Config struct {
	// Beam is the default beam size; 0: the model config's.
	Beam int
	// Batcher sizes the batcher.
	Batcher BatcherConfig
	// CORSOrigins are the origins allowed cross-origin requests; none
	// allows none.
	CORSOrigins []string
	// APIKey, when set, is required by the translation routes: as
	// "Authorization: Bearer KEY", or LibreTranslate's api_key field.
	APIKey string
	// Deadline bounds a request's wait for its translation; past it the
	// answer is 504. Default 60 s.
	Deadline time.Duration
	// Log receives one line per request and the reloads; nil discards.
	Log *slog.Logger
	// Precision is the number format of search, fp32 or int8, for every
	// model and every reload (see rundir.Model.SetPrecision); "": each
	// model config's translate.precision.
	Precision string
	// Weights weigh the models of an ensemble (NewEnsemble), one per
	// model, each > 0; nil weighs them equally. See translate.Ensemble.
	Weights []float64
}

// DefaultConfig returns the defaults: 32 sentences a batch, 5 ms of
// waiting, a queue of 4,096 sentences, one searcher, 60 s deadlines.
func DefaultConfig() Config {
	return Config{Batcher: BatcherConfig{Threads: 1, MaxBatch: 32, MaxWait: 5 * time.Millisecond, MaxQueue: 4096},
		Deadline: 60 * time.Second}
}

// withDefaults returns c with its zero fields set from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Batcher.Threads < 1 {
		c.Batcher.Threads = d.Batcher.Threads
	}
	if c.Batcher.MaxBatch < 1 {
		c.Batcher.MaxBatch = d.Batcher.MaxBatch
	}
	if c.Batcher.MaxWait <= 0 {
		c.Batcher.MaxWait = d.Batcher.MaxWait
	}
	if c.Batcher.MaxQueue < 1 {
		c.Batcher.MaxQueue = d.Batcher.MaxQueue
	}
	if c.Deadline <= 0 {
		c.Deadline = d.Deadline
	}
	if c.Log == nil {
		c.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c
}

// backend is a loaded model, or an ensemble, and the batcher that serves
// it; a reload swaps the whole backend, so a request sees one model
// throughout.
type backend struct {
	m       *Model   // the first model: tokenizers, config, alignments
	ms      []*Model // every model, m first
	batcher searcher
}

// searcher is what the server needs of a Batcher; tests put in ones
// that fail on purpose.
type searcher interface {
	Translate(ctx context.Context, srcs []translate.Source, opt translate.Options) ([][]translate.Hypothesis, error)
	Close()
}

// Server serves one model, or one ensemble, at a time; Reload swaps it
// for another while requests keep coming.
type Server struct {
	cfg     Config
	met     *Metrics
	cur     atomic.Pointer[backend]
	ready   atomic.Bool // a model is loaded and the server is not draining
	handler http.Handler
}

// New returns a server of m, a translation model, with cfg.
func New(m *Model, cfg Config) (*Server, error) {
	return NewEnsemble([]*Model{m}, cfg)
}

// NewEnsemble returns a server of the ensemble of ms, translation models
// that share one target vocabulary, weighted by cfg.Weights. Each model
// encodes a request with its own source tokenizer; the first gives the
// defaults, the length bound and grouping, the alignments and the
// languages. One model serves exactly as New.
func NewEnsemble(ms []*Model, cfg Config) (*Server, error) {
	s := &Server{cfg: cfg.withDefaults(), met: NewMetrics()}
	b, err := s.newBackend(ms)
	if err != nil {
		return nil, err
	}
	s.cur.Store(b)
	s.ready.Store(true)
	s.handler = s.routes()
	return s, nil
}

// usePrecision makes m search in the configured precision.
func (s *Server) usePrecision(m *Model) error {
	p := s.cfg.Precision
	if p == "" {
		p = string(m.Config.Translate.Precision)
	}
	return m.SetPrecision(p)
}

// newBackend checks that ms are translation models that can form an
// ensemble with the configured weights, sets their precision, and returns
// their backend.
func (s *Server) newBackend(ms []*Model) (*backend, error) {
	if len(ms) == 0 {
		return nil, errors.New("serve: no model")
	}
	e := translate.Ensemble[float32]{Weights: s.cfg.Weights}
	for _, m := range ms {
		if m.Net == nil {
			return nil, fmt.Errorf("%s: %w", m.Dir, m.Want(model.TypeSeq2Seq))
		}
		if err := s.usePrecision(m); err != nil {
			return nil, err
		}
		e.Models = append(e.Models, m.Net)
	}
	if err := rundir.SameTarget(ms); err != nil {
		return nil, err
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return &backend{m: ms[0], ms: ms, batcher: NewEnsembleBatcher(e, s.cfg.Batcher, s.met)}, nil
}

// Handler returns the server's routes.
func (s *Server) Handler() http.Handler { return s.handler }

// Metrics returns the server's metrics.
func (s *Server) Metrics() *Metrics { return s.met }

// Model returns the model being served, an ensemble's first.
func (s *Server) Model() *Model { return s.cur.Load().m }

// Models returns every model being served, in order.
func (s *Server) Models() []*Model { return s.cur.Load().ms }

// Reload opens the model directories dirs anew (verifying their
// manifests) and swaps them in as the served model or ensemble, weighted
// by Config.Weights: new requests go to them, requests already queued
// finish on the old ones. Any self-consistent translation models that
// share a target vocabulary are taken, whatever their vocabulary or
// languages. On error the old models keep serving and the error says why
// the new ones were refused.
func (s *Server) Reload(dirs ...string) error {
	var ms []*Model
	var err error
	for _, dir := range dirs {
		var m *Model
		if m, err = rundir.Open[float32](dir, configs.Load); err == nil && m.Net == nil {
			err = m.Want(model.TypeSeq2Seq)
		}
		if err != nil {
			break
		}
		if m.Warning != "" {
			s.cfg.Log.Warn(m.Warning, "dir", dir)
		}
		ms = append(ms, m)
	}
	var b *backend
	if err == nil {
		b, err = s.newBackend(ms)
	}
	if err != nil {
		s.cfg.Log.Error("reload refused; the old model keeps serving", "dir", strings.Join(dirs, " "), "err", err)
		return fmt.Errorf("reload: %w", err)
	}
	old := s.cur.Swap(b)
	go old.batcher.Close()
	s.cfg.Log.Info("reloaded", "dir", dirList(b.ms), "id", idList(b.ms), "was", idList(old.ms))
	return nil
}

// dirList returns the models' directories, space-separated.
func dirList(ms []*Model) string {
	var d []string
	for _, m := range ms {
		d = append(d, m.Dir)
	}
	return strings.Join(d, " ")
}

// idList returns the models' identities, space-separated.
func idList(ms []*Model) string {
	var d []string
	for _, m := range ms {
		d = append(d, m.ID)
	}
	return strings.Join(d, " ")
}

// Drain marks the server not ready (GET /readyz answers 503) so that a
// load balancer stops sending it requests; requests keep being answered.
func (s *Server) Drain() { s.ready.Store(false) }

// Close stops the batcher after letting its queued sentences finish.
// Requests after Close are answered 503.
func (s *Server) Close() {
	s.Drain()
	s.cur.Load().batcher.Close()
}

// Serve answers requests on ln until ctx ends, then drains: it stops
// accepting, marks itself not ready, waits up to grace for the requests
// in flight to be answered, and closes the batcher. It returns nil after
// a drain that answered every request in flight.
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	hs := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(s.cfg.Log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.Drain()
	s.cfg.Log.Info("draining", "grace", grace)
	shutdown, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := hs.Shutdown(shutdown)
	s.Close()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("drain: %w", err)
	}
	return nil
}
