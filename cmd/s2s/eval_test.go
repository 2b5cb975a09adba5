package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// goldenDir holds sacreBLEU 2.6.0's outputs (see translate/bleu/testdata/README.md).
const goldenDir = "../../translate/bleu/testdata/golden"

// runEvalCLI runs "s2s eval args..." on a fresh command (flag values live in
// the command) and returns stdout and the error the app returned.
func runEvalCLI(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	app := &cli.App{
		Name: "s2s", Commands: []*cli.Command{newEvalCommand()},
		Reader: strings.NewReader(stdin), Writer: &out, ErrWriter: &errOut,
		OnUsageError: func(c *cli.Context, err error, _ bool) error { return usageError{err} },
	}
	err := app.Run(append([]string{"s2s", "eval"}, args...))
	return out.String(), err
}

func golden(c, f string) string { return filepath.Join(goldenDir, c, f) }

// TestEvalGolden checks printed output against sacreBLEU's for every golden
// case and variant that the command can express.
func TestEvalGolden(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(goldenDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Cases []struct {
			ID      string
			Hyp     string
			Refs    []string
			Results map[string]map[string]struct {
				Args       []string
				Text, JSON string
				Error      string
			}
		}
	}
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatal(err)
	}
	for _, c := range g.Cases {
		for variant, metrics := range c.Results {
			for metric, want := range metrics {
				args := []string{"--" + metric, "--hyp", golden(c.ID, c.Hyp)}
				args = append(args, evalArgsFor(want.Args)...)
				for _, r := range c.Refs {
					args = append(args, "--ref", golden(c.ID, r))
				}
				t.Run(c.ID+"/"+variant+"/"+metric, func(t *testing.T) {
					checkEvalGolden(t, args, want.Text, want.JSON, want.Error)
				})
			}
		}
	}
}

func checkEvalGolden(t *testing.T, args []string, text, js, wantErr string) {
	out, err := runEvalCLI(t, "", args...)
	if wantErr != "" {
		if err == nil || "sacreBLEU: "+err.Error() != wantErr {
			t.Fatalf("error = %v, want %q", err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if out != text+"\n" {
		t.Errorf("text:\n got %q\nwant %q", out, text+"\n")
	}
	if strings.Contains(strings.Join(args, " "), "--sentence") {
		return // sacreBLEU prints text lines with -sl whatever -f says
	}
	out, err = runEvalCLI(t, "", append(args, "--format", "json")...)
	if err != nil || out != js+"\n" {
		t.Errorf("json (err %v):\n got %q\nwant %q", err, out, js+"\n")
	}
}

// evalArgsFor translates sacreBLEU's arguments to ours.
func evalArgsFor(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "-lc", "--chrf-lowercase":
			out = append(out, "--lowercase")
		case "--smooth-method":
			out = append(out, "--smooth")
		case "-sl":
			out = append(out, "--sentence")
		default:
			out = append(out, args[i])
		}
	}
	return out
}

func TestEvalBothMetricsAligned(t *testing.T) {
	// sacreBLEU prints several metrics with the text before " = " right-aligned:
	// the BLEU prefix is 63 characters and chrF2's 65, so 2 spaces.
	out, err := runEvalCLI(t, "", "--chrf", "--bleu", "--ref", golden("02_simple_en", "ref1.txt"), "--hyp", golden("02_simple_en", "hyp.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := "  BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 54.5 90.2/70.3/51.5/37.9 (BP = 0.918 ratio = 0.921 hyp_len = 82 ref_len = 89)\n" +
		"chrF2|nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0 = 78.6\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

func TestEvalStdinAndPositionalRefs(t *testing.T) {
	// Standard input is read with universal newlines; "\r\n" ends a line.
	// Hypothesis = reference on both lines, so BLEU is 100 with 2 references.
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref")
	if err := os.WriteFile(ref, []byte("a b c d\ne f g h\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runEvalCLI(t, "a b c d\r\ne f g h\r\n", "--width", "2", "--ref", ref, ref)
	if err != nil {
		t.Fatal(err)
	}
	want := "BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 100.00 100.0/100.0/100.0/100.0 (BP = 1.000 ratio = 1.000 hyp_len = 8 ref_len = 8)\n"
	if out != want {
		t.Errorf("got %q\nwant %q", out, want)
	}
}

func TestEvalErrors(t *testing.T) {
	ref := golden("02_simple_en", "ref1.txt")
	tests := []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"no ref translates", nil, false, "translating the test set needs a trained model: "},
		{"bad format", []string{"--format", "xml", "--ref", ref}, true, `--format "xml"`},
		{"bad tokenizer", []string{"--tokenize", "zh", "--ref", ref}, true, `--tokenize "zh"`},
		{"bad smoothing", []string{"--smooth", "add-one", "--ref", ref}, true, `--smooth "add-one"`},
		{"sentence with two metrics", []string{"--sentence", "--bleu", "--chrf", "--ref", ref}, true, "one metric"},
		{"model with ref", []string{"--model", "runs/x", "--ref", ref}, true, "--model and --beam"},
		{"hyp without ref", []string{"--hyp", ref}, true, "--hyp needs --ref"},
		{"flag after refs", []string{"--ref", ref, ref, "--hyp", ref}, true, "flags go first"},
		{"missing file", []string{"--ref", "no/such/file"}, false, "no/such/file"},
		{"empty hypotheses", []string{"--ref", ref}, false, "no hypothesis lines"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runEvalCLI(t, "", tt.args...)
			var u usageError
			if err == nil || !strings.Contains(err.Error(), tt.want) || errors.As(err, &u) != tt.usage {
				t.Errorf("error = %v (usage %v), want one containing %q (usage %v)", err, errors.As(err, &u), tt.want, tt.usage)
			}
		})
	}
}

func TestEvalTranslateHook(t *testing.T) {
	// Without --ref, eval scores what the translation hook wrote.
	saved := translateTestSet
	t.Cleanup(func() { translateTestSet = saved })
	var gotBeam int
	translateTestSet = func(dir string, beam int, _ io.Writer) (testSet, error) {
		gotBeam = beam
		return testSet{Hyp: golden("02_simple_en", "hyp.txt"), Refs: []string{golden("02_simple_en", "ref1.txt")}}, nil
	}
	out, err := runEvalCLI(t, "", "--beam", "3", "--model", "runs/x")
	if err != nil || gotBeam != 3 || !strings.HasSuffix(out, "= 54.5 90.2/70.3/51.5/37.9 (BP = 0.918 ratio = 0.921 hyp_len = 82 ref_len = 89)\n") {
		t.Errorf("out %q, err %v, beam %d", out, err, gotBeam)
	}
}
