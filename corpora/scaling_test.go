package corpora

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// BenchmarkPrepareScaling runs the whole data path of training on
// corpora of 25k to 200k pairs (the numbers-en-ru training pairs, repeated;
// no dedup): read the TSV, learn a joint BPE, encode, clean and cache, then
// cut one epoch of length-bucketed batches. ns/pair and B/pair (bytes
// allocated) that stay flat as the corpus doubles show the cost is linear
// in the corpus size:
//
//	go test ./corpora -run XXX -bench PrepareScaling -benchtime 1x
func BenchmarkPrepareScaling(b *testing.B) {
	base := NumbersEnRuCorpus(1).Train
	for _, n := range []int{25000, 50000, 100000, 200000} {
		b.Run(fmt.Sprintf("pairs=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			tsv := filepath.Join(dir, "train.tsv")
			var sb strings.Builder
			for i := range n {
				p := base[i%len(base)]
				sb.WriteString(p.Src + "\t" + p.Tgt + "\n")
			}
			if err := os.WriteFile(tsv, []byte(sb.String()), 0o644); err != nil {
				b.Fatal(err)
			}
			cfg := DefaultConfig()
			cfg.Train = Files{TSV: tsv}
			cfg.Tokenizer.VocabSize = 2000
			cfg.Filter.Dedup = false
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				p, err := Prepare(cfg, testPaths(filepath.Join(dir, fmt.Sprint("run", i))), log)
				if err != nil {
					b.Fatal(err)
				}
				bt, err := NewBatcher(p.Train, BatchOptions{Tokens: 4096, Seed: 1})
				if err != nil {
					b.Fatal(err)
				}
				pairs := 0
				for range bt.EpochBatches() {
					pairs += len(bt.Next().Index)
				}
				if pairs != n {
					b.Fatalf("an epoch has %d pairs, want %d", pairs, n)
				}
			}
			runtime.ReadMemStats(&ms1)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/pair")
			b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(b.N*n), "B/pair")
		})
	}
}
