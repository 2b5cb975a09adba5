package encoder

import (
	"fmt"

	"github.com/s2s-nmt/s2s/internal/cell"
)

// Config is the `model.encoder` section of an experiment file.
type Config struct {
	// Cell is the recurrent cell: gru, lstm or rnn. Default gru.
	Cell cell.Kind `yaml:"cell"`
	// Layers is the number of stacked recurrent layers, ≥ 1. Default 1.
	Layers int `yaml:"layers"`
	// Bidirectional runs a backward direction beside the forward one in
	// every layer; outputs are then 2·Hidden wide. Default true.
	Bidirectional bool `yaml:"bidirectional"`
	// Emb is the source embedding width E, ≥ 1. Default 256.
	Emb int `yaml:"emb"`
	// Hidden is H, the state size of each direction, ≥ 1. Default 256.
	Hidden int `yaml:"hidden"`
	// Dropout is the drop probability on the outputs of every layer but the
	// top one (PyTorch's nn.GRU dropout), in [0, 1). Default 0.3.
	Dropout float64 `yaml:"dropout"`
	// EmbDropout is the drop probability of the embedded source tokens, in
	// [0, 1), applied in training only. Unset (nil), the default, means 0:
	// unlike the decoder's emb_dropout it does not fall back to Dropout, so
	// configs written before it existed train exactly as they did.
	EmbDropout *float64 `yaml:"emb_dropout"`
	// OutDropout is the drop probability of the top layer's outputs (Out,
	// the annotations attention reads), in [0, 1), applied in training
	// only. The final states (Final, the bridge's input) are not dropped.
	// Default 0.
	OutDropout float64 `yaml:"out_dropout"`
}

// InputDropout returns the drop probability of the embedded source tokens:
// EmbDropout, or 0 when it is unset.
func (c Config) InputDropout() float64 {
	if c.EmbDropout == nil {
		return 0
	}
	return *c.EmbDropout
}

// DefaultConfig returns the defaults: a one-layer bidirectional GRU, E 256,
// H 256 per direction, dropout 0.3 (between layers only), no embedding or
// output dropout.
func DefaultConfig() Config {
	return Config{Cell: cell.GRU, Layers: 1, Bidirectional: true, Emb: 256, Hidden: 256, Dropout: 0.3}
}

// Dirs returns the number of directions, 1 or 2.
func (c Config) Dirs() int {
	if c.Bidirectional {
		return 2
	}
	return 1
}

// OutDim returns the width of the encoder's outputs: Dirs·Hidden.
func (c Config) OutDim() int { return c.Dirs() * c.Hidden }

// Validate returns one error per invalid field, each naming its key
// ("cell", "layers", …); callers prefix the path of the section.
func (c Config) Validate() []error {
	errs := cell.ValidateStack(c.Cell, c.Layers, c.Emb, c.Hidden)
	if !(c.Dropout >= 0 && c.Dropout < 1) {
		errs = append(errs, fmt.Errorf("dropout: %v must be in [0, 1)", c.Dropout))
	}
	if p := c.EmbDropout; p != nil && !(*p >= 0 && *p < 1) {
		errs = append(errs, fmt.Errorf("emb_dropout: %v must be in [0, 1) (leave it out for 0)", *p))
	}
	if !(c.OutDropout >= 0 && c.OutDropout < 1) {
		errs = append(errs, fmt.Errorf("out_dropout: %v must be in [0, 1)", c.OutDropout))
	}
	return errs
}
