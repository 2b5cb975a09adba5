package train

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"

	"github.com/s2s-nmt/s2s/internal/atomicfile"
	"github.com/s2s-nmt/s2s/rundir"
)

// checkpoint writes the state after the current step (once per step) and
// prunes old checkpoints.
func (t *Trainer) checkpoint() error {
	if t.lastCkpt == t.opts.Run.Checkpoint(t.state.Step) {
		return nil
	}
	t.state.Data = t.task.position()
	t.state.OptStep = int(t.opt.Steps())
	dir, err := saveCheckpoint(t.opts.Run, t.task.params(), t.optSlabs(), t.state, t.task.saveExtra)
	if err != nil {
		return err
	}
	t.lastCkpt = dir
	if t.cfg.Training.ValidMetric == Loss || !t.state.Plateau.HasBest {
		// Without BLEU the model file follows validation loss (validate
		// writes it); before any validation it is the latest weights.
		if !t.state.Plateau.HasBest {
			if err := t.saveBest(); err != nil {
				return err
			}
		}
	}
	return t.opts.Run.Prune(t.cfg.Training.KeepLast)
}

// saveBest publishes the current weights as the run's model.safetensors,
// with the run's manifest.
func (t *Trainer) saveBest() error {
	return rundir.Publish(t.opts.Run, t.task.params(), nil)
}

// validate runs validation, logs it, and keeps the best weights.
func (t *Trainer) validate() error {
	v, err := t.task.evaluate()
	if err != nil {
		return err
	}
	metric := v.loss
	if t.cfg.Training.ValidMetric == BLEU && v.hasBLEU {
		metric = v.bleu
	}
	c := t.cfg.Training
	if c.ValidMetric == BLEU && !v.hasBLEU {
		c.ValidMetric = Loss // no dev set with references: rank by loss
	}
	best := t.state.Plateau.observe(c, t.state.Step, metric)
	ev := Event{Event: "valid", Step: t.state.Step, Loss: v.loss, PPL: v.ppl, BLEU: v.bleu, HasBLEU: v.hasBLEU}
	if err := t.metrics.write(ev); err != nil {
		return err
	}
	args := []any{"step", t.state.Step, "loss", round(v.loss, 4), "ppl", round(v.ppl, 2)}
	if v.hasBLEU {
		args = append(args, "bleu", round(v.bleu, 2))
	}
	if best {
		args = append(args, "best", true)
	}
	t.progress.message("valid", args...)
	if best {
		return t.saveBest()
	}
	return nil
}

// trimMetrics drops events after step from metrics.jsonl: a run killed
// after its last checkpoint logged steps that resuming will redo.
func trimMetrics(path string, step int) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var e struct{ Step int }
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Step > step {
			continue // a torn line or a step to be redone
		}
		out.Write(sc.Bytes())
		out.WriteByte('\n')
	}
	return atomicfile.WriteFile(path, out.Bytes(), 0o644)
}
