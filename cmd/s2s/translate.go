package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/internal/atomicfile"
	"github.com/s2s-nmt/s2s/internal/layer"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/s2s-nmt/s2s/shard"
	"github.com/s2s-nmt/s2s/translate"
	"github.com/urfave/cli/v2"
)

// translateArgs are the flags of s2s translate. alpha and maxLenRatio
// count only when given (hasAlpha, hasMaxLenRatio); otherwise the model
// config's defaults apply.
type translateArgs struct {
	models                   fileList // --model, once per model of an ensemble
	weights                  string   // --weights, comma-separated
	input, output            string
	beam, nbest              int
	alpha, maxLenRatio       float64
	lengthPenalty            string
	hasAlpha, hasMaxLenRatio bool
	batchSize, threads       int
	greedy, sample           bool
	temperature              float64
	topK                     int
	seed                     uint64
	alignments               string
	scores                   bool
	shard                    string // "I/N" or "auto/N"; "" translates the whole input
	commitEvery              int
	precision                string // "": the config's
}

func newTranslateCommand() *cli.Command {
	var a translateArgs
	return &cli.Command{
		Name:  "translate",
		Usage: "translate text, one sentence per line, with beam search, greedy search or sampling",
		Description: "Reads standard input (or -i FILE) and writes exactly one line per input line (N with --nbest N),\n" +
			"in order, as the input arrives. Defaults for --beam, --alpha and --max-len-ratio come from\n" +
			"the model config's translate section. --model takes a run directory, a checkpoint inside\n" +
			"one (runs/NAME/checkpoints/step-N) or an averaged model; default runs/latest. Given more\n" +
			"than once, it translates with the ensemble of the models: each step scores a token by\n" +
			"Σᵢ wᵢ·log pᵢ, the --weights normalised to sum to 1 (equal by default), and --sample draws\n" +
			"from that combination renormalised. The models must share the target vocabulary; each\n" +
			"encodes the input with its own source tokenizer. The first model gives the defaults, the\n" +
			"length bound and the alignments.\n" +
			"With --shard I/N it translates the I-th of N byte ranges of -i FILE, aligned to lines, into\n" +
			"-o DIR/part-IIIII-of-NNNNN.txt with a manifest part-IIIII-of-NNNNN.json; a rerun resumes from\n" +
			"its last commit, and s2s merge DIR -o FILE joins the shards. Exit code 3: the input can never\n" +
			"succeed (missing, unreadable, gzip); do not retry.",
		Flags: []cli.Flag{
			&cli.GenericFlag{Name: "model", Value: &a.models, Usage: "model `DIR` (default runs/latest; repeat for an ensemble)"},
			&cli.StringFlag{Name: "weights", Usage: "ensemble weights `W1,W2,...`, one per --model, each > 0 (default equal)", Destination: &a.weights},
			&cli.StringFlag{Name: "input", Aliases: []string{"i"}, Usage: "input `FILE` (default standard input)", Destination: &a.input},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "output `FILE`, written atomically (default standard output)", Destination: &a.output},
			&cli.IntFlag{Name: "beam", Usage: "beam size (default: the config's, 5)", Destination: &a.beam},
			&cli.IntFlag{Name: "nbest", Usage: "print the `N` best hypotheses per sentence in Marian's n-best format", Destination: &a.nbest},
			&cli.Float64Flag{Name: "alpha", Usage: "length normalisation: score / length^alpha (default: the config's, 1.0)", Destination: &a.alpha},
			&cli.StringFlag{Name: "length-penalty", Usage: "what --alpha raises: marian (length) or gnmt ((5+length)/6) (default: the config's, marian)", Destination: &a.lengthPenalty},
			&cli.Float64Flag{Name: "max-len-ratio", Usage: "output length bound: ratio × source length + max_len_extra", Destination: &a.maxLenRatio},
			&cli.IntFlag{Name: "batch-size", Usage: "sentences per batch (default: the config's, 32)", Destination: &a.batchSize},
			&cli.IntFlag{Name: "threads", Usage: "cores to use, one batch each (0: all)", Destination: &a.threads},
			&cli.BoolFlag{Name: "greedy", Usage: "greedy search", Destination: &a.greedy},
			&cli.BoolFlag{Name: "sample", Usage: "sample from the model's (or ensemble's) distribution (with --nbest N: N samples)", Destination: &a.sample},
			&cli.Float64Flag{Name: "temperature", Value: 1, Usage: "sampling temperature T ≥ 0 (0: greedy)", Destination: &a.temperature},
			&cli.IntFlag{Name: "top-k", Usage: "sample from the K most probable tokens (0: all)", Destination: &a.topK},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "sampling seed (line i draws from PCG(seed, i))", Destination: &a.seed},
			&cli.StringFlag{Name: "alignments", Usage: "add alignments: hard (Pharaoh word pairs) or soft (attention weights)", Destination: &a.alignments},
			&cli.BoolFlag{Name: "scores", Usage: "append the log-probability and normalised score to each line", Destination: &a.scores},
			&cli.StringFlag{Name: "shard", Usage: "translate shard `I/N` of -i FILE into the directory -o DIR (auto/N: I from JOB_COMPLETION_INDEX)", Destination: &a.shard},
			precisionFlag(&a.precision),
			&cli.IntFlag{Name: "commit-every", Value: defaultCommitEvery, Usage: "with --shard, commit progress every `N` lines", Destination: &a.commitEvery},
		},
		Action: func(c *cli.Context) error {
			if err := a.check(c); err != nil {
				return err
			}
			return runTranslate(a, c.App.Reader, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// check notes which flags were given and checks what can be checked
// without the model.
func (a *translateArgs) check(c *cli.Context) error {
	a.hasAlpha, a.hasMaxLenRatio = c.IsSet("alpha"), c.IsSet("max-len-ratio")
	if c.NArg() > 0 {
		return usagef("translate takes no arguments (got %q): read a file with -i FILE", c.Args().First())
	}
	if _, err := parseWeights(a.weights, len(modelDirs(&a.models))); err != nil {
		return usagef("translate: %w", err)
	}
	sampling := c.IsSet("temperature") || c.IsSet("top-k") || c.IsSet("seed")
	switch {
	case a.greedy && a.sample:
		return usagef("translate: --greedy and --sample exclude each other")
	case sampling && !a.sample:
		return usagef("translate: --temperature, --top-k and --seed go with --sample")
	case (a.greedy || a.sample) && c.IsSet("beam"):
		return usagef("translate: --beam is for beam search, not --greedy or --sample")
	case a.greedy && a.nbest > 1:
		return usagef("translate: greedy search finds one hypothesis: --nbest %d needs beam search or --sample", a.nbest)
	case c.IsSet("beam") && a.beam < 1, c.IsSet("nbest") && a.nbest < 1,
		c.IsSet("batch-size") && a.batchSize < 1, a.threads < 0, a.topK < 0:
		return usagef("translate: --beam, --nbest and --batch-size must be ≥ 1; --threads and --top-k ≥ 0")
	case a.lengthPenalty != "" && !translate.LengthPenalty(a.lengthPenalty).Valid():
		return usagef("translate: --length-penalty %q is not one of marian, gnmt", a.lengthPenalty)
	case !translate.Alignment(a.alignments).Valid():
		return usagef("translate: --alignments %q is not one of hard, soft", a.alignments)
	case a.shard == "" && c.IsSet("commit-every"):
		return usagef("translate: --commit-every goes with --shard")
	case a.shard == "":
		return nil
	case a.sample:
		return usagef("translate: --sample cannot be used with --shard: sampling seeds follow global line numbers, which a shard does not know")
	case a.input == "" || a.input == "-" || a.output == "" || a.output == "-":
		return usagef("translate: --shard needs an input file -i FILE and an output directory -o DIR")
	case a.commitEvery < 1:
		return usagef("translate: --commit-every must be ≥ 1")
	}
	return nil
}

// options returns the search options: the (first) model config's,
// overridden by the flags.
func (a translateArgs) options(m *loadedModel) (translate.Options, error) {
	o := translate.FromConfig(m.Config.Translate)
	switch {
	case a.greedy:
		o.Mode = translate.Greedy
	case a.sample:
		o.Mode, o.Temperature, o.TopK, o.Seed = translate.Sample, a.temperature, a.topK, a.seed
	}
	if a.beam > 0 {
		o.Beam = a.beam
	}
	o.NBest = max(a.nbest, 1)
	if a.hasAlpha {
		o.Alpha = a.alpha
	}
	if a.hasMaxLenRatio {
		o.MaxLenRatio = a.maxLenRatio
	}
	if a.lengthPenalty != "" {
		o.LengthPenalty = translate.LengthPenalty(a.lengthPenalty)
	}
	o.Alignments = a.alignments != ""
	if o.Mode == translate.Beam && o.NBest > o.Beam {
		return o, usagef("translate: --nbest %d is more than the beam size %d: pass --beam %d", o.NBest, o.Beam, o.NBest)
	}
	if o.Alignments && m.Net.Dec.Cfg.Attention == layer.NoAttention {
		return o, fmt.Errorf("translate: --alignments: the model %s has no attention", m.Dir)
	}
	if err := o.Validate(); err != nil {
		return o, usageError{fmt.Errorf("translate: %w", err)}
	}
	return o, nil
}

// runTranslate does s2s translate.
func runTranslate(a translateArgs, stdin io.Reader, stdout, stderr io.Writer) error {
	if a.threads > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(a.threads))
	}
	var sh *shardWorker
	if a.shard != "" {
		i, n, err := shard.Parse(a.shard, os.Getenv("JOB_COMPLETION_INDEX"))
		if err != nil {
			return usageError{fmt.Errorf("translate: %w", err)}
		}
		f, input, err := openShardInput(a.input)
		if err != nil {
			return err
		}
		defer f.Close()
		rng, err := shard.Bounds(f, input.Size, i, n)
		if err != nil {
			return inputError{fmt.Errorf("%s: %w", a.input, err)}
		}
		sh = &shardWorker{job: shard.Job{Input: input}, rng: rng, in: f, dir: a.output, every: a.commitEvery, log: stderr}
	}
	weights, err := parseWeights(a.weights, len(modelDirs(&a.models)))
	if err != nil {
		return usagef("translate: %w", err)
	}
	ms, err := openEnsemble(modelDirs(&a.models), stderr)
	if err != nil {
		return err
	}
	if a.precision, err = usePrecisions(ms, a.precision); err != nil {
		return err
	}
	opt, err := a.options(ms[0])
	if err != nil {
		return err
	}
	s := newStream(ms, weights, opt, a.batchSize, stderr)
	s.Format.NBest, s.Format.Align, s.Format.Scores = a.nbest > 0, translate.Alignment(a.alignments), a.scores
	if sh != nil {
		sh.job.Model, sh.job.Settings, sh.stream = ensembleID(ms, weights), shardSettings(a, opt), s
		s.Input.Name = fmt.Sprintf("%s (shard %d/%d)", a.input, sh.rng.Index, sh.rng.Count)
		return sh.run()
	}
	in, name := stdin, "standard input"
	if a.input != "" && a.input != "-" {
		f, err := os.Open(a.input)
		if err != nil {
			return inputError{err}
		}
		defer f.Close()
		in, name = f, a.input
	}
	s.Input.Name = name
	if a.output == "" || a.output == "-" {
		return s.Run(in, stdout)
	}
	return runToFile(s, in, a.output)
}

