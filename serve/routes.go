package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes returns the server's handler: the routes behind the middleware
// that logs, counts, recovers and answers CORS.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	open := func(pattern string, h http.HandlerFunc) { s.handle(mux, pattern, h) }
	closed := func(pattern string, h http.HandlerFunc) { s.handle(mux, pattern, s.auth(h)) }
	open("GET /{$}", s.page)
	open("GET /healthz", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, map[string]string{"status": "ok"}) })
	open("GET /readyz", s.readyz)
	open("GET /v1/info", s.info)
	open("GET /languages", s.languages)
	closed("POST /v1/translate", s.translateV1)
	s.handle(mux, "POST /translate", s.translateLibre) // checks api_key itself
	metrics := promhttp.HandlerFor(s.met.Registry, promhttp.HandlerOpts{})
	open("GET /metrics", metrics.ServeHTTP)
	for _, p := range []string{"/{$}", "/healthz", "/readyz", "/v1/info", "/languages", "/metrics"} {
		s.handle(mux, p, methodNotAllowed("GET, HEAD"))
	}
	for _, p := range []string{"/v1/translate", "/translate"} {
		s.handle(mux, p, methodNotAllowed("POST"))
	}
	s.handle(mux, "/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no route %s %s: the API is POST /v1/translate, POST /translate, "+
			"GET /v1/info, GET /languages, GET /healthz, GET /readyz, GET /metrics", r.Method, r.URL.Path))
	})
	return s.observe(s.cors(mux))
}

// handle registers h under pattern, noting the pattern as the request's
// route for the log and the metrics.
func (s *Server) handle(mux *http.ServeMux, pattern string, h http.HandlerFunc) {
	route := pattern
	if pattern == "/" {
		route = "other" // every unknown path: one label, not one per path
	}
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if n := noteOf(r.Context()); n != nil {
			n.route = route
		}
		h(w, r)
	})
}

func methodNotAllowed(allow string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("%s %s: use %s", r.Method, r.URL.Path, allow))
	}
}

// note is what a request's handlers tell the middleware about it.
type note struct {
	route     string
	sentences int // sentences translated
}

type noteKey struct{}

func noteOf(ctx context.Context) *note {
	n, _ := ctx.Value(noteKey{}).(*note)
	return n
}

// recorder remembers the status code written.
type recorder struct {
	http.ResponseWriter
	code int
}

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// observe logs one line per request, records the request metrics, and
// turns a panic into a 500 answer so that one request cannot stop the
// server answering others.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		n := &note{route: "other"}
		rec := &recorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				s.cfg.Log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
				if rec.code == 0 {
					writeError(rec, http.StatusInternalServerError, "internal error: the server failed on this request; it is logged")
				}
			}
			code := rec.code
			if code == 0 {
				code = http.StatusOK
			}
			d := time.Since(start)
			s.met.Requests.WithLabelValues(n.route, strconv.Itoa(code)).Inc()
			s.met.Duration.WithLabelValues(n.route).Observe(d.Seconds())
			s.cfg.Log.Info("request", "method", r.Method, "route", n.route, "status", code,
				"duration", d, "sentences", n.sentences)
		}()
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), noteKey{}, n)))
	})
}

func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	b, err := page.ReadFile("page/index.html")
	if err != nil {
		writeError(w, http.StatusInternalServerError, "the page is missing from this build")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b)
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if !s.ready.Load() {
		writeError(w, http.StatusServiceUnavailable, "not ready: the server is draining; send requests to another instance")
		return
	}
	writeJSON(w, 200, map[string]string{"status": "ready", "id": s.cur.Load().m.ID})
}

// writeJSON writes v as the JSON answer with status code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // "</s>" stays readable
	enc.Encode(v)
}

// writeError writes the error answer {"error": msg}.
func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

// httpError is an error answer: its status code and message.
type httpError struct {
	code int
	msg  string
}

func (e *httpError) Error() string { return e.msg }

func errorf(code int, format string, args ...any) *httpError {
	return &httpError{code: code, msg: fmt.Sprintf(format, args...)}
}

// writeErr writes err's answer: its httpError, or 500.
func writeErr(w http.ResponseWriter, err error) {
	if e, ok := err.(*httpError); ok {
		if e.code == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "1")
		}
		writeError(w, e.code, e.msg)
		return
	}
	writeError(w, http.StatusInternalServerError, err.Error())
}

// hasPrefixFold reports whether s begins with prefix, ignoring case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
