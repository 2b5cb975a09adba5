package train

import (
	"math"
	"strings"
	"testing"
)

func TestLearningRateWarmup(t *testing.T) {
	c := Defaults()
	c.WarmupSteps = 4
	for _, tc := range []struct {
		step int
		want float64
	}{{1, 0.25e-3}, {2, 0.5e-3}, {4, 1e-3}, {5, 1e-3}, {100, 1e-3}} {
		if got := lrAt(c, tc.step, 1e-3); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("step %d: lr %g, want %g", tc.step, got, tc.want)
		}
	}
}

func TestTeacherForcingSchedules(t *testing.T) {
	c := Defaults()
	c.TeacherForcing, c.TeacherForcingMin, c.TeacherForcingSteps = 1, 0.5, 100
	for _, tc := range []struct {
		sched TFSchedule
		step  int
		want  float64
	}{
		{TFConstant, 1000, 1},
		{TFLinear, 0, 1}, {TFLinear, 50, 0.75}, {TFLinear, 100, 0.5}, {TFLinear, 500, 0.5},
		// inverse sigmoid k/(k+exp(step/k)) with k = 100: step 0 → 100/101.
		{TFInvSig, 0, 0.5 + 0.5*100/101.0}, {TFInvSig, 100, 0.5 + 0.5*100/(100+math.E)},
	} {
		c.TeacherForcingSchedule = tc.sched
		if got := teacherForcing(c, tc.step); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s at step %d: %g, want %g", tc.sched, tc.step, got, tc.want)
		}
	}
}

func TestPlateauDecayAndEarlyStopping(t *testing.T) {
	c := Defaults()
	c.Schedule, c.ValidMetric, c.DecayPatience, c.DecayFactor, c.Patience = Plateau, BLEU, 2, 0.5, 3
	p := plateau{Base: 1e-3}
	for i, v := range []float64{10, 12, 11, 12, 9} { // a best, a better, then three without improvement
		p.observe(c, i+1, v)
	}
	if p.Best != 12 || p.BestStep != 2 {
		t.Errorf("best %v at %d, want 12 at 2 (a tie is no improvement)", p.Best, p.BestStep)
	}
	if p.Base != 0.5e-3 {
		t.Errorf("base lr %g after 3 validations without improvement (patience 2), want one decay to 5e-4", p.Base)
	}
	if !p.stop(c) {
		t.Error("no early stop after 3 validations without improvement (patience 3)")
	}
	c.ValidMetric = Loss
	q := plateau{Base: 1}
	q.observe(c, 1, 2.0)
	if !q.observe(c, 2, 1.5) || q.observe(c, 3, 1.7) {
		t.Error("with the loss metric lower must be better")
	}
}

func TestConfigValidation(t *testing.T) {
	c := Defaults()
	c.BatchSize, c.Optimizer, c.TeacherForcing, c.MaxTime, c.DecayFactor = 0, "adamw", 1.5, "soon", 1
	err := c.Validate()
	for _, key := range []string{"batch_size", "optimizer", "teacher_forcing", "max_time", "decay_factor"} {
		if err == nil || !strings.Contains(err.Error(), key+":") {
			t.Errorf("no error for %s in %v", key, err)
		}
	}
	d := Defaults()
	if err := d.Validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
}

func TestLearningRateDecays(t *testing.T) {
	c := Defaults()
	c.WarmupSteps, c.MaxSteps, c.MinLR = 10, 110, 1e-5
	for _, tc := range []struct {
		sched Schedule
		step  int
		want  float64
	}{
		{Cosine, 5, 0.5e-3}, {Cosine, 10, 1e-3}, {Cosine, 60, 1e-5 + (1e-3-1e-5)*0.5},
		// a quarter of the way: (1+cos(π/4))/2 = 0.853553…
		{Cosine, 35, 1e-5 + (1e-3-1e-5)*(1+math.Sqrt2/2)/2}, {Cosine, 110, 1e-5}, {Cosine, 200, 1e-5},
		{Linear, 10, 1e-3}, {Linear, 35, 1e-3 - (1e-3-1e-5)*0.25}, {Linear, 110, 1e-5}, {Linear, 500, 1e-5},
		{Constant, 110, 1e-3},
	} {
		c.Schedule = tc.sched
		if got := lrAt(c, tc.step, 1e-3); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("%s at step %d: lr %g, want %g", tc.sched, tc.step, got, tc.want)
		}
	}
}

func TestDecayNeedsMaxSteps(t *testing.T) {
	c := Defaults()
	c.Schedule, c.WarmupSteps, c.AverageLast = Cosine, 100, 5
	err := c.Validate()
	for _, want := range []string{"schedule: cosine decays to min_lr at max_steps", "average_last: averages kept checkpoints: must be ≤ keep_last (3), got 5"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want it to contain %q", err, want)
		}
	}
}
