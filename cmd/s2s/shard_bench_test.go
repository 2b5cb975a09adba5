package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s2s-nmt/s2s/corpora"
)

// benchShardLines is the benchmark's input size in lines of the numbers
// corpus's training sources: S2S_SHARD_LINES, or 20,000.
func benchShardLines(b *testing.B) int {
	n := 20000
	if v := os.Getenv("S2S_SHARD_LINES"); v != "" {
		if _, err := fmt.Sscan(v, &n); err != nil || n < 1 {
			b.Fatalf("S2S_SHARD_LINES=%q: want a line count", v)
		}
	}
	return n
}

// BenchmarkShard translates benchShardLines lines with a numbers model
// trained at the start (400 steps at embeddings 32, encoder 32, decoder
// 64, beam 5) two ways, alternated: one `s2s translate --threads 2` process, and 8
// shards run as 2 concurrent workers of `--threads 1` each (one process
// per shard, model loading included) followed by `s2s merge`. Each is a
// child process of this test binary, through TestTrainSIGTERM's hook that
// runs the arguments in S2S_MAIN_ARGS. It reports
// the median lines/s of each and the sharding overhead in percent, and
// checks that the merged file equals the whole translation.
func BenchmarkShard(b *testing.B) {
	lines := benchShardLines(b)
	cfg, _ := filepath.Abs("../../configs/numbers-en-ru.yaml")
	b.Chdir(b.TempDir())
	a := trainArgs{config: cfg, workDir: ".", sets: []string{"training.max_steps=400", "training.valid_every=400",
		"training.checkpoint_every=400", "training.learning_rate=0.005", "model.encoder.emb=32",
		"model.encoder.hidden=32", "model.decoder.emb=32", "model.decoder.hidden=64"}}
	if err := runTrain(context.Background(), a, io.Discard, io.Discard); err != nil {
		b.Fatal(err)
	}
	var in strings.Builder
	train := corpora.NumbersEnRuCorpus(1).Train
	for i := range lines {
		in.WriteString(train[i%len(train)].Src + "\n")
	}
	if err := os.WriteFile("in.txt", []byte(in.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	child := func(args ...string) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTrainSIGTERM$")
		cmd.Env = append(os.Environ(), "S2S_MAIN_ARGS="+strings.Join(append(args, "--model", "runs/numbers-en-ru"), "\x1f"))
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Errorf("%v: %v\n%s", args, err, out) // Errorf: also called from worker goroutines
		}
	}
	var whole, sharded []float64
	for b.Loop() {
		start := time.Now()
		child("translate", "-i", "in.txt", "-o", "whole.txt", "--threads", "2")
		whole = append(whole, time.Since(start).Seconds())

		os.RemoveAll("out")
		start = time.Now()
		var wg sync.WaitGroup
		for w := range 2 {
			wg.Go(func() {
				for i := w; i < 8; i += 2 {
					child("translate", "-i", "in.txt", "--shard", fmt.Sprintf("%d/8", i), "-o", "out", "--threads", "1")
				}
			})
		}
		wg.Wait()
		if b.Failed() {
			b.FailNow()
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestTrainSIGTERM$")
		cmd.Env = append(os.Environ(), "S2S_MAIN_ARGS="+strings.Join([]string{"merge", "out", "-o", "merged.txt"}, "\x1f"))
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("merge: %v\n%s", err, out)
		}
		sharded = append(sharded, time.Since(start).Seconds())
		if w, m := mustReadB(b, "whole.txt"), mustReadB(b, "merged.txt"); w != m {
			b.Fatal("the merged shards differ from the whole translation")
		}
	}
	w, s := median(whole), median(sharded)
	b.ReportMetric(float64(lines)/w, "lines/s-whole")
	b.ReportMetric(float64(lines)/s, "lines/s-sharded")
	b.ReportMetric(100*(s-w)/w, "overhead-%")
}

func mustReadB(b *testing.B, path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return string(data)
}

// median returns the median of xs.
func median(xs []float64) float64 {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	return xs[len(xs)/2]
}
