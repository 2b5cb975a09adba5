package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestTrainSIGTERM runs `s2s train` in a child process (this test binary),
// sends it SIGTERM mid-run, and expects the step to finish, a checkpoint to
// be written and exit status 0 with a one-line message; --resume then
// finishes the run.
func TestTrainSIGTERM(t *testing.T) {
	if args := os.Getenv("S2S_MAIN_ARGS"); args != "" {
		os.Exit(run(append([]string{"s2s"}, strings.Split(args, "\x1f")...)))
	}
	if testing.Short() {
		t.Skip("trains in a child process")
	}
	dir := t.TempDir()
	cfg, _ := filepath.Abs("../../configs/numbers-en-ru.yaml")
	args := []string{"train", cfg, "--set", "training.max_steps=100000", "--set", "training.checkpoint_every=100000", "--threads", "1"}
	cmd := exec.Command(os.Args[0], "-test.run=^TestTrainSIGTERM$")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "S2S_MAIN_ARGS="+strings.Join(args, "\x1f"))
	var out, errw bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	metrics := filepath.Join(dir, "runs", "numbers-en-ru", "metrics.jsonl")
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if b, _ := os.ReadFile(metrics); bytes.Contains(b, []byte(`"step":10,`)) {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no training step logged; stderr:\n%s", errw.String())
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGTERM: %v, want exit status 0; stderr:\n%s", err, errw.String())
	}
	if !strings.HasPrefix(out.String(), "interrupted at step ") || strings.Count(out.String(), "\n") != 1 {
		t.Fatalf("stdout %q, want one line saying where it stopped", out.String())
	}
	ckpts, _ := filepath.Glob(filepath.Join(dir, "runs", "numbers-en-ru", "checkpoints", "step-*"))
	if len(ckpts) != 1 {
		t.Fatalf("checkpoints after SIGTERM: %v, want one", ckpts)
	}
}
