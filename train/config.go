package train

import (
	"errors"
	"fmt"
	"github.com/s2s-nmt/s2s/internal/field"
	"github.com/s2s-nmt/s2s/internal/gemm"
	"time"
)

// BatchType says what training.batch_size counts.
type BatchType string

// Batch size units.
const (
	Sentences BatchType = "sentences"
	Tokens    BatchType = "tokens"
)

// Valid reports whether b is a known unit.
func (b BatchType) Valid() bool { return b == Sentences || b == Tokens }

// Optimizer names the update rule.
type Optimizer string

// Optimizers.
const (
	Adam Optimizer = "adam"
	SGD  Optimizer = "sgd"
)

// Valid reports whether o is a known optimizer.
func (o Optimizer) Valid() bool { return o == Adam || o == SGD }

// Schedule names the learning-rate schedule after warmup.
type Schedule string

// Schedules.
const (
	Constant Schedule = "constant" // the rate stays at learning_rate
	Plateau  Schedule = "plateau"  // multiplied by decay_factor after decay_patience validations without improvement
	Cosine   Schedule = "cosine"   // a half cosine from learning_rate down to min_lr at max_steps
	Linear   Schedule = "linear"   // a straight line from learning_rate down to min_lr at max_steps
)

// Valid reports whether s is a known schedule.
func (s Schedule) Valid() bool { return s == Constant || s == Plateau || s == Cosine || s == Linear }

// Metric names what validation ranks checkpoints and plateaus by.
type Metric string

// Validation metrics.
const (
	BLEU Metric = "bleu" // dev BLEU, higher is better
	Loss Metric = "loss" // dev loss per token, lower is better
)

// Valid reports whether m is a known metric.
func (m Metric) Valid() bool { return m == BLEU || m == Loss }

// TFSchedule names how the teacher-forcing ratio moves from
// teacher_forcing to teacher_forcing_min (scheduled sampling).
type TFSchedule string

// Teacher-forcing schedules.
const (
	TFConstant TFSchedule = "constant" // always teacher_forcing
	TFLinear   TFSchedule = "linear"   // linear decay over teacher_forcing_steps
	TFInvSig   TFSchedule = "inverse_sigmoid"
)

// Valid reports whether s is a known teacher-forcing schedule.
func (s TFSchedule) Valid() bool { return s == TFConstant || s == TFLinear || s == TFInvSig }

// Precision names the arithmetic of a training step's matrix products.
type Precision string

// Precisions.
const (
	FP32 Precision = "fp32" // float32 throughout
	BF16 Precision = "bf16" // products on bf16-rounded operands, summed in float32 (AVX512_BF16)
)

// Valid reports whether p is a known precision.
func (p Precision) Valid() bool { return p == FP32 || p == BF16 }

// gemm is p as package gemm's precision.
func (p Precision) gemm() gemm.Precision {
	if p == BF16 {
		return gemm.BF16
	}
	return gemm.FP32
}

