package train

import (
	"math/rand/v2"
	"sync"

	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/model"
)

// worker is one data-parallel replica: it shares the master's weights,
// owns its gradient slab and workspace, and trains on its share of a batch.
type worker struct {
	m    *model.Seq2Seq[float32]
	ws   *model.Workspace[float32]
	part model.Batch // this worker's rows of the current batch (buffers reused)
	loss float64     // summed NLL of the last pass
	ntok int         // target tokens of the last pass
}

// pool runs the workers of a trainer. Worker 0 is the master model itself;
// the others are replicas whose gradients are added into the master's in
// worker order, so the result never depends on timing.
type pool struct {
	workers []*worker
	master  *mat.Set[float32]
}

// newPool builds n workers around master. newReplica must build a model of
// the same configuration (its weights are replaced by the master's).
func newPool(master *model.Seq2Seq[float32], n int, newReplica func() (*model.Seq2Seq[float32], error)) (*pool, error) {
	p := &pool{master: master.Params()}
	for i := range n {
		m := master
		if i > 0 {
			r, err := newReplica()
			if err != nil {
				return nil, err
			}
			r.Params().ShareWeights(p.master)
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

// run splits b over the workers, runs forward (and backward) in parallel,
// and returns the summed loss and token count. Gradients land in each
// worker's own slab; call reduce afterwards.
func (p *pool) run(b *model.Batch, o passOptions) (float64, int) {
	n := min(len(p.workers), b.B)
	var wg sync.WaitGroup
	for i := range n {
		w := p.workers[i]
		lo, hi := i*b.B/n, (i+1)*b.B/n
		sliceBatch(&w.part, b, lo, hi)
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			opts := model.Options{Smoothing: o.labelSmoothing, SampleProb: 1 - o.teacherForcing}
			if !o.train {
				w.loss, w.ntok = w.m.Eval(w.ws, &w.part)
				return
			}
			opts.Rng = rand.New(rand.NewPCG(o.seed, o.step<<8|uint64(i)))
			w.loss, w.ntok = w.m.Loss(w.ws, &w.part, o.gradScale, opts)
		}(i)
	}
	wg.Wait()
	var loss float64
	var ntok int
	for i := range n {
		loss += p.workers[i].loss
		ntok += p.workers[i].ntok
	}
	return loss, ntok
}

// zeroGrad clears every worker's gradients.
func (p *pool) zeroGrad() {
	for _, w := range p.workers {
		w.m.Params().ZeroGrad()
	}
}

// reduce adds the replicas' gradients into the master's, in worker order.
func (p *pool) reduce() {
	g := p.master.G
	for _, w := range p.workers[1:] {
		for j, v := range w.m.Params().G {
			g[j] += v
		}
	}
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
