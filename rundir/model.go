package rundir

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/internal/atomicfile"
	"github.com/s2s-nmt/s2s/internal/manifest"
	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/internal/safetensors"
	"github.com/s2s-nmt/s2s/model"
)

// modelFiles are the files a model is, sorted as a manifest lists them.
var modelFiles = []string{ConfigFile, WeightsFile, SrcTokenizer, TgtTokenizer}

// Config is what rundir needs of a model's experiment file; package
// configs' *Config implements it.
type Config interface {
	// ModelConfig returns the model section: what builds the network.
	ModelConfig() model.Config
	// Write writes the resolved config to path atomically.
	Write(path string) error
}

// WriteConfig writes cfg as the run's config.yaml. When the run already
// has a manifest, it is rebuilt with the new config under the run's
// exclusive lock (the weights keep the entry they had).
func (r Run) WriteConfig(cfg Config) error {
	unlock := lock(r.Dir, true)
	defer unlock()
	if err := cfg.Write(r.Path(ConfigFile)); err != nil {
		return err
	}
	old, err := manifest.Read(r.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	w, ok := old.Lookup(WeightsFile)
	if !ok {
		return fmt.Errorf("%s: lists no %s: remove it and train again", r.Path(ManifestFile), WeightsFile)
	}
	m, err := modelManifest(r.Dir, w, old.Precision)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(r.Path(ManifestFile), m.Bytes(), 0o644)
}

// Publish writes set as the run's model.safetensors and the manifest of
// the model's files. Both are written under temporary names first and
// renamed under the run's exclusive lock, so that a reader (Open) sees the
// old pair or the new one.
func Publish[F mat.Float](r Run, set *mat.Set[F], meta map[string]string) error {
	path := r.Path(WeightsFile)
	wf, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return err
	}
	defer wf.Abort()
	h := &hashWriter{h: sha256.New()}
	if err := safetensors.WriteWeights(io.MultiWriter(wf, h), set, meta); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	weights := manifest.Entry{Path: WeightsFile, Size: h.n, SHA256: hex.EncodeToString(h.h.Sum(nil))}
	unlock := lock(r.Dir, true)
	defer unlock()
	m, err := modelManifest(r.Dir, weights, Precision)
	if err != nil {
		return err
	}
	mf, err := atomicfile.Create(r.Path(ManifestFile), 0o644)
	if err != nil {
		return err
	}
	defer mf.Abort()
	if _, err := mf.Write(m.Bytes()); err != nil {
		return err
	}
	if err := wf.Commit(); err != nil {
		return err
	}
	return mf.Commit()
}

// hashWriter hashes and counts what is written through it.
type hashWriter struct {
	h hash.Hash
	n int64
}

func (w *hashWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return w.h.Write(p)
}

// modelManifest hashes the config and tokenizers in dir and returns the
// manifest of the model with the given weights entry and precision.
func modelManifest(dir string, weights manifest.Entry, precision string) (manifest.Manifest, error) {
	m := manifest.Manifest{Precision: precision}
	for _, name := range modelFiles {
		if name == WeightsFile {
			m.Files = append(m.Files, weights)
			continue
		}
		e, err := manifest.Hash(joinPath(dir, name), name)
		if err != nil {
			return m, err
		}
		m.Files = append(m.Files, e)
	}
	return m, nil
}

// Save writes a model directory at dir, which must not exist: the
// resolved config, both tokenizers, the weights of set with meta and their
// manifest, filled in a temporary directory beside dir and published in
// one rename, so that dir appears complete or not at all.
func Save[F mat.Float](dir string, cfg Config, src, tgt *corpora.Tokenizer, set *mat.Set[F], meta map[string]string) error {
	return saveDir(dir, cfg, src, tgt, Precision, func(path string) error {
		return safetensors.SaveWeights(path, set, meta)
	})
}

// saveDir writes a model directory as Save does, its weights written to
// path by weights, its manifest with precision.
func saveDir(dir string, cfg Config, src, tgt *corpora.Tokenizer, precision string, weights func(path string) error) error {
	if _, err := os.Lstat(dir); err == nil {
		return fmt.Errorf("%s already exists: remove it or choose another directory", dir)
	}
	if err := os.MkdirAll(parentDir(dir), 0o755); err != nil {
		return err
	}
	tmp, err := atomicfile.TempDir(dir)
	if err != nil {
		return err
	}
	err = fill(tmp, cfg, src, tgt, precision, weights)
	if err == nil {
		err = atomicfile.PublishDir(tmp, dir)
	}
	if err != nil {
		os.RemoveAll(tmp)
	}
	return err
}

// fill writes the model's files and manifest into tmp.
func fill(tmp string, cfg Config, src, tgt *corpora.Tokenizer, precision string, weights func(path string) error) error {
	if err := cfg.Write(joinPath(tmp, ConfigFile)); err != nil {
		return err
	}
	if err := src.Save(joinPath(tmp, SrcTokenizer)); err != nil {
		return err
	}
	if err := tgt.Save(joinPath(tmp, TgtTokenizer)); err != nil {
		return err
	}
	if err := weights(joinPath(tmp, WeightsFile)); err != nil {
		return err
	}
	w, err := manifest.Hash(joinPath(tmp, WeightsFile), WeightsFile)
	if err != nil {
		return err
	}
	m, err := modelManifest(tmp, w, precision)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(joinPath(tmp, ManifestFile), m.Bytes(), 0o644)
}

// identity is the SHA-256 of the canonical manifest of a model's files.
func identity(m manifest.Manifest) string {
	sum := sha256.Sum256(m.Bytes())
	return hex.EncodeToString(sum[:])
}
