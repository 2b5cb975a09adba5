// Package translate turns source sentences into target sentences with a
// trained model: greedy, beam and sampling search over batches, n-best
// lists in Marian's format, and detokenised output.
package translate

import (
	"errors"
	"fmt"
	"github.com/s2s-nmt/s2s/internal/field"
)

// Config is the `translate:` section of an experiment file: the defaults of
// `s2s translate` and `s2s eval` for models trained from it.
type Config struct {
	// Beam is the beam size; 1 is greedy search. Default 5.
	Beam int `yaml:"beam"`
	// Alpha is the length-normalisation exponent: hypotheses are ranked by
	// log-probability / length^alpha (Marian's convention); 0 ranks by raw
	// log-probability. Default 1.0.
	Alpha float64 `yaml:"alpha"`
	// LengthPenalty is what alpha raises: marian (the length |Y|, EOS
	// counted) or gnmt ((5+|Y|)/6, Wu et al. 2016). Default marian.
	LengthPenalty LengthPenalty `yaml:"length_penalty"`
	// MaxLenRatio bounds the output: at most MaxLenRatio × source length +
	// MaxLenExtra tokens. Default 2.0.
	MaxLenRatio float64 `yaml:"max_len_ratio"`
	// MaxLenExtra is the constant added to the length bound. Default 10.
	MaxLenExtra int `yaml:"max_len_extra"`
	// BatchSize is the number of sentences translated together. Default 32.
	BatchSize int `yaml:"batch_size"`
	// Precision is the number format of the decoder's products and of
	// both embeddings in search: fp32, or int8 (weights quantized once per
	// model, activations per row; see model.QuantizeInt8). Default fp32.
	Precision Precision `yaml:"precision"`
}

// Precision names the number format decoding multiplies in. It is a
// config value.
type Precision string

// The precisions.
const (
	FP32 Precision = "fp32"
	Int8 Precision = "int8"
)

// Valid reports whether p is fp32 or int8.
func (p Precision) Valid() bool { return p == FP32 || p == Int8 }

// DefaultConfig returns the defaults above.
func DefaultConfig() Config {
	return Config{Beam: 5, Alpha: 1, LengthPenalty: Marian, MaxLenRatio: 2, MaxLenExtra: 10, BatchSize: 32, Precision: FP32}
}

// FieldError is one invalid value of the section (see package field).
type FieldError = field.Error

// Validate returns every problem, joined, each a *FieldError, or nil.
func (c *Config) Validate() error {
	var errs []error
	if c.Beam < 1 {
		errs = append(errs, &FieldError{Key: "beam", Msg: fmt.Sprintf("must be ≥ 1, got %d", c.Beam)})
	}
	if !(c.Alpha >= 0) {
		errs = append(errs, &FieldError{Key: "alpha", Msg: fmt.Sprintf("must be ≥ 0, got %g", c.Alpha)})
	}
	if !c.LengthPenalty.Valid() {
		errs = append(errs, &FieldError{Key: "length_penalty", Msg: fmt.Sprintf("%q is not one of marian, gnmt", c.LengthPenalty)})
	}
	if !(c.MaxLenRatio > 0) {
		errs = append(errs, &FieldError{Key: "max_len_ratio", Msg: fmt.Sprintf("must be > 0, got %g", c.MaxLenRatio)})
	}
	if c.MaxLenExtra < 0 {
		errs = append(errs, &FieldError{Key: "max_len_extra", Msg: fmt.Sprintf("must be ≥ 0, got %d", c.MaxLenExtra)})
	}
	if c.BatchSize < 1 {
		errs = append(errs, &FieldError{Key: "batch_size", Msg: fmt.Sprintf("must be ≥ 1, got %d", c.BatchSize)})
	}
	if !c.Precision.Valid() {
		errs = append(errs, &FieldError{Key: "precision", Msg: fmt.Sprintf("%q is not one of fp32, int8", c.Precision)})
	}
	return errors.Join(errs...)
}
