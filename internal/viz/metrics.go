package viz

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
)

// Event is one line of a run's metrics.jsonl, as package train writes it.
// Numbers written as null (non-finite) or absent are NaN.
// Fields that do not belong to an event's kind are NaN (or 0 for Step and
// Epoch); unknown keys are ignored so that newer runs stay readable.
type Event struct {
	Event    string  // "train", "valid", "end", or a kind this package ignores
	Step     int64   // optimizer steps so far
	Epoch    int     // train events: epochs started so far
	Loss     float64 // nats per target token (train: mean over the logging interval)
	LR       float64 // train: learning rate
	GradNorm float64 // train: global gradient norm before clipping
	TokPerS  float64 // train: target tokens per second
	PPL      float64 // valid: perplexity, exp(Loss)
	BLEU     float64 // valid: dev BLEU; NaN for a language model
}

// eventJSON is Event as written on disk; pointers tell null from a number.
type eventJSON struct {
	Event    string   `json:"event"`
	Step     int64    `json:"step"`
	Epoch    int      `json:"epoch"`
	Loss     *float64 `json:"loss"`
	LR       *float64 `json:"lr"`
	GradNorm *float64 `json:"grad_norm"`
	TokPerS  *float64 `json:"tok_per_s"`
	PPL      *float64 `json:"ppl"`
	BLEU     *float64 `json:"bleu"`
}

func orNaN(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

func (e eventJSON) event() Event {
	return Event{
		Event: e.Event, Step: e.Step, Epoch: e.Epoch,
		Loss: orNaN(e.Loss), LR: orNaN(e.LR), GradNorm: orNaN(e.GradNorm),
		TokPerS: orNaN(e.TokPerS), PPL: orNaN(e.PPL), BLEU: orNaN(e.BLEU),
	}
}

// ReadMetrics reads the events of a metrics.jsonl file, in file order.
// Blank lines are skipped. A line that is not a JSON object with an "event"
// key is an error naming path and line ("runs/x/metrics.jsonl:12: ..."),
// except a last line without its newline: that is a line torn by a crash
// while it was written, and it is skipped with a warning on log (nil: no
// warning).
func ReadMetrics(path string, log *slog.Logger) ([]Event, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseMetrics(data, path, log)
}

// parseMetrics is ReadMetrics on the contents of the file called name.
func parseMetrics(data []byte, name string, log *slog.Logger) ([]Event, error) {
	var events []Event
	for n := 1; len(data) > 0; n++ {
		line, rest, complete := bytes.Cut(data, []byte("\n"))
		data = rest
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		e, err := parseEvent(line)
		if err != nil && !complete {
			if log != nil {
				log.Warn("skipping torn last line", "file", name, "line", n, "err", err)
			}
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		events = append(events, e)
	}
	return events, nil
}

func parseEvent(line []byte) (Event, error) {
	var e eventJSON
	if err := json.Unmarshal(line, &e); err != nil {
		return Event{}, fmt.Errorf("not a JSON metrics event: %w", err)
	}
	if e.Event == "" {
		return Event{}, errors.New(`metrics event without an "event" key`)
	}
	return e.event(), nil
}
