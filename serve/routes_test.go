package serve

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestOpenRoutes checks the routes that need no key: the page, health,
// readiness (503 once draining), info and metrics.
func TestOpenRoutes(t *testing.T) {
	cfg := testConfig()
	cfg.APIKey = "secret"
	s, _ := newServer(t, cfg)
	h := s.Handler()
	for _, tt := range []struct{ path, says string }{
		{"/", "<html"}, {"/healthz", `"ok"`}, {"/readyz", `"ready"`}, {"/v1/info", `"architecture"`},
		{"/metrics", "s2s_requests_total"}, {"/languages", `"targets"`},
	} {
		a := do(t, h, "GET", tt.path, "", "")
		if a.code != 200 || !strings.Contains(string(a.body), tt.says) {
			t.Errorf("GET %s: %d %.200s, want 200 with %s", tt.path, a.code, a.body, tt.says)
		}
	}
	var info Info
	do(t, h, "GET", "/v1/info", "", "").decode(t, &info)
	m := s.Model()
	want := ModelInfo{Name: "tiny", Languages: Languages{"en", "ru"}, Vocabulary: Vocabulary{m.Src.VocabSize(), m.Tgt.VocabSize()},
		Parameters: len(m.Params().W), ID: m.ID}
	arch := info.Architecture
	info.Architecture = Architecture{}
	if info.ModelInfo != want || info.Beam != 5 || arch.Encoder.Cell != "gru" || arch.Decoder.Hidden != 16 || arch.Decoder.Attention != "bahdanau" || len(info.ID) != 64 {
		t.Fatalf("info %+v %+v, want %+v", info, arch, want)
	}
	if len(info.Models) != 1 || info.Models[0].ID != m.ID || info.Models[0].Weight != 1 || info.Models[0].Architecture != arch {
		t.Fatalf("info.models %+v: want the one model with weight 1", info.Models)
	}
	s.Drain()
	if a := do(t, h, "GET", "/readyz", "", ""); a.code != 503 || !strings.Contains(a.errorMsg(t), "draining") {
		t.Fatalf("readyz while draining: %d %s", a.code, a.body)
	}
}

// TestAPIKey checks that the translation routes need the key, as a
// bearer token or LibreTranslate's api_key, and answer 401 without it.
func TestAPIKey(t *testing.T) {
	cfg := testConfig()
	cfg.APIKey = "secret"
	s, _ := newServer(t, cfg)
	h := s.Handler()
	libre := func(key string) string {
		return `{"q": "a", "source": "en", "target": "ru"` + key + `}`
	}
	for _, tt := range []struct {
		name, path, ct, body string
		header               []string
		code                 int
	}{
		{"v1 no key", "/v1/translate", "application/json", `{"q": "a"}`, nil, 401},
		{"v1 wrong key", "/v1/translate", "application/json", `{"q": "a"}`, []string{"Authorization", "Bearer nope"}, 401},
		{"v1 not bearer", "/v1/translate", "application/json", `{"q": "a"}`, []string{"Authorization", "Basic secret"}, 401},
		{"v1 bearer", "/v1/translate", "application/json", `{"q": "a"}`, []string{"Authorization", "Bearer secret"}, 200},
		{"v1 bad JSON no key", "/v1/translate", "application/json", `{`, nil, 401},
		{"libre no key", "/translate", "application/json", libre(""), nil, 401},
		{"libre wrong key", "/translate", "application/json", libre(`, "api_key": "nope"`), nil, 401},
		{"libre bad JSON no key", "/translate", "application/json", `{`, nil, 401},
		{"libre api_key", "/translate", "application/json", libre(`, "api_key": "secret"`), nil, 200},
		{"libre form api_key", "/translate", "application/x-www-form-urlencoded", "q=a&source=en&target=ru&api_key=secret", nil, 200},
		{"libre bearer", "/translate", "application/json", libre(""), []string{"Authorization", "bearer secret"}, 200},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, h, "POST", tt.path, tt.ct, tt.body, tt.header...)
			if a.code != tt.code {
				t.Fatalf("%d %s, want %d", a.code, a.body, tt.code)
			}
			if tt.code == 401 && !strings.Contains(a.errorMsg(t), "Authorization: Bearer") {
				t.Fatalf("401 without saying how: %s", a.body)
			}
		})
	}
}

// TestCORS checks that only the --cors-origin origins get CORS headers
// and preflight answers.
func TestCORS(t *testing.T) {
	cfg := testConfig()
	cfg.CORSOrigins = []string{"https://app.example"}
	s, _ := newServer(t, cfg)
	h := s.Handler()
	a := do(t, h, "POST", "/v1/translate", "application/json", `{"q": "a"}`, "Origin", "https://app.example")
	if a.code != 200 || a.header.Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Fatalf("allowed origin: %d, Access-Control-Allow-Origin %q", a.code, a.header.Get("Access-Control-Allow-Origin"))
	}
	a = do(t, h, "POST", "/v1/translate", "application/json", `{"q": "a"}`, "Origin", "https://evil.example")
	if a.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("other origin got Access-Control-Allow-Origin %q", a.header.Get("Access-Control-Allow-Origin"))
	}
	pre := []string{"Origin", "https://app.example", "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type"}
	a = do(t, h, "OPTIONS", "/v1/translate", "", "", pre...)
	if a.code != 204 || a.header.Get("Access-Control-Allow-Origin") != "https://app.example" ||
		!strings.Contains(a.header.Get("Access-Control-Allow-Methods"), "POST") ||
		!strings.Contains(a.header.Get("Access-Control-Allow-Headers"), "Content-Type") {
		t.Fatalf("preflight: %d %v", a.code, a.header)
	}
	pre[1] = "https://evil.example"
	if a = do(t, h, "OPTIONS", "/v1/translate", "", "", pre...); a.code != 403 || !strings.Contains(a.errorMsg(t), "--cors-origin") {
		t.Fatalf("preflight from another origin: %d %s", a.code, a.body)
	}
}

// TestMetrics checks the request counters and histograms by route and
// code, and the sentence counter.
func TestMetrics(t *testing.T) {
	s, _ := newServer(t, testConfig())
	h := s.Handler()
	for range 3 {
		postJSON(t, h, "/v1/translate", `{"q": ["the cat", "a dog\n\none"]}`)
	}
	postJSON(t, h, "/v1/translate", `{"q": 1}`)
	postJSON(t, h, "/translate", `{"q": "the cat", "source": "en", "target": "ru"}`)
	do(t, h, "GET", "/nowhere", "", "")
	do(t, h, "GET", "/nowhere/else", "", "")
	met := s.Metrics()
	for _, tt := range []struct {
		route, code string
		want        float64
	}{
		{"POST /v1/translate", "200", 3}, {"POST /v1/translate", "400", 1}, {"POST /translate", "200", 1}, {"other", "404", 2},
	} {
		if got := testutil.ToFloat64(met.Requests.WithLabelValues(tt.route, tt.code)); got != tt.want {
			t.Errorf("s2s_requests_total{route=%q,code=%q} = %v, want %v", tt.route, tt.code, got, tt.want)
		}
	}
	if n := testutil.CollectAndCount(met.Duration); n != 3 {
		t.Errorf("%d duration histograms, want 3 (one per route seen)", n)
	}
	// 3 requests × 3 non-empty lines (the empty one is not searched), then 1.
	if got := testutil.ToFloat64(met.Sentences); got != 10 {
		t.Errorf("s2s_sentences_translated_total = %v, want 10", got)
	}
}
