package serve

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s2s-nmt/s2s/translate"
)

// TestErrors sends every kind of bad request and checks the status and
// that the JSON error names what to change.
func TestErrors(t *testing.T) {
	s, _ := newServer(t, testConfig())
	h := s.Handler()
	texts := func(n int, text string) string {
		q := make([]string, n)
		for i := range q {
			q[i] = text
		}
		return mustJSON(t, q)
	}
	tests := []struct {
		name, method, path, ct, body string
		code                         int
		says                         string // a word of the error message
	}{
		{"body over 1 MiB", "POST", "/v1/translate", "application/json", `{"q": "` + strings.Repeat("a", MaxBody) + `"}`, 413, "1 MiB"},
		{"libre body over 1 MiB", "POST", "/translate", "application/json", `{"q": "` + strings.Repeat("a", MaxBody) + `"}`, 413, "1 MiB"},
		{"form over 1 MiB", "POST", "/translate", "application/x-www-form-urlencoded", "q=" + strings.Repeat("a", MaxBody), 413, "1 MiB"},
		{"129 texts", "POST", "/v1/translate", "application/json", `{"q": ` + texts(MaxTexts+1, "a") + `}`, 400, "129 texts"},
		{"5,001 characters", "POST", "/v1/translate", "application/json", `{"q": "` + strings.Repeat("я", MaxChars+1) + `"}`, 400, "5001 characters"},
		{"1,001 lines", "POST", "/v1/translate", "application/json", `{"q": ` + texts(7, strings.Repeat("a\n", 142)) + `}`, 400, "1001 lines"},
		{"n_best > beam", "POST", "/v1/translate", "application/json", `{"q": "a", "beam": 2, "n_best": 3}`, 400, `"beam": 3`},
		{"n_best > default beam", "POST", "/v1/translate", "application/json", `{"q": "a", "n_best": 6}`, 400, "beam size 5"},
		{"beam 33", "POST", "/v1/translate", "application/json", `{"q": "a", "beam": 33}`, 400, "more than 32"},
		{"negative beam", "POST", "/v1/translate", "application/json", `{"q": "a", "beam": -1}`, 400, "≥ 1"},
		{"invalid JSON", "POST", "/v1/translate", "application/json", `{"q": "a"`, 400, "invalid JSON"},
		{"two objects", "POST", "/v1/translate", "application/json", `{"q": "a"} {}`, 400, "one object"},
		{"unknown field", "POST", "/v1/translate", "application/json", `{"q": "a", "source": "en"}`, 400, `"source"`},
		{"no q", "POST", "/v1/translate", "application/json", `{"beam": 2}`, 400, `"q" is missing`},
		{"q a number", "POST", "/v1/translate", "application/json", `{"q": 3}`, 400, "array of strings"},
		{"not UTF-8", "POST", "/v1/translate", "application/json", "{\"q\": \"\xff\xfe\"}", 400, "UTF-8"},
		{"libre not UTF-8", "POST", "/translate", "application/json", "{\"q\": \"\xff\", \"source\": \"en\", \"target\": \"ru\"}", 400, "UTF-8"},
		{"libre form not UTF-8", "POST", "/translate", "application/x-www-form-urlencoded", "q=%ff&source=en&target=ru", 400, "UTF-8"},
		{"libre wrong pair", "POST", "/translate", "application/json", `{"q": "a", "source": "de", "target": "ru"}`, 400, "en→ru"},
		{"libre wrong target", "POST", "/translate", "application/json", `{"q": "a", "source": "auto", "target": "fr"}`, 400, "en→ru"},
		{"libre no q", "POST", "/translate", "application/json", `{"source": "en", "target": "ru"}`, 400, "missing q"},
		{"libre no source", "POST", "/translate", "application/json", `{"q": "a", "target": "ru"}`, 400, "missing source"},
		{"libre no target", "POST", "/translate", "application/json", `{"q": "a", "source": "en"}`, 400, "missing target"},
		{"libre html", "POST", "/translate", "application/json", `{"q": "a", "source": "en", "target": "ru", "format": "html"}`, 400, `"text"`},
		{"libre alternatives 32", "POST", "/translate", "application/json", `{"q": "a", "source": "en", "target": "ru", "alternatives": 32}`, 400, "0 to 31"},
		{"libre alternatives x", "POST", "/translate", "application/json", `{"q": "a", "source": "en", "target": "ru", "alternatives": "x"}`, 400, "whole number"},
		{"libre 129 texts", "POST", "/translate", "application/json", `{"q": ` + texts(MaxTexts+1, "a") + `, "source": "en", "target": "ru"}`, 400, "129 texts"},
		{"libre bad multipart", "POST", "/translate", "multipart/form-data", "q=a", 400, "multipart"},
		{"unknown route", "GET", "/v2/translate", "", "", 404, "POST /v1/translate"},
		{"GET translate", "GET", "/v1/translate", "", "", 405, "use POST"},
		{"POST info", "POST", "/v1/info", "", "", 405, "use GET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, h, tt.method, tt.path, tt.ct, tt.body)
			if a.code != tt.code {
				t.Fatalf("status %d, want %d; %s", a.code, tt.code, a.body)
			}
			if msg := a.errorMsg(t); !strings.Contains(msg, tt.says) {
				t.Fatalf("error %q does not say %q", msg, tt.says)
			}
		})
	}
}

