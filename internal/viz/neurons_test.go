package viz

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// parsePage parses page as a browser would and indexes its elements by id.
func parsePage(t *testing.T, page []byte) (root *html.Node, byID map[string]*html.Node) {
	t.Helper()
	root, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	byID = map[string]*html.Node{}
	for n := range root.Descendants() {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "id" {
					byID[a.Val] = n
				}
			}
		}
	}
	return root, byID
}

// textOf concatenates the text under n.
func textOf(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// hasExternal reports an element that would fetch something.
func hasExternal(root *html.Node) string {
	for n := range root.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		for _, a := range n.Attr {
			if a.Key == "src" || (n.Data == "link" && a.Key == "href") {
				return n.Data + " " + a.Key + "=" + a.Val
			}
		}
	}
	return ""
}

func TestNeuronPage(t *testing.T) {
	text := "<b>Tom & \"Jerry\"</b>\n\tend</script>é"
	for _, tc := range []struct {
		name  string
		acts  [][]float32
		opts  NeuronOptions
		cell  string // the input's initial value
		title string
	}{
		{"per rune", perRuneActs(text), NeuronOptions{Title: "a <title>", Cell: 1}, "1", "a <title>"},
		{"per byte", perByteActs(text), NeuronOptions{Cell: -1}, "0", "s2s neurons"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := NeuronPage(&buf, text, tc.acts, tc.opts); err != nil {
				t.Fatal(err)
			}
			root, byID := parsePage(t, buf.Bytes())
			if ext := hasExternal(root); ext != "" {
				t.Errorf("page fetches %s", ext)
			}
			for _, id := range []string{"text", "cell", "correlations", "acts"} {
				if byID[id] == nil {
					t.Fatalf("no element with id %q", id)
				}
			}
			want := strings.NewReplacer("\n", "↵\n", "\t", "⇥").Replace(text)
			if got := textOf(byID["text"]); got != want {
				t.Errorf("text shown %q, want %q", got, want)
			}
			if n := countChildren(byID["text"]); n != len([]rune(text)) {
				t.Errorf("%d character spans, want %d", n, len([]rune(text)))
			}
			if v := attr(byID["cell"], "value"); v != tc.cell {
				t.Errorf("initial cell %q, want %q", v, tc.cell)
			}
			if links := cellLinks(byID["correlations"]); links == 0 {
				t.Error("no cell links in the correlation table")
			}
			if got := textOf(find(root, "title")); got != tc.title {
				t.Errorf("title %q, want %q", got, tc.title)
			}
			for _, esc := range []string{"<span>&lt;</span>", "<span>&gt;</span>", "<span>&amp;</span>", "<span>&#34;</span>"} {
				if !bytes.Contains(buf.Bytes(), []byte(esc)) {
					t.Errorf("page lacks the escaped character %q", esc)
				}
			}
			if bytes.Contains(buf.Bytes(), []byte("<b>")) || bytes.Contains(buf.Bytes(), []byte("<title>a <title>")) {
				t.Error("page holds unescaped text")
			}
			checkEmbedded(t, textOf(byID["acts"]), len([]rune(text)))
		})
	}
}

func perRuneActs(text string) [][]float32 {
	acts := make([][]float32, len([]rune(text)))
	for i := range acts {
		acts[i] = []float32{float32(i%3) - 1, 2, -0.5} // 2 is clamped to 1
	}
	return acts
}

// perByteActs gives one row per byte, like a byte-level model.
func perByteActs(text string) [][]float32 {
	acts := make([][]float32, len(text))
	for i := range acts {
		acts[i] = []float32{float32(i%3) - 1, 2, -0.5}
	}
	return acts
}

// cellLinks counts the elements under n that choose a cell.
func cellLinks(n *html.Node) int {
	k := 0
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && attr(d, "data-cell") != "" {
			k++
		}
	}
	return k
}

// find returns the first element named tag under n, or nil.
func find(n *html.Node, tag string) *html.Node {
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && d.Data == tag {
			return d
		}
	}
	return nil
}

func countChildren(n *html.Node) int {
	k := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == "span" {
			k++
		}
	}
	return k
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// checkEmbedded decodes the page's activation JSON and checks cells 1 and 2.
func checkEmbedded(t *testing.T, js string, n int) {
	t.Helper()
	var d actsJSON
	if err := json.Unmarshal([]byte(js), &d); err != nil {
		t.Fatalf("activations are not JSON: %v\n%s", err, js)
	}
	if d.N != n || d.H != 3 || len(d.Cells) != 3 {
		t.Fatalf("embedded n=%d h=%d cells=%d, want %d, 3, 3", d.N, d.H, len(d.Cells), n)
	}
	for c, want := range []int8{0, 127, -64} { // cell 0 varies; 1 is clamped to 1; -0.5·127 rounds to -64
		b, err := base64.StdEncoding.DecodeString(d.Cells[c])
		if err != nil || len(b) != n {
			t.Fatalf("cell %d: %d bytes, %v", c, len(b), err)
		}
		if c > 0 && int8(b[0]) != want {
			t.Errorf("cell %d: first value %d, want %d", c, int8(b[0]), want)
		}
	}
}

func TestNeuronPageBadCell(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for cell 3 of 3")
		}
	}()
	NeuronPage(&bytes.Buffer{}, "ab", [][]float32{{0, 0, 0}, {1, 1, 1}}, NeuronOptions{Cell: 3})
}
