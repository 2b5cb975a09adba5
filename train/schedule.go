package train

import "math"

// lrAt returns the learning rate for an update at step (1-based) given the
// current plateau-decayed base rate: a linear warmup, then base, or, for
// the cosine and linear schedules, base decayed to min_lr at max_steps.
func lrAt(c Config, step int, base float64) float64 {
	if c.WarmupSteps > 0 && step <= c.WarmupSteps {
		return base * float64(step) / float64(c.WarmupSteps)
	}
	if c.Schedule != Cosine && c.Schedule != Linear {
		return base
	}
	// f runs from 0 after warmup to 1 at the last step.
	f := math.Min(1, float64(step-c.WarmupSteps)/float64(max(c.MaxSteps-c.WarmupSteps, 1)))
	if c.Schedule == Cosine {
		return c.MinLR + (base-c.MinLR)*0.5*(1+math.Cos(math.Pi*f))
	}
	return base - (base-c.MinLR)*f
}

// teacherForcing returns the teacher-forcing ratio for an update at step.
func teacherForcing(c Config, step int) float64 {
	hi, lo := c.TeacherForcing, c.TeacherForcingMin
	switch c.TeacherForcingSchedule {
	case TFLinear:
		f := math.Min(1, float64(step)/float64(c.TeacherForcingSteps))
		return hi - (hi-lo)*f
	case TFInvSig:
		k := float64(c.TeacherForcingSteps)
		f := k / (k + math.Exp(float64(step)/k))
		return lo + (hi-lo)*f
	}
	return hi
}

// plateau tracks validations for learning-rate decay and early stopping.
// Its fields are exported through the checkpoint's trainer state.
type plateau struct {
	HasBest    bool    `json:"has_best"`    // whether any validation has run
	Best       float64 `json:"best"`        // best metric so far
	BestStep   int     `json:"best_step"`   // step of the best validation
	SinceBest  int     `json:"since_best"`  // validations since the best (early stopping)
	SinceDecay int     `json:"since_decay"` // validations without improvement since the last decay
	Base       float64 `json:"base_lr"`     // current base learning rate
}

// observe records a validation value; it returns whether it is a new best.
func (p *plateau) observe(c Config, step int, v float64) bool {
	better := !p.HasBest || (c.ValidMetric == BLEU && v > p.Best) || (c.ValidMetric == Loss && v < p.Best)
	if better {
		p.HasBest, p.Best, p.BestStep, p.SinceBest, p.SinceDecay = true, v, step, 0, 0
		return true
	}
	p.SinceBest++
	p.SinceDecay++
	if c.Schedule == Plateau && p.SinceDecay >= c.DecayPatience {
		p.Base = math.Max(c.MinLR, p.Base*c.DecayFactor)
		p.SinceDecay = 0
	}
	return false
}

// stop reports whether early stopping should end training.
func (p *plateau) stop(c Config) bool { return c.Patience > 0 && p.SinceBest >= c.Patience }
