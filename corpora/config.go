package corpora

import (
	"errors"
	"fmt"
	"github.com/s2s-nmt/s2s/internal/field"
)

// Config is the data section of an experiment file: where the corpora are,
// how they are tokenized and cleaned. Paths are relative to the working
// directory. DefaultConfig gives the defaults.
type Config struct {
	// SrcLang and TgtLang are language codes, for logs and file names
	// (default "src" and "tgt").
	SrcLang string `yaml:"src_lang"`
	TgtLang string `yaml:"tgt_lang"`
	// Synthetic names a built-in corpus that replaces train, dev and test:
	// "numbers-en-ru". Empty (the default) reads the files below.
	Synthetic Synthetic `yaml:"synthetic"`
	// SyntheticSeed seeds the synthetic corpus generator (default 1).
	SyntheticSeed uint64 `yaml:"synthetic_seed"`
	// Train and Dev are parallel corpora: src and tgt files, or one tsv.
	Train Files `yaml:"train"`
	Dev   Files `yaml:"dev"`
	// Test is a source file and its references (optional).
	Test Files `yaml:"test"`
	// Tokenizer says how to learn or where to find the BPE tokenizers.
	Tokenizer TokenizerConfig `yaml:"tokenizer"`
	// MaxLen is the longest sentence in subword tokens, either side; longer
	// training pairs are dropped (default 80, at least 1).
	MaxLen int `yaml:"max_len"`
	// Filter holds the other cleaning filters of training data.
	Filter FilterConfig `yaml:"filter"`
	// SkipInvalidUTF8 drops (and counts) pairs with invalid UTF-8 instead of
	// failing on the first one (default false).
	SkipInvalidUTF8 bool `yaml:"skip_invalid_utf8"`
	// Text is a plain-text file, one stream of tokens, for a language model
	// (model.type lm) instead of train/dev/test. Empty by default.
	Text string `yaml:"text"`
	// DevText is a held-out text for the language model's validation; when
	// empty, the last DevFraction of Text is held out.
	DevText string `yaml:"dev_text"`
	// DevFraction is the share of Text, at its end, held out for validation
	// when DevText is empty, in [0, 0.5] (default 0.1: Karpathy's 90/10).
	DevFraction float64 `yaml:"dev_fraction"`
}

// Files names one split of a parallel corpus: Src and Tgt, or TSV (source
// and target in the first two tab-separated columns). A test split gives Src
// and any number of Refs. A name ending in .gz is read through gzip.
type Files struct {
	Src  string   `yaml:"src"`
	Tgt  string   `yaml:"tgt"`
	TSV  string   `yaml:"tsv"`
	Refs []string `yaml:"refs"`
}

// TokenizerConfig is the data.tokenizer section.
type TokenizerConfig struct {
	// Joint learns one vocabulary from both sides (default true).
	Joint bool `yaml:"joint"`
	// VocabSize is the size of each vocabulary, the 4 specials and the 256
	// byte symbols included (default 8000, at least 260).
	VocabSize int `yaml:"vocab_size"`
	// MinFrequency is the fewest times a pair must occur to be merged
	// (default 2, at least 1).
	MinFrequency int `yaml:"min_frequency"`
	// Path is an existing tokenizer.json used for both sides instead of
	// learning one; SrcPath and TgtPath give one per side.
	Path    string `yaml:"path"`
	SrcPath string `yaml:"src_path"`
	TgtPath string `yaml:"tgt_path"`
	// Dropout is the rate of BPE-dropout (Provilkov et al. 2020) on the
	// training pairs of a translation model: at the start of each epoch
	// both sides of every pair are segmented anew, each merge dropped with
	// this probability, seeded by training.seed, the epoch and the pair
	// (see Dropout). The max_len filter (so a re-segmented pair may be
	// longer), dev loss and BLEU, test and translation keep the
	// deterministic segmentation. In [0, 1) (default 0: off; the paper
	// uses 0.1): at 1 every word would be split into bytes, which
	// translation never sees. A language model (data.text) needs 0.
	Dropout float64 `yaml:"dropout"`
}

// FilterConfig is the data.filter section, applied to training pairs.
type FilterConfig struct {
	// MaxRatio drops pairs whose longer side has more than MaxRatio times
	// the tokens of the shorter one (default 9, Moses clean-corpus-n's
	// default; 0 turns it off).
	MaxRatio float64 `yaml:"max_ratio"`
	// Dedup drops exact duplicate pairs after the first (default true).
	Dedup bool `yaml:"dedup"`
}

// Synthetic names a built-in corpus.
type Synthetic string

// NumbersEnRu is the built-in English→Russian numbers and dates corpus.
const NumbersEnRu Synthetic = "numbers-en-ru"

// Valid reports whether s is empty or a known corpus.
func (s Synthetic) Valid() bool { return s == "" || s == NumbersEnRu }

// DefaultConfig returns the data section's defaults.
func DefaultConfig() Config {
	return Config{
		SrcLang:       "src",
		TgtLang:       "tgt",
		SyntheticSeed: 1,
		Tokenizer:     TokenizerConfig{Joint: true, VocabSize: 8000, MinFrequency: 2},
		MaxLen:        80,
		Filter:        FilterConfig{MaxRatio: 9, Dedup: true},
		DevFraction:   0.1,
	}
}

