package train

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/decoder"
	"github.com/s2s-nmt/s2s/encoder"
	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/s2s-nmt/s2s/translate"
)

// tinyData is the first n pairs of the numbers-en-ru corpus with a small
// BPE, and its first 50 dev pairs.
func tinyData(t testing.TB, n int) *corpora.Prepared {
	t.Helper()
	c := corpora.NumbersEnRuCorpus(1)
	var lines []string
	for _, p := range c.Train[:n] {
		lines = append(lines, p.Src, p.Tgt)
	}
	tok, err := corpora.Learn(corpora.LearnOptions{VocabSize: 400, MinFrequency: 2}, lines)
	if err != nil {
		t.Fatal(err)
	}
	p := &corpora.Prepared{Src: tok, Tgt: tok,
		Train: corpora.EncodePairs(c.Train[:n], tok, tok), Dev: corpora.EncodePairs(c.Dev[:50], tok, tok)}
	for _, d := range c.Dev[:50] {
		p.DevText.Src, p.DevText.Tgt = append(p.DevText.Src, d.Src), append(p.DevText.Tgt, d.Tgt)
	}
	return p
}

// tinySpec is a model small enough to train in a test.
func tinySpec(threads, steps int) *Spec {
	m := model.DefaultConfig()
	m.Encoder = encoder.Config{Cell: "gru", Layers: 1, Bidirectional: true, Emb: 16, Hidden: 16}
	m.Decoder = decoder.DefaultConfig()
	m.Decoder.Emb, m.Decoder.Hidden, m.Decoder.Dropout = 16, 32, 0
	tc := Defaults()
	tc.Threads, tc.MaxSteps, tc.BatchSize = threads, steps, 16
	tc.ValidEvery, tc.CheckpointEvery, tc.ValidSentences, tc.KeepLast = 10, 5, 20, 100
	return &Spec{Model: m, Training: tc, Translate: translate.DefaultConfig()}
}

func run(t testing.TB, ctx context.Context, spec *Spec, data *corpora.Prepared, dir string, resume bool) *Summary {
	t.Helper()
	s, err := Run(ctx, spec, Data{Parallel: data}, Options{Run: testRun(t, dir, data.Src), Resume: resume})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// finalWeights returns the bytes of the weights of the run's newest checkpoint.
func finalWeights(t testing.TB, dir string) []byte {
	t.Helper()
	dirs, err := rundir.Run{Dir: dir}.Checkpoints()
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no checkpoints in %s: %v", dir, err)
	}
	b, err := os.ReadFile(filepath.Join(dirs[len(dirs)-1], rundir.WeightsFile))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// trainLosses reads the per-step training losses from metrics.jsonl.
func trainLosses(t testing.TB, dir string) map[int]float64 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "metrics.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]float64{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var e struct {
			Event string
			Step  int
			Loss  float64
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		if e.Event == "train" {
			out[e.Step] = e.Loss
		}
	}
	return out
}

func TestSameThreadsBitIdentical(t *testing.T) {
	data := tinyData(t, 400)
	a, b := t.TempDir(), t.TempDir()
	run(t, context.Background(), tinySpec(2, 12), data, a, false)
	run(t, context.Background(), tinySpec(2, 12), data, b, false)
	if !bytes.Equal(finalWeights(t, a), finalWeights(t, b)) {
		t.Fatal("two runs with the same seed and threads ended with different weights")
	}
}

func TestOneAndTwoThreadsAgree(t *testing.T) {
	data := tinyData(t, 400)
	a, b := t.TempDir(), t.TempDir()
	run(t, context.Background(), tinySpec(1, 20), data, a, false)
	run(t, context.Background(), tinySpec(2, 20), data, b, false)
	la, lb := trainLosses(t, a), trainLosses(t, b)
	if len(la) < 3 || len(la) != len(lb) {
		t.Fatalf("logged steps differ: %v vs %v", la, lb)
	}
	for step, l := range la {
		// float32 sums in a different order: agreement to ~1e-4 relative.
		if d := math.Abs(l - lb[step]); d > 1e-4*math.Max(1, l) {
			t.Errorf("step %d: loss %v with 1 thread, %v with 2", step, l, lb[step])
		}
	}
}

// setStepHook sets testHookStep to f; t's cleanup resets it, even when
// the test stops early.
func setStepHook(t *testing.T, f func(*Trainer)) {
	t.Helper()
	testHookStep = f
	t.Cleanup(func() { testHookStep = nil })
}

