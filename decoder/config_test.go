package decoder

import (
	"strings"
	"testing"

	"github.com/s2s-nmt/s2s/internal/layer"
)

func TestDefaultConfigValid(t *testing.T) {
	if errs := DefaultConfig().Validate(); len(errs) > 0 {
		t.Fatal(errs)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		key string
		mod func(*Config)
	}{
		{"cell", func(c *Config) { c.Cell = "lstmm" }},
		{"layers", func(c *Config) { c.Layers = 0 }},
		{"attention", func(c *Config) { c.Attention = "luong" }},
		{"bridge", func(c *Config) { c.Bridge = "linear" }},
		{"tie_embeddings", func(c *Config) { c.TieEmbeddings = true }}, // emb 256 != hidden 512
		{"dropout", func(c *Config) { c.Dropout = 1 }},
		{"emb_dropout", func(c *Config) { p := 1.0; c.EmbDropout = &p }},
	} {
		c := DefaultConfig()
		tc.mod(&c)
		errs := c.Validate()
		if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), tc.key+":") {
			t.Errorf("%s: got %v, want one error for that key", tc.key, errs)
		}
	}
	c := DefaultConfig()
	c.Attention = layer.Dot
	if errs := c.ValidateMemory(512); len(errs) != 0 {
		t.Errorf("dot with hidden == memory width: %v", errs)
	}
	if errs := c.ValidateMemory(256); len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "attention:") {
		t.Errorf("dot with hidden 512 over memory 256: got %v", errs)
	}
}
