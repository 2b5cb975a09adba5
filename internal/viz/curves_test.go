package viz

import (
	"bytes"
	"math"
	"testing"
)

// fakeRun returns the events of a made-up run: a train event every 10
// steps for steps steps, a valid event every 100, with BLEU if withBLEU.
func fakeRun(steps int, withBLEU bool) []Event {
	var es []Event
	for s := 10; s <= steps; s += 10 {
		loss := 6*math.Exp(-float64(s)/300) + 1 + 0.2*math.Sin(float64(s))
		es = append(es, Event{Event: "train", Step: int64(s), Loss: loss, BLEU: nan})
		if s%100 == 0 {
			v := Event{Event: "valid", Step: int64(s), Loss: loss + 0.3, BLEU: nan}
			if withBLEU {
				v.BLEU = 30 * (1 - math.Exp(-float64(s)/400))
			}
			es = append(es, v)
		}
	}
	return append(es, Event{Event: "end", Step: int64(steps)})
}

func TestCurves(t *testing.T) {
	for _, tc := range []struct {
		name   string
		events []Event
		opts   CurvesOptions
		w, h   int
	}{
		{"translation default size", fakeRun(1000, true), CurvesOptions{Title: "en-ru"}, DefaultCurvesWidth, DefaultCurvesHeight},
		{"lm without bleu", fakeRun(1000, false), CurvesOptions{Width: 640, Height: 400}, 640, 400},
		{"one valid event only", []Event{{Event: "valid", Step: 5, Loss: 3, BLEU: 1}}, CurvesOptions{}, DefaultCurvesWidth, DefaultCurvesHeight},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Curves(&buf, tc.events, tc.opts); err != nil {
				t.Fatal(err)
			}
			checkPNG(t, buf.Bytes(), tc.w, tc.h)
		})
	}
}

func TestCurvesErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		events []Event
		opts   CurvesOptions
	}{
		{"no events", nil, CurvesOptions{}},
		{"only null losses", []Event{{Event: "train", Step: 1, Loss: nan}}, CurvesOptions{}},
		{"negative size", fakeRun(100, true), CurvesOptions{Width: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := Curves(&bytes.Buffer{}, tc.events, tc.opts); err == nil {
				t.Error("no error")
			}
		})
	}
}
