package main

import (
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// metricsFixture is a small run's metrics.jsonl: nulls, a resume, a torn last line.
const metricsFixture = `{"event":"train","step":10,"epoch":1,"loss":5.1,"lr":0.001,"grad_norm":null,"tok_per_s":900}
{"event":"train","step":20,"epoch":1,"loss":4.2,"lr":0.001,"grad_norm":2.5,"tok_per_s":950}
{"event":"valid","step":20,"loss":4.4,"ppl":81.5,"bleu":3.2}
{"event":"train","step":30,"epoch":2,"loss":null,"lr":0.001,"grad_norm":null,"tok_per_s":940}
{"event":"train","step":40,"epoch":2,"loss":3.1,"lr":0.001,"grad_norm":1.5,"tok_per_s":940}
{"event":"valid","step":40,"loss":3.5,"ppl":33.1,"bleu":9.8}
{"event":"end","step":40}
{"event":"train","step":5`

// runPlotCLI runs "s2s plot args..." in dir on a fresh command and returns
// stdout, stderr and the error the app returned.
func runPlotCLI(t *testing.T, dir string, args ...string) (string, string, error) {
	t.Helper()
	t.Chdir(dir)
	return runApp(t, nil, append([]string{"plot"}, args...)...)
}

// newRun writes runs/NAME/metrics.jsonl under a temporary directory and
// points runs/latest at it (when latest); it returns the directory.
func newRun(t *testing.T, name string, latest bool) string {
	t.Helper()
	dir := t.TempDir()
	run := filepath.Join(dir, "runs", name)
	if err := os.MkdirAll(run, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(run, "metrics.jsonl"), []byte(metricsFixture), 0o644); err != nil {
		t.Fatal(err)
	}
	if latest {
		if err := os.Symlink(name, filepath.Join(dir, "runs", "latest")); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestPlot(t *testing.T) {
	for _, tc := range []struct {
		name   string
		latest bool
		args   []string
		w, h   int
	}{
		{"runs/latest", true, []string{"--out", "curves.png"}, 1000, 600},
		{"--model and size", false, []string{"--model", "runs/en-ru", "--out", "c.PNG", "--width", "400", "--height", "300"}, 400, 300},
		{"--model metrics file", false, []string{"--model", "runs/en-ru/metrics.jsonl", "--out", "c.png"}, 1000, 600},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := newRun(t, "en-ru", tc.latest)
			stdout, stderr, err := runPlotCLI(t, dir, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			out := tc.args[len(tc.args)-1]
			if i := indexOf(tc.args, "--out"); i >= 0 {
				out = tc.args[i+1]
			}
			checkPNGFile(t, filepath.Join(dir, out), tc.w, tc.h)
			if !strings.Contains(stdout, "wrote "+out) {
				t.Errorf("stdout %q does not say what was written", stdout)
			}
			if !strings.Contains(stderr, "torn") {
				t.Errorf("stderr %q does not warn about the torn last line", stderr)
			}
		})
	}
}

func indexOf(args []string, s string) int {
	for i, a := range args {
		if a == s {
			return i
		}
	}
	return -1
}

func checkPNGFile(t *testing.T, path string, w, h int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Errorf("%s is %d×%d, want %d×%d", path, b.Dx(), b.Dy(), w, h)
	}
}

func TestPlotErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		latest bool
		args   []string
		usage  bool   // exit code 2
		msg    string // substring of the error
	}{
		{"no run", false, []string{"--out", "c.png"}, false, "runs/latest does not exist here; train one first with `s2s train CONFIG`, or name a model directory (--model DIR)"},
		{"no --out", true, nil, true, "--out"},
		{"not png", true, []string{"--out", "c.svg"}, true, "PNG"},
		{"bad size", true, []string{"--out", "c.png", "--width", "0"}, true, "positive"},
		{"argument", true, []string{"--out", "c.png", "runs/en-ru"}, true, "no arguments"},
		{"missing model", true, []string{"--model", "runs/nope", "--out", "c.png"}, false, "runs/nope"},
		{"no metrics", true, []string{"--model", "runs", "--out", "c.png"}, false, "no metrics"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := newRun(t, "en-ru", tc.latest)
			_, _, err := runPlotCLI(t, dir, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %v, want one containing %q", err, tc.msg)
			}
			var u usageError
			if errors.As(err, &u) != tc.usage {
				t.Errorf("usage error %v, want %v", !tc.usage, tc.usage)
			}
			if _, err := os.Stat(filepath.Join(dir, "c.png")); err == nil {
				t.Error("an image was written despite the error")
			}
		})
	}
}

func TestPlotBadMetricsLine(t *testing.T) {
	dir := newRun(t, "en-ru", true)
	path := filepath.Join(dir, "runs", "en-ru", "metrics.jsonl")
	os.WriteFile(path, []byte("{\"event\":\"train\",\"step\":1,\"loss\":2}\nnot json\n{\"event\":\"end\"}\n"), 0o644)
	_, _, err := runPlotCLI(t, dir, "--out", "c.png")
	if err == nil || !strings.Contains(err.Error(), "runs/latest/metrics.jsonl:2: ") {
		t.Fatalf("error %v, want one naming runs/latest/metrics.jsonl:2", err)
	}
}