// Config is the `training:` section of an experiment file.
type Config struct {
	// Seed seeds weights, data order, dropout, BPE-dropout and sampling. Default 1.
	Seed uint64 `yaml:"seed"`
	// Threads is the number of data-parallel workers; 0 means all cores. Default 0.
	Threads int `yaml:"threads"`
	// BatchSize is the size of one batch in BatchType units. Default 64.
	BatchSize int `yaml:"batch_size"`
	// BatchType is sentences or tokens (target tokens). Default sentences.
	BatchType BatchType `yaml:"batch_type"`
	// Accumulate sums the gradients of this many batches before an update. Default 1.
	Accumulate int `yaml:"accumulate"`
	// Precision is fp32 or bf16. With bf16 every matrix product of a
	// training step, forward and backward, rounds both operands to
	// bfloat16 (nearest even) and sums in float32 with AVX512_BF16's
	// VDPBF16PS (a slow, bit-exact emulation without it); weights,
	// gradients, the optimizer's state, elementwise work, the loss,
	// validation and decoding stay float32. A run keeps its precision:
	// --resume refuses a change. Default fp32.
	Precision Precision `yaml:"precision"`
	// Optimizer is adam or sgd. Default adam.
	Optimizer Optimizer `yaml:"optimizer"`
	// LearningRate is the peak learning rate. Default 0.001.
	LearningRate float64 `yaml:"learning_rate"`
	// Momentum is SGD's momentum (0 = plain SGD). Default 0.
	Momentum float64 `yaml:"momentum"`
	// Beta1, Beta2, Eps are Adam's constants. Defaults 0.9, 0.999, 1e-8.
	Beta1 float64 `yaml:"beta1"`
	Beta2 float64 `yaml:"beta2"`
	Eps   float64 `yaml:"eps"`
	// WeightDecay is L2 weight decay added to the gradient. Default 0.
	WeightDecay float64 `yaml:"weight_decay"`
	// Schedule is constant, plateau, cosine or linear; cosine and linear
	// decay the rate after warmup to min_lr at max_steps, which they need.
	// Default constant.
	Schedule Schedule `yaml:"schedule"`
	// WarmupSteps raises the rate linearly from 0 over this many steps. Default 0.
	WarmupSteps int `yaml:"warmup_steps"`
	// DecayFactor multiplies the rate on a plateau, in (0, 1). Default 0.5.
	DecayFactor float64 `yaml:"decay_factor"`
	// DecayPatience is the validations without improvement before a decay. Default 2.
	DecayPatience int `yaml:"decay_patience"`
	// MinLR is the floor of the decayed rate. Default 1e-6.
	MinLR float64 `yaml:"min_lr"`
	// ClipNorm clips the global gradient norm; 0 disables. Default 1.0.
	ClipNorm float64 `yaml:"clip_norm"`
	// LabelSmoothing is ε in [0, 1). Default 0.
	LabelSmoothing float64 `yaml:"label_smoothing"`
	// TeacherForcing is the starting teacher-forcing ratio in [0, 1]. Default 1.
	TeacherForcing float64 `yaml:"teacher_forcing"`
	// TeacherForcingMin is where the schedule ends. Default 1 (no scheduled sampling).
	TeacherForcingMin float64 `yaml:"teacher_forcing_min"`
	// TeacherForcingSchedule is constant, linear or inverse_sigmoid. Default constant.
	TeacherForcingSchedule TFSchedule `yaml:"teacher_forcing_schedule"`
	// TeacherForcingSteps is the length of the linear schedule, or k of the
	// inverse sigmoid k/(k+exp(step/k)). Default 10000.
	TeacherForcingSteps int `yaml:"teacher_forcing_steps"`
	// BPTT is a language model's truncated-backpropagation length: the
	// tokens of each stream per update, the hidden state carried across.
	// Default 50 (Karpathy's seq_length).
	BPTT int `yaml:"bptt"`
	// MaxSteps stops training after this many updates; 0 = no limit. Default 0.
	MaxSteps int `yaml:"max_steps"`
	// Epochs stops training after this many passes; 0 = no limit. Default 0.
	Epochs int `yaml:"epochs"`
	// MaxTime stops training after this wall time, e.g. "5m"; empty = no limit.
	MaxTime string `yaml:"max_time"`
	// ValidEvery validates every this many steps. Default 500.
	ValidEvery int `yaml:"valid_every"`
	// ValidSentences is how many dev lines, the first of the dev files,
	// validation translates (greedy, sources truncated at data.max_len)
	// and scores with BLEU; 0 = all. Default 500.
	ValidSentences int `yaml:"valid_sentences"`
	// ValidBeam is the beam width validation searches with: 0 or 1 is
	// greedy search; N > 1 is beam search of width N with the translate
	// section's alpha, length penalty and length bound, as
	// `s2s translate --beam N` runs it. Default 0.
	ValidBeam int `yaml:"valid_beam"`
	// ValidMetric ranks validations: bleu or loss. Default bleu.
	ValidMetric Metric `yaml:"valid_metric"`
	// CheckpointEvery writes a checkpoint every this many steps. Default 500.
	CheckpointEvery int `yaml:"checkpoint_every"`
	// KeepLast keeps this many newest checkpoints. Default 3.
	KeepLast int `yaml:"keep_last"`
	// Patience stops training after this many validations without
	// improvement; 0 = never. Default 0.
	Patience int `yaml:"patience"`
	// AverageLast, when training ends, averages the newest AverageLast
	// checkpoints (the last one included), validates the mean, and
	// publishes it as the run's model when it beats the best validation;
	// ≤ keep_last; 0 = off. Default 0.
	AverageLast int `yaml:"average_last"`
}

// Defaults returns the default training section.
func Defaults() Config {
	return Config{
		Seed: 1, BatchSize: 64, BatchType: Sentences, Accumulate: 1, Precision: FP32,
		Optimizer: Adam, LearningRate: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8,
		Schedule: Constant, DecayFactor: 0.5, DecayPatience: 2, MinLR: 1e-6,
		ClipNorm: 1, TeacherForcing: 1, TeacherForcingMin: 1,
		TeacherForcingSchedule: TFConstant, TeacherForcingSteps: 10000,
		BPTT: 50, ValidEvery: 500, ValidSentences: 500, ValidMetric: BLEU,
		CheckpointEvery: 500, KeepLast: 3,
	}
}

