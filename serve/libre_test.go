package serve

import (
	"bytes"
	"mime/multipart"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// TestLibre checks POST /translate in each body encoding against
// /v1/translate's answers, and its shapes: a string or an array as q was,
// alternatives as strings or lists of them, detectedLanguage for "auto".
func TestLibre(t *testing.T) {
	s, _ := newServer(t, testConfig())
	h := s.Handler()
	texts := []string{"the cat sat on the mat", "a dog\n\nate the bone"}
	var v1 TranslateResponse
	postJSON(t, h, "/v1/translate", `{"q": `+mustJSON(t, texts)+`}`).decode(t, &v1)
	var best3 TranslateResponse
	postJSON(t, h, "/v1/translate", `{"q": `+mustJSON(t, texts[0])+`, "n_best": 3}`).decode(t, &best3)

	form := url.Values{"q": texts, "source": {"en"}, "target": {"ru"}, "format": {"text"}, "unknown": {"x"}}
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, strings.ReplaceAll(v, "\n", "\r\n")) // browsers send CRLF
		}
	}
	mw.Close()
	bodies := []struct{ name, ct, body string }{
		{"json", "application/json", `{"q": ` + mustJSON(t, texts) + `, "source": "en", "target": "ru", "format": "text", "unknown": 1}`},
		{"form", "application/x-www-form-urlencoded", form.Encode()},
		{"multipart", mw.FormDataContentType(), mp.String()},
	}
	for _, b := range bodies {
		t.Run(b.name, func(t *testing.T) {
			a := do(t, h, "POST", "/translate", b.ct, b.body)
			var got map[string]any
			a.decode(t, &got)
			want := map[string]any{"translatedText": []any{v1.Translations[0], v1.Translations[1]}}
			if a.code != 200 || !reflect.DeepEqual(got, want) {
				t.Fatalf("%d %s, want %v", a.code, a.body, want)
			}
		})
	}
	t.Run("one text", func(t *testing.T) {
		a := postJSON(t, h, "/translate", `{"q": "the cat sat on the mat", "source": "auto", "target": "ru", "alternatives": 2}`)
		var got map[string]any
		a.decode(t, &got)
		alts := best3.Alternatives[0].([]any)
		want := map[string]any{"translatedText": v1.Translations[0],
			"alternatives":     []any{alts[1].(map[string]any)["text"], alts[2].(map[string]any)["text"]},
			"detectedLanguage": map[string]any{"confidence": 100.0, "language": "en"}}
		if a.code != 200 || !reflect.DeepEqual(got, want) {
			t.Fatalf("%d %s, want %v", a.code, a.body, want)
		}
	})
	t.Run("array alternatives", func(t *testing.T) {
		a := postJSON(t, h, "/translate", `{"q": ["the cat", "a\nb"], "source": "auto", "target": "ru", "alternatives": "7"}`)
		var got struct {
			TranslatedText   []string   `json:"translatedText"`
			Alternatives     [][]string `json:"alternatives"`
			DetectedLanguage []detected `json:"detectedLanguage"`
		}
		a.decode(t, &got)
		if a.code != 200 || len(got.TranslatedText) != 2 || len(got.Alternatives) != 2 || len(got.Alternatives[0]) != 7 ||
			len(got.DetectedLanguage) != 2 || strings.Count(got.Alternatives[1][6], "\n") != 1 {
			t.Fatalf("%d %s", a.code, a.body)
		}
	})
}

// TestLanguages checks GET /languages against LibreTranslate's shape.
func TestLanguages(t *testing.T) {
	s, _ := newServer(t, testConfig())
	a := do(t, s.Handler(), "GET", "/languages", "", "")
	want := `[{"code":"en","name":"English","targets":["ru"]},{"code":"ru","name":"Russian","targets":[]}]`
	if a.code != 200 || strings.TrimSpace(string(a.body)) != want {
		t.Fatalf("%d %s, want %s", a.code, a.body, want)
	}
}
