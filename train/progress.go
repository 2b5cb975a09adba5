package train

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows training as it goes: a bar on a terminal, slog lines
// otherwise (every logEvery updates).
type progress struct {
	bar          *progressbar.ProgressBar // nil when not a terminal
	unknownTotal bool                     // no max_steps: the bar spins, ETA from max_time
	log          *slog.Logger
	logEvery     int
}

// newProgress draws a bar on w when w is a terminal. total is the number
// of updates if known (0 = unknown, the bar spins).
func newProgress(w io.Writer, log *slog.Logger, total, logEvery int) *progress {
	p := &progress{log: log, logEvery: max(logEvery, 1)}
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return p
	}
	max := int64(total)
	if max <= 0 {
		max, p.unknownTotal = -1, true
	}
	p.bar = progressbar.NewOptions64(max,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetWidth(24),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionSetElapsedTime(true),
	)
	return p
}

// update reports one finished update.
func (p *progress) update(e Event, eta time.Duration) {
	if p.bar != nil {
		desc := fmt.Sprintf("step %d epoch %d loss %.3f %.0f tok/s lr %.2e", e.Step, e.Epoch, e.Loss, e.TokPerS, e.LR)
		if p.unknownTotal && eta > 0 {
			desc += " ETA ≤ " + eta.Round(time.Second).String()
		}
		p.bar.Describe(desc)
		_ = p.bar.Set(e.Step)
		return
	}
	if e.Step%p.logEvery == 0 {
		args := []any{"step", e.Step, "epoch", e.Epoch, "loss", round(e.Loss, 4), "lr", e.LR,
			"grad_norm", round(e.GradNorm, 4), "tok_per_s", round(e.TokPerS, 0)}
		if eta > 0 {
			args = append(args, "eta", eta.Round(time.Second).String())
		}
		p.log.Info("train", args...)
	}
}

// message prints a line without breaking the bar.
func (p *progress) message(msg string, args ...any) {
	if p.bar != nil {
		_ = p.bar.Clear()
	}
	p.log.Info(msg, args...)
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
		fmt.Fprintln(os.Stderr)
	}
}

func round(v float64, digits int) float64 {
	return math.Round(v*math.Pow(10, float64(digits))) / math.Pow(10, float64(digits))
}
