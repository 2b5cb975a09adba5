package serve_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/s2s-nmt/s2s/serve"
	"github.com/s2s-nmt/s2s/translate"
)

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// apiAnswer is the part of POST /v1/translate's answer the test reads.
type apiAnswer struct {
	Translations []string `json:"translations"`
	Alternatives [][]struct {
		Text  string  `json:"text"`
		Score float64 `json:"score"`
	} `json:"alternatives"`
	Alignments []struct {
		Source  []string    `json:"source"`
		Target  []string    `json:"target"`
		Weights [][]float64 `json:"weights"`
	} `json:"alignments"`
}

// TestPage drives the page in a headless Chromium against a server of a
// model trained here: translate-as-you-type, the heatmap and its hover,
// an API error, the keyboard alone, the API key form, and a phone-width
// layout. The parts that need fields the API may lack (alternatives,
// alignments, a length limit, API keys) run when the server has them.
func TestPage(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a browser and trains a model; skipped under -short")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set and there is no browser: %v (install it with apt-get install chromium)", err)
		}
		t.Skipf("no browser at %s: install it with apt-get install chromium", chromiumPath)
	}
	start := time.Now()
	m := trainNumbers(t, browserSteps(), true)
	t.Logf("trained in %v", time.Since(start).Round(time.Millisecond))

	s, err := serve.New(m, serve.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()

	const text = "twenty one"
	want := searchText(t, m, text)
	ans, code := post(t, ts.URL, "", text)
	if code != 200 {
		t.Fatalf("POST /v1/translate %q: HTTP %d", text, code)
	}
	if len(ans.Translations) != 1 || ans.Translations[0] != want {
		t.Fatalf("the API translates %q as %q, translate as %q", text, ans.Translations, want)
	}

	ctx := browser(t)
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(js string) string {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		v, err := chromedp.Run(sctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	// waitOut waits for #out to read want and fails with what it read.
	waitOut := func(what, want string) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		js := fmt.Sprintf(`document.getElementById("out").textContent === %s`, jsString(want))
		if _, err := chromedp.Run(sctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			t.Fatalf("%s: #out never read %q (it reads %q; #error %q): %v", what, want,
				eval(`document.getElementById("out").textContent`), eval(`document.getElementById("error").textContent`), err)
		}
	}

	// The model's name and languages from /v1/info.
	step("open the page", chromedp.EmulateViewport(1000, 800), chromedp.Navigate(ts.URL+"/"),
		chromedp.Poll[chromedp.Void](`document.getElementById("model").textContent.includes("→")`, chromedp.WithPollingTimeout(10*time.Second)))
	if got := eval(`document.getElementById("model").textContent`); !strings.Contains(got, m.Config.Name) ||
		!strings.Contains(got, "en → ru") {
		t.Errorf("#model reads %q, want the name %q and en → ru", got, m.Config.Name)
	}

	// Translate as you type.
	step("type", chromedp.SendKeys(chromedp.CSS("#src"), text))
	waitOut("typing "+text, want)
	if got := eval(`document.getElementById("error").textContent`); got != "" {
		t.Errorf("#error after a translation: %q", got)
	}

	// Alternatives: a list item each with its score.
	if len(ans.Alternatives) != 1 || len(ans.Alternatives[0]) < 2 {
		t.Fatalf("the page's request got alternatives %v, want an n-best list", ans.Alternatives)
	}
	altsHidden := eval(`String(document.getElementById("alts-section").hidden)`)
	n := eval(`String(document.querySelectorAll("#alts li").length)`)
	if altsHidden != "false" || n != fmt.Sprint(len(ans.Alternatives[0])) {
		t.Errorf("alternatives: panel hidden %s, %s items; the answer has %d", altsHidden, n, len(ans.Alternatives[0]))
	}

	// The heatmap: a cell per target and source piece; hovering a target
	// piece marks its strongest source pieces.
	if len(ans.Alignments) != 1 {
		t.Fatalf("the page's request got %d alignments, want 1", len(ans.Alignments))
	}
	{
		al := ans.Alignments[0]
		src, _ := (&translate.Input{Tok: m.Src, MaxLen: m.Config.Data.MaxLen}).Source(0, text)
		rows, cols := len(al.Target), len(al.Source)
		if cols != len(src.Tokens) && cols != len(src.Tokens)+1 {
			t.Errorf("the alignment has %d source pieces; %q has %d subwords", cols, text, len(src.Tokens))
		}
		if len(al.Weights) != rows {
			t.Errorf("the alignment has %d weight rows for %d target pieces", len(al.Weights), rows)
		}
		step("wait for the heatmap", chromedp.WaitVisible(chromedp.CSS("#heatmap td[data-row][data-col]")))
		cells := eval(`String(document.querySelectorAll("#heatmap td[data-row][data-col]").length)`)
		if cells != fmt.Sprint(rows*cols) {
			t.Errorf("the heatmap has %s cells, want %d target × %d source pieces", cells, rows, cols)
		}
		x, y := center(t, ctx, `#heatmap tbody th[data-row="0"]`)
		step("hover the first target piece", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y))
		best := 0
		for j, w := range al.Weights[0] {
			if w > al.Weights[0][best] {
				best = j
			}
		}
		hl := eval(`[...document.querySelectorAll("#heatmap thead th.hl")].map(e => e.dataset.col).join(",")`)
		if !strings.Contains(","+hl+",", fmt.Sprintf(",%d,", best)) {
			t.Errorf("hovering target piece 0 marks source columns %q; its strongest is %d", hl, best)
		}
		if n := eval(`String(document.querySelectorAll('#heatmap td.hl:not([data-row="0"])').length)`); n != "0" {
			t.Errorf("hovering target piece 0 marks %s cells of other rows", n)
		}
	}

	// The screenshot of the page at desktop width.
	shot := screenshot(t, ctx, "serve.png")
	if p := os.Getenv("S2S_SCREENSHOT"); p != "" {
		if err := os.WriteFile(p, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot copied to %s", p)
	}

	// No horizontal overflow on a phone.
	step("phone width", chromedp.EmulateViewport(375, 800))
	if w, _ := strconv.Atoi(eval(`String(document.documentElement.scrollWidth)`)); w > 375 {
		t.Errorf("at 375 px the page is %d px wide", w)
	}
	screenshot(t, ctx, "serve-375.png")
	step("desktop width", chromedp.EmulateViewport(1000, 800))

	// An API error shows in #error, in plain words.
	long := strings.Repeat("one ", 1500)
	if _, code := post(t, ts.URL, "", long); code != http.StatusBadRequest {
		t.Errorf("a text of %d characters: status %d, want 400", len(long), code)
	}
	{
		eval(fmt.Sprintf(`(() => { const s = document.getElementById("src"); s.value = %s;
			s.dispatchEvent(new Event("input")); return ""; })()`, jsString(long)))
		step("a text over the limit", chromedp.Poll[chromedp.Void](`document.getElementById("error").textContent !== ""`,
			chromedp.WithPollingTimeout(10*time.Second)), chromedp.WaitVisible(chromedp.CSS("#error")))
		if got := eval(`document.getElementById("out").textContent`); got != "" {
			t.Errorf("#out still shows %q next to the error", got)
		}
		if got := eval(`document.querySelector("[role=alert]").id`); got != "error" {
			t.Errorf("the alert is #%s, want #error", got)
		}
		t.Logf("the error shown: %s", eval(`document.getElementById("error").textContent`))
	}

	// One translation with the keyboard alone: Tab reaches #src first,
	// Ctrl+Enter translates without adding a line, the next Tab is the
	// button.
	const text2 = "thirty five"
	want2 := searchText(t, m, text2)
	step("reload", chromedp.Navigate(ts.URL+"/"), chromedp.WaitReady(chromedp.CSS("#src")), chromedp.KeyEvent("\t"))
	if got := eval(`document.activeElement.id`); got != "src" {
		t.Fatalf("the first Tab focuses #%s, want #src", got)
	}
	step("type and press Ctrl+Enter", chromedp.KeyEvent(text2), chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	waitOut("keyboard "+text2, want2)
	if got := eval(`document.getElementById("src").value`); got != text2 {
		t.Errorf("after Ctrl+Enter #src holds %q, want %q", got, text2)
	}
	step("Tab", chromedp.KeyEvent("\t"))
	if got := eval(`document.activeElement.id`); got != "translate" {
		t.Errorf("Tab from #src focuses #%s, want #translate", got)
	}

	keyForm(t, m, ctx, text, want)
	t.Logf("the whole test took %v", time.Since(start).Round(time.Millisecond))
}

// keyForm checks the API key form against a server that needs a key: a
// translation asks for it once, keeps it, and sends it.
func keyForm(t *testing.T, m *serve.Model, parent context.Context, text, want string) {
	const key = "test-key"
	cfg := serve.DefaultConfig()
	cfg.APIKey = key
	s, err := serve.New(m, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	if _, code := post(t, ts.URL, "", text); code != http.StatusUnauthorized {
		t.Fatalf("a server with an API key answers %d without it, want 401", code)
	}
	if _, code := post(t, ts.URL, key, text); code != 200 {
		t.Fatalf("a server with an API key answers %d with it", code)
	}
	ctx, cancel := chromedp.NewContext(parent) // a new tab
	defer cancel()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	err = chromedp.Do(sctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.SendKeys(chromedp.CSS("#src"), text),
		chromedp.WaitVisible(chromedp.CSS("#key")),
		chromedp.SendKeys(chromedp.CSS("#key"), key+"\r"),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.getElementById("out").textContent === %s`, jsString(want)),
			chromedp.WithPollingTimeout(10*time.Second)),
	)
	if err != nil {
		t.Fatalf("the key form: %v", err)
	}
	stored, err := chromedp.Run(sctx, chromedp.Evaluate[string](`localStorage.getItem("s2s-api-key") || ""`))
	if err != nil || stored != key {
		t.Errorf("the stored key is %q (%v), want %q", stored, err, key)
	}
}

// searchText returns what translate gives for text with the model's
// translate settings: the text the page must show.
func searchText(t *testing.T, m *serve.Model, text string) string {
	t.Helper()
	src, _ := (&translate.Input{Tok: m.Src, MaxLen: m.Config.Data.MaxLen}).Source(0, text)
	s, err := translate.NewSearcher(m.Net, translate.FromConfig(m.Config.Translate))
	if err != nil {
		t.Fatal(err)
	}
	best := s.Search([]translate.Source{src})[0][0]
	return translate.Detok(m.Tgt, best.Tokens)
}

// post asks the server for text as the page does and returns the answer
// and its status.
func post(t *testing.T, url, key, text string) (apiAnswer, int) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"q": text, "n_best": 3, "alignments": true, "scores": true})
	req, _ := http.NewRequest("POST", url+"/v1/translate", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a apiAnswer
	if resp.StatusCode == 200 {
		if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
			t.Fatal(err)
		}
	}
	return a, resp.StatusCode
}

// browser starts a headless Chromium with its own profile; it ends with
// the test, which fails if the page threw an exception nothing caught.
func browser(t *testing.T) context.Context {
	t.Helper()
	actx, cancelA := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()))
	var mu sync.Mutex
	var thrown []string
	ctx, cancelC := chromedp.NewContext(actx, chromedp.WithListener(func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			mu.Lock()
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			thrown = append(thrown, msg)
			mu.Unlock()
		}
	}))
	t.Cleanup(func() { cancelC(); cancelA() })
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range thrown {
			t.Errorf("the page threw: %s", e)
		}
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("starting %s: %v", chromiumPath, err)
	}
	return ctx
}

// center returns the viewport coordinates of the center of the element
// sel, scrolled into view.
func center(t *testing.T, ctx context.Context, sel string) (float64, float64) {
	t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%s); e.scrollIntoView({block: "center", inline: "center"});
		const r = e.getBoundingClientRect(); return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()`, jsString(sel))
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	p, err := chromedp.Run(sctx, chromedp.Evaluate[struct{ X, Y float64 }](js))
	if err != nil {
		t.Fatalf("%s: %v", sel, err)
	}
	return p.X, p.Y
}

// screenshot saves a PNG of the whole page under the test's temporary
// directory and returns it.
func screenshot(t *testing.T, ctx context.Context, name string) []byte {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	b, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return b
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// browserSteps is how long the page's model trains: 300 steps, or 2,000
// with S2S_SCREENSHOT set, for a screenshot with plausible translations.
func browserSteps() int {
	if os.Getenv("S2S_SCREENSHOT") != "" {
		return 2000
	}
	return 300
}