// newStream returns a stream over the ensemble of ms with weights (one
// model: that model) and opt, batches of batchSize (0: the first model
// config's) and one worker per core. Each model encodes the input with
// its own source tokenizer; the output is detokenised by the first's.
func newStream(ms []*loadedModel, weights []float64, opt translate.Options, batchSize int, warn io.Writer) *translate.Stream[float32] {
	m := ms[0]
	if batchSize < 1 {
		batchSize = m.Config.Translate.BatchSize
	}
	s := &translate.Stream[float32]{
		Model: m.Net, Weights: weights, Options: opt, BatchSize: batchSize, Workers: runtime.GOMAXPROCS(0), Warn: warn,
		Format: translate.Format{Src: m.Src, Tgt: m.Tgt},
		Input:  translate.Input{Tok: m.Src, MaxLen: m.Config.Data.MaxLen},
	}
	for _, o := range ms[1:] {
		s.Others = append(s.Others, o.Net)
		s.Input.Others = append(s.Input.Others, translate.SourceTok{Tok: o.Src, MaxLen: o.Config.Data.MaxLen})
	}
	return s
}

// runToFile runs s into path atomically: the file appears complete, or
// not at all.
func runToFile(s *translate.Stream[float32], in io.Reader, path string) error {
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return err
	}
	if err := s.Run(in, f); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

