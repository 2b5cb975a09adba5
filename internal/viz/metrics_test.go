package viz

import (
	"bytes"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sameFloat compares floats with NaN equal to NaN: absent event fields are NaN.
func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

func sameEvent(a, b Event) bool {
	return a.Event == b.Event && a.Step == b.Step && a.Epoch == b.Epoch &&
		sameFloat(a.Loss, b.Loss) && sameFloat(a.LR, b.LR) && sameFloat(a.GradNorm, b.GradNorm) &&
		sameFloat(a.TokPerS, b.TokPerS) && sameFloat(a.PPL, b.PPL) && sameFloat(a.BLEU, b.BLEU)
}

var nan = math.NaN()

func TestReadMetrics(t *testing.T) {
	train := `{"event":"train","step":10,"epoch":1,"loss":4.5,"lr":0.001,"grad_norm":null,"tok_per_s":1200}`
	valid := `{"event":"valid","step":10,"loss":4.2,"ppl":66.7,"bleu":null}`
	wantTrain := Event{Event: "train", Step: 10, Epoch: 1, Loss: 4.5, LR: 0.001, GradNorm: nan, TokPerS: 1200, PPL: nan, BLEU: nan}
	wantValid := Event{Event: "valid", Step: 10, Loss: 4.2, LR: nan, GradNorm: nan, TokPerS: nan, PPL: 66.7, BLEU: nan}
	end := Event{Event: "end", Step: 10, Loss: nan, LR: nan, GradNorm: nan, TokPerS: nan, PPL: nan, BLEU: nan}
	for _, tc := range []struct {
		name    string
		data    string
		want    []Event
		err     string // substring of the error; "" for none
		warning bool   // a torn line is logged
	}{
		{"nulls", train + "\n" + valid + "\n", []Event{wantTrain, wantValid}, "", false},
		{"blank lines and end", "\n" + train + "\n\n" + `{"event":"end","step":10}` + "\n", []Event{wantTrain, end}, "", false},
		{"unknown keys kept readable", `{"event":"train","step":10,"epoch":1,"loss":4.5,"lr":0.001,"tok_per_s":1200,"new_key":[1]}` + "\n",
			[]Event{wantTrain}, "", false},
		{"torn last line", train + "\n" + `{"event":"valid","st`, []Event{wantTrain}, "", true},
		{"bad middle line", train + "\n" + "{oops\n" + valid + "\n", nil, "metrics.jsonl:2: ", false},
		{"bad complete last line", train + "\n" + "{oops\n", nil, "metrics.jsonl:2: ", false},
		{"no event key", `{"step":3}` + "\n", nil, "metrics.jsonl:1: ", false},
		{"empty", "", nil, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "metrics.jsonl")
			if err := os.WriteFile(path, []byte(tc.data), 0o644); err != nil {
				t.Fatal(err)
			}
			var logged bytes.Buffer
			got, err := ReadMetrics(path, slog.New(slog.NewTextHandler(&logged, nil)))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), path) {
					t.Fatalf("error %v, want one starting %s and containing %q", err, path, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d events %+v, want %d", len(got), got, len(tc.want))
			}
			for i := range got {
				if !sameEvent(got[i], tc.want[i]) {
					t.Errorf("event %d = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
			if warned := strings.Contains(logged.String(), "torn"); warned != tc.warning {
				t.Errorf("warning logged %v, want %v: %q", warned, tc.warning, logged.String())
			}
		})
	}
}

func TestReadMetricsMissing(t *testing.T) {
	if _, err := ReadMetrics(filepath.Join(t.TempDir(), "none.jsonl"), nil); !os.IsNotExist(err) {
		t.Errorf("error %v, want not-exist", err)
	}
}

func TestSeriesResume(t *testing.T) {
	var s series
	for _, p := range []struct {
		step int64
		v    float64
	}{{10, 5}, {20, 4}, {30, 3}, {20, 3.9}, {30, nan}, {40, 2}} {
		s.add(p.step, p.v)
	}
	want := []struct{ x, y float64 }{{10, 5}, {20, 3.9}, {40, 2}}
	if len(s.xy) != len(want) {
		t.Fatalf("points %v, want %v", s.xy, want)
	}
	for i, w := range want {
		if s.xy[i].X != w.x || s.xy[i].Y != w.y {
			t.Errorf("point %d = %v, want %v", i, s.xy[i], w)
		}
	}
}
