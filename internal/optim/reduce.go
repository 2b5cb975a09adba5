package optim

import (
	"math"

	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/internal/par"
)

// ReduceNorm adds each of srcs into dst, in srcs order for every element,
// clears srcs, and returns the Euclidean norm of the sum: one pass over the
// slabs instead of a reduce, a norm and a zeroing pass. Each Chunk is
// summed, squared (GradNorm's arithmetic) and cleared while it is cached,
// on all cores (par.Sum), allocating nothing in steady state; the result
// is GradNorm(dst) after the adds, bit for bit, whatever the number of
// cores. Every src must be as long as dst.
func ReduceNorm[F mat.Float](dst []F, srcs [][]F) float64 {
	if Serial(len(dst)) {
		op := reduceOp[F]{dst: dst, srcs: srcs}
		s := 0.0
		for lo := 0; lo < len(dst); lo += Chunk {
			s += op.Do(lo, min(lo+Chunk, len(dst)))
		}
		return math.Sqrt(s)
	}
	sc := getScratch[F]()
	op := &sc.red
	op.dst, op.srcs = dst, append(op.srcs[:0], srcs...) // srcs itself does not escape
	s := par.Sum(len(dst), Chunk, op)
	clear(op.srcs)
	op.dst, op.srcs = nil, op.srcs[:0]
	putScratch(sc)
	return math.Sqrt(s)
}

// reduceOp is ReduceNorm's work on one chunk: add the sources into dst in
// order, clear them, and return the chunk's sum of squares.
type reduceOp[F mat.Float] struct {
	dst  []F
	srcs [][]F
}

func (o *reduceOp[F]) Do(lo, hi int) float64 {
	d := o.dst[lo:hi]
	last := len(o.srcs) - 1
	for k, src := range o.srcs {
		s := src[lo:hi:hi][:len(d)]
		if k == last {
			return addClearSquares(d, s)
		}
		for j := range d {
			d[j] += s[j]
		}
		clear(s)
	}
	return sumSquares(d)
}

// addClearSquares adds s into d, clears s and returns sumSquares(d), in one
// pass where the float32 kernel runs (addClearSqF32: the same operations).
func addClearSquares[F mat.Float](d, s []F) float64 {
	var acc [4]float64
	i := 0
	if d32, ok := any(d).([]float32); ok {
		i = addClearSqF32(d32, any(s).([]float32), &acc)
	}
	d, s = d[i:], s[i:len(d)]
	for j := range d {
		d[j] += s[j]
	}
	clear(s)
	return sumSquaresFrom(d, &acc)
}
