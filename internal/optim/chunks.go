package optim

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Chunk is how many scalars one goroutine updates at a time. Norms sum
// each chunk on its own and then the chunks' sums in chunk order, so every
// result is the same whatever the number of goroutines.
const Chunk = 1 << 15

// Serial reports whether ForChunks(n, …) would run on the calling
// goroutine only; callers then skip building its closure, which allocates.
func Serial(n int) bool { return n <= Chunk || runtime.GOMAXPROCS(0) == 1 }

// ForChunks calls f(lo, hi) on each chunk [lo, hi) of [0, n), Chunk
// scalars long (the last shorter), from up to runtime.GOMAXPROCS(0)
// goroutines, and returns when all calls have. f must write only its own
// range. Small n runs on the calling goroutine.
func ForChunks(n int, f func(lo, hi int)) {
	chunks := (n + Chunk - 1) / Chunk
	procs := min(runtime.GOMAXPROCS(0), chunks)
	if Serial(n) {
		for lo := 0; lo < n; lo += Chunk {
			f(lo, min(lo+Chunk, n))
		}
		return
	}
	var next atomic.Int64
	work := func() {
		for {
			c := int(next.Add(1) - 1)
			if c >= chunks {
				return
			}
			lo := c * Chunk
			f(lo, min(lo+Chunk, n))
		}
	}
	var wg sync.WaitGroup
	for range procs - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
}
