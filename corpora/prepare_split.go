package corpora

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"

	"github.com/s2s-nmt/s2s/internal/atomicfile"
)

// tokenizerKey, in the cache folder, records what the learned tokenizers
// were learned from.
const tokenizerKey = "tokenizer.key"

// files returns the corpus files of f, in a fixed order.
func (f Files) files() []string {
	if f.TSV != "" {
		return []string{f.TSV}
	}
	return []string{f.Src, f.Tgt}
}

// tokenizers loads the configured tokenizer files, or reuses the run's
// tokenizers when they were learned from the same corpus and settings, or
// learns new ones; either way it writes them into runDir.
func tokenizers(cfg Config, out Paths, log *slog.Logger) (src, tgt *Tokenizer, err error) {
	srcOut, tgtOut := out.SrcTokenizer, out.TgtTokenizer
	t := cfg.Tokenizer
	switch {
	case t.Path != "":
		if src, err = Load(t.Path); err != nil {
			return nil, nil, err
		}
		tgt = src
	case t.SrcPath != "":
		if src, err = Load(t.SrcPath); err != nil {
			return nil, nil, err
		}
		if tgt, err = Load(t.TgtPath); err != nil {
			return nil, nil, err
		}
	default:
		return learnTokenizers(cfg, out, log)
	}
	// The run's tokenizers are no longer the learned ones.
	if err = os.Remove(filepath.Join(out.Data, tokenizerKey)); err != nil && !os.IsNotExist(err) {
		return nil, nil, err
	}
	if err = src.Save(srcOut); err == nil {
		err = tgt.Save(tgtOut)
	}
	return src, tgt, err
}

// learnTokenizers learns the BPE from the training corpus unless the run
// directory holds tokenizers learned from the same files and settings.
func learnTokenizers(cfg Config, out Paths, log *slog.Logger) (src, tgt *Tokenizer, err error) {
	t := cfg.Tokenizer
	srcOut, tgtOut := out.SrcTokenizer, out.TgtTokenizer
	keyFile := filepath.Join(out.Data, tokenizerKey)
	key, err := hashFiles([]string{"bpe v1", strconv.FormatBool(t.Joint), strconv.Itoa(t.VocabSize),
		strconv.Itoa(t.MinFrequency), strconv.FormatBool(cfg.SkipInvalidUTF8)}, cfg.Train.files()...)
	if err != nil {
		return nil, nil, err
	}
	if old, err := os.ReadFile(keyFile); err == nil && string(old) == key {
		if src, err = Load(srcOut); err == nil {
			if tgt, err = Load(tgtOut); err == nil {
				log.Info("tokenizers unchanged", "src", srcOut, "tgt", tgtOut)
				return src, tgt, nil
			}
		}
	}
	var st Stats
	pairs, err := ReadPairs(cfg.Train, cfg.SkipInvalidUTF8, &st)
	if err != nil {
		return nil, nil, err
	}
	srcLines, tgtLines := make([]string, len(pairs)), make([]string, len(pairs))
	for i, p := range pairs {
		srcLines[i], tgtLines[i] = p.Src, p.Tgt
	}
	opt := LearnOptions{VocabSize: t.VocabSize, MinFrequency: t.MinFrequency}
	if t.Joint {
		src, err = Learn(opt, srcLines, tgtLines)
		tgt = src
	} else if src, err = Learn(opt, srcLines); err == nil {
		tgt, err = Learn(opt, tgtLines)
	}
	if err != nil {
		return nil, nil, err
	}
	log.Info("learned BPE", "joint", t.Joint, "src_vocab", src.VocabSize(), "tgt_vocab", tgt.VocabSize())
	if err = src.Save(srcOut); err == nil {
		if err = tgt.Save(tgtOut); err == nil {
			err = atomicfile.WriteFile(keyFile, []byte(key), 0o644)
		}
	}
	return src, tgt, err
}

// encodeSplit reads, cleans and encodes one split, through the cache in
// dataDir keyed by the corpus files, the tokenizers and the filters.
func encodeSplit(cfg Config, name string, f Files, p *Prepared, dataDir string, log *slog.Logger) (*Dataset, Stats, error) {
	srcJSON, _ := p.Src.MarshalJSON()
	tgtJSON, _ := p.Tgt.MarshalJSON()
	train := name == "train"
	key, err := hashFiles([]string{cacheMagic, name, string(srcJSON), string(tgtJSON),
		fmt.Sprint(cfg.MaxLen, cfg.Filter.MaxRatio, cfg.Filter.Dedup, cfg.SkipInvalidUTF8, train)}, f.files()...)
	if err != nil {
		return nil, Stats{}, err
	}
	cache := filepath.Join(dataDir, name+"-"+key[:16]+".ids")
	if d, st, err := loadDataset(cache); err == nil {
		log.Info(name+": "+st.String(), "cache", cache)
		return d, st, nil
	}
	var st Stats
	pairs, err := ReadPairs(f, cfg.SkipInvalidUTF8, &st)
	if err != nil {
		return nil, st, err
	}
	if train && cfg.Filter.Dedup {
		pairs = Dedup(pairs, &st)
	}
	d := EncodePairs(pairs, p.Src, p.Tgt)
	if train {
		d.FilterLength(cfg.MaxLen, cfg.Filter.MaxRatio, &st)
	}
	if err := saveDataset(cache, d, st); err != nil {
		return nil, st, err
	}
	log.Info(name+": "+st.String(), "cache", cache, "encoded", true)
	return d, st, nil
}
