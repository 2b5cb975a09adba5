package optim

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/s2s-nmt/s2s/internal/alloctest"
)

// TestParallelPassesAllocateNothing: on slabs long enough for the parallel
// path (4 chunks per core, at least 2 cores), Adam's step (plain and scaled
// with clear), GradNorm, ClipGradNorm, ReduceNorm and Clear allocate
// nothing once warm.
func TestParallelPassesAllocateNothing(t *testing.T) {
	procs := max(runtime.GOMAXPROCS(0), 2)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	n := 4*Chunk*procs + 17
	if Serial(n) {
		t.Fatal("the slab takes the serial path")
	}
	rng := rand.New(rand.NewPCG(11, 11))
	mk := func() []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		return x
	}
	w, g, d, s := mk(), mk(), mk(), mk()
	srcs := [][]float32{s}
	o := NewAdam[float32](n)
	o64 := NewAdam[float64](n)
	w64, g64 := make([]float64, n), make([]float64, n)
	for i := range g64 {
		g64[i] = float64(g[i])
	}
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"Adam.Step", func() { o.Step(w, g, 1e-3) }},
		{"Adam.StepScaled", func() { o.StepScaled(w, g, 1e-3, 0.5, true) }},
		{"Adam[float64].Step", func() { o64.Step(w64, g64, 1e-3) }},
		{"GradNorm", func() { GradNorm(g) }},
		{"GradNorm[float64]", func() { GradNorm(g64) }},
		{"ClipGradNorm", func() { ClipGradNorm(g, 1e-3) }}, // clips: the scaling pass runs
		{"ReduceNorm", func() { ReduceNorm(d, srcs) }},
		{"Clear", func() { Clear(g) }},
	} {
		c.f() // warm-up: workers, pooled jobs and scratch
		if raceEnabled {
			continue // the race detector allocates; the passes still run
		}
		if a := alloctest.Parallel(10, c.f); a != 0 {
			t.Errorf("%s: %v allocations per call", c.name, a)
		}
	}
}

// TestConcurrentCallers: the parallel passes, called from several
// goroutines at once and from inside an op, finish and give each caller
// its own results.
func TestConcurrentCallers(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(runtime.GOMAXPROCS(0), 4)))
	n := 9*Chunk + 5
	rng := rand.New(rand.NewPCG(13, 13))
	gs := make([][]float32, 6)
	want := make([]float64, len(gs))
	for k := range gs {
		gs[k] = make([]float32, n)
		for i := range gs[k] {
			gs[k][i] = float32(rng.NormFloat64())
		}
		want[k] = GradNorm(gs[k])
	}
	var wg sync.WaitGroup
	errs := make(chan string, len(gs)*20)
	for k := range gs {
		wg.Go(func() {
			for range 20 {
				if got := GradNorm(gs[k]); got != want[k] {
					errs <- fmt.Sprintf("slab %d: norm %v, want %v", k, got, want[k])
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	// Nested: each outer chunk runs a parallel pass of its own.
	var outer, inner atomic.Int64
	ForChunks(4*Chunk, func(lo, hi int) {
		outer.Add(1)
		ForChunks(3*Chunk, func(lo, hi int) { inner.Add(int64(hi - lo)) })
	})
	if outer.Load() != 4 || inner.Load() != 4*3*Chunk {
		t.Fatalf("nested: %d outer chunks, %d inner scalars", outer.Load(), inner.Load())
	}
}
