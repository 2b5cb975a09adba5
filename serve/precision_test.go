package serve

import (
	"path/filepath"
	"testing"
)

// TestPrecision: Config.Precision int8 quantizes the served model's
// decoder, and the model of every reload; an unknown precision is
// refused.
func TestPrecision(t *testing.T) {
	cfg := testConfig()
	cfg.Precision = "int8"
	s, dir := newServer(t, cfg)
	if s.Model().Net.Dec.StepW == nil {
		t.Fatal("--precision int8: the served model is not quantized")
	}
	if err := s.Reload(dir); err != nil {
		t.Fatal(err)
	}
	if s.Model().Net.Dec.StepW == nil {
		t.Fatal("--precision int8: the reloaded model is not quantized")
	}
	cfg.Precision = "int4"
	if _, err := New(writeModel(t, filepath.Join(t.TempDir(), "m"), 1), cfg); err == nil {
		t.Error("precision int4 accepted")
	}
}
