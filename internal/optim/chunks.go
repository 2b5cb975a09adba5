package optim

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/s2s-nmt/s2s/internal/mat"
)

// Chunk is how many scalars one goroutine updates at a time. Norms sum
// each chunk on its own and then the chunks' sums in chunk order, so every
// result is the same whatever the number of goroutines.
const Chunk = 1 << 15

// Serial reports whether ForChunks(n, …) would run on the calling
// goroutine only.
func Serial(n int) bool { return n <= Chunk || runtime.GOMAXPROCS(0) == 1 }

// ForChunks calls f(lo, hi) on each chunk [lo, hi) of [0, n), Chunk
// scalars long (the last shorter), from up to runtime.GOMAXPROCS(0)
// goroutines (the caller and the package's workers), and returns when all
// calls have. f must write only its own range. Small n runs on the calling
// goroutine. ForChunks itself allocates nothing; the hot paths of this
// package pass preallocated ops (chunkOp) instead of closures.
func ForChunks(n int, f func(lo, hi int)) { forChunks(n, funcOp(f), false) }

// Clear zeroes g chunk by chunk on all cores, allocating nothing in
// steady state.
func Clear[F mat.Float](g []F) {
	if Serial(len(g)) {
		clear(g)
		return
	}
	s := getScratch[F]()
	s.clr.g = g
	forChunks(len(g), &s.clr, false)
	s.clr.g = nil
	putScratch(s)
}

// chunkOp is the work on one chunk [lo, hi); ops that sum return the
// chunk's float64 sum, which forChunks adds in chunk order. A pointer to a
// preallocated op converts to chunkOp without allocating, where a closure
// handed to other goroutines escapes to the heap on every call.
type chunkOp interface{ do(lo, hi int) float64 }

// funcOp adapts a func to chunkOp (a func value is pointer-shaped, so the
// conversion does not allocate).
type funcOp func(lo, hi int)

func (f funcOp) do(lo, hi int) float64 { f(lo, hi); return 0 }

// job is one forChunks call shared between its caller and the workers it
// enlists; jobs are pooled (freeJobs), so a call allocates nothing.
type job struct {
	op        chunkOp
	n, chunks int
	sums      []float64     // per-chunk results (sum), else nil
	buf       []float64     // sums' backing store, kept between uses
	next      atomic.Int64  // the next unclaimed chunk
	pending   atomic.Int32  // participants (caller and enlisted helpers) not done
	done      chan struct{} // cap 1: the last helper to finish signals the caller
}

// work claims chunks until none are left.
func (j *job) work() {
	for {
		c := int(j.next.Add(1) - 1)
		if c >= j.chunks {
			return
		}
		lo := c * Chunk
		s := j.op.do(lo, min(lo+Chunk, j.n))
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

// forChunks runs op on each chunk of [0, n) from up to GOMAXPROCS
// goroutines: the caller and persistent workers (started once, lazily),
// enlisted by sending the pooled job's pointer. With sum it returns the
// chunks' results added in chunk order (the same bits on any number of
// goroutines), else 0. While waiting for its helpers the caller serves
// other queued jobs, so calls from several goroutines, or from inside an
// op, cannot starve each other.
func forChunks(n int, op chunkOp, sum bool) float64 {
	chunks := (n + Chunk - 1) / Chunk
	procs := min(runtime.GOMAXPROCS(0), chunks)
	if procs <= 1 {
		s := 0.0
		for lo := 0; lo < n; lo += Chunk {
			s += op.do(lo, min(lo+Chunk, n))
		}
		return s
	}
	j := getJob()
	j.op, j.n, j.chunks = op, n, chunks
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
	wait:
		for {
			select {
			case <-j.done:
				break wait
			case other := <-jobs: // possibly j itself: help returns at once
				other.help()
			}
		}
	}
	s := 0.0
	for _, v := range j.sums {
		s += v
	}
	putJob(j)
	return s
}

// scratch holds one call's ops for the package's parallel passes, so that
// handing them to forChunks allocates nothing; scratches are pooled per
// element type (getScratch, putScratch), so concurrent calls each have
// their own.
type scratch[F mat.Float] struct {
	sq    sqOp[F]
	red   reduceOp[F]
	scale scaleOp[F]
	clr   clearOp[F]
}

// freeList is a bounded pool of *T that allocates only when empty.
type freeList[T any] chan *T

func (p freeList[T]) get() *T {
	select {
	case x := <-p:
		return x
	default:
		return new(T)
	}
}

func (p freeList[T]) put(x *T) {
	select {
	case p <- x:
	default:
	}
}

var (
	scratch32 = make(freeList[scratch[float32]], 16)
	scratch64 = make(freeList[scratch[float64]], 16)
)

func getScratch[F mat.Float]() *scratch[F] {
	if _, ok := any((*F)(nil)).(*float32); ok {
		return any(scratch32.get()).(*scratch[F])
	}
	return any(scratch64.get()).(*scratch[F])
}

// putScratch returns s to its pool; its ops must hold no slabs by then.
func putScratch[F mat.Float](s *scratch[F]) {
	switch s := any(s).(type) {
	case *scratch[float32]:
		scratch32.put(s)
	case *scratch[float64]:
		scratch64.put(s)
	}
}

// clearOp zeroes g's chunks.
type clearOp[F mat.Float] struct{ g []F }

func (o *clearOp[F]) do(lo, hi int) float64 { clear(o.g[lo:hi]); return 0 }

// scaleOp multiplies g's chunks by c.
type scaleOp[F mat.Float] struct {
	g []F
	c F
}

func (o *scaleOp[F]) do(lo, hi int) float64 { scale(o.g[lo:hi], o.c); return 0 }

// sqOp returns each chunk's sum of squares (GradNorm).
type sqOp[F mat.Float] struct{ g []F }

func (o *sqOp[F]) do(lo, hi int) float64 { return sumSquares(o.g[lo:hi]) }
