package train

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/s2s-nmt/s2s/internal/gemm"
)

// step runs one update of tokens target tokens: forward/backward over the
// loaded data on all workers, reduce, clip, schedule, optimizer step. It
// returns the loss per target token and the gradient norm before clipping.
func (t *Trainer) step(tokens, epoch int) (loss, norm float64, err error) {
	c := t.cfg.Training
	st := &t.state
	reps := t.task.replicas() // gradients all zero (loop, reduceGrads, update)
	// The pass's products run in training.precision; validation and
	// decoding, which run between passes, in float32.
	prev := gemm.SetPrecision(c.Precision.gemm())
	sum := t.task.pass(passOptions{
		seed: c.Seed, step: uint64(st.Step + 1), gradScale: float32(1 / float64(tokens)),
		labelSmoothing: c.LabelSmoothing, teacherForcing: teacherForcing(c, st.Step+1), train: true,
	})
	gemm.SetPrecision(prev)
	loss = sum / float64(tokens)
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		zeroGrads(reps)
		return loss, 0, fmt.Errorf("step %d: loss is %v; training stopped (the last good checkpoint is kept; try a lower training.learning_rate or training.clip_norm)", st.Step+1, loss)
	}
	norm = reduceGrads(reps)
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		zeroGrads(reps)
		return loss, norm, fmt.Errorf("step %d: gradient norm is %v; training stopped (the last good checkpoint is kept)", st.Step+1, norm)
	}
	set := t.task.params()
	update(t.opt, set.W, set.G, norm, c.ClipNorm, lrAt(c, st.Step+1, st.Plateau.Base))
	st.Step++
	st.Tokens += int64(tokens)
	st.Epoch = epoch
	return loss, norm, nil
}

// loop trains until a limit, a signal, early stopping or an error.
func (t *Trainer) loop(ctx context.Context) error {
	c := t.cfg.Training
	start := time.Now()
	base := t.state.Seconds
	limit := c.MaxDuration()
	zeroGrads(t.task.replicas()) // then each step leaves them zeroed
	for {
		if reason := t.done(base + time.Since(start).Seconds()); reason != "" {
			t.stopReason = reason
			return nil
		}
		select {
		case <-ctx.Done():
			t.stopReason = "interrupted"
			t.interrupted = true
			return nil
		default:
		}
		tokens, epoch, ok := t.task.next()
		if !ok {
			t.stopReason = fmt.Sprintf("reached training.epochs = %d", c.Epochs)
			return nil
		}
		t0 := time.Now()
		loss, norm, err := t.step(tokens, epoch)
		if err != nil {
			return err
		}
		t.state.Seconds = base + time.Since(start).Seconds()
		if testHookStep != nil {
			testHookStep(t)
		}
		ev := Event{Event: "train", Step: t.state.Step, Epoch: t.state.Epoch, Loss: loss,
			LR: lrAt(c, t.state.Step, t.state.Plateau.Base), GradNorm: norm,
			TokPerS: float64(tokens) / time.Since(t0).Seconds()}
		if err := t.afterStep(ev, limit); err != nil {
			return err
		}
	}
}

// testHookStep, when set by a test, runs after every update.
var testHookStep func(t *Trainer)

// done returns why training should stop now, or "".
func (t *Trainer) done(elapsed float64) string {
	c := t.cfg.Training
	switch {
	case c.MaxSteps > 0 && t.state.Step >= c.MaxSteps:
		return fmt.Sprintf("reached training.max_steps = %d", c.MaxSteps)
	case c.MaxDuration() > 0 && elapsed >= c.MaxDuration().Seconds():
		return fmt.Sprintf("reached training.max_time = %s", c.MaxTime)
	case t.state.Plateau.stop(c):
		return fmt.Sprintf("no improvement in %d validations (training.patience)", c.Patience)
	}
	return ""
}

// afterStep logs the step, validates and checkpoints when due.
func (t *Trainer) afterStep(ev Event, limit time.Duration) error {
	c := t.cfg.Training
	t.ema = ewma(t.ema, ev.TokPerS, t.state.Step)
	ev.TokPerS = t.ema
	if t.state.Step%t.logEvery == 0 || t.state.Step == 1 {
		if err := t.metrics.write(ev); err != nil {
			return err
		}
	}
	t.progress.update(ev, t.eta(limit))
	if t.state.Step%c.ValidEvery == 0 {
		if err := t.validate(); err != nil {
			return err
		}
	}
	if t.state.Step%c.CheckpointEvery == 0 {
		return t.checkpoint()
	}
	return nil
}

// ewma smooths tokens/s over the last ~20 steps.
func ewma(prev, v float64, step int) float64 {
	if prev == 0 || step < 3 {
		return v
	}
	return 0.95*prev + 0.05*v
}

// eta estimates the time left from the nearest known limit.
func (t *Trainer) eta(limit time.Duration) time.Duration {
	c := t.cfg.Training
	var left time.Duration
	if c.MaxSteps > 0 && t.state.Step > 0 {
		per := t.state.Seconds / float64(t.state.Step)
		left = time.Duration(per * float64(c.MaxSteps-t.state.Step) * float64(time.Second))
	}
	if limit > 0 {
		rem := limit - time.Duration(t.state.Seconds*float64(time.Second))
		if left == 0 || rem < left {
			left = rem
		}
	}
	return left
}
