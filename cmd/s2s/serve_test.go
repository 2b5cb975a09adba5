package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/s2s-nmt/s2s/rundir/rundirtest"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeSIGTERM runs `s2s serve` in a child process (this test
// binary), reloads it with SIGHUP, sends it requests and then SIGTERM
// while they are in flight: every request is answered 200 and the
// server exits with status 0.
// startServe runs s2s with args in a child process (this test binary,
// through TestServeSIGTERM's S2S_MAIN_ARGS), killed when the test ends,
// and returns it with its first line of standard output, its standard
// error as it grows, and the error reading that line.
func startServe(t *testing.T, args ...string) (*exec.Cmd, string, *syncBuffer, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeSIGTERM$")
	cmd.Env = append(os.Environ(), "S2S_MAIN_ARGS="+strings.Join(args, "\x1f"))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	first, err := bufio.NewReader(stdout).ReadString('\n')
	return cmd, first, logs, err
}

func TestServeSIGTERM(t *testing.T) {
	if args := os.Getenv("S2S_MAIN_ARGS"); args != "" {
		os.Exit(run(append([]string{"s2s"}, strings.Split(args, "\x1f")...)))
	}
	model := filepath.Join(t.TempDir(), "model")
	rundirtest.Write(t, model, rundirtest.Config("tiny", 16), 1)
	cmd, first, logs, err := startServe(t, "serve", "--model", model, "--addr", "127.0.0.1:0", "--threads", "1")
	m := regexp.MustCompile(`at (http://\S+)/\n$`).FindStringSubmatch(first)
	if err != nil || m == nil {
		t.Fatalf("first line %q (%v), want the page's URL; stderr:\n%s", first, err, logs.String())
	}
	url := m[1]

	cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, logs, "msg=reloaded")

	// 8 requests of 100 texts of 4 lines, beam 8, on one searcher: a
	// second of work or more, so that most are in flight when SIGTERM
	// comes.
	const requests = 8
	lines := make([]string, 100)
	for i := range lines {
		lines[i] = fmt.Sprintf("the cat\nsat on\nthe mat\n%d", i)
	}
	body, _ := json.Marshal(map[string]any{"q": lines, "beam": 8})
	var sent sync.WaitGroup
	results := make(chan error, requests)
	for range requests {
		sent.Add(1)
		go func() {
			var once sync.Once
			trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { once.Do(sent.Done) }}
			req, _ := http.NewRequest("POST", url+"/v1/translate", bytes.NewReader(body))
			req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
			resp, err := http.DefaultClient.Do(req)
			once.Do(sent.Done)
			if err != nil {
				results <- err
				return
			}
			defer resp.Body.Close()
			var got struct {
				Translations []string
				Error        string
			}
			err = json.NewDecoder(resp.Body).Decode(&got)
			if err != nil || resp.StatusCode != 200 || len(got.Translations) != len(lines) {
				err = fmt.Errorf("status %d %q, %d translations (%v)", resp.StatusCode, got.Error, len(got.Translations), err)
			}
			results <- err
		}()
	}
	sent.Wait()
	time.Sleep(100 * time.Millisecond) // the server accepts the connections
	cmd.Process.Signal(syscall.SIGTERM)
	for range requests {
		if err := <-results; err != nil {
			t.Errorf("a request sent before SIGTERM: %v", err)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGTERM: %v, want exit status 0; stderr:\n%s", err, logs.String())
	}
	if n := strings.Count(logs.String(), "route=\"POST /v1/translate\" status=200"); n != requests {
		t.Fatalf("%d requests logged with status 200, want %d; stderr:\n%s", n, requests, logs.String())
	}
	l := logs.String()
	if d := strings.Index(l, "msg=draining"); d < 0 || strings.LastIndex(l, "status=200") < d {
		t.Fatalf("no request answered while draining: the test did not test the drain; stderr:\n%s", l)
	}
}

// waitFor waits up to 10 s for logs to hold s.
func waitFor(t *testing.T, logs *syncBuffer, s string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logs.String(), s); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q logged; stderr:\n%s", s, logs.String())
		}
	}
}
