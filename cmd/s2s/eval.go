package main

import (
	"strings"

	"github.com/s2s-nmt/s2s/translate"
	"github.com/s2s-nmt/s2s/translate/bleu"
	"github.com/urfave/cli/v2"
)

// evalArgs are the flags of s2s eval.
type evalArgs struct {
	bleu, chrf     bool
	chrfWordOrder  int
	models         fileList // --model, once per model of an ensemble
	weights        string   // --weights
	beam           int
	refs           []string
	hyp            string
	tokenize       string
	lowercase      bool
	smooth         string
	smoothValue    *float64 // --smooth-value when given
	smoothFlag     float64  // what --smooth-value binds to
	sentence       bool
	format         string
	width          int
	modelFlagsUsed bool
	precision      string   // "": the config's
	lengthPenalty  string   // "": the config's
	alpha          *float64 // --alpha when given
	alphaFlag      float64  // what --alpha binds to
	sweep          string   // --sweep-alpha as given
	alphas         []float64
}

// testSet is what translating a model's test set yields: the hypothesis
// file written (runs/<name>/test.hyp) and the files of data.test.refs.
type testSet struct {
	Hyp  string
	Refs []string
}

func newEvalCommand() *cli.Command {
	var a evalArgs
	refs := &fileList{}
	return &cli.Command{
		Name:      "eval",
		Usage:     "score a translation with BLEU and chrF exactly as sacreBLEU 2.6.0 does",
		ArgsUsage: "[more reference files]",
		Description: "With --ref, scores --hyp (or standard input) against the references.\n" +
			"Without --ref, translates the model's test set and scores it against data.test.refs.\n" +
			"Prints sacreBLEU's line with its signature; BLEU when neither --bleu nor --chrf is given.",
		Flags: evalFlags(&a, refs),
		Action: func(c *cli.Context) error {
			if err := a.finish(c, refs.files); err != nil {
				return err
			}
			return runEval(c.App.Reader, c.App.Writer, c.App.ErrWriter, a)
		},
	}
}

func evalFlags(a *evalArgs, refs *fileList) []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "bleu", Usage: "compute BLEU (the default)", Destination: &a.bleu},
		&cli.BoolFlag{Name: "chrf", Usage: "compute chrF (chrF++ with --chrf-word-order 2)", Destination: &a.chrf},
		&cli.IntFlag{Name: "chrf-word-order", Usage: "chrF word n-gram order (2: chrF++)", Destination: &a.chrfWordOrder},
		&cli.GenericFlag{Name: "model", Value: &a.models, Usage: "model `DIR` to translate the test set with (default runs/latest; repeat for an ensemble)"},
		&cli.StringFlag{Name: "weights", Usage: "ensemble weights `W1,W2,...`, one per --model, each > 0 (default equal)", Destination: &a.weights},
		&cli.IntFlag{Name: "beam", Usage: "beam size for translating the test set (default: the model config's)", Destination: &a.beam},
		precisionFlag(&a.precision),
		&cli.Float64Flag{Name: "alpha", Usage: "length normalisation for translating the test set (default: the config's)", Destination: &a.alphaFlag},
		&cli.StringFlag{Name: "length-penalty", Usage: "what alpha raises when translating: marian or gnmt (default: the config's)", Destination: &a.lengthPenalty},
		&cli.StringFlag{Name: "sweep-alpha", Usage: "translate the dev set once and print its scores for each alpha of the list `A1,A2,...`", Destination: &a.sweep},
		&cli.GenericFlag{Name: "ref", Value: refs, Usage: "reference `FILE` (repeat for several)"},
		&cli.StringFlag{Name: "hyp", Usage: "hypothesis `FILE` (default standard input)", Destination: &a.hyp},
		&cli.StringFlag{Name: "tokenize", Value: "13a", Usage: "BLEU tokenizer: 13a, intl, char or none", Destination: &a.tokenize},
		&cli.BoolFlag{Name: "lowercase", Aliases: []string{"lc"}, Usage: "case-insensitive scores", Destination: &a.lowercase},
		&cli.StringFlag{Name: "smooth", Value: "exp", Usage: "BLEU smoothing: exp, floor, add-k or none", Destination: &a.smooth},
		&cli.Float64Flag{Name: "smooth-value", Usage: "value for floor (default 0.1) and add-k (default 1)", Destination: &a.smoothFlag},
		&cli.BoolFlag{Name: "sentence", Usage: "one score per line (BLEU with effective order)", Destination: &a.sentence},
		&cli.StringFlag{Name: "format", Value: "text", Usage: "output format: text or json", Destination: &a.format},
		&cli.IntFlag{Name: "width", Value: 1, Usage: "decimals of the score", Destination: &a.width},
	}
}

