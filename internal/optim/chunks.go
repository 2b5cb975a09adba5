package optim

import (
	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/internal/par"
)

// Chunk is how many scalars one goroutine updates at a time. Norms sum
// each chunk on its own and then the chunks' sums in chunk order, so every
// result is the same whatever the number of goroutines.
const Chunk = 1 << 15

// Serial reports whether ForChunks(n, …) would run on the calling
// goroutine only.
func Serial(n int) bool { return par.Serial(n, Chunk) }

// ForChunks calls f(lo, hi) on each chunk [lo, hi) of [0, n), Chunk
// scalars long (the last shorter), from up to runtime.GOMAXPROCS(0)
// goroutines (the caller and package par's workers), and returns when all
// calls have. f must write only its own range. Small n runs on the calling
// goroutine. ForChunks itself allocates nothing; the hot paths of this
// package pass preallocated ops (par.Op) instead of closures.
func ForChunks(n int, f func(lo, hi int)) { par.Chunks(n, Chunk, par.Func(f)) }

// Clear zeroes g chunk by chunk on all cores, allocating nothing in
// steady state.
func Clear[F mat.Float](g []F) {
	if Serial(len(g)) {
		clear(g)
		return
	}
	s := getScratch[F]()
	s.clr.g = g
	par.Chunks(len(g), Chunk, &s.clr)
	s.clr.g = nil
	putScratch(s)
}

// scratch holds one call's ops for the package's parallel passes, so that
// handing them to par allocates nothing; scratches are pooled per
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

func (o *clearOp[F]) Do(lo, hi int) float64 { clear(o.g[lo:hi]); return 0 }

// scaleOp multiplies g's chunks by c.
type scaleOp[F mat.Float] struct {
	g []F
	c F
}

func (o *scaleOp[F]) Do(lo, hi int) float64 { scale(o.g[lo:hi], o.c); return 0 }

// sqOp returns each chunk's sum of squares (GradNorm).
type sqOp[F mat.Float] struct{ g []F }

func (o *sqOp[F]) Do(lo, hi int) float64 { return sumSquares(o.g[lo:hi]) }
