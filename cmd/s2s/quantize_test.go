package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s2s-nmt/s2s/rundir/rundirtest"
	"github.com/s2s-nmt/s2s/train"
)

// TestQuantize: s2s quantize writes a model that translate reads and that
// translates as --precision int8 does from the fp32 model, bit for bit
// (scores included); what needs fp32 weights refuses it, naming it.
func TestQuantize(t *testing.T) {
	tinyRun(t, 80)
	out, _, err := runCLI(t, nil, "quantize", "--model", filepath.Join("runs", "tiny"), "--out", "q")
	if err != nil || !strings.Contains(out, "wrote q:") {
		t.Fatalf("quantize: %q, %v", out, err)
	}
	in := "the cat sat\n\none two three four\nfive six\n"
	translate := func(args ...string) string {
		t.Helper()
		out, stderr, err := runCLI(t, strings.NewReader(in), append([]string{"translate", "--scores", "--beam", "3"}, args...)...)
		if err != nil {
			t.Fatal(err, stderr)
		}
		return out
	}
	fp, atLoad, fromDir := translate(), translate("--precision", "int8"), translate("--model", "q")
	if atLoad != fromDir {
		t.Errorf("quantized directory:\n%s\nquantized at load:\n%s", fromDir, atLoad)
	}
	if fp == atLoad {
		t.Errorf("--precision int8 gave fp32's output and scores:\n%s", fp)
	}
	if got := translate("--model", "q", "--precision", "int8"); got != fromDir {
		t.Errorf("--precision int8 on an int8 model changed its output")
	}
	// Every refusal names the directory and exits 3 (the input can
	// never succeed); a bad --precision is a usage error.
	refusals := []struct {
		args []string
		want string
	}{
		{[]string{"translate", "--model", "q", "--precision", "fp32"}, "q is an int8 model (s2s quantize): precision fp32 needs the fp32 weights"},
		{[]string{"quantize", "--model", "q", "--out", "q2"}, "q is already an int8 model"},
		{[]string{"average", "--out", "avg", "q"}, "q is an int8 model (s2s quantize): average needs the fp32 weights; use the model it was quantized from"},
		{[]string{"neurons", "--model", "q", "--text", "in.txt", "--out", "n.html"}, "q is an int8 model (s2s quantize): neurons needs the fp32 weights"},
	}
	for _, r := range refusals {
		_, _, err := runCLI(t, strings.NewReader(in), r.args...)
		if err == nil || !strings.Contains(err.Error(), r.want) || exitCode(err) != 3 {
			t.Errorf("%v: %v (exit %d), want %q (exit 3)", r.args, err, exitCode(err), r.want)
		}
	}
	_, err = initFromWeights("q", rundirtest.Config("tiny", 80), train.Data{}, nil)
	if err == nil || !strings.Contains(err.Error(), "--init-from: q is an int8 model (s2s quantize): training from it needs the fp32 weights") {
		t.Errorf("--init-from an int8 model: %v", err)
	}
	_, _, err = runCLI(t, strings.NewReader(in), "translate", "--precision", "int4")
	var u usageError
	if !errors.As(err, &u) || !strings.Contains(err.Error(), `--precision "int4" is not one of fp32, int8`) {
		t.Errorf("--precision int4: %v, want a usage error", err)
	}
	if b, err := os.ReadFile(filepath.Join("q", "config.yaml")); err != nil || !strings.Contains(string(b), "precision: int8") {
		t.Errorf("the int8 model's config does not say translate.precision: int8 (%v)", err)
	}
}
