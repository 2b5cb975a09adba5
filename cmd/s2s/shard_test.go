package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/s2s-nmt/s2s/rundir/rundirtest"
	"github.com/s2s-nmt/s2s/shard"
)

// shardInput writes in.txt: n lines, some empty, one with CRLF, the last
// unterminated.
func shardInput(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	words := []string{"the cat sat", "one two three four", "", "a dog\r", "seven", "on the mat today"}
	for i := range n {
		b.WriteString(fmt.Sprintf("%s %d", words[i%len(words)], i))
		if i < n-1 {
			b.WriteByte('\n')
		}
	}
	if err := os.WriteFile("in.txt", []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return "in.txt"
}

// translateShard runs s2s translate --shard i/n of in.txt into out.
func translateShard(t *testing.T, i, n int, extra ...string) (string, error) {
	t.Helper()
	args := append([]string{"translate", "-i", "in.txt", "--shard", fmt.Sprintf("%d/%d", i, n), "-o", "out", "--commit-every", "3"}, extra...)
	_, stderr, err := runApp(t, nil, args...)
	return stderr, err
}

func readManifest(t *testing.T, i, n int) shard.Manifest {
	t.Helper()
	var m shard.Manifest
	if err := shard.ReadJSON(filepath.Join("out", shard.ManifestName(i, n)), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestShardKilledAndMerged: four shards, one worker killed with SIGKILL
// after its first commit and rerun, then merged, give a file
// byte-identical to one s2s translate of the whole input; the rerun
// resumed at a committed line > 0 and translated fewer lines than its
// shard holds.
func TestShardKilledAndMerged(t *testing.T) {
	if os.Getenv("S2S_SHARD_CHILD") != "" {
		afterShardCommit = func() { syscall.Kill(os.Getpid(), syscall.SIGKILL) }
		os.Exit(run(append([]string{"s2s"}, strings.Split(os.Getenv("S2S_SHARD_CHILD"), "\x1f")...)))
	}
	tinyRun(t, 40)
	shardInput(t, 41)
	if _, _, err := runApp(t, nil, "translate", "-i", "in.txt", "-o", "whole.txt"); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestShardKilledAndMerged$")
	cmd.Env = append(os.Environ(), "S2S_SHARD_CHILD="+strings.Join([]string{"translate", "-i", "in.txt", "--shard", "1/4", "-o", "out", "--commit-every", "3"}, "\x1f"))
	var errw bytes.Buffer
	cmd.Stderr = &errw
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child: %v, want killed by SIGKILL; stderr:\n%s", err, errw.String())
	}
	if _, err := os.Stat(filepath.Join("out", shard.ManifestName(1, 4))); err == nil {
		t.Fatal("the killed worker published its shard")
	}
	for _, i := range []int{0, 1, 2, 3} {
		if stderr, err := translateShard(t, i, 4); err != nil {
			t.Fatalf("shard %d: %v\n%s", i, err, stderr)
		}
	}
	m := readManifest(t, 1, 4)
	if m.Resumed <= 0 || m.Lines-m.Resumed >= m.Lines {
		t.Errorf("rerun of shard 1: resumed at line %d of %d; want a committed line > 0", m.Resumed, m.Lines)
	}
	if _, stderr, err := runApp(t, nil, "merge", "out", "-o", "merged.txt"); err != nil {
		t.Fatalf("merge: %v\n%s", err, stderr)
	}
	if got, want := mustRead(t, "merged.txt"), mustRead(t, "whole.txt"); got != want {
		t.Fatalf("merged:\n%s\nwant:\n%s", got, want)
	}
}

// TestShardRace: two workers on one shard at once leave one output,
// equal to the shard's translation, and both succeed.
func TestShardRace(t *testing.T) {
	tinyRun(t, 40)
	shardInput(t, 30)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for k := range errs {
		wg.Go(func() { _, errs[k] = translateShard(t, 0, 2) })
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("racing workers: %v, %v", errs[0], errs[1])
	}
	m := readManifest(t, 0, 2)
	if sum, err := hashPrefix(filepath.Join("out", m.Output), -1); err != nil || sum != m.SHA256 {
		t.Fatalf("output hash %s, %v; manifest %s", sum, err, m.SHA256)
	}
	os.Rename("out", "raced")
	if _, err := translateShard(t, 0, 2); err != nil {
		t.Fatal(err)
	}
	if mustRead(t, "out/"+m.Output) != mustRead(t, "raced/"+m.Output) {
		t.Fatal("the raced output differs from a lone worker's")
	}
}

// TestShardNBest: with --nbest 3 the merged n-best equals the unsharded
// one, indices included.
func TestShardNBest(t *testing.T) {
	tinyRun(t, 40)
	shardInput(t, 25)
	want, _, err := runApp(t, nil, "translate", "-i", "in.txt", "--nbest", "3")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := translateShard(t, i, 3, "--nbest", "3"); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := runApp(t, nil, "merge", "out", "-o", "merged.txt"); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, "merged.txt"); got != want {
		t.Fatalf("merged n-best:\n%s\nwant:\n%s", got, want)
	}
}

// TestShardRerun: a finished shard rerun as is does nothing and
// succeeds; with other settings or another model it fails naming the
// difference.
func TestShardRerun(t *testing.T) {
	tinyRun(t, 40)
	shardInput(t, 12)
	rundirtest.Write(t, filepath.Join("runs", "other"), rundirtest.Config("other", 40), 4)
	if _, err := translateShard(t, 0, 2); err != nil {
		t.Fatal(err)
	}
	before := mustRead(t, filepath.Join("out", shard.ManifestName(0, 2)))
	stderr, err := translateShard(t, 0, 2, "--batch-size", "2")
	if err != nil || !strings.Contains(stderr, "already done") {
		t.Fatalf("rerun: %v, %q; want a no-op", err, stderr)
	}
	if mustRead(t, filepath.Join("out", shard.ManifestName(0, 2))) != before {
		t.Fatal("the rerun rewrote the manifest")
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--beam", "2"}, "setting beam"},
		{[]string{"--nbest", "2"}, "setting nbest"},
		{[]string{"--model", "runs/other"}, "model identity"},
	} {
		if _, err := translateShard(t, 0, 2, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("rerun with %v: %v; want an error naming %q", tc.args, err, tc.want)
		}
	}
}

// TestMergeFails: merge names the shard that is missing, whose output was
// edited, or that was translated with another model.
func TestMergeFails(t *testing.T) {
	tinyRun(t, 40)
	shardInput(t, 16)
	rundirtest.Write(t, filepath.Join("runs", "other"), rundirtest.Config("other", 40), 4)
	for i := range 3 {
		if _, err := translateShard(t, i, 3); err != nil {
			t.Fatal(err)
		}
	}
	merge := func() error {
		_, _, err := runApp(t, nil, "merge", "out", "-o", "merged.txt")
		return err
	}
	if err := merge(); err != nil {
		t.Fatal(err)
	}
	part1, man1 := filepath.Join("out", shard.Name(1, 3)), filepath.Join("out", shard.ManifestName(1, 3))
	good := mustRead(t, part1)
	os.WriteFile(part1, []byte("edited\n"+good), 0o644)
	if err := merge(); err == nil || !strings.Contains(err.Error(), "shard 1/3") {
		t.Errorf("edited output: %v; want an error naming shard 1/3", err)
	}
	os.Remove(part1)
	os.Rename(man1, man1+".bak")
	if err := merge(); err == nil || !strings.Contains(err.Error(), "shards [1] of 3 are missing") {
		t.Errorf("missing shard: %v; want an error naming shard 1", err)
	}
	if _, err := translateShard(t, 1, 3, "--model", "runs/other"); err != nil {
		t.Fatal(err)
	}
	if err := merge(); err == nil || !strings.Contains(err.Error(), "shard 1/3 differs") || !strings.Contains(err.Error(), "model identity") {
		t.Errorf("another model: %v; want an error naming shard 1/3 and the model", err)
	}
}

// TestShardExitCodes: a gzip or missing input exits 3 (do not retry),
// with a message that says what to do; --sample with --shard is a usage
// error (2).
func TestShardExitCodes(t *testing.T) {
	tinyRun(t, 40)
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte("the cat\n"))
	w.Close()
	os.WriteFile("in.gz", gz.Bytes(), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"translate", "-i", "in.gz", "--shard", "0/2", "-o", "out"}, 3, "decompress"},
		{[]string{"translate", "-i", "missing.txt", "--shard", "0/2", "-o", "out"}, 3, "missing.txt"},
		{[]string{"translate", "-i", "missing.txt", "-o", "x.txt"}, 3, "missing.txt"},
		{[]string{"translate", "-i", "in.gz", "--shard", "0/2", "-o", "out", "--sample"}, 2, "--sample"},
		{[]string{"translate", "-i", "in.gz", "--shard", "2/2", "-o", "out"}, 2, "0 ≤ I < 2"},
	} {
		_, _, err := runApp(t, nil, tc.args...)
		if code := exitCode(err); code != tc.code || err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: exit %d, %v; want %d and %q", tc.args, code, err, tc.code, tc.want)
		}
	}
}

