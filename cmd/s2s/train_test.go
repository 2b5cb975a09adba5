package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestTrainNumbersSmoke trains the README's default config for a fixed
// number of steps at its fixed seed and checks that dev BLEU passes 50
// (about 30 s here; the full default run reaches 95+).
func TestTrainNumbersSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("trains for about half a minute")
	}
	dir := t.TempDir()
	cfg, _ := filepath.Abs("../../configs/numbers-en-ru.yaml")
	var out, log bytes.Buffer
	a := trainArgs{config: cfg, workDir: dir, samples: 3, sets: []string{
		"training.max_steps=300", "training.valid_every=300", "training.valid_sentences=300", "training.checkpoint_every=300"}}
	if err := runTrain(context.Background(), a, &out, &log); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	m := regexp.MustCompile(`best dev BLEU ([0-9.]+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no BLEU in the summary:\n%s", out.String())
	}
	if bleu, _ := strconv.ParseFloat(m[1], 64); bleu < 50 {
		t.Fatalf("dev BLEU %.2f after 300 steps, want ≥ 50\n%s", bleu, out.String())
	}
	if !strings.Contains(out.String(), "hyp: ") {
		t.Errorf("no sample translations printed:\n%s", out.String())
	}
	run := filepath.Join(dir, "runs", "numbers-en-ru")
	for _, f := range []string{"config.yaml", "tokenizer.src.json", "tokenizer.tgt.json", "model.safetensors", "manifest.json", "metrics.jsonl", "checkpoints/step-0000300/manifest.json"} {
		if _, err := os.Stat(filepath.Join(run, f)); err != nil {
			t.Errorf("run directory lacks %s: %v", f, err)
		}
	}
	if target, err := os.Readlink(filepath.Join(dir, "runs", "latest")); err != nil || target != "numbers-en-ru" {
		t.Errorf("runs/latest → %q, %v; want numbers-en-ru", target, err)
	}
	b, _ := os.ReadFile(filepath.Join(run, "metrics.jsonl"))
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("metrics.jsonl:%d is not JSON: %s", i+1, line)
		}
	}
}

func TestTrainRefusesBadSet(t *testing.T) {
	cfg, _ := filepath.Abs("../../configs/numbers-en-ru.yaml")
	for _, tc := range []struct{ set, want string }{
		{"training.max_stepz=3", "valid keys in training"},
		{"model.encoder.cell=lstmm", "model.encoder.cell"},
		{"training.max_steps=abc", "--set training.max_steps=abc"},
		{"training.max_steps", "KEY=VALUE"},
	} {
		err := runTrain(context.Background(), trainArgs{config: cfg, workDir: t.TempDir(), sets: []string{tc.set}}, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--set %s: %v, want an error mentioning %q", tc.set, err, tc.want)
		}
	}
}

func TestFlagsAfterArguments(t *testing.T) {
	got := intersperse(newApp().Commands, []string{"s2s", "train", "c.yaml", "--resume", "--set", "a=1", "--threads=2"})
	want := []string{"s2s", "train", "--resume", "--set", "a=1", "--threads=2", "--", "c.yaml"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("intersperse: %q, want %q", got, want)
	}
}

func TestTrainSetValidationNamesTheSet(t *testing.T) {
	cfg, _ := filepath.Abs("../../configs/numbers-en-ru.yaml")
	err := runTrain(context.Background(), trainArgs{config: cfg, workDir: t.TempDir(), sets: []string{"model.encoder.cell=lstmm"}}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.HasPrefix(err.Error(), "--set model.encoder.cell=lstmm: ") {
		t.Fatalf("got %v, want the error to name the --set", err)
	}
}

// TestInitFromChecksVocabularies fine-tunes from a trained run and refuses
// a model whose vocabulary differs.
func TestInitFromChecksVocabularies(t *testing.T) {
	if testing.Short() {
		t.Skip("trains twice")
	}
	dir := t.TempDir()
	cfg, _ := filepath.Abs("../../configs/numbers-en-ru.yaml")
	base := []string{"training.max_steps=20", "training.valid_every=20", "training.checkpoint_every=20", "training.valid_sentences=20"}
	a := trainArgs{config: cfg, workDir: dir, sets: base}
	if err := runTrain(context.Background(), a, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	first := filepath.Join(dir, "runs", "numbers-en-ru")
	a.sets = append(base, "name=tuned")
	a.initFrom = filepath.Join(first, "checkpoints", "step-0000020")
	var out bytes.Buffer
	if err := runTrain(context.Background(), a, &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("fine-tuning from a checkpoint: %v", err)
	}
	a.sets = append(base, "name=other", "data.tokenizer.vocab_size=700")
	err := runTrain(context.Background(), a, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "differs from this run's vocabulary") {
		t.Fatalf("fine-tuning across vocabularies: %v, want a refusal", err)
	}
}

// TestDevBLEUIsEvalOfTranslate: the trainer's dev BLEU for the best
// weights equals `s2s eval` of `s2s translate --greedy` on the same dev
// lines, with dev sources longer than data.max_len among them (truncated
// alike in both); with training.valid_beam 3 it equals that of
// `s2s translate --beam 3`.
func TestDevBLEUIsEvalOfTranslate(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  []string
		flag []string
	}{
		{"greedy", nil, []string{"--greedy"}},
		{"beam3", []string{"training.valid_beam=3"}, []string{"--beam", "3"}},
	} {
		t.Run(tc.name, func(t *testing.T) { testDevBLEU(t, tc.set, tc.flag) })
	}
}

func testDevBLEU(t *testing.T, set, search []string) {
	dir := t.TempDir()
	cfg, _ := filepath.Abs("../../configs/numbers-en-ru.yaml")
	const maxLen = 10
	a := trainArgs{config: cfg, workDir: dir, sets: []string{
		"training.max_steps=400", "training.valid_every=200", "training.valid_sentences=0", "training.checkpoint_every=200", "training.learning_rate=0.005",
		"data.max_len=" + strconv.Itoa(maxLen), "model.encoder.emb=32", "model.encoder.hidden=32",
		"model.decoder.emb=32", "model.decoder.hidden=64", "training.threads=2"}}
	a.sets = append(a.sets, set...)
	var out, log bytes.Buffer
	if err := runTrain(context.Background(), a, &out, &log); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	run := filepath.Join(dir, "runs", "numbers-en-ru")
	data := filepath.Join(run, "data", "numbers-en-ru-seed1")
	devSrc, devRef := filepath.Join(data, "dev.en"), filepath.Join(data, "dev.ru")

	// The trainer's best dev BLEU, from metrics.jsonl.
	b, _ := os.ReadFile(filepath.Join(run, "metrics.jsonl"))
	best := -1.0
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var ev struct {
			Event string
			BLEU  *float64
		}
		if json.Unmarshal([]byte(line), &ev) == nil && ev.Event == "valid" && ev.BLEU != nil {
			best = max(best, *ev.BLEU)
		}
	}
	if best < 0 {
		t.Fatalf("no dev BLEU in metrics.jsonl:\n%s", b)
	}

	hyp := filepath.Join(dir, "dev.hyp")
	_, stderr, err := runApp(t, nil, append(append([]string{"translate"}, search...), "--model", run, "-i", devSrc, "-o", hyp)...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "more than the model's data.max_len 10: truncated") {
		t.Fatalf("no dev source is longer than data.max_len %d: the test needs one\n%s", maxLen, stderr)
	}
	evalOut, _, err := runApp(t, nil, "eval", "--ref", devRef, "--hyp", hyp, "--width", "6", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var score struct{ Score float64 }
	if err := json.Unmarshal([]byte(evalOut), &score); err != nil {
		t.Fatalf("%v: %s", err, evalOut)
	}
	if got, want := strconv.FormatFloat(best, 'f', 6, 64), strconv.FormatFloat(score.Score, 'f', 6, 64); got != want {
		t.Errorf("trainer's dev BLEU %s, s2s eval of s2s translate %v %s", got, search, want)
	}
	t.Logf("dev BLEU %.6f, eval %.6f", best, score.Score)
}