// FieldError is one invalid value of the section (see package field).
type FieldError = field.Error

// Validate returns every problem of the section joined into one error of
// *FieldError values, or nil.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &FieldError{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	if !c.Synthetic.Valid() {
		bad("synthetic", "%q is not one of %s", c.Synthetic, NumbersEnRu)
	}
	if c.DevFraction < 0 || c.DevFraction > 0.5 {
		bad("dev_fraction", "must be in [0, 0.5], not %g", c.DevFraction)
	}
	if c.Text != "" {
		if c.Synthetic != "" || c.Train.Src != "" || c.Train.TSV != "" || c.Dev.Src != "" || c.Dev.TSV != "" {
			bad("text", "a language model's text replaces train, dev and synthetic; remove those keys")
		}
	} else if c.DevText != "" {
		bad("dev_text", "dev_text goes with text (a language model's corpus)")
	}
	if c.Text == "" && c.Synthetic == "" {
		c.checkFiles(bad)
	} else if c.Text == "" && len(c.Paths()) > len(c.tokenizerPaths()) {
		bad("synthetic", "%s replaces train, dev and test; remove those keys", c.Synthetic)
	}
	t := c.Tokenizer
	if t.VocabSize < 260 {
		bad("tokenizer.vocab_size", "must be ≥ 260 (4 specials + 256 bytes), not %d", t.VocabSize)
	}
	if t.MinFrequency < 1 {
		bad("tokenizer.min_frequency", "must be ≥ 1, not %d", t.MinFrequency)
	}
	if !(t.Dropout >= 0 && t.Dropout < 1) {
		bad("tokenizer.dropout", "must be in [0, 1) (0 turns BPE-dropout off; 0.1 is usual), not %g", t.Dropout)
	} else if t.Dropout > 0 && c.Text != "" {
		bad("tokenizer.dropout", "BPE-dropout re-segments translation pairs, but a language model's text (data.text) is encoded once as one stream: set it to 0")
	}
	if t.Path != "" && (t.SrcPath != "" || t.TgtPath != "") {
		bad("tokenizer.path", "give path, or src_path and tgt_path, not both")
	}
	if (t.SrcPath == "") != (t.TgtPath == "") {
		bad("tokenizer.src_path", "src_path and tgt_path go together")
	}
	if c.MaxLen < 1 {
		bad("max_len", "must be ≥ 1, not %d", c.MaxLen)
	}
	if c.Filter.MaxRatio != 0 && c.Filter.MaxRatio < 1 {
		bad("filter.max_ratio", "must be 0 (off) or ≥ 1, not %g", c.Filter.MaxRatio)
	}
	return errors.Join(errs...)
}

// checkFiles checks that train and dev name a corpus and test a source.
func (c *Config) checkFiles(bad func(key, format string, args ...any)) {
	for _, s := range []struct {
		key  string
		f    Files
		need bool
	}{{"train", c.Train, true}, {"dev", c.Dev, false}} {
		pair := s.f.Src != "" || s.f.Tgt != ""
		switch {
		case pair && s.f.TSV != "":
			bad(s.key+".tsv", "give src and tgt, or tsv, not both")
		case pair && (s.f.Src == "" || s.f.Tgt == ""):
			bad(s.key+".src", "src and tgt go together")
		case !pair && s.f.TSV == "" && s.need:
			bad(s.key, "give src and tgt files, or tsv, or data.synthetic: %s", NumbersEnRu)
		}
		if len(s.f.Refs) > 0 {
			bad(s.key+".refs", "refs belong to the test split")
		}
	}
	if c.Test.TSV != "" || c.Test.Tgt != "" {
		bad("test", "give src and refs")
	}
	if len(c.Test.Refs) > 0 && c.Test.Src == "" {
		bad("test.src", "refs need a source file")
	}
}

// Paths returns every corpus or tokenizer file the section names, with its
// key path, for a check that they exist.
func (c *Config) Paths() map[string]string {
	out := map[string]string{}
	add := func(key, p string) {
		if p != "" {
			out[key] = p
		}
	}
	for key, f := range map[string]Files{"train": c.Train, "dev": c.Dev, "test": c.Test} {
		add(key+".src", f.Src)
		add(key+".tgt", f.Tgt)
		add(key+".tsv", f.TSV)
		for i, r := range f.Refs {
			add(fmt.Sprintf("%s.refs[%d]", key, i), r)
		}
	}
	for k, p := range c.tokenizerPaths() {
		out[k] = p
	}
	add("text", c.Text)
	add("dev_text", c.DevText)
	return out
}

// tokenizerPaths returns the tokenizer files the section names.
func (c *Config) tokenizerPaths() map[string]string {
	out := map[string]string{}
	for k, p := range map[string]string{"tokenizer.path": c.Tokenizer.Path,
		"tokenizer.src_path": c.Tokenizer.SrcPath, "tokenizer.tgt_path": c.Tokenizer.TgtPath} {
		if p != "" {
			out[k] = p
		}
	}
	return out
}
