package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/s2s-nmt/s2s/rundir/rundirtest"
)

// runViz runs s2s with the sample, neurons and attention commands and
// returns standard output and the app's error.
func runViz(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, _, err := runApp(t, nil, args...)
	return out, err
}

// runVizErr is runViz that also returns standard error.
func runVizErr(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	return runApp(t, nil, args...)
}

// tinyLMRun makes runs/char, a tiny random character LM, in a fresh
// working directory, with runs/latest pointing at it.
func tinyLMRun(t *testing.T) {
	t.Helper()
	t.Chdir(t.TempDir())
	rundirtest.WriteLM(t, filepath.Join("runs", "char"), rundirtest.LMConfig("char"), nil, 5)
	if err := os.Symlink("char", filepath.Join("runs", "latest")); err != nil {
		t.Fatal(err)
	}
}

// TestSample: a seed reproduces the text; greedy is the same twice and
// differs from a hot sample; the prime comes first; the length counts
// characters of a byte model.
func TestSample(t *testing.T) {
	tinyLMRun(t)
	sample := func(args ...string) string {
		t.Helper()
		out, err := runViz(t, append([]string{"sample", "--prime", "ROMEO:", "--length", "200"}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out, "ROMEO:") {
			t.Fatalf("output %q does not start with the prime", out)
		}
		return out
	}
	a, b := sample("--seed", "7"), sample("--seed", "7", "--model", filepath.Join("runs", "char"))
	if a != b {
		t.Errorf("seed 7 twice:\n%q\n%q", a, b)
	}
	if c := sample("--seed", "8"); c == a {
		t.Errorf("seeds 7 and 8 gave the same text %q", a)
	}
	g1, g2 := sample("--temperature", "0", "--seed", "1"), sample("--temperature", "0", "--seed", "2")
	if g1 != g2 {
		t.Errorf("greedy with seeds 1 and 2:\n%q\n%q", g1, g2)
	}
	if hot := sample("--temperature", "3", "--seed", "1"); hot == g1 {
		t.Errorf("temperature 3 gave the greedy text %q", hot)
	}
	if k1 := sample("--top-k", "1", "--seed", "3"); k1 != g1 {
		t.Errorf("top-k 1 %q differs from greedy %q", k1, g1)
	}
	// Each generated token of a byte model is one byte: the output is the
	// prime, 200 bytes (some held back and written whole) and a newline
	// when the text lacks one.
	if n := len(strings.TrimSuffix(a, "\n")) - len("ROMEO:"); n != 200 && n != 199 {
		t.Errorf("generated %d bytes, want 200", n)
	}
}

// TestSampleSeed: without --seed, sample prints the seed it drew to
// standard error, and that seed repeats the text.
func TestSampleSeed(t *testing.T) {
	tinyLMRun(t)
	out, errOut, err := runVizErr(t, "sample", "--length", "100")
	if err != nil {
		t.Fatal(err)
	}
	seed, ok := strings.CutPrefix(strings.TrimSpace(errOut), "seed: ")
	if !ok {
		t.Fatalf("standard error %q, want \"seed: N\"", errOut)
	}
	again, errOut, err := runVizErr(t, "sample", "--length", "100", "--seed", seed)
	if err != nil {
		t.Fatal(err)
	}
	if again != out || errOut != "" {
		t.Errorf("--seed %s gave\n%q (standard error %q), want\n%q", seed, again, errOut, out)
	}
}

// TestSampleErrors: no model, a seq2seq model, and bad flags.
func TestSampleErrors(t *testing.T) {
	t.Chdir(t.TempDir())
	_, err := runViz(t, "sample", "--seed", "1")
	if !errors.Is(err, rundir.ErrNoModel) || !strings.Contains(err.Error(), "--model") {
		t.Errorf("no model: %v", err)
	}
	rundirtest.Write(t, "mt", rundirtest.Config("mt", 20), 1)
	if _, err := runViz(t, "sample", "--model", "mt"); err == nil || !strings.Contains(err.Error(), "language model") {
		t.Errorf("seq2seq model: %v", err)
	}
	for _, args := range [][]string{
		{"sample", "--temperature", "-1"}, {"sample", "--top-k", "-2"}, {"sample", "--length", "-1"}, {"sample", "extra"},
	} {
		var u usageError
		if _, err := runViz(t, args...); !errors.As(err, &u) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}

// TestTextStream: a character split across tokens is written whole, and
// an invalid byte goes out alone.
func TestTextStream(t *testing.T) {
	tok, err := corpora.Learn(corpora.LearnOptions{VocabSize: 260}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	s := &textStream{w: &out}
	for i, b := range []byte("aé\xffz") { // é is 0xC3 0xA9
		if err := s.token(tok, int32(b)+4); err != nil {
			t.Fatal(err)
		}
		if i == 1 && out.String() != "a" {
			t.Errorf("after half of é wrote %q, want %q", out.String(), "a")
		}
		if i == 2 && out.String() != "aé" {
			t.Errorf("after é wrote %q", out.String())
		}
	}
	s.end()
	if got := out.String(); got != "aé\xffz\n" || utf8.ValidString(got) {
		t.Errorf("wrote %q", got)
	}
}