func TestInterruptAndResumeIsExact(t *testing.T) {
	data := tinyData(t, 400)
	whole, parts := t.TempDir(), t.TempDir()
	run(t, context.Background(), tinySpec(2, 20), data, whole, false)

	ctx, cancel := context.WithCancel(context.Background())
	setStepHook(t, func(tr *Trainer) {
		if tr.state.Step == 7 {
			cancel() // as SIGINT would: the step finishes, a checkpoint is written
		}
	})
	s := run(t, ctx, tinySpec(2, 20), data, parts, false)
	testHookStep = nil
	if !s.Interrupted || s.Steps != 7 {
		t.Fatalf("interrupted run: %+v, want stopped at step 7", s)
	}
	if _, err := os.Stat(rundir.Run{Dir: parts}.Checkpoint(7)); err != nil {
		t.Fatalf("no checkpoint at the interruption: %v", err)
	}
	run(t, context.Background(), tinySpec(2, 20), data, parts, true)
	if !bytes.Equal(finalWeights(t, whole), finalWeights(t, parts)) {
		t.Fatal("interrupted and resumed run ended with weights different from the uninterrupted run")
	}
}

// TestResumeWithBPEDropoutIsExact interrupts a run with BPE-dropout 0.1
// in its second epoch (200 pairs, 16 a batch: 13 batches an epoch) and
// resumes it: the weights must be those of the run that never stopped,
// and differ from a run without dropout (the pairs were re-segmented).
func TestResumeWithBPEDropoutIsExact(t *testing.T) {
	plain := tinyData(t, 200)
	data := *plain
	data.Files.Tokenizer.Dropout = 0.1
	whole, parts, none := t.TempDir(), t.TempDir(), t.TempDir()
	run(t, context.Background(), tinySpec(2, 30), &data, whole, false)
	run(t, context.Background(), tinySpec(2, 30), plain, none, false)
	if bytes.Equal(finalWeights(t, whole), finalWeights(t, none)) {
		t.Fatal("BPE-dropout 0.1 left the weights as they are without it")
	}
	ctx, cancel := context.WithCancel(context.Background())
	setStepHook(t, func(tr *Trainer) {
		if tr.state.Step == 17 {
			cancel()
		}
	})
	s := run(t, ctx, tinySpec(2, 30), &data, parts, false)
	testHookStep = nil
	if !s.Interrupted || s.Steps != 17 || s.Epoch != 2 {
		t.Fatalf("interrupted run: %+v, want stopped at step 17 in epoch 2", s)
	}
	run(t, context.Background(), tinySpec(2, 30), &data, parts, true)
	if !bytes.Equal(finalWeights(t, whole), finalWeights(t, parts)) {
		t.Fatal("interrupted and resumed run with BPE-dropout ended with weights different from the uninterrupted run")
	}
}

// TestKilledChild trains in a child process (this test binary), killed
// with SIGKILL mid-run; resuming from its last checkpoint must end
// bit-identical to a run that was never interrupted.
func TestExactResumeAfterSIGKILL(t *testing.T) {
	if dir := os.Getenv("S2S_TRAIN_CHILD"); dir != "" {
		setStepHook(t, func(*Trainer) { time.Sleep(40 * time.Millisecond) })
		run(t, context.Background(), tinySpec(2, 30), tinyData(t, 400), dir, false)
		return
	}
	data := tinyData(t, 400)
	whole, killed := t.TempDir(), t.TempDir()
	run(t, context.Background(), tinySpec(2, 30), data, whole, false)

	cmd := exec.Command(os.Args[0], "-test.run=^TestExactResumeAfterSIGKILL$")
	cmd.Env = append(os.Environ(), "S2S_TRAIN_CHILD="+killed)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, err := os.Stat(rundir.Run{Dir: killed}.Checkpoint(10)); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the child wrote no checkpoint at step 10")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(60 * time.Millisecond) // let it run past the checkpoint
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if _, err := os.Stat(rundir.Run{Dir: killed}.Checkpoint(30)); err == nil {
		t.Fatal("the child finished before it was killed; the test proves nothing")
	}
	s := run(t, context.Background(), tinySpec(2, 30), data, killed, true)
	if s.Steps != 30 {
		t.Fatalf("resumed run ended at step %d, want 30", s.Steps)
	}
	if !bytes.Equal(finalWeights(t, whole), finalWeights(t, killed)) {
		t.Fatal("killed and resumed run ended with weights different from the uninterrupted run")
	}
}

