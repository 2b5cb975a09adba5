package serve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s2s-nmt/s2s/configs"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/s2s-nmt/s2s/rundir/rundirtest"
)

// testMaxLen is data.max_len of the test models: it bounds the source
// and so the search, keeping the fuzz targets fast.
const testMaxLen = 16

// writeModel writes a tiny en→ru model with random weights from seed
// into dir and opens it.
func writeModel(t testing.TB, dir string, seed uint64) *Model {
	t.Helper()
	cfg := rundirtest.Config("tiny", testMaxLen)
	cfg.Data.SrcLang, cfg.Data.TgtLang = "en", "ru"
	rundirtest.Write(t, dir, cfg, seed)
	m, err := rundir.Open[float32](dir, configs.Load)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// newServer returns a server of a tiny model (seed 1) with cfg, and the
// model's directory.
func newServer(t testing.TB, cfg Config) (*Server, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "model")
	s, err := New(writeModel(t, dir, 1), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, dir
}

// testConfig is DefaultConfig with two searchers and a quiet log.
func testConfig() Config {
	c := DefaultConfig()
	c.Batcher.Threads = 2
	c.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	return c
}

// answer is an HTTP answer: its status, headers and body.
type answer struct {
	code   int
	header http.Header
	body   []byte
}

// do sends a request to h and returns its answer.
func do(t testing.TB, h http.Handler, method, path, contentType, body string, header ...string) answer {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return answer{code: w.Code, header: w.Header(), body: w.Body.Bytes()}
}

// postJSON posts body as JSON to path.
func postJSON(t testing.TB, h http.Handler, path, body string, header ...string) answer {
	t.Helper()
	return do(t, h, "POST", path, "application/json", body, header...)
}

// decode decodes a's body into v, failing the test on an error.
func (a answer) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("answer %d %q: %v", a.code, a.body, err)
	}
}

// errorMsg returns the "error" of a JSON error answer, failing the test
// when a is not one.
func (a answer) errorMsg(t testing.TB) string {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	dec := json.NewDecoder(bytes.NewReader(a.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.Error == "" {
		t.Fatalf("answer %d %q is not a JSON error", a.code, a.body)
	}
	return e.Error
}

// mustJSON returns v as JSON.
func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// newHTTPServer serves s on a local port until the test ends.
func newHTTPServer(t testing.TB, s *Server) *httptest.Server {
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv
}

// decodeBody decodes resp's JSON body into v, or says what came instead.
func decodeBody(resp *http.Response, v any) error {
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("status %d: %s", resp.StatusCode, b)
	}
	return json.Unmarshal(b, v)
}