// fakeSearcher is a batcher that answers with err, after waiting for its
// context when block is set; with next, it passes the call on.
type fakeSearcher struct {
	err     error
	block   bool
	started chan struct{} // receives one value per call
	ctxErr  chan error    // receives the context's error of a blocked call
	gate    chan struct{} // when set, each call waits for it to close
	next    searcher
	onCall  func()
}

func (f *fakeSearcher) Translate(ctx context.Context, srcs []translate.Source, opt translate.Options) ([][]translate.Hypothesis, error) {
	if f.started != nil {
		f.started <- struct{}{}
	}
	if f.onCall != nil {
		f.onCall()
	}
	if f.gate != nil {
		<-f.gate
	}
	if f.next != nil {
		return f.next.Translate(ctx, srcs, opt)
	}
	if f.block {
		<-ctx.Done()
		if f.ctxErr != nil {
			f.ctxErr <- ctx.Err()
		}
		return nil, ctx.Err()
	}
	return nil, f.err
}

func (f *fakeSearcher) Close() {}

// withFake puts f in place of s's batcher.
func withFake(s *Server, f *fakeSearcher) {
	s.cur.Store(&backend{m: s.Model(), ms: s.Models(), batcher: f})
}

// TestBatcherErrors checks the answers to a full queue (503 with
// Retry-After), a deadline passed (504) and a closed batcher (503).
func TestBatcherErrors(t *testing.T) {
	cfg := testConfig()
	cfg.Deadline = 10 * time.Millisecond
	s, _ := newServer(t, cfg)
	tests := []struct {
		name string
		f    *fakeSearcher
		code int
		says string
	}{
		{"queue full", &fakeSearcher{err: ErrQueueFull}, 503, "--max-queue"},
		{"deadline", &fakeSearcher{block: true}, 504, "deadline"},
		{"closed", &fakeSearcher{err: ErrClosed}, 503, "shutting down"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withFake(s, tt.f)
			for path, body := range map[string]string{"/v1/translate": `{"q": "the cat"}`,
				"/translate": `{"q": "the cat", "source": "en", "target": "ru"}`} {
				a := postJSON(t, s.Handler(), path, body)
				if a.code != tt.code || !strings.Contains(a.errorMsg(t), tt.says) {
					t.Fatalf("%s: %d %s, want %d saying %q", path, a.code, a.body, tt.code, tt.says)
				}
				if ra := a.header.Get("Retry-After"); (tt.code == 503) != (ra != "") {
					t.Fatalf("%s: %d with Retry-After %q", path, a.code, ra)
				}
			}
		})
	}
	withFake(s, &fakeSearcher{}) // its Close is a no-op, for the cleanup
}