// MaxDuration parses MaxTime; 0 means no limit.
func (c Config) MaxDuration() time.Duration {
	d, _ := time.ParseDuration(c.MaxTime)
	return d
}

// FieldError is one invalid value of the section (see package field).
type FieldError = field.Error

// Validate returns every problem with the section, joined, each a
// *FieldError, or nil.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &FieldError{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	positive := func(key string, v int) {
		if v < 1 {
			bad(key, "must be ≥ 1, got %d", v)
		}
	}
	nonneg := func(key string, v int) {
		if v < 0 {
			bad(key, "must be ≥ 0, got %d", v)
		}
	}
	unit := func(key string, v float64, closedTop bool) {
		if v < 0 || v > 1 || (!closedTop && v == 1) {
			bad(key, "must be in [0, 1%s, got %g", map[bool]string{true: "]", false: ")"}[closedTop], v)
		}
	}
	nonneg("threads", c.Threads)
	positive("batch_size", c.BatchSize)
	positive("accumulate", c.Accumulate)
	positive("valid_every", c.ValidEvery)
	positive("bptt", c.BPTT)
	positive("checkpoint_every", c.CheckpointEvery)
	positive("keep_last", c.KeepLast)
	positive("decay_patience", c.DecayPatience)
	positive("teacher_forcing_steps", c.TeacherForcingSteps)
	for _, kv := range []struct {
		k string
		v int
	}{{"warmup_steps", c.WarmupSteps}, {"max_steps", c.MaxSteps}, {"epochs", c.Epochs}, {"valid_sentences", c.ValidSentences}, {"valid_beam", c.ValidBeam}, {"patience", c.Patience}, {"average_last", c.AverageLast}} {
		nonneg(kv.k, kv.v)
	}
	if !c.BatchType.Valid() {
		bad("batch_type", "%q is not one of sentences, tokens", c.BatchType)
	}
	if !c.Precision.Valid() {
		bad("precision", "%q is not one of fp32, bf16", c.Precision)
	}
	if !c.Optimizer.Valid() {
		bad("optimizer", "%q is not one of adam, sgd", c.Optimizer)
	}
	if !c.Schedule.Valid() {
		bad("schedule", "%q is not one of constant, plateau, cosine, linear", c.Schedule)
	}
	if (c.Schedule == Cosine || c.Schedule == Linear) && c.MaxSteps <= c.WarmupSteps {
		bad("schedule", "%s decays to min_lr at max_steps: set training.max_steps above warmup_steps (%d), got %d", c.Schedule, c.WarmupSteps, c.MaxSteps)
	}
	if c.AverageLast > c.KeepLast {
		bad("average_last", "averages kept checkpoints: must be ≤ keep_last (%d), got %d", c.KeepLast, c.AverageLast)
	}
	if !c.ValidMetric.Valid() {
		bad("valid_metric", "%q is not one of bleu, loss", c.ValidMetric)
	}
	if !c.TeacherForcingSchedule.Valid() {
		bad("teacher_forcing_schedule", "%q is not one of constant, linear, inverse_sigmoid", c.TeacherForcingSchedule)
	}
	if !(c.LearningRate > 0) {
		bad("learning_rate", "must be > 0, got %g", c.LearningRate)
	}
	if c.MinLR < 0 {
		bad("min_lr", "must be ≥ 0, got %g", c.MinLR)
	}
	if c.ClipNorm < 0 {
		bad("clip_norm", "must be ≥ 0 (0 disables clipping), got %g", c.ClipNorm)
	}
	if c.WeightDecay < 0 {
		bad("weight_decay", "must be ≥ 0, got %g", c.WeightDecay)
	}
	if !(c.DecayFactor > 0 && c.DecayFactor < 1) {
		bad("decay_factor", "must be in (0, 1), got %g", c.DecayFactor)
	}
	unit("momentum", c.Momentum, false)
	unit("beta1", c.Beta1, false)
	unit("beta2", c.Beta2, false)
	unit("label_smoothing", c.LabelSmoothing, false)
	unit("teacher_forcing", c.TeacherForcing, true)
	unit("teacher_forcing_min", c.TeacherForcingMin, true)
	if c.TeacherForcingMin > c.TeacherForcing {
		bad("teacher_forcing_min", "must be ≤ teacher_forcing (%g), got %g", c.TeacherForcing, c.TeacherForcingMin)
	}
	if !(c.Eps > 0) {
		bad("eps", "must be > 0, got %g", c.Eps)
	}
	if c.MaxTime != "" {
		if d, err := time.ParseDuration(c.MaxTime); err != nil || d <= 0 {
			bad("max_time", "%q is not a positive duration such as 30m or 2h", c.MaxTime)
		}
	}
	return errors.Join(errs...)
}
