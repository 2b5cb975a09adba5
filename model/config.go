package model

import (
	"errors"
	"fmt"
	"github.com/s2s-nmt/s2s/internal/field"
	"strings"

	"github.com/s2s-nmt/s2s/decoder"
	"github.com/s2s-nmt/s2s/encoder"
	"github.com/s2s-nmt/s2s/internal/layer"
)

// Type names a model: seq2seq (encoder–decoder) or lm (a recurrent
// language model: the decoder alone).
type Type string

// The model types.
const (
	TypeSeq2Seq Type = "seq2seq"
	TypeLM      Type = "lm"
)

// Types lists the valid types, for messages.
var Types = []Type{TypeSeq2Seq, TypeLM}

// Valid reports whether t is one of Types.
func (t Type) Valid() bool { return t == TypeSeq2Seq || t == TypeLM }

// Config is the `model` section of an experiment file.
type Config struct {
	// Type is seq2seq or lm. Default seq2seq.
	Type Type `yaml:"type"`
	// Encoder is the source side; ignored (not validated) for an lm.
	Encoder encoder.Config `yaml:"encoder"`
	// Decoder is the target side; for an lm the whole network, which must
	// have attention none, bridge none and input_feeding false.
	Decoder decoder.Config `yaml:"decoder"`
	// InitScale, when > 0, initialises every weight from U(−InitScale,
	// InitScale) (OpenNMT's param_init); 0 keeps PyTorch's per-layer
	// defaults (U(±1/√fan) for cells and linears, N(0, 1) for embeddings).
	// Default 0.
	InitScale float64 `yaml:"init_scale"`
}

// DefaultConfig returns a seq2seq model of the encoder's and decoder's
// default configs with PyTorch's initialisation.
func DefaultConfig() Config {
	return Config{Type: TypeSeq2Seq, Encoder: encoder.DefaultConfig(), Decoder: decoder.DefaultConfig()}
}

// FieldError is one invalid value of the section (see package field).
type FieldError = field.Error

// Validate returns every problem, joined, each a *FieldError with its key
// path ("encoder.cell", "decoder.attention", …), or nil.
func (c *Config) Validate() error {
	var errs []error
	if !c.Type.Valid() {
		errs = append(errs, &FieldError{Key: "type", Msg: fmt.Sprintf("%q is not one of %s", c.Type, field.OneOf(Types))})
	}
	if c.Type == TypeLM {
		errs = append(errs, under("decoder", c.Decoder.Validate())...)
		errs = append(errs, c.validateLM()...)
	} else {
		errs = append(errs, under("encoder", c.Encoder.Validate())...)
		errs = append(errs, under("decoder", c.Decoder.Validate())...)
		errs = append(errs, under("decoder", c.Decoder.ValidateMemory(c.Encoder.OutDim()))...)
	}
	if !(c.InitScale >= 0) {
		errs = append(errs, &FieldError{Key: "init_scale", Msg: fmt.Sprintf("%v must be ≥ 0", c.InitScale)})
	}
	return errors.Join(errs...)
}

// under turns a section's "key: problem" errors into FieldErrors at
// prefix.key.
func under(prefix string, errs []error) []error {
	out := make([]error, len(errs))
	for i, e := range errs {
		key, msg, ok := strings.Cut(e.Error(), ": ")
		if !ok {
			key, msg = "", e.Error()
		}
		out[i] = &FieldError{Key: strings.TrimSuffix(prefix+"."+key, "."), Msg: msg}
	}
	return out
}

// validateLM returns the errors of a decoder that cannot be a language
// model: it has no source to attend to or bridge from.
func (c *Config) validateLM() []error {
	var errs []error
	d := c.Decoder
	if d.Attention != layer.NoAttention {
		errs = append(errs, &FieldError{Key: "decoder.attention", Msg: fmt.Sprintf("%q: a language model has no source to attend to; set attention: none", d.Attention)})
	}
	if d.Bridge != decoder.BridgeNone {
		errs = append(errs, &FieldError{Key: "decoder.bridge", Msg: fmt.Sprintf("%q: a language model has no encoder state to bridge from; set bridge: none", d.Bridge)})
	}
	if d.InputFeeding {
		errs = append(errs, &FieldError{Key: "decoder.input_feeding", Msg: "true: a language model has no attentional vector to feed; set input_feeding: false"})
	}
	return errs
}