// testSearch overrides the config's search for translateTestSet: zero
// values keep the config's.
type testSearch struct {
	beam                     int
	alpha                    *float64
	precision, lengthPenalty string
}

// translateTestSet translates the test set of the model in dirs[0]
// (runs/latest when "") with its best weights, ensembled with the models
// of the other dirs with weights, and the config's search overridden by
// ts, writes runs/<name>/test.hyp of the first model atomically and
// returns it with the reference files.
func translateTestSet(dirs []string, weights []float64, ts testSearch, log io.Writer) (testSet, error) {
	ms, err := openEnsemble(dirs, log)
	if err == nil {
		_, err = usePrecisions(ms, ts.precision)
	}
	if errors.Is(err, rundir.ErrNoModel) {
		return testSet{}, fmt.Errorf("translating the test set needs a trained model: %s does not exist here; "+
			"train one first with `s2s train CONFIG`, pass --model DIR, or score a translation with --ref REF [--hyp HYP]", rundir.Latest)
	}
	if err != nil {
		return testSet{}, err
	}
	m := ms[0]
	src, refs, err := testFiles(m)
	if err != nil {
		return testSet{}, err
	}
	opt := translate.FromConfig(m.Config.Translate)
	if ts.beam > 0 {
		opt.Beam = ts.beam
	}
	if ts.alpha != nil {
		opt.Alpha = *ts.alpha
	}
	if ts.lengthPenalty != "" {
		opt.LengthPenalty = translate.LengthPenalty(ts.lengthPenalty)
	}
	f, err := os.Open(src)
	if err != nil {
		return testSet{}, err
	}
	defer f.Close()
	s := newStream(ms, weights, opt, 0, log)
	s.Input.Name = src
	hyp := m.Run.Path(rundir.TestHypFile)
	if err := runToFile(s, f, hyp); err != nil {
		return testSet{}, err
	}
	with := m.Dir
	for _, o := range ms[1:] {
		with += " + " + o.Dir
	}
	fmt.Fprintf(log, "translated %s with %s (beam %d) into %s\n", src, with, opt.Beam, hyp)
	return testSet{Hyp: hyp, Refs: refs}, nil
}

