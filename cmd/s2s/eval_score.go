package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/s2s-nmt/s2s/translate/bleu"
)

// runEval scores the hypotheses against the references, translating the
// model's test set first when no reference was given. Output is written in
// one piece once everything is computed.
func runEval(stdin io.Reader, stdout, stderr io.Writer, a evalArgs) error {
	if a.alphas != nil {
		return runSweep(a, stdout, stderr)
	}
	if len(a.refs) == 0 {
		weights, err := parseWeights(a.weights, len(modelDirs(&a.models)))
		if err != nil {
			return usagef("eval: %w", err)
		}
		ts, err := translateTestSet(modelDirs(&a.models), weights, testSearch{beam: a.beam, alpha: a.alpha, precision: a.precision, lengthPenalty: a.lengthPenalty}, stderr)
		if err != nil {
			return err
		}
		a.hyp, a.refs = ts.Hyp, ts.Refs
	}
	hyps, refs, err := readEvalInput(stdin, a)
	if err != nil {
		return err
	}
	out, err := scoreEval(a, hyps, refs)
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, out)
	return err
}

// readEvalInput reads the hypotheses (a file, or standard input with
// universal newlines as sacreBLEU reads it) and the reference files.
func readEvalInput(stdin io.Reader, a evalArgs) (hyps []string, refs [][]string, err error) {
	for _, name := range a.refs {
		lines, err := readFileLines(name)
		if err != nil {
			return nil, nil, err
		}
		refs = append(refs, lines)
	}
	if a.hyp == "" || a.hyp == "-" {
		hyps, err = bleu.ReadLines(stdin, "standard input", true)
	} else {
		hyps, err = readFileLines(a.hyp)
	}
	if err == nil && len(hyps) == 0 {
		err = fmt.Errorf("%s: no hypothesis lines to score", nameOr(a.hyp, "standard input"))
	}
	return hyps, refs, err
}

func readFileLines(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return bleu.ReadLines(f, name, false)
}

func nameOr(name, dflt string) string {
	if name == "" || name == "-" {
		return dflt
	}
	return name
}

// scoreEval returns what eval prints: one line per metric (BLEU first,
// aligned on "=" as sacreBLEU aligns them) or their JSON, or with --sentence
// one line per hypothesis (text even with --format json, as sacreBLEU).
func scoreEval(a evalArgs, hyps []string, refs [][]string) (string, error) {
	for _, r := range refs {
		if len(r) != len(hyps) {
			return "", bleu.ErrLengthMismatch
		}
	}
	bo, co := a.options()
	if a.sentence {
		return sentenceScores(a, bo, co, hyps, refs)
	}
	var results []interface {
		Format(int) string
		JSON(int) string
	}
	if a.bleu {
		s, err := bleu.Corpus(hyps, refs, bo)
		if err != nil {
			return "", err
		}
		results = append(results, s)
	}
	if a.chrf {
		s, err := bleu.CorpusChrF(hyps, refs, co)
		if err != nil {
			return "", err
		}
		results = append(results, s)
	}
	lines := make([]string, len(results))
	for i, r := range results {
		if a.format == "json" {
			lines[i] = r.JSON(a.width)
		} else {
			lines[i] = r.Format(a.width)
		}
	}
	if a.format == "json" {
		return bleu.JSONList(lines) + "\n", nil
	}
	return joinLines(bleu.Align(lines)), nil
}

func (a evalArgs) options() (bleu.Options, bleu.ChrFOptions) {
	bo := bleu.Options{
		Tokenize: bleu.Tokenizer(a.tokenize), Lowercase: a.lowercase,
		Smooth: bleu.Smoothing(a.smooth), SmoothValue: a.smoothValue,
		EffectiveOrder: a.sentence,
	}
	co := bleu.ChrFOptions{WordOrder: a.chrfWordOrder, Lowercase: a.lowercase}
	return bo, co
}

// sentenceScores is sacreBLEU's -sl: one metric, one line per hypothesis.
func sentenceScores(a evalArgs, bo bleu.Options, co bleu.ChrFOptions, hyps []string, refs [][]string) (string, error) {
	var b bytes.Buffer
	seg := make([]string, len(refs))
	for i, h := range hyps {
		for k := range refs {
			seg[k] = refs[k][i]
		}
		var line string
		if a.bleu {
			s, err := bleu.Sentence(h, seg, bo)
			if err != nil {
				return "", err
			}
			line = s.Format(a.width)
		} else {
			s, err := bleu.SentenceChrF(h, seg, co)
			if err != nil {
				return "", err
			}
			line = s.Format(a.width)
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String(), nil
}

func joinLines(lines []string) string {
	var b bytes.Buffer
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}
