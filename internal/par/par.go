// Package par runs the parallel loops of s2s on one pool of persistent
// goroutines: chunked loops over slabs (Chunks, Sum) and data-parallel
// fan-outs (For).
//
// Contract:
//   - Determinism: a loop's result never depends on the number of
//     goroutines or on timing. Each chunk is one call on one goroutine; Sum
//     adds the chunks' results in chunk order, the same bits on one core or
//     on many. Callers must make each call write only its own range.
//   - No allocation in steady state: the workers are started once, lazily
//     (up to GOMAXPROCS-1 of them, for the life of the process), and a
//     call's bookkeeping is pooled. Handing a pointer to a preallocated Op
//     allocates nothing; a closure handed to For escapes, so it allocates
//     once per call where it captures variables.
//   - Nested and concurrent calls are safe: a caller works on its own loop
//     and, while waiting for the workers it enlisted, runs other queued
//     loops, so calls from several goroutines, or from inside a loop's body,
//     cannot starve each other.
package par

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Op is the work on one chunk [lo, hi) of a loop: Do returns the chunk's
// contribution to Sum (Chunks ignores it). A pointer to a preallocated
// struct converts to Op without allocating.
type Op interface{ Do(lo, hi int) float64 }

// Func adapts a func to Op; the conversion does not allocate (a func value
// is pointer-shaped).
type Func func(lo, hi int)

// Do calls f(lo, hi) and returns 0.
func (f Func) Do(lo, hi int) float64 { f(lo, hi); return 0 }

// Serial reports whether a loop of n iterations in chunks of size runs on
// the calling goroutine only: one chunk, or GOMAXPROCS 1.
func Serial(n, size int) bool { return n <= size || runtime.GOMAXPROCS(0) == 1 }

// Chunks calls op.Do on each chunk [lo, hi) of [0, n), size long (the last
// shorter), from up to GOMAXPROCS goroutines (the caller and the pool's
// workers), and returns when all calls have. It panics if size < 1.
func Chunks(n, size int, op Op) { run(n, size, op, false) }

// Sum is Chunks that returns the chunks' results added in chunk order
// (from 0), the same bits whatever the number of goroutines.
func Sum(n, size int, op Op) float64 { return run(n, size, op, true) }

// For calls f(i) for each i in [0, n), each on one goroutine of the pool
// (the caller among them), and returns when all calls have: a fan-out of
// n independent tasks over at most GOMAXPROCS goroutines. f(i) must write
// only what belongs to i.
func For(n int, f func(i int)) { run(n, 1, each(f), false) }

// each adapts For's f to Op.
type each func(i int)

func (f each) Do(lo, hi int) float64 {
	for i := lo; i < hi; i++ {
		f(i)
	}
	return 0
}

// job is one call shared between its caller and the workers it enlists;
// jobs are pooled (freeJobs), so a call allocates nothing.
type job struct {
	op              Op
	n, size, chunks int
	sums            []float64     // per-chunk results (Sum), else nil
	buf             []float64     // sums' backing store, kept between uses
	next            atomic.Int64  // the next unclaimed chunk
	pending         atomic.Int32  // participants (caller and enlisted helpers) not done
	done            chan struct{} // cap 1: the last helper to finish signals the caller
}

// work claims chunks until none are left.
func (j *job) work() {
	for {
		c := int(j.next.Add(1) - 1)
		if c >= j.chunks {
			return
		}
		lo := c * j.size
		s := j.op.Do(lo, min(lo+j.size, j.n))
		if j.sums != nil {
			j.sums[c] = s
		}
	}
}

// help is a helper's part of j: work, then signal the caller if last.
func (j *job) help() {
	j.work()
	if j.pending.Add(-1) == 0 {
		j.done <- struct{}{}
	}
}

var (
	// jobs feeds the workers; each entry enlists one helper for a job.
	// Sends never block (a full queue just enlists fewer helpers).
	jobs = make(chan *job, 1024)
	// freeJobs holds idle jobs for reuse.
	freeJobs = make(chan *job, 64)

	workersMu sync.Mutex
	workers   atomic.Int32 // started workers; they run for the process's life
)

// ensureWorkers starts workers until there are at least k.
func ensureWorkers(k int) {
	if int(workers.Load()) >= k {
		return
	}
	workersMu.Lock()
	defer workersMu.Unlock()
	for int(workers.Load()) < k {
		go func() {
			for j := range jobs {
				j.help()
			}
		}()
		workers.Add(1)
	}
}

func getJob() *job {
	select {
	case j := <-freeJobs:
		return j
	default:
		return &job{done: make(chan struct{}, 1)}
	}
}

func putJob(j *job) {
	j.op, j.sums = nil, nil
	select {
	case freeJobs <- j:
	default:
	}
}

// run is Chunks (sum false: returns 0) and Sum. The caller and up to
// GOMAXPROCS-1 workers, enlisted by sending the pooled job's pointer,
// claim chunks in turn; while waiting for its helpers the caller serves
// other queued jobs.
func run(n, size int, op Op, sum bool) float64 {
	if size < 1 {
		panic("par: chunk size < 1")
	}
	chunks := (n + size - 1) / size
	procs := min(runtime.GOMAXPROCS(0), chunks)
	if procs <= 1 {
		s := 0.0
		for lo := 0; lo < n; lo += size {
			s += op.Do(lo, min(lo+size, n))
		}
		return s
	}
	j := getJob()
	j.op, j.n, j.size, j.chunks = op, n, size, chunks
	if sum {
		if cap(j.buf) < chunks {
			j.buf = make([]float64, chunks)
		}
		j.sums = j.buf[:chunks]
	}
	j.next.Store(0)
	ensureWorkers(procs - 1)
	j.pending.Store(int32(procs)) // the caller counts itself until it is done
	unsent := 0
	for range procs - 1 {
		select {
		case jobs <- j:
		default:
			unsent++
		}
	}
	j.pending.Add(int32(-unsent))
	j.work()
	if j.pending.Add(-1) != 0 {
		wait(j)
	}
	s := 0.0
	for _, v := range j.sums {
		s += v
	}
	putJob(j)
	return s
}

// wait returns when j's helpers are done, running queued jobs meanwhile
// (possibly j itself: its help returns at once).
func wait(j *job) {
	for {
		select {
		case <-j.done:
			return
		case other := <-jobs:
			other.help()
		}
	}
}
