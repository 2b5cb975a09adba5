package main

import (
	"io"

	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/translate"
	"github.com/urfave/cli/v2"
)

// precisionFlag is --precision of the commands that translate.
func precisionFlag(dst *string) *cli.StringFlag {
	return &cli.StringFlag{Name: "precision", Usage: "decoder products in search: fp32 or int8 " +
		"(default: the config's translate.precision, fp32; a model from s2s quantize is int8)", Destination: dst}
}

// usePrecision makes m search in precision p, or when p is "" in its
// config's translate.precision, and returns the precision used: int8
// quantizes an fp32 model's decoder here, once.
func usePrecision(m *loadedModel, p string) (string, error) {
	if p == "" {
		p = string(m.Config.Translate.Precision)
	}
	if !translate.Precision(p).Valid() {
		return p, usagef("--precision %q is not one of fp32, int8", p)
	}
	if err := m.SetPrecision(p); err != nil {
		return p, inputError{err}
	}
	return p, nil
}

// usePrecisions is usePrecision for every model of an ensemble; it
// returns the first model's precision.
func usePrecisions(ms []*loadedModel, p string) (string, error) {
	first := p
	for i, m := range ms {
		used, err := usePrecision(m, p)
		if err != nil {
			return used, err
		}
		if i == 0 {
			first = used
		}
	}
	return first, nil
}

// openFP32Model is openModel for what, a command that needs the fp32
// weights: an int8 model (s2s quantize) is refused, naming its directory.
func openFP32Model(dir string, want model.Type, warn io.Writer, what string) (*loadedModel, error) {
	m, err := openModel(dir, want, warn)
	if m != nil {
		if e := m.NeedFP32(what); e != nil {
			return nil, inputError{e}
		}
	}
	return m, err
}
