package corpora

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/s2s-nmt/s2s/internal/atomicfile"
)

// Prepared is what Prepare gives the trainer: the tokenizers and the
// encoded corpora.
type Prepared struct {
	// Src and Tgt are the tokenizers (the same one twice for a joint
	// vocabulary), also written as tokenizer.src.json and tokenizer.tgt.json.
	Src, Tgt *Tokenizer
	// Train and Dev are the encoded, cleaned corpora (Dev is empty when the
	// config has none); TrainStats and DevStats say what was dropped.
	Train, Dev           *Dataset
	TrainStats, DevStats Stats
	// DevText is the dev split's lines as read, before cleaning and
	// encoding: what dev BLEU translates and scores.
	DevText DevText
	// Test is the test split, if any.
	Test TestSet
	// Files is the data section with every corpus resolved to a file (a
	// synthetic corpus is written under the run directory's data/).
	Files Config
}

// DevText is a dev split's source and target lines as ReadSides reads
// them, and the names of the files they came from.
type DevText struct {
	Src, Tgt         []string
	SrcName, TgtName string
}

// TestSet is a test split: source lines, their ids, and the references
// (Refs[k][i] is reference k of line i).
type TestSet struct {
	Src    []string
	SrcIDs [][]int32
	Refs   [][]string
}

// Paths are where preparation writes: the two tokenizer files and the
// folder of the encoded-corpus cache.
type Paths struct {
	SrcTokenizer, TgtTokenizer string
	Data                       string
}

// Prepare learns or loads the tokenizers and encodes the corpora of cfg:
// it writes the tokenizers and the cache where out says. A second call
// with the same corpus files and tokenizer reads the cache instead of
// encoding. log gets one summary line per split.
func Prepare(cfg Config, out Paths, log *slog.Logger) (*Prepared, error) {
	dataDir := out.Data
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, err
	}
	cfg, err := resolveSynthetic(cfg, dataDir)
	if err != nil {
		return nil, err
	}
	p := &Prepared{Files: cfg}
	if p.Src, p.Tgt, err = tokenizers(cfg, out, log); err != nil {
		return nil, err
	}
	if p.Train, p.TrainStats, err = encodeSplit(cfg, "train", cfg.Train, p, dataDir, log); err != nil {
		return nil, err
	}
	if cfg.Dev.TSV != "" || cfg.Dev.Src != "" {
		if p.Dev, p.DevStats, err = encodeSplit(cfg, "dev", cfg.Dev, p, dataDir, log); err != nil {
			return nil, err
		}
		if p.DevText.Src, p.DevText.Tgt, err = ReadSides(cfg.Dev); err != nil {
			return nil, err
		}
		p.DevText.SrcName, p.DevText.TgtName = cfg.Dev.Src, cfg.Dev.Tgt
		if cfg.Dev.TSV != "" {
			p.DevText.SrcName, p.DevText.TgtName = cfg.Dev.TSV, cfg.Dev.TSV
		}
	} else {
		p.Dev = &Dataset{}
	}
	if p.Test, err = readTest(cfg.Test, p.Src); err != nil {
		return nil, err
	}
	return p, nil
}

// readTest reads the test source and references, if the config has them.
func readTest(f Files, src *Tokenizer) (TestSet, error) {
	var ts TestSet
	if f.Src == "" {
		return ts, nil
	}
	var err error
	if ts.Src, err = ReadLines(f.Src); err != nil {
		return ts, err
	}
	for _, r := range f.Refs {
		ref, err := ReadLines(r)
		if err != nil {
			return ts, err
		}
		if len(ref) != len(ts.Src) {
			return ts, fmt.Errorf("%s has %d lines but %s has %d: a reference needs one line per source line", f.Src, len(ts.Src), r, len(ref))
		}
		ts.Refs = append(ts.Refs, ref)
	}
	ts.SrcIDs = EncodeLines(ts.Src, src)
	return ts, nil
}

// resolveSynthetic writes a synthetic corpus as files under dataDir (once)
// and points train, dev and test at them.
func resolveSynthetic(cfg Config, dataDir string) (Config, error) {
	if cfg.Synthetic == "" {
		return cfg, nil
	}
	c := NumbersEnRuCorpus(cfg.SyntheticSeed)
	dir := filepath.Join(dataDir, fmt.Sprintf("%s-seed%d", cfg.Synthetic, cfg.SyntheticSeed))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return cfg, err
	}
	splits := []struct {
		name  string
		pairs []Pair
		f     *Files
	}{{"train", c.Train, &cfg.Train}, {"dev", c.Dev, &cfg.Dev}, {"test", c.Test, &cfg.Test}}
	for _, s := range splits {
		src := filepath.Join(dir, s.name+"."+cfg.SrcLang)
		tgt := filepath.Join(dir, s.name+"."+cfg.TgtLang)
		if err := writePairs(src, tgt, s.pairs); err != nil {
			return cfg, err
		}
		*s.f = Files{Src: src, Tgt: tgt}
	}
	cfg.Test = Files{Src: cfg.Test.Src, Refs: []string{cfg.Test.Tgt}}
	return cfg, nil
}

// writePairs writes the two sides of pairs, one line each, unless both
// files already hold exactly that.
func writePairs(srcPath, tgtPath string, pairs []Pair) error {
	var s, t strings.Builder
	for _, p := range pairs {
		s.WriteString(p.Src + "\n")
		t.WriteString(p.Tgt + "\n")
	}
	for _, f := range []struct{ path, text string }{{srcPath, s.String()}, {tgtPath, t.String()}} {
		if old, err := os.ReadFile(f.path); err == nil && string(old) == f.text {
			continue
		}
		if err := atomicfile.WriteFile(f.path, []byte(f.text), 0o644); err != nil {
			return err
		}
	}
	return nil
}
