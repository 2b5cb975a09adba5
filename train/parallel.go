package train

import (
	"math/rand/v2"

	"github.com/s2s-nmt/s2s/internal/par"
	"github.com/s2s-nmt/s2s/model"
)

// worker is one data-parallel replica of a translation model: it shares
// the master's weights, owns its gradient slab and workspace, and trains on
// its share of a batch.
type worker struct {
	m    *model.Seq2Seq[float32]
	ws   *model.Workspace[float32]
	part model.Batch // this worker's rows of the current batch (buffers reused)
	loss float64     // summed NLL of the last pass
	ntok int         // target tokens of the last pass
}

// pool runs the workers of a translation model. Worker 0 is the master
// model itself; the others are replicas whose gradients are added into the
// master's in worker order, so the result never depends on timing.
type pool struct{ workers []*worker }

// newPool builds n workers around master. newReplica must build a model of
// the same configuration (its weights are replaced by the master's).
func newPool(master *model.Seq2Seq[float32], n int, newReplica func() (*model.Seq2Seq[float32], error)) (*pool, error) {
	p := &pool{}
	for i := range n {
		m := master
		if i > 0 {
			r, err := newReplica()
			if err != nil {
				return nil, err
			}
			r.Params().ShareWeights(master.Params())
			m = r
		}
		p.workers = append(p.workers, &worker{m: m, ws: m.NewWorkspace()})
	}
	return p, nil
}

// passOptions are what a training pass needs besides the batch.
type passOptions struct {
	seed, step     uint64  // derive each worker's dropout and sampling stream
	gradScale      float32 // 1 / target tokens of the whole update
	labelSmoothing float64
	teacherForcing float64
	train          bool // false: forward only (validation loss)
}

// workerRng is worker i's dropout and sampling stream for an update.
func workerRng(o passOptions, i int) *rand.Rand {
	return rand.New(rand.NewPCG(o.seed, o.step<<8|uint64(i)))
}

// run splits b over the workers, runs forward (and backward) on package
// par's pool, one task per worker, and returns the summed loss and token
// count. Gradients land in each worker's own slab; reduce them afterwards.
func (p *pool) run(b *model.Batch, o passOptions) (float64, int) {
	n := min(len(p.workers), b.B)
	par.For(n, func(i int) {
		w := p.workers[i]
		sliceBatch(&w.part, b, i*b.B/n, (i+1)*b.B/n)
		if !o.train {
			w.loss, w.ntok = w.m.Eval(w.ws, &w.part)
			return
		}
		opts := model.Options{Rng: workerRng(o, i), Smoothing: o.labelSmoothing, SampleProb: 1 - o.teacherForcing}
		w.loss, w.ntok = w.m.Loss(w.ws, &w.part, o.gradScale, opts)
	})
	var loss float64
	var ntok int
	for i := range n {
		loss += p.workers[i].loss
		ntok += p.workers[i].ntok
	}
	return loss, ntok
}

// sliceBatch copies rows [lo, hi) of b into dst, trimming the padding to
// the longest source and target among those rows. dst's buffers are reused.
func sliceBatch(dst, b *model.Batch, lo, hi int) {
	s, t := 0, 0
	for r := lo; r < hi; r++ {
		s, t = max(s, b.SrcLen[r]), max(t, b.TgtLen[r])
	}
	dst.B, dst.S, dst.T = hi-lo, s, t
	dst.Src = resizeIDs(dst.Src, dst.B*s)
	dst.TgtIn = resizeIDs(dst.TgtIn, dst.B*t)
	dst.TgtOut = resizeIDs(dst.TgtOut, dst.B*t)
	dst.SrcLen = append(dst.SrcLen[:0], b.SrcLen[lo:hi]...)
	dst.TgtLen = append(dst.TgtLen[:0], b.TgtLen[lo:hi]...)
	for r := lo; r < hi; r++ {
		i := r - lo
		copy(dst.Src[i*s:(i+1)*s], b.Src[r*b.S:r*b.S+s])
		copy(dst.TgtIn[i*t:(i+1)*t], b.TgtIn[r*b.T:r*b.T+t])
		copy(dst.TgtOut[i*t:(i+1)*t], b.TgtOut[r*b.T:r*b.T+t])
	}
}

func resizeIDs(buf []int32, n int) []int32 {
	if cap(buf) < n {
		return make([]int32, n)
	}
	return buf[:n]
}
