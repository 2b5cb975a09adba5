package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/s2s-nmt/s2s/translate"
	"github.com/s2s-nmt/s2s/translate/bleu"
)

// parseAlphas parses --sweep-alpha's comma-separated list of alphas ≥ 0.
func parseAlphas(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(x >= 0) {
			return nil, usagef("eval: --sweep-alpha %q: %q is not a number ≥ 0; give a list such as 0,0.2,0.4,0.6,0.8,1", s, f)
		}
		out = append(out, x)
	}
	return out, nil
}

// runSweep translates the dev set of the first model's config once with
// beam search, keeping every finished hypothesis, and prints the dev
// scores of the output each alpha in a.alphas selects (translate.Rerank:
// exactly what translating with that alpha gives), then the best alpha.
func runSweep(a evalArgs, stdout, stderr io.Writer) error {
	dirs := modelDirs(&a.models)
	weights, err := parseWeights(a.weights, len(dirs))
	if err != nil {
		return usagef("eval: %w", err)
	}
	ms, err := openEnsemble(dirs, stderr)
	if err != nil {
		return err
	}
	if _, err := usePrecisions(ms, a.precision); err != nil {
		return err
	}
	m := ms[0]
	src, ref, name, err := devSet(m)
	if err != nil {
		return err
	}
	opt := translate.FromConfig(m.Config.Translate)
	if a.beam > 0 {
		opt.Beam = a.beam
	}
	if a.lengthPenalty != "" {
		opt.LengthPenalty = translate.LengthPenalty(a.lengthPenalty)
	}
	opt.NBest = opt.Beam // every finished hypothesis, to rank for each alpha
	s := newStream(ms, weights, opt, 0, stderr)
	s.Input.Name = name
	found, err := s.Hypotheses(src)
	if err != nil {
		return err
	}
	penalty := opt.LengthPenalty
	if penalty == "" {
		penalty = translate.Marian
	}
	fmt.Fprintf(stdout, "dev set %s: %d lines, beam %d, length penalty %s\n", name, len(src), opt.Beam, penalty)
	best, bestBLEU := 0.0, -1.0
	hyps := make([]string, len(found))
	for _, alpha := range a.alphas {
		for i, f := range found {
			ranked := slices.Clone(f)
			translate.Rerank(ranked, penalty, alpha)
			hyps[i] = translate.Detok(m.Tgt, ranked[0].Tokens)
		}
		out, err := scoreEval(a, hyps, [][]string{ref})
		if err != nil {
			return err
		}
		prefix := fmt.Sprintf("alpha %-4s ", strconv.FormatFloat(alpha, 'g', -1, 64))
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			fmt.Fprintln(stdout, prefix+line)
			prefix = strings.Repeat(" ", len(prefix))
		}
		bo, _ := a.options()
		b, err := bleu.Corpus(hyps, [][]string{ref}, bo)
		if err != nil {
			return err
		}
		if b.Score > bestBLEU {
			best, bestBLEU = alpha, b.Score
		}
	}
	_, err = fmt.Fprintf(stdout, "best alpha %g: dev BLEU %.2f (set translate.alpha in the config, or pass --alpha to translate)\n", best, bestBLEU)
	return err
}

// devSet returns the dev sources and references of m's config, and a
// name for them: the data.dev files, or a synthetic corpus's dev split.
func devSet(m *loadedModel) (src, ref []string, name string, err error) {
	d := m.Config.Data
	switch {
	case d.Dev.Src != "" || d.Dev.TSV != "":
		src, ref, err = corpora.ReadSides(d.Dev)
		return src, ref, nameOr(d.Dev.Src, d.Dev.TSV), err
	case d.Synthetic == corpora.NumbersEnRu:
		for _, p := range corpora.NumbersEnRuCorpus(d.SyntheticSeed).Dev {
			src, ref = append(src, p.Src), append(ref, p.Tgt)
		}
		return src, ref, fmt.Sprintf("the %s dev split (seed %d)", d.Synthetic, d.SyntheticSeed), nil
	}
	return nil, nil, "", fmt.Errorf("%s: --sweep-alpha scores the dev set, and the config has no data.dev; add data.dev.src and data.dev.tgt", m.Run.Path(rundir.ConfigFile))
}
