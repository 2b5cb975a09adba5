package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/rundir"
)

// fileList is a repeatable flag (--ref, --model) that, unlike
// cli.StringSliceFlag, never splits a file name on commas.
type fileList struct{ files []string }

func (r *fileList) Set(s string) error { r.files = append(r.files, s); return nil }
func (r *fileList) String() string     { return strings.Join(r.files, " ") }

// modelDirs returns the directories of --model, given once per model;
// none is runs/latest.
func modelDirs(l *fileList) []string {
	if len(l.files) == 0 {
		return []string{""}
	}
	return l.files
}

// parseWeights parses --weights, comma-separated, for n models: one
// weight each, every one > 0. "" is nil (equal weights). Its errors name
// the flag; callers report them as usage errors.
func parseWeights(s string, n int) ([]float64, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, fmt.Errorf("--weights %s: %d weights for %d models (--model given %d times): give one per model", s, len(parts), n, n)
	}
	w := make([]float64, n)
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || !(x > 0) || x > 1e300 {
			return nil, fmt.Errorf("--weights %s: weight %d %q must be a number > 0", s, i+1, p)
		}
		w[i] = x
	}
	return w, nil
}

// openEnsemble opens the translation models in dirs, in order, and
// checks that they share one target vocabulary.
func openEnsemble(dirs []string, warn io.Writer) ([]*loadedModel, error) {
	ms := make([]*loadedModel, len(dirs))
	for i, dir := range dirs {
		m, err := openModel(dir, model.TypeSeq2Seq, warn)
		if err != nil {
			return nil, err
		}
		ms[i] = m
	}
	if err := rundir.SameTarget(ms); err != nil {
		return nil, err
	}
	return ms, nil
}

// ensembleID returns the identity of the models with weights: the one
// model's, else the SHA-256 of every model's identity and weight.
func ensembleID(ms []*loadedModel, weights []float64) string {
	if len(ms) == 1 {
		return ms[0].ID
	}
	h := sha256.New()
	for i, m := range ms {
		w := 1.0
		if weights != nil {
			w = weights[i]
		}
		fmt.Fprintf(h, "%s %g\n", m.ID, w)
	}
	return hex.EncodeToString(h.Sum(nil))
}
