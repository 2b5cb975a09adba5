package serve

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s2s-nmt/s2s/rundir/rundirtest"
)

// writeOther writes a second model, with another vocabulary size and
// other weights, into dir.
func writeOther(t *testing.T, dir string) {
	t.Helper()
	cfg := rundirtest.Config("other", testMaxLen)
	cfg.Data.SrcLang, cfg.Data.TgtLang = "en", "ru"
	cfg.Data.Tokenizer.VocabSize = 280
	rundirtest.Write(t, dir, cfg, 2)
}

// TestReloadUnderLoad has 16 clients translate without pause while the
// server swaps to a second model (another vocabulary) and back, 6 times:
// every request is answered 200 with one of the two models' translation.
func TestReloadUnderLoad(t *testing.T) {
	s, dirA := newServer(t, testConfig())
	dirB := filepath.Join(t.TempDir(), "b")
	writeOther(t, dirB)
	h := s.Handler()
	body := `{"q": ["the cat sat on the mat", "one two three"], "beam": 2}`
	answerOf := func() string { return string(postJSON(t, h, "/v1/translate", body).body) }
	wantA := answerOf()
	if err := s.Reload(dirB); err != nil {
		t.Fatal(err)
	}
	wantB := answerOf()
	if wantA == wantB {
		t.Fatal("the two models translate alike; the test could not tell them apart")
	}
	var stop atomic.Bool
	var n atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			for !stop.Load() {
				a := postJSON(t, h, "/v1/translate", body)
				if a.code != 200 || (string(a.body) != wantA && string(a.body) != wantB) {
					errs <- fmt.Errorf("during a reload: %d %s", a.code, a.body)
					return
				}
				n.Add(1)
			}
		})
	}
	for i := range 6 {
		time.Sleep(20 * time.Millisecond)
		dir := dirA
		if i%2 == 1 {
			dir = dirB
		}
		if err := s.Reload(dir); err != nil {
			t.Error(err)
		}
	}
	time.Sleep(20 * time.Millisecond)
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n.Load() < 16 {
		t.Fatalf("only %d requests answered during the reloads", n.Load())
	}
	if got := answerOf(); got != wantB {
		t.Fatalf("after the last reload (to the second model): %s, want %s", got, wantB)
	}
}

// TestReloadRetriesClosed checks that a request that meets the batcher
// a reload has just closed is translated on the new model.
func TestReloadRetriesClosed(t *testing.T) {
	s, _ := newServer(t, testConfig())
	dirB := filepath.Join(t.TempDir(), "b")
	writeOther(t, dirB)
	withFake(s, &fakeSearcher{err: ErrClosed, onCall: func() {
		if err := s.Reload(dirB); err != nil {
			t.Error(err)
		}
	}})
	if a := postJSON(t, s.Handler(), "/v1/translate", `{"q": "the cat"}`); a.code != 200 {
		t.Fatalf("%d %s, want 200 from the new model", a.code, a.body)
	}
}

// TestReloadDamaged checks that a model directory that fails to open is
// refused with the reason, and the old model keeps serving.
func TestReloadDamaged(t *testing.T) {
	s, _ := newServer(t, testConfig())
	id := s.Model().ID
	tests := []struct {
		name, says string
		damage     func(dir string)
	}{
		{"flipped weight byte", "model.safetensors", func(dir string) { flipByte(t, filepath.Join(dir, "model.safetensors")) }},
		{"other tokenizer", "tokenizer.src.json", func(dir string) {
			other := filepath.Join(t.TempDir(), "o")
			writeOther(t, other)
			copyFile(t, filepath.Join(other, "tokenizer.src.json"), filepath.Join(dir, "tokenizer.src.json"))
		}},
		{"no manifest, tokenizers and weights disagree", "wrong shape", func(dir string) {
			other := filepath.Join(t.TempDir(), "o")
			writeOther(t, other)
			copyFile(t, filepath.Join(other, "tokenizer.src.json"), filepath.Join(dir, "tokenizer.src.json"))
			copyFile(t, filepath.Join(other, "tokenizer.tgt.json"), filepath.Join(dir, "tokenizer.tgt.json"))
			os.Remove(filepath.Join(dir, "manifest.json"))
		}},
		{"missing", "no such file", func(dir string) { os.RemoveAll(dir) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "d")
			writeModel(t, dir, 3)
			tt.damage(dir)
			err := s.Reload(dir)
			if err == nil || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("Reload: %v, want an error naming %q", err, tt.says)
			}
			if s.Model().ID != id {
				t.Fatal("a refused model replaced the old one")
			}
			if a := postJSON(t, s.Handler(), "/v1/translate", `{"q": "the cat"}`); a.code != 200 {
				t.Fatalf("after a refused reload: %d %s", a.code, a.body)
			}
		})
	}
}

func flipByte(t *testing.T, path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestServeDrains checks Serve's drain: once its context ends it is not
// ready, answers the requests in flight, refuses new connections and
// returns nil.
func TestServeDrains(t *testing.T) {
	s, _ := newServer(t, testConfig())
	gate := make(chan struct{})
	f := &fakeSearcher{gate: gate, started: make(chan struct{}, 8), next: s.cur.Load().batcher}
	withFake(s, f)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln, 10*time.Second) }()
	url := "http://" + ln.Addr().String() + "/v1/translate"
	codes := make(chan int, 4)
	for range 4 {
		go func() {
			resp, err := http.Post(url, "application/json", strings.NewReader(`{"q": "the cat"}`))
			if err != nil {
				codes <- 0
				return
			}
			resp.Body.Close()
			codes <- resp.StatusCode
		}()
	}
	for range 4 {
		<-f.started
	}
	cancel()
	for deadline := time.Now().Add(5 * time.Second); s.ready.Load(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("still ready 5 s after the drain began")
		}
	}
	if a := do(t, s.Handler(), "GET", "/readyz", "", ""); a.code != 503 {
		t.Fatalf("readyz while draining: %d", a.code)
	}
	close(gate)
	for range 4 {
		if c := <-codes; c != 200 {
			t.Fatalf("a request in flight at the drain got %d, want 200", c)
		}
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve after the drain: %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Fatal("a drained server accepted a new connection")
	}
}
