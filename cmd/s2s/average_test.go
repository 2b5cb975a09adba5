package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s2s-nmt/s2s/internal/manifest"
	"github.com/s2s-nmt/s2s/internal/safetensors"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/s2s-nmt/s2s/rundir/rundirtest"
)

// TestAverage: two checkpoints of one run average element-wise into a
// model directory that translate reads; a different model is refused.
func TestAverage(t *testing.T) {
	tinyRun(t, 80)
	run := filepath.Join("runs", "tiny")
	m, err := openModel(run, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	w := m.Net.Params().W
	orig := append([]float32(nil), w...)
	var ckpts []string
	for k, scale := range []float32{1, 3} { // the mean is 2·orig
		for i := range w {
			w[i] = scale * orig[i]
		}
		dir := filepath.Join(run, "checkpoints", "step-"+string(rune('1'+k)))
		os.MkdirAll(dir, 0o755)
		if err := safetensors.SaveSet(filepath.Join(dir, rundir.WeightsFile), m.Net.Params(), nil); err != nil {
			t.Fatal(err)
		}
		manifest.Write(dir)
		ckpts = append(ckpts, dir)
	}
	out, _, err := runCLI(t, nil, append([]string{"average", "--out", "avg"}, ckpts...)...)
	if err != nil || !strings.Contains(out, "averaged 2 checkpoints into avg") {
		t.Fatalf("%q, %v", out, err)
	}
	avg, err := openModel("avg", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if avg.Warning != "" {
		t.Errorf("the average has no manifest: %s", avg.Warning)
	}
	for i, x := range avg.Net.Params().W {
		if x != 2*orig[i] {
			t.Fatalf("weight %d: %v, want %v", i, x, 2*orig[i])
		}
	}
	if _, _, err := runCLI(t, strings.NewReader("the cat\n"), "translate", "--model", "avg"); err != nil {
		t.Error(err)
	}
	other := rundirtest.Config("other", 80)
	other.Model.Decoder.Hidden = 12
	rundirtest.Write(t, "other", other, 1)
	_, _, err = runCLI(t, nil, "average", "--out", "avg2", ckpts[0], "other")
	if err == nil || !strings.Contains(err.Error(), "other: model config differs") {
		t.Errorf("different models: %v", err)
	}
}
