package par

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/s2s-nmt/s2s/internal/alloctest"
)

// sumOp returns each chunk's sum of x, in index order.
type sumOp struct{ x []float64 }

func (o *sumOp) Do(lo, hi int) float64 {
	s := 0.0
	for _, v := range o.x[lo:hi] {
		s += v
	}
	return s
}

// terms are values whose float64 sum depends on the order of addition
// (magnitudes from 1e-8 to 1e8), so a sum that regrouped them would show.
func terms(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Pow(10, float64(i%17-8)) * float64(1+i%5)
	}
	return x
}

// TestSumDoesNotDependOnCores: Sum gives the bits of adding the chunks'
// sums in chunk order, on 1, 2, 3 and 8 goroutines, for loops of one
// chunk, several and several plus a tail.
func TestSumDoesNotDependOnCores(t *testing.T) {
	const size = 100
	for _, n := range []int{0, 7, size, 5 * size, 5*size + 17} {
		o := &sumOp{terms(n)}
		want := 0.0
		for lo := 0; lo < n; lo += size {
			want += o.Do(lo, min(lo+size, n))
		}
		for _, procs := range []int{1, 2, 3, 8} {
			prev := runtime.GOMAXPROCS(procs)
			got := Sum(n, size, o)
			runtime.GOMAXPROCS(prev)
			if got != want {
				t.Errorf("n %d, %d cores: sum %v, want %v", n, procs, got, want)
			}
		}
	}
}

// TestForRunsEachOnce: For calls f(i) exactly once for each i, whatever
// the number of cores.
func TestForRunsEachOnce(t *testing.T) {
	for _, procs := range []int{1, 2, 5} {
		for _, n := range []int{0, 1, 2, 7, 100} {
			prev := runtime.GOMAXPROCS(procs)
			hits := make([]atomic.Int32, n)
			For(n, func(i int) { hits[i].Add(1) })
			runtime.GOMAXPROCS(prev)
			for i := range hits {
				if h := hits[i].Load(); h != 1 {
					t.Fatalf("%d cores, n %d: f(%d) ran %d times", procs, n, i, h)
				}
			}
		}
	}
}

// TestChunksCoverEachOnce: Chunks hands out every index once, in chunks of
// size (the last shorter).
func TestChunksCoverEachOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	const n, size = 1003, 10
	hits := make([]atomic.Int32, n)
	Chunks(n, size, Func(func(lo, hi int) {
		if lo%size != 0 || hi-lo != min(size, n-lo) {
			panic(fmt.Sprintf("chunk [%d, %d)", lo, hi))
		}
		for i := lo; i < hi; i++ {
			hits[i].Add(1)
		}
	}))
	for i := range hits {
		if h := hits[i].Load(); h != 1 {
			t.Fatalf("index %d covered %d times", i, h)
		}
	}
}

// TestConcurrentAndNested: Sum called from several goroutines at once, and
// For and Chunks called from inside a loop's body, finish and give each
// caller its own result.
func TestConcurrentAndNested(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(runtime.GOMAXPROCS(0), 4)))
	const size = 64
	ops := make([]*sumOp, 6)
	want := make([]float64, len(ops))
	for k := range ops {
		ops[k] = &sumOp{terms(9*size + 5 + k)}
		want[k] = Sum(len(ops[k].x), size, ops[k])
	}
	var wg sync.WaitGroup
	errs := make(chan string, len(ops)*20)
	for k := range ops {
		wg.Go(func() {
			for range 20 {
				if got := Sum(len(ops[k].x), size, ops[k]); got != want[k] {
					errs <- fmt.Sprintf("op %d: sum %v, want %v", k, got, want[k])
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	var outer, inner atomic.Int64
	For(4, func(int) {
		outer.Add(1)
		Chunks(3*size, size, Func(func(lo, hi int) { inner.Add(int64(hi - lo)) }))
	})
	if outer.Load() != 4 || inner.Load() != 4*3*size {
		t.Fatalf("nested: %d outer calls, %d inner indices", outer.Load(), inner.Load())
	}
}

// TestAllocatesNothing: once warm, Sum with a preallocated op and For with
// a func made once allocate nothing, on at least 2 cores.
func TestAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(runtime.GOMAXPROCS(0), 2)))
	o := &sumOp{terms(1000)}
	var hits atomic.Int64
	f := func(int) { hits.Add(1) }
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"Sum", func() { Sum(len(o.x), 10, o) }},
		{"For", func() { For(8, f) }},
	} {
		c.f() // warm-up: workers and pooled jobs
		if a := alloctest.Parallel(10, c.f); a != 0 {
			t.Errorf("%s: %v allocations per call", c.name, a)
		}
	}
}
