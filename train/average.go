package train

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/s2s-nmt/s2s/internal/manifest"
	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/internal/safetensors"
	"github.com/s2s-nmt/s2s/rundir"
)

// averageLast replaces the weights by the mean of the newest
// training.average_last checkpoints, validates the mean, and publishes it
// as the run's model when it beats the best validation. Fewer than two
// checkpoints leave everything as it is.
func (t *Trainer) averageLast(s *Summary) error {
	c := t.cfg.Training
	dirs, err := t.opts.Run.Checkpoints()
	if err != nil {
		return err
	}
	dirs = dirs[max(0, len(dirs)-c.AverageLast):]
	if c.AverageLast < 2 || len(dirs) < 2 {
		return nil
	}
	set := t.task.params()
	buf := make([]float32, len(set.W))
	var mean mat.Mean
	for _, d := range dirs {
		if err := readWeights(buf, set, d); err != nil {
			return err
		}
		mean.Add(buf)
	}
	mean.Into(set.W)
	v, err := t.task.evaluate()
	if err != nil {
		return err
	}
	s.Averaged, s.AvgLoss, s.AvgBLEU = len(dirs), v.loss, v.bleu
	if c.ValidMetric == BLEU && !v.hasBLEU {
		c.ValidMetric = Loss
	}
	p := t.state.Plateau
	s.AvgBetter = !p.HasBest || (c.ValidMetric == BLEU && v.bleu > p.Best) || (c.ValidMetric == Loss && v.loss < p.Best)
	ev := Event{Event: "average", Step: t.state.Step, Loss: v.loss, PPL: v.ppl, BLEU: v.bleu, HasBLEU: v.hasBLEU}
	if err := t.metrics.write(ev); err != nil {
		return err
	}
	args := []any{"checkpoints", len(dirs), "loss", round(v.loss, 4)}
	if v.hasBLEU {
		args = append(args, "bleu", round(v.bleu, 2))
	}
	args = append(args, "published", s.AvgBetter)
	t.progress.message("average", args...)
	if !s.AvgBetter {
		return nil
	}
	names := make([]string, len(dirs))
	for i, d := range dirs {
		names[i] = filepath.Base(d)
	}
	return rundir.Publish(t.opts.Run, set, map[string]string{"averaged_from": strings.Join(names, " ")})
}

// readWeights verifies checkpoint dir and reads its weights into slab,
// laid out as set.
func readWeights(slab []float32, set *mat.Set[float32], dir string) error {
	if err := manifest.Verify(dir); err != nil {
		return fmt.Errorf("checkpoint %s is damaged: %w (set training.average_last: 0, or remove it)", dir, err)
	}
	f, err := safetensors.Open(filepath.Join(dir, rundir.WeightsFile))
	if err != nil {
		return err
	}
	return fillSlab(slab, set, f, "")
}