// finish completes the flags bound into a and checks them; positional
// arguments are more reference files, as in sacreBLEU.
func (a *evalArgs) finish(c *cli.Context, refs []string) error {
	a.modelFlagsUsed = c.IsSet("model") || c.IsSet("beam") || c.IsSet("precision") || c.IsSet("weights") || c.IsSet("length-penalty") || c.IsSet("alpha")
	if c.IsSet("alpha") {
		a.alpha = &a.alphaFlag
	}
	if c.IsSet("sweep-alpha") {
		alphas, err := parseAlphas(a.sweep)
		if err != nil {
			return err
		}
		a.alphas = alphas
	}
	if c.IsSet("smooth-value") {
		a.smoothValue = &a.smoothFlag
	}
	a.refs = append(append([]string{}, refs...), c.Args().Slice()...)
	if !a.bleu && !a.chrf {
		a.bleu = true
	}
	if _, err := parseWeights(a.weights, len(modelDirs(&a.models))); err != nil {
		return usagef("eval: %w", err)
	}
	return a.check()
}

func (a evalArgs) check() error {
	for _, r := range a.refs {
		if strings.HasPrefix(r, "-") && r != "-" {
			return usagef("eval: %q after the reference files: flags go first, e.g. s2s eval --hyp H --ref R1 R2 R3", r)
		}
	}
	switch {
	case !bleu.Tokenizer(a.tokenize).Valid():
		return usagef("eval: --tokenize %q is not one of 13a, intl, char, none", a.tokenize)
	case !bleu.Smoothing(a.smooth).Valid():
		return usagef("eval: --smooth %q is not one of exp, floor, add-k, none", a.smooth)
	case a.format != "text" && a.format != "json":
		return usagef("eval: --format %q is not one of text, json", a.format)
	case a.width < 0:
		return usagef("eval: --width %d: must be 0 or more", a.width)
	case a.chrfWordOrder < 0:
		return usagef("eval: --chrf-word-order %d: must be 0 or more", a.chrfWordOrder)
	case a.sentence && a.bleu && a.chrf:
		return usagef("eval: --sentence scores one metric at a time: give --bleu or --chrf, not both")
	case len(a.refs) > 0 && a.modelFlagsUsed:
		return usagef("eval: --model and --beam (and --weights, --precision) translate the test set; with --ref there is nothing to translate")
	case a.lengthPenalty != "" && !translate.LengthPenalty(a.lengthPenalty).Valid():
		return usagef("eval: --length-penalty %q is not one of marian, gnmt", a.lengthPenalty)
	case a.alpha != nil && !(*a.alpha >= 0):
		return usagef("eval: --alpha %g: must be ≥ 0", *a.alpha)
	case a.alphas != nil && (len(a.refs) > 0 || a.hyp != "" || a.sentence || a.format != "text" || a.alpha != nil):
		return usagef("eval: --sweep-alpha translates and scores the model's dev set: it takes no --alpha, --ref, --hyp, --sentence or --format json")
	case len(a.refs) == 0 && a.hyp != "":
		return usagef("eval: --hyp needs --ref FILE to score it against")
	}
	return nil
}