// TestClientGone checks that a client's disconnect cancels its request's
// context, so that the batcher drops its sentences.
func TestClientGone(t *testing.T) {
	s, _ := newServer(t, testConfig())
	f := &fakeSearcher{block: true, started: make(chan struct{}, 1), ctxErr: make(chan error, 1)}
	withFake(s, f)
	srv := newHTTPServer(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/v1/translate", strings.NewReader(`{"q": "the cat"}`))
	done := make(chan struct{})
	go func() {
		defer close(done)
		if resp, err := srv.Client().Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	<-f.started
	cancel()
	select {
	case err := <-f.ctxErr:
		if err != context.Canceled {
			t.Fatalf("the batcher's context ended with %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the batcher's context was not cancelled when the client went away")
	}
	<-done
}

// TestPanicRecovered checks that a panicking handler is answered 500 in
// JSON and the server goes on answering.
func TestPanicRecovered(t *testing.T) {
	s, _ := newServer(t, testConfig())
	h := s.observe(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/boom" {
			panic("boom")
		}
		w.WriteHeader(204)
	}))
	if a := do(t, h, "GET", "/boom", "", ""); a.code != 500 || !strings.Contains(a.errorMsg(t), "internal error") {
		t.Fatalf("%d %s", a.code, a.body)
	}
	if a := do(t, h, "GET", "/ok", "", ""); a.code != 204 {
		t.Fatalf("after a panic: %d", a.code)
	}
}

// TestConcurrentClients has 64 clients send 20 sentences each at once
// and checks that each gets exactly its own translations, in order.
func TestConcurrentClients(t *testing.T) {
	s, _ := newServer(t, testConfig())
	srv := newHTTPServer(t, s)
	const clients, each = 64, 20 // the scale the server is sized for
	words := strings.Fields("the cat sat on mat a dog ate bone one two three four five")
	sentence := func(c, k int) string {
		n := c*each + k
		return fmt.Sprintf("%s %s %s", words[n%len(words)], words[n/len(words)%len(words)], words[(n/7)%len(words)])
	}
	var all []string
	for c := range clients {
		for k := range each {
			all = append(all, sentence(c, k))
		}
	}
	a := postJSON(t, s.Handler(), "/v1/translate", `{"q": ["warm up"], "beam": 1}`)
	if a.code != 200 {
		t.Fatal(a.code)
	}
	want := greedy(t, s, all)
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for c := range clients {
		wg.Go(func() {
			q := all[c*each : (c+1)*each]
			resp, err := srv.Client().Post(srv.URL+"/v1/translate", "application/json",
				strings.NewReader(fmt.Sprintf(`{"q": %s, "beam": 1}`, mustJSON(t, q))))
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			var got TranslateResponse
			if err := decodeBody(resp, &got); err != nil {
				errs <- err
				return
			}
			for k, tr := range got.Translations {
				if w := want[c*each+k]; tr != w {
					errs <- fmt.Errorf("client %d sentence %d: %q, want %q", c, k, tr, w)
					return
				}
			}
			if len(got.Translations) != each {
				errs <- fmt.Errorf("client %d: %d translations, want %d", c, len(got.Translations), each)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// greedy translates lines with translate.Stream and beam 1.
func greedy(t *testing.T, s *Server, lines []string) []string {
	t.Helper()
	m := s.Model()
	opt := translate.FromConfig(m.Config.Translate)
	opt.Beam = 1
	st := &translate.Stream[float32]{Model: m.Net, Options: opt, BatchSize: 32, Workers: 2,
		Format: translate.Format{Src: m.Src, Tgt: m.Tgt}, Input: translate.Input{Tok: m.Src, MaxLen: m.Config.Data.MaxLen}}
	out, err := st.Lines(lines)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
