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
// Each goroutine that has run a product holds a workspace (about 3 MB for
// float32, 3.5 MB for float64), kept for the life of the process so that
// its pages are faulted in once.
func SetThreads(n int) {
	if n < 1 {
		n = runtime.GOMAXPROCS(0)
	}
	threads.Store(int32(n))
}

// Threads returns the number of goroutines one Gemm call may use.
func Threads() int { return int(threads.Load()) }

// worker is a job that goroutines share: each calls work, which returns
// when nothing is left to do.
type worker interface{ work() }

type task struct {
	job worker
	wg  *sync.WaitGroup
}

var (
	helpersMu sync.Mutex
	helpers   int
	tasks     = make(chan task, 256)
)

// parallel runs job.work on the calling goroutine and on n long-lived
// helpers (started on demand, never stopped, so that a call allocates
// nothing), and returns when all are done.
func parallel(job worker, n int, wg *sync.WaitGroup) {
	helpersMu.Lock()
	for helpers < n {
		helpers++
		go helper()
	}
	helpersMu.Unlock()
	wg.Add(n)
	for range n {
		tasks <- task{job, wg}
	}
	// The first receiver is readied into this P's next slot, where another P
	// steals it only after a long delay (~100 µs measured); yielding lets it
	// start at once, and this goroutine moves to the idle P.
	if n > 0 {
		runtime.Gosched()
	}
	job.work()
	wg.Wait()
}

func helper() {
	for t := range tasks {
		t.job.work()
		t.wg.Done()
	}
}
