package serve

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// fuzzServer returns a server for the fuzz targets; its seeds are under
// testdata/fuzz.
func fuzzServer(f *testing.F) *Server {
	s, _ := newServer(f, testConfig())
	return s
}

// checkAnswer fails t unless a is a JSON answer with a status among
// codes, and an error message when it is not 200.
func checkAnswer(t *testing.T, a answer, codes ...int) {
	t.Helper()
	if !slices.Contains(codes, a.code) {
		t.Fatalf("status %d, want one of %v; %s", a.code, codes, a.body)
	}
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || !json.Valid(a.body) {
		t.Fatalf("not a JSON answer: %s %q", ct, a.body)
	}
	if a.code != 200 {
		a.errorMsg(t)
	}
}

// FuzzV1Body posts any body to POST /v1/translate: the answer is JSON,
// 200 or a client error, never a panic.
func FuzzV1Body(f *testing.F) {
	h := fuzzServer(f).Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		a := postJSON(t, h, "/v1/translate", string(body))
		checkAnswer(t, a, 200, 400, 413)
	})
}

// libreTypes are the content types FuzzLibreBody sends, by its kind
// argument modulo their count.
var libreTypes = []string{"application/json", "application/x-www-form-urlencoded",
	"multipart/form-data; boundary=B", "", "text/plain"}

// FuzzLibreBody posts any body, as JSON, a form, multipart or nothing
// said, to POST /translate: the answer is JSON, 200 or a client error,
// never a panic.
func FuzzLibreBody(f *testing.F) {
	h := fuzzServer(f).Handler()
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		a := do(t, h, "POST", "/translate", libreTypes[int(kind)%len(libreTypes)], string(body))
		checkAnswer(t, a, 200, 400, 413)
	})
}