// testFiles returns the test source and references of m's config: the
// data.test files, or for a synthetic corpus the test split prepare wrote
// under the run's data/ (written now if it is missing).
func testFiles(m *loadedModel) (string, []string, error) {
	d := m.Config.Data
	switch {
	case d.Test.Src != "" && len(d.Test.Refs) > 0:
		return d.Test.Src, d.Test.Refs, nil
	case d.Synthetic == corpora.NumbersEnRu:
		dir := filepath.Join(m.Run.Path(rundir.DataDir), fmt.Sprintf("%s-seed%d", d.Synthetic, d.SyntheticSeed))
		src, ref := filepath.Join(dir, "test."+d.SrcLang), filepath.Join(dir, "test."+d.TgtLang)
		if _, err := os.Stat(src); err == nil {
			return src, []string{ref}, nil
		}
		return src, []string{ref}, writeSyntheticTest(d.SyntheticSeed, src, ref)
	}
	return "", nil, fmt.Errorf("%s: no data.test.src with data.test.refs to translate and score: "+
		"add them to the config, or score a translation with s2s eval --ref REF [--hyp HYP]",
		m.Run.Path(rundir.ConfigFile))
}

// writeSyntheticTest writes the numbers corpus's test split.
func writeSyntheticTest(seed uint64, src, ref string) error {
	var s, t strings.Builder
	for _, p := range corpora.NumbersEnRuCorpus(seed).Test {
		s.WriteString(p.Src + "\n")
		t.WriteString(p.Tgt + "\n")
	}
	if err := os.MkdirAll(filepath.Dir(src), 0o755); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(src, []byte(s.String()), 0o644); err != nil {
		return err
	}
	return atomicfile.WriteFile(ref, []byte(t.String()), 0o644)
}
