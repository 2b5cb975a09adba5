package modeldir

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/s2s-nmt/s2s/configs"
	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/internal/atomicfile"
	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/internal/safetensors"
	"github.com/s2s-nmt/s2s/model"
)

// Save writes a model directory at dir, which must not exist: the
// resolved config, both tokenizers and net's weights with meta, filled in
// a temporary directory beside dir and published in one rename, so that
// dir appears complete or not at all.
func Save[F mat.Float](dir string, cfg *configs.Config, src, tgt *corpora.Tokenizer, net *model.Seq2Seq[F], meta map[string]string) error {
	if _, err := os.Lstat(dir); err == nil {
		return fmt.Errorf("%s already exists: remove it or choose another directory", dir)
	}
	if err := os.MkdirAll(filepath.Dir(filepath.Clean(dir)), 0o755); err != nil {
		return err
	}
	tmp, err := atomicfile.TempDir(dir)
	if err != nil {
		return err
	}
	if err := fill(tmp, cfg, src, tgt, net, meta); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := atomicfile.PublishDir(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	return nil
}

// fill writes the four files into tmp.
func fill[F mat.Float](tmp string, cfg *configs.Config, src, tgt *corpora.Tokenizer, net *model.Seq2Seq[F], meta map[string]string) error {
	if err := cfg.Write(filepath.Join(tmp, ConfigFile)); err != nil {
		return err
	}
	if err := src.Save(filepath.Join(tmp, SrcTokenizer)); err != nil {
		return err
	}
	if err := tgt.Save(filepath.Join(tmp, TgtTokenizer)); err != nil {
		return err
	}
	return safetensors.SaveWeights(filepath.Join(tmp, WeightsFile), net.Params(), meta)
}
