package train

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/s2s-nmt/s2s/internal/gemm"
)

// bf16Spec is tinySpec with training.precision bf16.
func bf16Spec(threads, steps int) *Spec {
	s := tinySpec(threads, steps)
	s.Training.Precision = BF16
	return s
}

func TestBF16SameThreadsBitIdentical(t *testing.T) {
	data := tinyData(t, 400)
	a, b, fp := t.TempDir(), t.TempDir(), t.TempDir()
	run(t, context.Background(), bf16Spec(2, 12), data, a, false)
	if p := gemm.CurrentPrecision(); p != gemm.FP32 {
		t.Fatalf("after a bf16 run the process precision is %v, want FP32 (validation and decoding)", p)
	}
	run(t, context.Background(), bf16Spec(2, 12), data, b, false)
	if !bytes.Equal(finalWeights(t, a), finalWeights(t, b)) {
		t.Fatal("two bf16 runs with the same seed and threads ended with different weights")
	}
	run(t, context.Background(), tinySpec(2, 12), data, fp, false)
	if bytes.Equal(finalWeights(t, a), finalWeights(t, fp)) {
		t.Fatal("bf16 and fp32 runs ended with the same weights: bf16 did not take effect")
	}
}

// TestBF16OneAndTwoThreadsAgree is TestOneAndTwoThreadsAgree in bf16.
// Each product's bits do not depend on how the batch is split (package
// gemm's tests), but each worker sums the gradients of its own rows and
// the workers' sums are then added, in fp32 as in bf16: with a different
// number of workers the additions differ, so the losses agree to ~1e-4,
// not bit for bit (measured: 4.8e-7 relative over 20 steps).
func TestBF16OneAndTwoThreadsAgree(t *testing.T) {
	data := tinyData(t, 400)
	a, b := t.TempDir(), t.TempDir()
	run(t, context.Background(), bf16Spec(1, 20), data, a, false)
	run(t, context.Background(), bf16Spec(2, 20), data, b, false)
	la, lb := trainLosses(t, a), trainLosses(t, b)
	if len(la) < 3 || len(la) != len(lb) {
		t.Fatalf("logged steps differ: %v vs %v", la, lb)
	}
	worst := 0.0
	for step, l := range la {
		d := math.Abs(l - lb[step])
		worst = math.Max(worst, d/l)
		if d > 1e-4*math.Max(1, l) {
			t.Errorf("step %d: loss %v with 1 thread, %v with 2", step, l, lb[step])
		}
	}
	t.Logf("largest relative difference of the losses: %.2g", worst)
}

func TestBF16InterruptAndResumeIsExact(t *testing.T) {
	data := tinyData(t, 400)
	whole, parts := t.TempDir(), t.TempDir()
	run(t, context.Background(), bf16Spec(2, 14), data, whole, false)
	ctx, cancel := context.WithCancel(context.Background())
	setStepHook(t, func(tr *Trainer) {
		if tr.state.Step == 7 {
			cancel()
		}
	})
	if s := run(t, ctx, bf16Spec(2, 14), data, parts, false); !s.Interrupted || s.Steps != 7 {
		t.Fatalf("interrupted run: %+v, want stopped at step 7", s)
	}
	testHookStep = nil
	run(t, context.Background(), bf16Spec(2, 14), data, parts, true)
	if !bytes.Equal(finalWeights(t, whole), finalWeights(t, parts)) {
		t.Fatal("interrupted and resumed bf16 run ended with weights different from the uninterrupted run")
	}
}

func TestResumeRefusesPrecisionChange(t *testing.T) {
	data := tinyData(t, 200)
	for _, tc := range []struct{ from, to *Spec }{
		{tinySpec(1, 5), bf16Spec(1, 10)},
		{bf16Spec(1, 5), tinySpec(1, 10)},
	} {
		dir := t.TempDir()
		run(t, context.Background(), tc.from, data, dir, false)
		_, err := Run(context.Background(), tc.to, Data{Parallel: data}, Options{Run: testRun(t, dir, data.Src), Resume: true})
		want := "was trained with training.precision " + string(tc.from.Training.Precision) + ", the config says " + string(tc.to.Training.Precision) +
			": --resume cannot change the precision"
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "--init-from") {
			t.Errorf("resume %s → %s: error %v, want one containing %q and --init-from", tc.from.Training.Precision, tc.to.Training.Precision, err, want)
		}
	}
}

// TestBF16LossesTrackFP32 trains the tiny model 30 steps in each
// precision from the same seed: bf16's loss at every logged step is
// within 0.1% of fp32's (measured: 1.8e-5 relative; a wrong pair order
// or a missing half of k moves it by far more).
func TestBF16LossesTrackFP32(t *testing.T) {
	data := tinyData(t, 400)
	a, b := t.TempDir(), t.TempDir()
	run(t, context.Background(), tinySpec(2, 30), data, a, false)
	run(t, context.Background(), bf16Spec(2, 30), data, b, false)
	la, lb := trainLosses(t, a), trainLosses(t, b)
	if len(la) < 3 || len(la) != len(lb) {
		t.Fatalf("logged steps differ: %v vs %v", la, lb)
	}
	worst := 0.0
	for step, l := range la {
		worst = math.Max(worst, math.Abs(lb[step]-l)/l)
	}
	t.Logf("largest relative difference of the losses: %.2g (%d steps logged)", worst, len(la))
	if worst > 1e-3 {
		t.Errorf("bf16 losses differ from fp32's by up to %.3f%%, want ≤ 0.1%%: fp32 %v, bf16 %v", 100*worst, la, lb)
	}
}
