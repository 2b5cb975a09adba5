// Package configs is the typed experiment file: one Config composed of the
// packages' own config sections, with defaults, strict loading (an unknown
// key is an error with its file:line and the valid keys), validation that
// reports every problem with its key path and line, and write-out of the
// resolved config.
//
// A section is a struct field of Config with a yaml tag. If a pointer to it
// has a method Validate() error, Validate calls it; the errors it joins may
// have methods Field() string (the key path inside the section) and Problem()
// string, and are then reported at that key's line. A section with a method
// Paths() map[string]string (key path → file) is checked by CheckFiles.
// Adding a section is adding a field here and its default in Default.
package configs

import (
	"fmt"
	"strings"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/internal/atomicfile"
	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/train"
	"github.com/s2s-nmt/s2s/translate"
	"gopkg.in/yaml.v3"
)

// Config is one experiment: what `s2s prepare` and `s2s train` read, and
// what they write, resolved, into the run directory as config.yaml.
type Config struct {
	// Name names the run directory runs/<name>; default: the config file's
	// base name without its extension.
	Name string `yaml:"name"`
	// Data is the corpora and tokenizer section.
	Data corpora.Config `yaml:"data"`
	// Model is the network: encoder, decoder, attention.
	Model model.Config `yaml:"model"`
	// Training is the optimisation, validation and checkpoint schedule.
	Training train.Config `yaml:"training"`
	// Translate holds the search defaults of translate and eval.
	Translate translate.Config `yaml:"translate"`

	file string            // where the config was read from, for messages
	sets map[string]string // key → "key=value" of each --set, for messages
	root *yaml.Node        // its parsed document, for line numbers
}

// Default returns the configuration with every section's defaults.
func Default() Config {
	return Config{Data: corpora.DefaultConfig(), Model: model.DefaultConfig(),
		Training: train.Defaults(), Translate: translate.DefaultConfig()}
}

// File returns the path the config was loaded from ("" if none).
func (c *Config) File() string { return c.file }

// ModelConfig returns the model section (what rundir builds a network
// from).
func (c *Config) ModelConfig() model.Config { return c.Model }

// Marshal returns the resolved config as YAML, every default written out.
func (c *Config) Marshal() ([]byte, error) {
	return yaml.Marshal(c)
}

// Write writes the resolved config to path atomically.
func (c *Config) Write(path string) error {
	data, err := c.Marshal()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return atomicfile.WriteFile(path, data, 0o644)
}

// validName reports why a run name cannot be a directory name, or "".
func validName(n string) string {
	switch {
	case n == "":
		return "must not be empty"
	case n == "." || n == ".." || n == "latest":
		return fmt.Sprintf("%q is reserved", n)
	case strings.ContainsAny(n, `/\`):
		return "must not contain a slash"
	}
	return ""
}
