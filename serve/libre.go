package serve

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// libreRequest is the body of POST /translate, LibreTranslate's API, as
// JSON; form bodies carry the same fields. Unknown fields are ignored,
// as LibreTranslate does.
type libreRequest struct {
	Q      json.RawMessage `json:"q"`
	Source string          `json:"source"`
	Target string          `json:"target"`
	Format string          `json:"format"`
	// Alternatives is how many translations to give beside the best one:
	// a number, or a string holding one.
	Alternatives json.RawMessage `json:"alternatives"`
	APIKey       string          `json:"api_key"`
}

// libreQuery is a parsed POST /translate.
type libreQuery struct {
	texts          []string
	batch          bool // q was an array: the answer holds arrays
	source, target string
	format         string
	alternatives   int
	apiKey         string
}

// libreResponse is the answer of POST /translate. TranslatedText is a
// string, or an array when q was one; Alternatives (with alternatives >
// 0) a list of strings, or a list of lists for an array q;
// DetectedLanguage (with source "auto") an object, or a list of them.
type libreResponse struct {
	TranslatedText   any `json:"translatedText"`
	Alternatives     any `json:"alternatives,omitempty"`
	DetectedLanguage any `json:"detectedLanguage,omitempty"`
}

type detected struct {
	Confidence float64 `json:"confidence"`
	Language   string  `json:"language"`
}

