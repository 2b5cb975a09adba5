package serve_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/serve"
	"github.com/s2s-nmt/s2s/translate"
)

// BenchmarkServe sends the numbers test set's sources to a local server of
// the trained numbers model (beam 5, one searcher per core) from 64
// clients, each with one sentence at a time over HTTP, and, alternating
// with it, translates the same sentences offline as `s2s translate` does
// (translate.Stream, the same threads). It reports both throughputs, the
// server's as a share of the offline one (serve/offline), the clients'
// p50 and p99 latency and the process's peak RSS.
func BenchmarkServe(b *testing.B) {
	m := trainNumbers(b, 400, false)
	var lines []string
	for _, p := range corpora.NumbersEnRuCorpus(1).Test[:640] {
		lines = append(lines, p.Src)
	}
	threads := runtime.GOMAXPROCS(0)
	cfg := serve.DefaultConfig()
	cfg.Batcher.Threads = threads
	s, err := serve.New(m, cfg)
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	defer hs.Close()
	http.DefaultTransport.(*http.Transport).MaxIdleConnsPerHost = 128
	stream := &translate.Stream[float32]{Model: m.Net, Options: translate.FromConfig(m.Config.Translate),
		BatchSize: m.Config.Translate.BatchSize, Workers: threads, Format: translate.Format{Src: m.Src, Tgt: m.Tgt},
		Input: translate.Input{Tok: m.Src, MaxLen: m.Config.Data.MaxLen}}
	var served, offline time.Duration
	var lat []time.Duration
	for b.Loop() {
		t0 := time.Now()
		want, err := stream.Lines(lines)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		got, l := serveAll(b, hs.URL, lines, 64)
		served, offline = served+time.Since(t1), offline+t1.Sub(t0)
		lat = append(lat, l...)
		if !slices.Equal(got, want) {
			b.Fatal("the server's translations differ from translate's")
		}
	}
	n := float64(len(lines) * b.N)
	slices.Sort(lat)
	b.ReportMetric(n/served.Seconds(), "serve-sent/s")
	b.ReportMetric(n/offline.Seconds(), "offline-sent/s")
	b.ReportMetric(offline.Seconds()/served.Seconds(), "serve/offline")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1e3, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1e3, "p99-ms")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
}

// serveAll translates lines over HTTP from clients goroutines, each
// sending one line at a time, and returns the translations in order and
// each request's latency.
func serveAll(tb testing.TB, url string, lines []string, clients int) ([]string, []time.Duration) {
	out := make([]string, len(lines))
	lat := make([]time.Duration, len(lines))
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for {
				next.Lock()
				k := i
				i++
				next.Unlock()
				if k >= len(lines) {
					return
				}
				body, _ := json.Marshal(map[string]string{"q": lines[k]})
				t0 := time.Now()
				resp, err := http.Post(url+"/v1/translate", "application/json", bytes.NewReader(body))
				if err != nil {
					tb.Error(err)
					return
				}
				var r struct{ Translations []string }
				err = json.NewDecoder(resp.Body).Decode(&r)
				resp.Body.Close()
				lat[k] = time.Since(t0)
				if err != nil || resp.StatusCode != 200 || len(r.Translations) != 1 {
					tb.Errorf("line %d: status %d, %v", k, resp.StatusCode, err)
					return
				}
				out[k] = r.Translations[0]
			}
		})
	}
	wg.Wait()
	return out, lat
}

// peakRSSMB returns the process's peak resident set (VmHWM) in MB, or 0
// where /proc is not there.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
