package decoder

import (
	"fmt"
	"github.com/s2s-nmt/s2s/internal/field"

	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/layer"
)

// Bridge names how the decoder's initial state comes from the encoder.
type Bridge string

// The bridges.
const (
	// BridgeNone starts the decoder from zeros.
	BridgeNone Bridge = "none"
	// BridgeTanh starts every decoder layer from h0 = tanh(W_b·final + b)
	// (and, for an LSTM, c0 = h0), Joey NMT's bridge.
	BridgeTanh Bridge = "tanh"
)

// Bridges lists the valid bridges, for messages.
var Bridges = []Bridge{BridgeNone, BridgeTanh}

// Valid reports whether b is one of Bridges.
func (b Bridge) Valid() bool { return b == BridgeNone || b == BridgeTanh }

// Config is the model.decoder section of an experiment file.
type Config struct {
	// Cell is the recurrent cell, independent of the encoder's: rnn, gru
	// or lstm. Default gru.
	Cell cell.Kind `yaml:"cell"`
	// Layers is the number of stacked cells, ≥ 1. Default 1.
	Layers int `yaml:"layers"`
	// Emb is the target embedding width E, ≥ 1. Default 256.
	Emb int `yaml:"emb"`
	// Hidden is the decoder state width H (also the attentional vector's
	// and the Bahdanau attention size), ≥ 1. Default 512.
	Hidden int `yaml:"hidden"`
	// Attention is bahdanau, dot, general or none. Default bahdanau. With
	// none the attentional vector is the top state itself: att_t = s_t.
	Attention layer.AttentionKind `yaml:"attention"`
	// InputFeeding feeds att_{t-1} into the first layer with emb(y_{t-1})
	// (Luong). Default false.
	InputFeeding bool `yaml:"input_feeding"`
	// Bridge is none or tanh. Default tanh.
	Bridge Bridge `yaml:"bridge"`
	// TieEmbeddings makes the output layer's weight the target embedding
	// (needs emb == hidden). Default false.
	TieEmbeddings bool `yaml:"tie_embeddings"`
	// Dropout is the drop probability in [0, 1), applied in training to the
	// embedded inputs, between stacked layers and to the attentional
	// vector. Default 0.3.
	Dropout float64 `yaml:"dropout"`
	// EmbDropout is the drop probability of the embedded inputs alone, in
	// [0, 1); unset (nil), the default, means the same as Dropout.
	// Karpathy's char-rnn drops only between layers and before the output:
	// set 0 for that.
	EmbDropout *float64 `yaml:"emb_dropout"`
}

// InputDropout returns the drop probability of the embedded inputs.
func (c Config) InputDropout() float64 {
	if c.EmbDropout == nil {
		return c.Dropout
	}
	return *c.EmbDropout
}

// DefaultConfig returns the decoder's defaults: one GRU layer, E 256, H 512,
// Bahdanau attention, a tanh bridge, dropout 0.3.
func DefaultConfig() Config {
	return Config{Cell: cell.GRU, Layers: 1, Emb: 256, Hidden: 512, Attention: layer.Bahdanau,
		Bridge: BridgeTanh, Dropout: 0.3}
}

// Validate returns one error per invalid field, each naming its key
// ("cell", "tie_embeddings", …); callers prefix the section's path.
// Checks that need the encoder's output width are in ValidateMemory.
func (c Config) Validate() []error {
	errs := cell.ValidateStack(c.Cell, c.Layers, c.Emb, c.Hidden)
	if !c.Attention.Valid() {
		errs = append(errs, fmt.Errorf("attention: %q is not one of %s", c.Attention, field.OneOf(layer.AttentionKinds)))
	}
	if !c.Bridge.Valid() {
		errs = append(errs, fmt.Errorf("bridge: %q is not one of %s", c.Bridge, field.OneOf(Bridges)))
	}
	if c.TieEmbeddings && c.Emb != c.Hidden {
		errs = append(errs, fmt.Errorf("tie_embeddings: needs emb (%d) == hidden (%d)", c.Emb, c.Hidden))
	}
	if p := c.EmbDropout; p != nil && !(*p >= 0 && *p < 1) {
		errs = append(errs, fmt.Errorf("emb_dropout: %v must be in [0, 1) (leave it out to use dropout)", *p))
	}
	if !(c.Dropout >= 0 && c.Dropout < 1) {
		errs = append(errs, fmt.Errorf("dropout: %v must be in [0, 1)", c.Dropout))
	}
	return errs
}

// ValidateMemory returns the errors that depend on the encoder's output
// width mem: dot attention needs hidden == mem.
func (c Config) ValidateMemory(mem int) []error {
	if c.Attention == layer.Dot && c.Hidden != mem {
		return []error{fmt.Errorf("attention: dot needs hidden (%d) == the encoder's output width (%d); use general or bahdanau", c.Hidden, mem)}
	}
	return nil
}
