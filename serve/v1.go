package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/s2s-nmt/s2s/translate"
)

// TranslateRequest is the body of POST /v1/translate. Only Q is required;
// unknown fields are refused.
type TranslateRequest struct {
	// Q is one text (a JSON string) or several (an array of strings). A
	// text holding line breaks is translated line by line.
	Q json.RawMessage `json:"q"`
	// Beam is the beam size, 1 (greedy search) to MaxBeam; 0 or absent:
	// the server's default.
	Beam int `json:"beam,omitempty"`
	// NBest is how many hypotheses to return per line, at most Beam;
	// with more than 1 the answer has Alternatives.
	NBest int `json:"n_best,omitempty"`
	// Alignments adds the tokens and attention of each translation.
	Alignments bool `json:"alignments,omitempty"`
	// Scores adds the scores of each translation.
	Scores bool `json:"scores,omitempty"`
}

// TranslateResponse is the answer of POST /v1/translate: one translation
// per text, in the order of q, each byte-identical to the line(s)
// `s2s translate` writes for it with the same model and beam.
//
// Alternatives (with n_best > 1), Scores and Alignments hold one entry
// per text. For a text without line breaks the entry is the value
// itself: a list of Alternative, one Score, one Alignment. For a text
// holding line breaks (k lines) the entry is a list of k such values, one
// per line, in order; an empty line has one empty alternative of score
// 0, scores 0 and an alignment without tokens.
type TranslateResponse struct {
	Translations []string `json:"translations"`
	Alternatives []any    `json:"alternatives,omitempty"`
	Scores       []any    `json:"scores,omitempty"`
	Alignments   []any    `json:"alignments,omitempty"`
}

// Alternative is one hypothesis of an n-best list.
type Alternative struct {
	Text string `json:"text"`
	// Score is the ranking score: LogProb / (tokens+1)^alpha.
	Score float64 `json:"score"`
	// LogProb is the log-probability of the tokens and EOS.
	LogProb float64 `json:"log_prob"`
}

// Score is the scores of a translation, as `s2s translate --scores`
// prints them.
type Score struct {
	LogProb float64 `json:"log_prob"`
	Score   float64 `json:"score"`
}

// Alignment is the attention of a translation.
type Alignment struct {
	// Source and Target are the subword pieces as text (" cat"; a piece
	// that holds part of a character keeps the tokenizer's byte-level
	// spelling); Target ends with "</s>", the end of the sentence.
	Source []string `json:"source"`
	Target []string `json:"target"`
	// Weights has one row per Target piece, each the attention weights
	// of the Source pieces.
	Weights [][]float32 `json:"weights"`
	// Hard is the word alignment in Pharaoh format ("0-0 1-2"), as
	// `s2s translate --alignments hard` prints it.
	Hard string `json:"hard"`
}

func (s *Server) translateV1(w http.ResponseWriter, r *http.Request) {
	req, err := decodeV1(w, r)
	if err != nil {
		writeErr(w, err)
		return
	}
	texts, err := parseQ(req.Q)
	if err == nil {
		err = checkTexts(texts)
	}
	if err == nil {
		err = checkSearch(req.Beam, req.NBest)
	}
	if err != nil {
		writeErr(w, err)
		return
	}
	b, out, err := s.translate(r.Context(), job{texts: texts, beam: req.Beam, nbest: req.NBest, alignments: req.Alignments})
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v1Response(b, texts, out, req))
}

// decodeV1 reads and strictly decodes the body of POST /v1/translate.
func decodeV1(w http.ResponseWriter, r *http.Request) (TranslateRequest, error) {
	var req TranslateRequest
	body, err := readBody(w, r)
	if err != nil {
		return req, err
	}
	if !utf8.Valid(body) {
		return req, errorf(http.StatusBadRequest, "the body is not valid UTF-8: send JSON in UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, errorf(http.StatusBadRequest, `invalid JSON: %v; send {"q": "text"} or {"q": ["text", ...]} `+
			`with optional "beam", "n_best", "alignments", "scores"`, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return req, errorf(http.StatusBadRequest, "invalid JSON: data after the request object: send one object")
	}
	return req, nil
}

// parseQ returns the texts of q: a string or an array of strings.
func parseQ(q json.RawMessage) ([]string, error) {
	if len(q) == 0 || string(q) == "null" {
		return nil, errorf(http.StatusBadRequest, `"q" is missing: send {"q": "text"} or {"q": ["text", ...]}`)
	}
	var one string
	if err := json.Unmarshal(q, &one); err == nil {
		return []string{one}, nil
	}
	var texts []string
	if err := json.Unmarshal(q, &texts); err != nil {
		return nil, errorf(http.StatusBadRequest, `"q" must be a string or an array of strings`)
	}
	return texts, nil
}

// v1Response builds the answer to req from the lines of its texts.
func v1Response(b *backend, texts []string, out [][]line, req TranslateRequest) TranslateResponse {
	resp := TranslateResponse{Translations: make([]string, len(out))}
	for i, t := range out {
		resp.Translations[i] = joinBest(b, t)
		multi := strings.Contains(texts[i], "\n")
		if req.NBest > 1 {
			resp.Alternatives = append(resp.Alternatives, perLine(multi, t, func(l line) any { return alternatives(b, l) }))
		}
		if req.Scores {
			resp.Scores = append(resp.Scores, perLine(multi, t, func(l line) any {
				return Score{LogProb: l.hyps[0].LogProb, Score: l.hyps[0].Score}
			}))
		}
		if req.Alignments {
			resp.Alignments = append(resp.Alignments, perLine(multi, t, func(l line) any { return alignment(b, l) }))
		}
	}
	return resp
}

// perLine returns f of the text's one line, or for a text of several
// lines (multi) the list of f of each.
func perLine(multi bool, t []line, f func(line) any) any {
	if !multi {
		return f(t[0])
	}
	out := make([]any, len(t))
	for k, l := range t {
		out[k] = f(l)
	}
	return out
}

func alternatives(b *backend, l line) []Alternative {
	out := make([]Alternative, len(l.hyps))
	for n, h := range l.hyps {
		out[n] = Alternative{Text: detok(b, h), Score: h.Score, LogProb: h.LogProb}
	}
	return out
}

func alignment(b *backend, l line) Alignment {
	h := l.hyps[0]
	a := Alignment{Source: b.m.Src.Labels(l.src), Target: append(b.m.Tgt.Labels(h.Tokens), "</s>"), Weights: h.Align,
		Hard: translate.HardAlign(h, l.src, b.m.Src, b.m.Tgt)}
	if len(l.src) == 0 { // an empty line: nothing searched, nothing attended
		a.Source, a.Target, a.Weights = []string{}, []string{}, [][]float32{}
	}
	return a
}
