// Package modeldir opens a model directory for inference and writes one.
//
// A model directory holds config.yaml (the resolved experiment file),
// tokenizer.src.json, tokenizer.tgt.json and model.safetensors (F32
// weights under their PyTorch names). Three kinds are accepted:
//
//   - a run directory runs/<name>, whose model.safetensors is the best
//     weights so far;
//   - a checkpoint runs/<name>/checkpoints/step-N: weights and a manifest
//     (verified before loading), config and tokenizers two levels up;
//   - what `s2s average --out` writes (Save): the four files alone.
package modeldir

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/s2s-nmt/s2s/configs"
	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/internal/manifest"
	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/internal/safetensors"
	"github.com/s2s-nmt/s2s/model"
)

// The files of a model directory.
const (
	ConfigFile   = "config.yaml"
	SrcTokenizer = "tokenizer.src.json"
	TgtTokenizer = "tokenizer.tgt.json"
	WeightsFile  = "model.safetensors"
)

// Latest is the symbolic link, relative to the working directory, to the
// run last prepared or trained there: the default model directory.
var Latest = filepath.Join("runs", "latest")

// ErrNoModel is wrapped by Open's error when no model directory was given
// and the working directory has no runs/latest.
var ErrNoModel = errors.New("no trained model")

// Model is a model directory loaded for inference.
type Model[F mat.Float] struct {
	// Dir is the directory opened: a run, a checkpoint or an average.
	Dir string
	// RunDir holds config.yaml and the tokenizers: Dir itself, or for a
	// checkpoint the run two levels up. Outputs such as test.hyp go there.
	RunDir string
	// Config is the resolved experiment file.
	Config *configs.Config
	// Src and Tgt are the source and target tokenizers.
	Src, Tgt *corpora.Tokenizer
	// Net is the model with the directory's weights.
	Net *model.Seq2Seq[F]
	// Meta is the weights file's metadata.
	Meta map[string]string
}

// Resolve returns the model directory to open: dir, or when dir is "" the
// runs/latest link of the working directory, with an error wrapping
// ErrNoModel telling the user to train first when there is none.
func Resolve(dir string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	if _, err := os.Stat(Latest); err != nil {
		return "", fmt.Errorf("%w: %s does not exist here; train one first with `s2s train CONFIG`, or pass --model DIR", ErrNoModel, Latest)
	}
	return Latest, nil
}

// Open loads the model directory dir ("" means runs/latest, see Resolve):
// it verifies a checkpoint's manifest, loads the config, both tokenizers
// and the weights. Every error names the file at fault.
func Open[F mat.Float](dir string) (*Model[F], error) {
	dir, err := Resolve(dir)
	if err != nil {
		return nil, err
	}
	m := &Model[F]{Dir: dir, RunDir: dir}
	if err := m.locate(); err != nil {
		return nil, err
	}
	if m.Config, err = configs.Load(filepath.Join(m.RunDir, ConfigFile)); err != nil {
		return nil, fmt.Errorf("model directory %s: %w", dir, err)
	}
	if m.Src, err = corpora.Load(filepath.Join(m.RunDir, SrcTokenizer)); err != nil {
		return nil, fmt.Errorf("model directory %s: %w", dir, err)
	}
	if m.Tgt, err = corpora.Load(filepath.Join(m.RunDir, TgtTokenizer)); err != nil {
		return nil, fmt.Errorf("model directory %s: %w", dir, err)
	}
	return m, m.loadWeights()
}

// locate checks that Dir is a model directory and sets RunDir: a
// directory with a manifest is a checkpoint (verified), its run two levels
// up.
func (m *Model[F]) locate() error {
	fi, err := os.Stat(m.Dir)
	if err != nil {
		return fmt.Errorf("model directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("model directory %s: not a directory", m.Dir)
	}
	if _, err := os.Stat(filepath.Join(m.Dir, manifest.Name)); err == nil {
		if err := manifest.Verify(m.Dir); err != nil {
			return fmt.Errorf("checkpoint %s: %w", m.Dir, err)
		}
		m.RunDir = filepath.Join(m.Dir, "..", "..")
	}
	w := filepath.Join(m.Dir, WeightsFile)
	if _, err := os.Stat(w); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: no weights: the run is not trained yet; train it with `s2s train CONFIG`, "+
			"or pass --model with a run, a checkpoint (runs/NAME/checkpoints/step-N) or an averaged model", w)
	}
	return nil
}

// loadWeights builds the network from the config and tokenizers and
// fills it from the weights file by name.
func (m *Model[F]) loadWeights() error {
	path := filepath.Join(m.Dir, WeightsFile)
	// The initial weights are all overwritten; any seed will do.
	net, err := model.New[F](m.Config.Model, m.Src.VocabSize(), m.Tgt.VocabSize(), rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(m.RunDir, ConfigFile), err)
	}
	if m.Meta, err = safetensors.LoadSet(path, net.Params()); err != nil {
		return fmt.Errorf("%s: weights do not fit the model of %s: %w", path, ConfigFile, err)
	}
	m.Net = net
	return nil
}
