package modeldir_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/s2s-nmt/s2s/internal/manifest"
	"github.com/s2s-nmt/s2s/internal/modeldir"
	"github.com/s2s-nmt/s2s/internal/modeldir/modeldirtest"
	"github.com/s2s-nmt/s2s/internal/safetensors"
)

// TestOpenLM opens a language model's run, a checkpoint of it and
// runs/latest, and gets the saved weights back.
func TestOpenLM(t *testing.T) {
	t.Chdir(t.TempDir())
	run := filepath.Join("runs", "char")
	want := modeldirtest.WriteLM(t, run, modeldirtest.LMConfig("char"), nil, 1)
	ckpt := filepath.Join(run, "checkpoints", "step-0000010")
	os.MkdirAll(ckpt, 0o755)
	if err := safetensors.SaveSet(filepath.Join(ckpt, modeldir.WeightsFile), want.Params(), nil); err != nil {
		t.Fatal(err)
	}
	if err := manifest.Write(ckpt); err != nil {
		t.Fatal(err)
	}
	os.Symlink("char", filepath.Join("runs", "latest"))
	for _, tc := range []struct{ dir, runDir string }{
		{run, run}, {ckpt, run}, {"", modeldir.Latest},
	} {
		m, err := modeldir.OpenLM(tc.dir)
		if err != nil {
			t.Fatalf("%q: %v", tc.dir, err)
		}
		if filepath.Clean(m.RunDir) != filepath.Clean(tc.runDir) || m.Config.Name != "char" || m.Tok.VocabSize() != 260 {
			t.Errorf("%q: run dir %q, name %q, vocabulary %d", tc.dir, m.RunDir, m.Config.Name, m.Tok.VocabSize())
		}
		if !slices.Equal(m.Net.Params().W, want.Params().W) {
			t.Errorf("%q: weights differ from those saved", tc.dir)
		}
	}
}

// TestOpenLMErrors: no runs/latest, a seq2seq directory, and a seq2seq
// Open of a language model each say what is wrong.
func TestOpenLMErrors(t *testing.T) {
	t.Chdir(t.TempDir())
	if _, err := modeldir.OpenLM(""); !errors.Is(err, modeldir.ErrNoModel) || !strings.Contains(err.Error(), "--model") {
		t.Errorf("no runs/latest: %v", err)
	}
	modeldirtest.Write(t, "mt", modeldirtest.Config("mt", 20), 1)
	if _, err := modeldir.OpenLM("mt"); err == nil || !strings.Contains(err.Error(), "not lm") {
		t.Errorf("seq2seq directory: %v", err)
	}
	modeldirtest.WriteLM(t, "lm", modeldirtest.LMConfig("lm"), nil, 1)
	if _, err := modeldir.Open[float32]("lm"); err == nil || !strings.Contains(err.Error(), "language model") {
		t.Errorf("Open of a language model: %v", err)
	}
}
