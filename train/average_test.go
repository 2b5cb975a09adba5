package train

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s2s-nmt/s2s/internal/safetensors"
	"github.com/s2s-nmt/s2s/rundir"
)

// TestAverageLast trains with average_last 3. Without validation during
// training the mean is published: model.safetensors must equal the mean
// of the three newest checkpoints computed here. With validation the
// model is the mean exactly when the summary says it beat the best.
func TestAverageLast(t *testing.T) {
	data := tinyData(t, 400)
	for _, validEvery := range []int{1000, 10} {
		dir := t.TempDir()
		spec := tinySpec(2, 30)
		spec.Training.KeepLast, spec.Training.AverageLast = 3, 3
		spec.Training.ValidEvery = validEvery
		s := run(t, context.Background(), spec, data, dir, false)
		if s.Averaged != 3 {
			t.Fatalf("averaged %d checkpoints, want 3", s.Averaged)
		}
		if validEvery == 1000 && !s.AvgBetter {
			t.Errorf("no validation ran, yet the mean was not published")
		}
		if s.AvgBetter && s.HasBLEU && s.AvgBLEU <= s.BestBLEU {
			t.Errorf("mean published with dev BLEU %g, best checkpoint %g", s.AvgBLEU, s.BestBLEU)
		}
		mean := meanOfCheckpoints(t, dir)
		f, err := safetensors.Open(filepath.Join(dir, rundir.WeightsFile))
		if err != nil {
			t.Fatal(err)
		}
		same := true
		for name, want := range mean {
			got, err := safetensors.Get[float32](f, name)
			if err != nil {
				t.Fatal(err)
			}
			for i, x := range got.Data {
				same = same && x == want[i]
			}
		}
		if same != s.AvgBetter {
			t.Errorf("valid_every %d: model.safetensors is the mean: %v; the summary says the mean was published: %v", validEvery, same, s.AvgBetter)
		}
		b, err := os.ReadFile(filepath.Join(dir, rundir.MetricsFile))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		var ev struct {
			Event string
			Step  int
			Loss  float64
		}
		if err := json.Unmarshal([]byte(lines[len(lines)-2]), &ev); err != nil || ev.Event != "average" || ev.Step != 30 || ev.Loss != s.AvgLoss {
			t.Errorf("second-to-last metrics line %s: want the average event at step 30 with loss %g", lines[len(lines)-2], s.AvgLoss)
		}
	}
}

// meanOfCheckpoints returns the float64 mean, rounded to float32, of
// every tensor of the run's checkpoints, which must be three.
func meanOfCheckpoints(t *testing.T, dir string) map[string][]float32 {
	t.Helper()
	dirs, err := rundir.Run{Dir: dir}.Checkpoints()
	if err != nil || len(dirs) != 3 {
		t.Fatalf("checkpoints %v, %v; want 3", dirs, err)
	}
	sums := map[string][]float64{}
	for _, d := range dirs {
		f, err := safetensors.Open(filepath.Join(d, rundir.WeightsFile))
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range f.Tensors() {
			w, err := safetensors.Get[float32](f, in.Name)
			if err != nil {
				t.Fatal(err)
			}
			if sums[in.Name] == nil {
				sums[in.Name] = make([]float64, len(w.Data))
			}
			for i, x := range w.Data {
				sums[in.Name][i] += float64(x)
			}
		}
	}
	out := map[string][]float32{}
	for name, sum := range sums {
		out[name] = make([]float32, len(sum))
		for i, s := range sum {
			out[name][i] = float32(s / 3)
		}
	}
	return out
}
