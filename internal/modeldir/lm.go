package modeldir

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"

	"github.com/s2s-nmt/s2s/configs"
	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/internal/safetensors"
	"github.com/s2s-nmt/s2s/model"
)

// LMModel is a language model's directory (model.type lm) loaded for
// inference. Its one tokenizer is tokenizer.tgt.json (an LM's run writes
// the same tokenizer under both names).
type LMModel struct {
	// Dir is the directory opened: a run, a checkpoint or an average.
	Dir string
	// RunDir holds config.yaml and the tokenizer: Dir itself, or for a
	// checkpoint the run two levels up.
	RunDir string
	// Config is the resolved experiment file.
	Config *configs.Config
	// Tok is the tokenizer of the text stream.
	Tok *corpora.Tokenizer
	// Net is the language model with the directory's weights, in float32.
	Net *model.LM[float32]
	// Meta is the weights file's metadata.
	Meta map[string]string
}

// OpenLM loads the language-model directory dir ("" means runs/latest,
// with Open's error when there is none): it verifies a checkpoint's
// manifest, loads the config, the tokenizer and the weights. A directory
// of another model type is an error saying so. Every error names the file
// at fault.
func OpenLM(dir string) (*LMModel, error) {
	dir, err := Resolve(dir)
	if err != nil {
		return nil, err
	}
	loc := &Model[float32]{Dir: dir, RunDir: dir}
	if err := loc.locate(); err != nil {
		return nil, err
	}
	m := &LMModel{Dir: dir, RunDir: loc.RunDir}
	cfgPath := filepath.Join(m.RunDir, ConfigFile)
	if m.Config, err = configs.Load(cfgPath); err != nil {
		return nil, fmt.Errorf("model directory %s: %w", dir, err)
	}
	if t := m.Config.Model.Type; t != model.TypeLM {
		return nil, fmt.Errorf("%s: model.type is %s, not %s: this command needs a language model", cfgPath, t, model.TypeLM)
	}
	if m.Tok, err = corpora.Load(filepath.Join(m.RunDir, TgtTokenizer)); err != nil {
		return nil, fmt.Errorf("model directory %s: %w", dir, err)
	}
	return m, m.loadWeights()
}

// loadWeights builds the network from the config and tokenizer and fills
// it from the weights file by name.
func (m *LMModel) loadWeights() error {
	path := filepath.Join(m.Dir, WeightsFile)
	// The initial weights are all overwritten; any seed will do.
	net, err := model.NewLM[float32](m.Config.Model, m.Tok.VocabSize(), rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(m.RunDir, ConfigFile), err)
	}
	if m.Meta, err = safetensors.LoadSet(path, net.Params()); err != nil {
		return fmt.Errorf("%s: weights do not fit the model of %s: %w", path, ConfigFile, err)
	}
	m.Net = net
	return nil
}