func TestDamagedCheckpointNamesFile(t *testing.T) {
	data := tinyData(t, 200)
	dir := t.TempDir()
	run(t, context.Background(), tinySpec(1, 5), data, dir, false)
	w := filepath.Join(rundir.Run{Dir: dir}.Checkpoint(5), rundir.WeightsFile)
	b, _ := os.ReadFile(w)
	os.WriteFile(w, b[:len(b)/2], 0o644)
	spec := tinySpec(1, 10)
	_, err := Run(context.Background(), spec, Data{Parallel: data}, Options{Run: testRun(t, dir, data.Src), Resume: true})
	if err == nil || !strings.Contains(err.Error(), rundir.WeightsFile) {
		t.Fatalf("resume from a truncated checkpoint: %v, want an error naming %s", err, rundir.WeightsFile)
	}
}

func TestNonFiniteLossStops(t *testing.T) {
	data := tinyData(t, 200)
	dir := t.TempDir()
	setStepHook(t, func(tr *Trainer) {
		if tr.state.Step == 6 {
			w := tr.task.params().W
			w[len(w)-1] = float32(math.Inf(1)) // as a diverging update would
		}
	})
	_, err := Run(context.Background(), tinySpec(1, 50), Data{Parallel: data}, Options{Run: testRun(t, dir, data.Src)})
	if err == nil || !strings.Contains(err.Error(), "step 7") {
		t.Fatalf("diverging run: %v, want an error naming step 7", err)
	}
	if _, err := os.Stat(rundir.Run{Dir: dir}.Checkpoint(5)); err != nil {
		t.Fatalf("the last good checkpoint is gone: %v", err)
	}
}

// tinyText is a repetitive text as a byte-level token stream.
func tinyText(t testing.TB) *corpora.TextData {
	t.Helper()
	text := strings.Repeat("To be, or not to be, that is the question:\nWhether 'tis nobler in the mind to suffer\n", 60)
	tok, err := corpora.Learn(corpora.LearnOptions{VocabSize: 260, MinFrequency: 2}, []string{text})
	if err != nil {
		t.Fatal(err)
	}
	ids := tok.Encode(text)
	cut := len(ids) * 9 / 10
	return &corpora.TextData{Tok: tok, Train: ids[:cut], Dev: ids[cut:]}
}

func lmSpec(threads, steps int) *Spec {
	s := tinySpec(threads, steps)
	s.Model.Type = model.TypeLM
	s.Model.Decoder = decoder.Config{Cell: "gru", Layers: 1, Emb: 32, Hidden: 64, Attention: "none", Bridge: "none"}
	s.Training.BPTT, s.Training.BatchSize, s.Training.LearningRate, s.Training.ClipNorm = 20, 8, 0.01, 5
	return s
}

func TestLanguageModelLearnsAndResumesExactly(t *testing.T) {
	text := tinyText(t)
	whole, parts := t.TempDir(), t.TempDir()
	s, err := Run(context.Background(), lmSpec(2, 300), Data{Text: text}, Options{Run: testRun(t, whole, text.Tok)})
	if err != nil {
		t.Fatal(err)
	}
	if !s.HasLoss || s.BestLoss > 0.1 {
		t.Fatalf("best dev loss %v after 300 steps on a repeated verse, want ≤ 0.1 nats/char", s.BestLoss)
	}
	ctx, cancel := context.WithCancel(context.Background())
	setStepHook(t, func(tr *Trainer) {
		if tr.state.Step == 23 {
			cancel()
		}
	})
	if _, err := Run(ctx, lmSpec(2, 300), Data{Text: text}, Options{Run: testRun(t, parts, text.Tok)}); err != nil {
		t.Fatal(err)
	}
	testHookStep = nil
	if _, err := os.Stat(filepath.Join(rundir.Run{Dir: parts}.Checkpoint(23), rundir.CarryFile)); err != nil {
		t.Fatalf("the LM checkpoint lacks its hidden state: %v", err)
	}
	if _, err := Run(context.Background(), lmSpec(2, 300), Data{Text: text}, Options{Run: testRun(t, parts, text.Tok), Resume: true}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(finalWeights(t, whole), finalWeights(t, parts)) {
		t.Fatal("interrupted and resumed LM run ended with weights different from the uninterrupted run")
	}
}

// testRun returns the run directory dir with what the commands write
// before training: a config.yaml (a stand-in here) and the tokenizers.
func testRun(t testing.TB, dir string, tok *corpora.Tokenizer) rundir.Run {
	t.Helper()
	r := rundir.Run{Dir: dir}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	err := os.WriteFile(r.Path(rundir.ConfigFile), []byte("# the experiment file\n"), 0o644)
	for _, f := range []string{rundir.SrcTokenizer, rundir.TgtTokenizer} {
		if err == nil {
			err = tok.Save(r.Path(f))
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	return r
}
