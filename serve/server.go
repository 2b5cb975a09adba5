package serve

import (
	"embed"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/s2s-nmt/s2s/configs"
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
	// CORSOrigins are the origins allowed cross-origin requests.
	CORSOrigins []string
	// APIKey, when set, is required by the translation routes.
	APIKey string
	// Deadline bounds a request's wait for its translation.
	Deadline time.Duration
}

// DefaultConfig returns the defaults: 32 sentences a batch, 5 ms of
// waiting, a queue of 4,096 sentences, one searcher, 60 s deadlines.
func DefaultConfig() Config {
	return Config{Batcher: BatcherConfig{Threads: 1, MaxBatch: 32, MaxWait: 5 * time.Millisecond, MaxQueue: 4096},
		Deadline: 60 * time.Second}
}

// backend is a loaded model and the batcher that serves it; a reload
// swaps the whole backend.
type backend struct {
	m       *Model
	batcher *Batcher
}

// Server serves one model at a time.
type Server struct {
	cfg     Config
	met     *Metrics
	cur     atomic.Pointer[backend]
	ready   atomic.Bool
	handler http.Handler
}

// New returns a server of m with cfg.
func New(m *Model, cfg Config) (*Server, error) {
	s := &Server{cfg: cfg, met: NewMetrics()}
	s.cur.Store(&backend{m: m, batcher: NewBatcher(m.Net, cfg.Batcher, s.met)})
	s.ready.Store(true)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.page)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, map[string]string{"status": "ok"}) })
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /v1/info", s.info)
	mux.HandleFunc("POST /v1/translate", s.translateV1)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.met.Registry, promhttp.HandlerOpts{}))
	s.handler = mux
	return s, nil
}

// Handler returns the server's routes.
func (s *Server) Handler() http.Handler { return s.handler }

// Metrics returns the server's metrics.
func (s *Server) Metrics() *Metrics { return s.met }

func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	b, _ := page.ReadFile("page/index.html")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b)
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if !s.ready.Load() {
		writeError(w, http.StatusServiceUnavailable, "not ready: the model is loading or the server is draining")
		return
	}
	writeJSON(w, 200, map[string]string{"status": "ready"})
}

// Info is what GET /v1/info answers.
type Info struct {
	Name       string `json:"name"`
	Source     string `json:"source"`
	Target     string `json:"target"`
	ID         string `json:"id"`
	SrcVocab   int    `json:"src_vocab"`
	TgtVocab   int    `json:"tgt_vocab"`
	Parameters int    `json:"parameters"`
}

func (s *Server) info(w http.ResponseWriter, r *http.Request) {
	m := s.cur.Load().m
	writeJSON(w, 200, Info{Name: m.Config.Name, Source: m.Config.Data.SrcLang, Target: m.Config.Data.TgtLang, ID: m.ID,
		SrcVocab: m.Src.VocabSize(), TgtVocab: m.Tgt.VocabSize(), Parameters: len(m.Params().W)})
}

// TranslateRequest is the body of POST /v1/translate.
type TranslateRequest struct {
	Q          json.RawMessage `json:"q"`
	Beam       int             `json:"beam,omitempty"`
	NBest      int             `json:"n_best,omitempty"`
	Alignments bool            `json:"alignments,omitempty"`
	Scores     bool            `json:"scores,omitempty"`
}

// TranslateResponse is its answer: one translation per text.
type TranslateResponse struct {
	Translations []string `json:"translations"`
}

func (s *Server) translateV1(w http.ResponseWriter, r *http.Request) {
	var req TranslateRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON: "+err.Error())
		return
	}
	var texts []string
	if err := json.Unmarshal(req.Q, &texts); err != nil {
		var one string
		if err := json.Unmarshal(req.Q, &one); err != nil {
			writeError(w, http.StatusBadRequest, `"q" must be a string or an array of strings`)
			return
		}
		texts = []string{one}
	}
	b := s.cur.Load()
	opt := translate.FromConfig(b.m.Config.Translate)
	if req.Beam > 0 {
		opt.Beam = req.Beam
	}
	in := translate.Input{Tok: b.m.Src, MaxLen: b.m.Config.Data.MaxLen, Name: "request"}
	var srcs []translate.Source
	var lines [][]int // per text, its sources' indices
	for _, t := range texts {
		var idx []int
		for _, l := range strings.Split(t, "\n") {
			src, _ := in.Source(len(srcs), l)
			idx = append(idx, len(srcs))
			srcs = append(srcs, src)
		}
		lines = append(lines, idx)
	}
	hyps, err := b.batcher.Translate(r.Context(), srcs, opt)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	resp := TranslateResponse{Translations: make([]string, len(texts))}
	for i, idx := range lines {
		out := make([]string, len(idx))
		for j, k := range idx {
			if len(srcs[k].Tokens) > 0 {
				out[j] = translate.Detok(b.m.Tgt, hyps[k][0].Tokens)
			}
		}
		resp.Translations[i] = strings.Join(out, "\n")
	}
	writeJSON(w, 200, resp)
}

// writeJSON writes v as the JSON answer with status code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// writeError writes the error answer {"error": msg}.
func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}
