package gemm

import (
	"runtime"
	"sync"
	"sync/atomic"
)

var threads atomic.Int32

func init() { threads.Store(1) }

// SetThreads sets how many goroutines one Gemm call may use; n < 1 means
// runtime.GOMAXPROCS(0). The default is 1: the trainer runs data-parallel
// workers that each call Gemm, and only single-caller paths (the commands'
// --threads) should ask for more. The result of Gemm does not depend on it.
func SetThreads(n int) {
	if n < 1 {
		n = runtime.GOMAXPROCS(0)
	}
	threads.Store(int32(n))
}

// Threads returns the number of goroutines one Gemm call may use.
func Threads() int { return int(threads.Load()) }

// chunker is a piece of work split into numbered chunks.
type chunker interface{ runChunk(i int) }

type task struct {
	job chunker
	i   int
	wg  *sync.WaitGroup
}

var (
	workersMu sync.Mutex
	workers   int
	tasks     = make(chan task, 256)
)

// parallel runs job.runChunk(i) for i in [0, n): chunk 0 on the calling
// goroutine, the others on long-lived workers (started on demand, never
// stopped), so that a call allocates nothing.
func parallel(job chunker, n int, wg *sync.WaitGroup) {
	workersMu.Lock()
	for workers < n-1 {
		workers++
		go worker()
	}
	workersMu.Unlock()
	wg.Add(n - 1)
	for i := 1; i < n; i++ {
		tasks <- task{job, i, wg}
	}
	// The first receiver is readied into this P's next slot, where another P
	// steals it only after a long delay (~100 µs measured); yielding lets it
	// start at once, and this goroutine moves to the idle P.
	runtime.Gosched()
	job.runChunk(0)
	wg.Wait()
}

func worker() {
	for t := range tasks {
		t.job.runChunk(t.i)
		t.wg.Done()
	}
}
