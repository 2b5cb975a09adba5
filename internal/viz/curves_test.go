package viz

import (
	"bytes"
	"image/color"
	"image/png"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"
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

// TestCompare draws three runs: the PNG holds pixels of each run's colour,
// and drawing fewer runs leaves the missing run's colour out.
func TestCompare(t *testing.T) {
	runs := []Run{{"fp32", fakeRun(1000, true)}, {"bf16", fakeRun(800, true)}, {"lm", fakeRun(600, false)}}
	var buf bytes.Buffer
	if err := Compare(&buf, runs, CurvesOptions{Title: "compare", Width: 800, Height: 500}); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, buf.Bytes(), 800, 500)
	two := bytes.Buffer{}
	if err := Compare(&two, runs[:2], CurvesOptions{Width: 800, Height: 500}); err != nil {
		t.Fatal(err)
	}
	purple := runColors[3]
	third := runColors[2]
	if !hasColor(t, buf.Bytes(), third) || hasColor(t, two.Bytes(), third) {
		t.Errorf("the third run's colour: in the three-run plot %v, in the two-run plot %v; want true, false",
			hasColor(t, buf.Bytes(), third), hasColor(t, two.Bytes(), third))
	}
	for i, c := range runColors[:2] {
		if !hasColor(t, two.Bytes(), c) {
			t.Errorf("run %d's colour is missing", i)
		}
	}
	if hasColor(t, buf.Bytes(), purple) {
		t.Error("a fourth colour appears in a three-run plot")
	}
	for _, tc := range []struct {
		runs []Run
		want string
	}{
		{nil, "0 runs"},
		{make([]Run, 7), "7 runs"},
		{[]Run{runs[0], {Name: "empty"}}, "run empty: no train or valid event"},
	} {
		if err := Compare(&bytes.Buffer{}, tc.runs, CurvesOptions{}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want one containing %q", err, tc.want)
		}
	}
}

// hasColor reports whether the PNG data has a pixel of exactly colour c.
func hasColor(t *testing.T, data []byte, c color.Color) bool {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	r0, g0, b0, _ := c.RGBA()
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			if r == r0 && g == g0 && bb == b0 {
				return true
			}
		}
	}
	return false
}

// TestWindowMeans: points fall into windows of the width counted from
// step 0, each window drawn at the mean of its points.
func TestWindowMeans(t *testing.T) {
	xy := plotter.XYs{{X: 1, Y: 1}, {X: 2, Y: 3}, {X: 9, Y: 5}, {X: 10, Y: 7}, {X: 35, Y: 2}, {X: 39, Y: 4}}
	got := windowMeans(xy, 10)
	want := plotter.XYs{{X: 4, Y: 3}, {X: 10, Y: 7}, {X: 37, Y: 3}}
	if len(got) != len(want) {
		t.Fatalf("windowMeans = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("window %d: %v, want %v", i, got[i], want[i])
		}
	}
	if got := windowMeans(nil, 10); len(got) != 0 {
		t.Errorf("windowMeans(nil) = %v, want none", got)
	}
}

func TestLossScale(t *testing.T) {
	c := func(train, valid plotter.XYs) curves {
		var cv curves
		cv.train.xy, cv.valid.xy = train, valid
		return cv
	}
	// 1000 steps: windows of 10. The top is 15% above the highest
	// validation, unless the training loss from the first validation on
	// (step 500) lies higher: step 400's 9 nats does not count, step
	// 600's 4.0 does.
	train := plotter.XYs{{X: 400, Y: 9}, {X: 600, Y: 4}, {X: 1000, Y: 2}}
	valid := plotter.XYs{{X: 500, Y: 3}, {X: 1000, Y: 2}}
	for _, tc := range []struct {
		name        string
		runs        []curves
		window, top float64
	}{
		{"train above valid", []curves{c(train, valid)}, 10, 4},
		{"valid above train", []curves{c(train[:1], valid)}, 10, 1.15 * 3},
		{"two runs", []curves{c(train[2:], valid[1:]), c(nil, valid[:1])}, 10, 1.15 * 3},
		{"no validation", []curves{c(train, nil)}, 10, math.Inf(1)},
		{"short run", []curves{c(plotter.XYs{{X: 50, Y: 1}}, nil)}, 1, math.Inf(1)},
	} {
		got := lossScale(tc.runs)
		if got.window != tc.window || !(got.top == tc.top || math.Abs(got.top-tc.top) < 1e-12) {
			t.Errorf("%s: lossScale = %+v, want window %v top %v", tc.name, got, tc.window, tc.top)
		}
	}
}