// TestShardFewLines: files with no lines or fewer lines than shards, run
// with --shard auto/4, merge to what one translate gives.
func TestShardFewLines(t *testing.T) {
	tinyRun(t, 40)
	for _, text := range []string{"", "the cat\n", "one two\r\nthree"} {
		os.RemoveAll("out")
		os.WriteFile("in.txt", []byte(text), 0o644)
		want, _, err := runApp(t, nil, "translate", "-i", "in.txt")
		if err != nil {
			t.Fatal(err)
		}
		for i := range 4 {
			t.Setenv("JOB_COMPLETION_INDEX", fmt.Sprint(i))
			if _, _, err := runApp(t, nil, "translate", "-i", "in.txt", "--shard", "auto/4", "-o", "out"); err != nil {
				t.Fatalf("%q shard %d: %v", text, i, err)
			}
		}
		if _, _, err := runApp(t, nil, "merge", "out", "-o", "merged.txt"); err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if got := mustRead(t, "merged.txt"); got != want {
			t.Errorf("%q: merged %q, want %q", text, got, want)
		}
	}
}

// TestShardPublishLoser: a worker that finds the shard's output already
// published (by a worker that has not written the manifest yet) checks
// it against its own translation: equal, it writes the manifest and
// succeeds; different, it fails.
func TestShardPublishLoser(t *testing.T) {
	tinyRun(t, 40)
	shardInput(t, 10)
	if _, err := translateShard(t, 0, 2); err != nil {
		t.Fatal(err)
	}
	man, part := filepath.Join("out", shard.ManifestName(0, 2)), filepath.Join("out", shard.Name(0, 2))
	os.Remove(man)
	stderr, err := translateShard(t, 0, 2)
	if err != nil || !strings.Contains(stderr, "published it first") {
		t.Fatalf("equal output: %v, %q", err, stderr)
	}
	readManifest(t, 0, 2)
	os.Remove(man)
	os.WriteFile(part, []byte("other\n"), 0o644)
	if _, err := translateShard(t, 0, 2); err == nil || !strings.Contains(err.Error(), "differs") {
		t.Fatalf("different output: %v", err)
	}
}
