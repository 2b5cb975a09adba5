package model

import (
	"errors"
	"fmt"
	"strings"

	"github.com/s2s-nmt/s2s/decoder"
	"github.com/s2s-nmt/s2s/encoder"
)

// Type names a model: seq2seq (encoder–decoder); lm comes later.
type Type string

// The model types.
const (
	TypeSeq2Seq Type = "seq2seq"
)

// Valid reports whether t is a known type.
func (t Type) Valid() bool { return t == TypeSeq2Seq }

// Config is the `model` section of an experiment file.
type Config struct {
	// Type is seq2seq. Default seq2seq.
	Type Type `yaml:"type"`
	// Encoder is the source side.
	Encoder encoder.Config `yaml:"encoder"`
	// Decoder is the target side.
	Decoder decoder.Config `yaml:"decoder"`
	// InitScale, when > 0, initialises every weight from U(−InitScale,
	// InitScale) (OpenNMT's param_init); 0 keeps PyTorch's per-layer
	// defaults (U(±1/√fan) for cells and linears, N(0, 1) for embeddings).
	// Default 0.
	InitScale float64 `yaml:"init_scale"`
}

// DefaultConfig returns DESIGN.md's defaults.
func DefaultConfig() Config {
	return Config{Type: TypeSeq2Seq, Encoder: encoder.DefaultConfig(), Decoder: decoder.DefaultConfig()}
}

// FieldError is one invalid config value: Field is its key path inside the
// model section ("encoder.cell"), Problem what is wrong with it.
type FieldError struct{ Key, Msg string }

// Field returns the key path inside the model section.
func (e *FieldError) Field() string { return e.Key }

// Problem says what is wrong.
func (e *FieldError) Problem() string { return e.Msg }

func (e *FieldError) Error() string { return e.Key + ": " + e.Msg }

// Validate returns every problem, joined, each a *FieldError with its key
// path ("encoder.cell", "decoder.attention", …), or nil.
func (c *Config) Validate() error {
	var errs []error
	if !c.Type.Valid() {
		errs = append(errs, &FieldError{"type", fmt.Sprintf("%q is not one of [%s]", c.Type, TypeSeq2Seq)})
	}
	errs = append(errs, under("encoder", c.Encoder.Validate())...)
	errs = append(errs, under("decoder", c.Decoder.Validate())...)
	errs = append(errs, under("decoder", c.Decoder.ValidateMemory(c.Encoder.OutDim()))...)
	if !(c.InitScale >= 0) {
		errs = append(errs, &FieldError{"init_scale", fmt.Sprintf("%v must be ≥ 0", c.InitScale)})
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
		out[i] = &FieldError{strings.TrimSuffix(prefix+"."+key, "."), msg}
	}
	return out
}
