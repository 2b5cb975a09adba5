package train

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
)

// Event is one line of metrics.jsonl. Fields left at their zero value
// are omitted by the event kinds that do not use them; a non-finite number
// is written as null.
type Event struct {
	Event    string  // "train", "valid", "average" or "end"
	Step     int     // update number, 1-based
	Epoch    int     // pass over the training data, 1-based
	Loss     float64 // per target token
	PPL      float64 // exp(loss), valid only
	BLEU     float64 // dev BLEU, valid only
	LR       float64 // learning rate of the update, train only
	GradNorm float64 // global gradient norm before clipping, train only
	TokPerS  float64 // target tokens per second, train only
	HasBLEU  bool    // whether BLEU was computed
}

// num writes a JSON number, or null when v is NaN or ±Inf.
func num(b *bytes.Buffer, key string, v float64) {
	fmt.Fprintf(b, ",%q:", key)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		b.WriteString("null")
		return
	}
	b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
}

// MarshalJSON writes event and step, then the fixed keys of e's kind:
// epoch loss lr grad_norm tok_per_s (train), loss ppl bleu (valid and
// average: the mean of the last checkpoints), epoch loss bleu (end); bleu
// only when computed.
func (e Event) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	ev, _ := json.Marshal(e.Event)
	fmt.Fprintf(&b, `{"event":%s,"step":%d`, ev, e.Step)
	switch e.Event {
	case "train":
		fmt.Fprintf(&b, `,"epoch":%d`, e.Epoch)
		num(&b, "loss", e.Loss)
		num(&b, "lr", e.LR)
		num(&b, "grad_norm", e.GradNorm)
		num(&b, "tok_per_s", e.TokPerS)
	case "valid", "average":
		num(&b, "loss", e.Loss)
		num(&b, "ppl", e.PPL)
		if e.HasBLEU {
			num(&b, "bleu", e.BLEU)
		}
	default:
		fmt.Fprintf(&b, `,"epoch":%d`, e.Epoch)
		num(&b, "loss", e.Loss)
		if e.HasBLEU {
			num(&b, "bleu", e.BLEU)
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// metricsLog appends events to metrics.jsonl, one object per line, each
// written with a single write so a crash never leaves half a line.
type metricsLog struct{ f *os.File }

func openMetrics(path string) (*metricsLog, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return &metricsLog{f}, nil
}

func (m *metricsLog) write(e Event) error {
	b, _ := e.MarshalJSON()
	if _, err := m.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("%s: %w", m.f.Name(), err)
	}
	return nil
}

func (m *metricsLog) close() error { return m.f.Close() }