// translateLibre answers POST /translate as LibreTranslate does. A text's
// alternatives are whole texts: the n-th alternative joins the (n+1)-th
// hypothesis of each line. Asking for more alternatives than the beam
// holds widens the beam to alternatives+1.
func (s *Server) translateLibre(w http.ResponseWriter, r *http.Request) {
	q, err := parseLibre(w, r)
	if !s.bearerOK(r) && (err != nil || !s.keyOK(q.apiKey)) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="s2s"`)
		writeErr(w, errUnauthorized)
		return
	}
	if err == nil {
		err = s.checkLibre(q)
	}
	if err != nil {
		writeErr(w, err)
		return
	}
	j := job{texts: q.texts, nbest: q.alternatives + 1}
	if beam := s.defaultBeam(); j.nbest > beam {
		j.beam = j.nbest
	}
	b, out, err := s.translate(r.Context(), j)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, libreAnswer(b, q, out))
}

// defaultBeam returns the beam size of a request that names none.
func (s *Server) defaultBeam() int {
	if s.cfg.Beam > 0 {
		return s.cfg.Beam
	}
	return s.cur.Load().m.Config.Translate.Beam
}

func libreAnswer(b *backend, q libreQuery, out [][]line) libreResponse {
	texts := make([]string, len(out))
	alts := make([][]string, len(out))
	for i, t := range out {
		texts[i] = joinBest(b, t)
		if q.alternatives > 0 {
			alts[i] = make([]string, q.alternatives)
			for n := range alts[i] {
				alts[i][n] = joinNth(b, t, n+1)
			}
		}
	}
	var resp libreResponse
	det := detected{Confidence: 100, Language: b.m.Config.Data.SrcLang}
	if q.batch {
		resp.TranslatedText = texts
		if q.alternatives > 0 {
			resp.Alternatives = alts
		}
		if q.source == "auto" {
			ds := make([]detected, len(texts))
			for i := range ds {
				ds[i] = det
			}
			resp.DetectedLanguage = ds
		}
		return resp
	}
	resp.TranslatedText = texts[0]
	if q.alternatives > 0 {
		resp.Alternatives = alts[0]
	}
	if q.source == "auto" {
		resp.DetectedLanguage = det
	}
	return resp
}

// checkLibre checks q against the model's languages and the limits.
func (s *Server) checkLibre(q libreQuery) error {
	m := s.cur.Load().m
	src, tgt := m.Config.Data.SrcLang, m.Config.Data.TgtLang
	switch {
	case len(q.texts) == 0:
		return errorf(http.StatusBadRequest, "Invalid request: missing q parameter: send q, the text (or an array of texts)")
	case q.source == "":
		return errorf(http.StatusBadRequest, "Invalid request: missing source parameter: send source %q (or \"auto\")", src)
	case q.target == "":
		return errorf(http.StatusBadRequest, "Invalid request: missing target parameter: send target %q", tgt)
	case (q.source != src && q.source != "auto") || q.target != tgt:
		return errorf(http.StatusBadRequest, "this server translates %s→%s only, not %s→%s: send source %q (or \"auto\") and target %q",
			src, tgt, quote(q.source), quote(q.target), src, tgt)
	case q.format != "" && q.format != "text":
		return errorf(http.StatusBadRequest, "format %s is not supported: send format \"text\"", quote(q.format))
	case q.alternatives < 0 || q.alternatives+1 > MaxBeam:
		return errorf(http.StatusBadRequest, "alternatives %d: send 0 to %d", q.alternatives, MaxBeam-1)
	}
	return checkTexts(q.texts)
}

// parseLibre reads r's body: JSON for Content-Type application/json,
// else a form (URL-encoded or multipart) in which q may repeat for
// several texts. The URL's query counts as a form too. A form's line
// breaks are normalised to "\n", as LibreTranslate does.
func parseLibre(w http.ResponseWriter, r *http.Request) (libreQuery, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		return parseLibreJSON(w, r)
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	var err error
	if ct == "multipart/form-data" {
		err = r.ParseMultipartForm(MaxBody)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		return libreQuery{}, bodyError(err)
	}
	f := r.Form
	for k, vs := range f {
		for _, v := range vs {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				return libreQuery{}, errorf(http.StatusBadRequest, "the form is not valid UTF-8: send UTF-8 text")
			}
		}
	}
	q := libreQuery{texts: f["q"], batch: len(f["q"]) > 1, source: f.Get("source"), target: f.Get("target"),
		format: f.Get("format"), apiKey: f.Get("api_key")}
	for i, t := range q.texts {
		q.texts[i] = strings.ReplaceAll(strings.ReplaceAll(t, "\r\n", "\n"), "\r", "\n")
	}
	return q, parseAlternatives(f.Get("alternatives"), &q)
}

func parseLibreJSON(w http.ResponseWriter, r *http.Request) (libreQuery, error) {
	body, err := readBody(w, r)
	if err != nil {
		return libreQuery{}, err
	}
	if !utf8.Valid(body) {
		return libreQuery{}, errorf(http.StatusBadRequest, "the body is not valid UTF-8: send JSON in UTF-8")
	}
	var req libreRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return libreQuery{}, errorf(http.StatusBadRequest, `invalid JSON: %v; send {"q": "text", "source": "en", "target": "ru"}`, err)
	}
	q := libreQuery{source: req.Source, target: req.Target, format: req.Format, apiKey: req.APIKey}
	if len(req.Q) > 0 && string(req.Q) != "null" {
		q.batch = bytes.HasPrefix(bytes.TrimSpace(req.Q), []byte("["))
		if q.texts, err = parseQ(req.Q); err != nil {
			return q, err
		}
	}
	var alt string
	if len(req.Alternatives) > 0 && string(req.Alternatives) != "null" {
		if err := json.Unmarshal(req.Alternatives, &alt); err != nil {
			alt = string(req.Alternatives)
		}
	}
	return q, parseAlternatives(alt, &q)
}

// parseAlternatives sets q.alternatives from v ("" is 0).
func parseAlternatives(v string, q *libreQuery) error {
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return errorf(http.StatusBadRequest, "alternatives %s is not a whole number: send 0 to %d", quote(v), MaxBeam-1)
	}
	q.alternatives = n
	return nil
}

// languageNames are the English names of common language codes.
var languageNames = map[string]string{
	"ar": "Arabic", "cs": "Czech", "de": "German", "en": "English", "es": "Spanish", "fi": "Finnish",
	"fr": "French", "hi": "Hindi", "it": "Italian", "ja": "Japanese", "ko": "Korean", "nl": "Dutch",
	"pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sv": "Swedish", "tr": "Turkish",
	"uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}

// language is an entry of GET /languages, LibreTranslate's shape.
type language struct {
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	Targets []string `json:"targets"`
}

func languageName(code string) string {
	if n, ok := languageNames[code]; ok {
		return n
	}
	return code
}

// languages answers GET /languages as LibreTranslate does: the source
// language with the target as its one target, then the target language,
// which this server translates into nothing.
func (s *Server) languages(w http.ResponseWriter, r *http.Request) {
	d := s.cur.Load().m.Config.Data
	out := []language{{Code: d.SrcLang, Name: languageName(d.SrcLang), Targets: []string{d.TgtLang}}}
	if d.TgtLang != d.SrcLang {
		out = append(out, language{Code: d.TgtLang, Name: languageName(d.TgtLang), Targets: []string{}})
	}
	writeJSON(w, http.StatusOK, out)
}
