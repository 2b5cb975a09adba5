package serve

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

// The limits on a translation request. They keep one request from
// holding the searchers for long; a client with more text sends more
// requests.
const (
	// MaxBody is the most bytes of a request body (1 MiB); more is 413.
	MaxBody = 1 << 20
	// MaxTexts is the most texts in one request.
	MaxTexts = 128
	// MaxChars is the most characters (Unicode code points) in one text.
	MaxChars = 5000
	// MaxLines is the most lines in one request, all texts together;
	// each line is one sentence searched.
	MaxLines = 1000
	// MaxBeam is the largest beam size a request may ask for.
	MaxBeam = 32
)

// readBody reads r's body, at most MaxBody bytes.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		return nil, bodyError(err)
	}
	return b, nil
}

// bodyError is the answer to a failed read of a body: 413 when it is
// too large, 400 otherwise.
func bodyError(err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return errorf(http.StatusRequestEntityTooLarge,
			"the request body is over %d bytes (1 MiB): send the texts in several requests", MaxBody)
	}
	return errorf(http.StatusBadRequest, "reading the request body: %v", err)
}

// checkTexts checks texts against the limits: the number of texts, the
// characters of each, the lines of all, and valid UTF-8.
func checkTexts(texts []string) error {
	if len(texts) > MaxTexts {
		return errorf(http.StatusBadRequest, "%d texts in one request, more than %d: send them in several requests", len(texts), MaxTexts)
	}
	lines := 0
	for i, t := range texts {
		if !utf8.ValidString(t) {
			return errorf(http.StatusBadRequest, "text %d is not valid UTF-8: send UTF-8 text", i)
		}
		if n := utf8.RuneCountInString(t); n > MaxChars {
			return errorf(http.StatusBadRequest, "text %d has %d characters, more than %d: split it into several texts", i, n, MaxChars)
		}
		lines += strings.Count(t, "\n") + 1
	}
	if lines > MaxLines {
		return errorf(http.StatusBadRequest, "%d lines in one request, more than %d: send them in several requests", lines, MaxLines)
	}
	return nil
}

// checkSearch checks the search sizes a request asks for; 0 is the
// default.
func checkSearch(beam, nbest int) error {
	switch {
	case beam < 0 || nbest < 0:
		return errorf(http.StatusBadRequest, "beam %d, n_best %d: both must be ≥ 1 (or left out)", beam, nbest)
	case beam > MaxBeam:
		return errorf(http.StatusBadRequest, "beam %d is more than %d: ask for a smaller beam", beam, MaxBeam)
	}
	return nil
}
