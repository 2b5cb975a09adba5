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

// TestOpen opens the three kinds of model directory and runs/latest, and
// gets the saved weights back.
func TestOpen(t *testing.T) {
	root := t.TempDir()
	t.Chdir(root)
	run := filepath.Join("runs", "tiny")
	want := modeldirtest.Write(t, run, modeldirtest.Config("tiny", 20), 1)
	ckpt := filepath.Join(run, "checkpoints", "step-0000010")
	os.MkdirAll(ckpt, 0o755)
	if err := safetensors.SaveSet(filepath.Join(ckpt, modeldir.WeightsFile), want.Params(), nil); err != nil {
		t.Fatal(err)
	}
	if err := manifest.Write(ckpt); err != nil {
		t.Fatal(err)
	}
	os.Symlink("tiny", filepath.Join("runs", "latest"))
	for _, tc := range []struct{ dir, runDir string }{
		{run, run}, {ckpt, run}, {"", modeldir.Latest},
	} {
		m, err := modeldir.Open[float32](tc.dir)
		if err != nil {
			t.Fatalf("%q: %v", tc.dir, err)
		}
		if filepath.Clean(m.RunDir) != filepath.Clean(tc.runDir) || m.Config.Name != "tiny" || m.Src.VocabSize() != m.Tgt.VocabSize() {
			t.Errorf("%q: run dir %q, name %q", tc.dir, m.RunDir, m.Config.Name)
		}
		if !slices.Equal(m.Net.Params().W, want.Params().W) {
			t.Errorf("%q: weights differ from those saved", tc.dir)
		}
	}
}

// TestOpenErrors: each failure names the file at fault and says what to do.
func TestOpenErrors(t *testing.T) {
	root := t.TempDir()
	t.Chdir(root)
	if _, err := modeldir.Open[float32](""); !errors.Is(err, modeldir.ErrNoModel) || !strings.Contains(err.Error(), "s2s train CONFIG") || !strings.Contains(err.Error(), "--model") {
		t.Errorf("no runs/latest: %v", err)
	}
	run := "run"
	m := modeldirtest.Write(t, run, modeldirtest.Config("run", 20), 1)
	ckpt := filepath.Join(run, "checkpoints", "step-1")
	os.MkdirAll(ckpt, 0o755)
	safetensors.SaveSet(filepath.Join(ckpt, modeldir.WeightsFile), m.Params(), nil)
	manifest.Write(ckpt)
	f, _ := os.OpenFile(filepath.Join(ckpt, modeldir.WeightsFile), os.O_WRONLY|os.O_APPEND, 0)
	f.Write([]byte{0})
	f.Close()
	other := modeldirtest.Config("other", 20)
	other.Model.Decoder.Hidden = 12
	modeldirtest.Write(t, "other", other, 1)
	os.Rename(filepath.Join("other", modeldir.WeightsFile), filepath.Join("other", "keep"))
	os.Link(filepath.Join(run, modeldir.WeightsFile), filepath.Join("other", modeldir.WeightsFile))
	os.MkdirAll("prepared", 0o755)
	for _, tc := range []struct{ dir, want string }{
		{"nowhere", "nowhere: no such file"},
		{"prepared", "prepared/model.safetensors: no weights: the run is not trained yet"},
		{ckpt, "run/checkpoints/step-1/model.safetensors: "}, // grown by one byte
		{"other", "other/model.safetensors: weights do not fit the model of config.yaml"},
	} {
		if _, err := modeldir.Open[float32](tc.dir); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.dir, err, tc.want)
		}
	}
}

// TestSaveRefusesExisting: Save never replaces a directory.
func TestSaveRefusesExisting(t *testing.T) {
	dir := t.TempDir()
	m, err := func() (*modeldir.Model[float32], error) {
		modeldirtest.Write(t, filepath.Join(dir, "a"), modeldirtest.Config("a", 20), 1)
		return modeldir.Open[float32](filepath.Join(dir, "a"))
	}()
	if err != nil {
		t.Fatal(err)
	}
	err = modeldir.Save(filepath.Join(dir, "a"), m.Config, m.Src, m.Tgt, m.Net, nil)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("error %v", err)
	}
}
