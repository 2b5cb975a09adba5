package serve

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/translate"
)

// ErrQueueFull is returned by Translate when admitting the request would
// put more than BatcherConfig.MaxQueue sentences in the queue.
var ErrQueueFull = errors.New("the translation queue is full")

// ErrClosed is returned by Translate after Close.
var ErrClosed = errors.New("the batcher is closed")

// ErrSearch wraps the panic of a search: Translate returns it to every
// request with a sentence in the batch that failed.
var ErrSearch = errors.New("the search failed")

// BatcherConfig sizes a Batcher. NewBatcher replaces a zero or negative
// field by its default.
type BatcherConfig struct {
	// Threads is the number of searchers, each translating one batch at a
	// time. Default 1.
	Threads int
	// MaxBatch is the most sentences in one batch. Default 32.
	MaxBatch int
	// MaxWait is how long the oldest sentence of a partial batch waits
	// for more before the batch leaves. Default 0: a batch leaves as soon
	// as a searcher is free.
	MaxWait time.Duration
	// MaxQueue is the most sentences waiting; a request that would exceed
	// it is refused whole (ErrQueueFull). Default 4,096.
	MaxQueue int
}

// maxSearchers is the most searchers a worker keeps, one per option set
// it has searched with, the least recently used dropped first.
const maxSearchers = 8

// Batcher translates the sentences of concurrent requests in shared
// batches on one model. A sentence's hypotheses do not depend on the
// batch it is in, so the output equals translate's Search of each
// sentence alone.
//
// The queue holds sentences, at most MaxQueue; a request is admitted
// whole or refused. Its empty sources are answered at once, and its other
// sentences wait in the group of its search options (a batch is searched
// with one Options), shortest first.
//
// A batch takes turns: one sentence from each request of its group in
// arrival order, starting after the request served last, round after
// round until MaxBatch, so a large request cannot hold up small ones.
// Since a request's sentences are queued shortest first, the sentences it
// gives to consecutive batches have similar lengths, which keeps the
// padding of a large request's batches small; across requests, turns
// come before lengths.
//
// A group is ready when it holds MaxBatch sentences, when its oldest
// sentence (that of its earliest request) has waited MaxWait, or once
// Close is called. A free worker takes a batch from the group with the
// oldest sentence when it is due, else from a full group; when none is
// ready it sleeps until the oldest sentence is due or the queue changes.
// A worker keeps one translate.Searcher per option set (the last
// maxSearchers used) and reuses it from batch to batch.
//
// A search that panics fails the requests in its batch with ErrSearch,
// and its worker drops that searcher and keeps serving.
type Batcher struct {
	e   translate.Ensemble[float32] // one model, or an ensemble
	cfg BatcherConfig
	met *Metrics

	mu      sync.Mutex
	groups  []*group // the option sets with queued sentences, in no order
	queued  int      // sentences in groups
	closed  bool
	kick    chan struct{} // (capacity 1) the queue changed: an idle worker looks again
	closing chan struct{} // closed by Close
	workers sync.WaitGroup

	// hook, when set (tests), is called with each batch before its search.
	hook func(srcs []translate.Source)
}

// group is the queue of one option set.
type group struct {
	opt  translate.Options
	reqs []*request // requests with queued sentences, in arrival order
	turn int        // index in reqs of the request whose turn is next
	n    int        // queued sentences
}

// request is one call of Translate.
type request struct {
	srcs  []translate.Source
	order []int // indices of the non-empty srcs, shortest first
	next  int   // order[next:] are queued
	left  int   // sentences not yet answered: queued or being searched
	since time.Time
	out   [][]translate.Hypothesis
	err   error
	done  chan struct{} // closed when out or err is final
	ended bool          // done is closed, or the caller has gone
}

// item is one sentence of a batch: srcs[i] of r.
type item struct {
	r *request
	i int
}

// NewBatcher returns a batcher over m with its workers started; met
// receives its queue, batch and sentence metrics (nil: metrics of its
// own). Close stops it.
func NewBatcher(m *model.Seq2Seq[float32], cfg BatcherConfig, met *Metrics) *Batcher {
	return NewEnsembleBatcher(translate.Ensemble[float32]{Models: []*model.Seq2Seq[float32]{m}}, cfg, met)
}

// NewEnsembleBatcher returns a batcher over the ensemble e, as NewBatcher
// does over one model. Sentences are grouped by the length of their
// Source.Tokens, the first model's. An invalid e fails every request
// (translate.Ensemble.Validate says why).
func NewEnsembleBatcher(e translate.Ensemble[float32], cfg BatcherConfig, met *Metrics) *Batcher {
	if met == nil {
		met = NewMetrics()
	}
	if cfg.Threads < 1 {
		cfg.Threads = 1
	}
	if cfg.MaxBatch < 1 {
		cfg.MaxBatch = 32
	}
	if cfg.MaxQueue < 1 {
		cfg.MaxQueue = 4096
	}
	cfg.MaxWait = max(cfg.MaxWait, 0)
	b := &Batcher{e: e, cfg: cfg, met: met, kick: make(chan struct{}, 1), closing: make(chan struct{})}
	b.workers.Add(cfg.Threads)
	for range cfg.Threads {
		go b.work()
	}
	return b
}

// Translate searches srcs with opt and returns each source's hypotheses,
// best first, in the order of srcs: those of translate's Search. The
// request is admitted whole or refused (ErrQueueFull, ErrClosed, or opt's
// errors); it fails with ErrSearch when a search of its panics. When ctx ends first, its sentences not yet in a running batch
// are dropped, not translated, and ctx's error is returned.
func (b *Batcher) Translate(ctx context.Context, srcs []translate.Source, opt translate.Options) ([][]translate.Hypothesis, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := newRequest(srcs)
	if r.left == 0 { // only empty sources
		if b.isClosed() {
			return nil, ErrClosed
		}
		return r.out, nil
	}
	if err := b.admit(r, opt); err != nil {
		return nil, err
	}
	select {
	case <-r.done:
		return r.out, r.err
	case <-ctx.Done():
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if r.ended { // answered while ctx ended
		return r.out, r.err
	}
	b.end(r, nil)
	return nil, ctx.Err()
}

// newRequest returns the request of srcs with its empty sources answered.
func newRequest(srcs []translate.Source) *request {
	r := &request{srcs: srcs, out: make([][]translate.Hypothesis, len(srcs)), done: make(chan struct{})}
	for i, src := range srcs {
		if len(src.Tokens) == 0 {
			r.out[i] = []translate.Hypothesis{{Tokens: []int32{}}}
		} else {
			r.order = append(r.order, i)
		}
	}
	slices.SortStableFunc(r.order, func(i, j int) int { return cmp.Compare(len(srcs[i].Tokens), len(srcs[j].Tokens)) })
	r.left = len(r.order)
	return r
}

// admit queues r's sentences in opt's group, all or none.
func (b *Batcher) admit(r *request, opt translate.Options) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.closed:
		return ErrClosed
	case b.queued+r.left > b.cfg.MaxQueue:
		return ErrQueueFull
	}
	r.since = time.Now()
	g := b.group(opt)
	g.reqs = append(g.reqs, r)
	g.n += r.left
	b.addQueued(r.left)
	b.wake()
	return nil
}

// isClosed reports whether Close has been called.
func (b *Batcher) isClosed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.closed
}

// group returns opt's group, added if need be. Options holds no NaN
// (Validate refuses them), so == is a fit key.
func (b *Batcher) group(opt translate.Options) *group {
	for _, g := range b.groups {
		if g.opt == opt {
			return g
		}
	}
	g := &group{opt: opt}
	b.groups = append(b.groups, g)
	return g
}

// end answers r with err, or with nothing when its caller has gone (err
// nil), and drops its queued sentences. The caller holds b.mu.
func (b *Batcher) end(r *request, err error) {
	if r.ended {
		return
	}
	r.ended, r.err = true, err
	if err != nil {
		r.out = nil
	}
	close(r.done)
	if pending := len(r.order) - r.next; pending > 0 {
		r.next, r.left = len(r.order), r.left-pending
		for _, g := range b.groups {
			if k := slices.Index(g.reqs, r); k >= 0 {
				g.n -= pending
				g.remove(k)
				break
			}
		}
		b.addQueued(-pending)
		b.prune()
		b.wake() // Close may be waiting for an empty queue
	}
}

// remove drops reqs[k], keeping the turn with the request it was on.
func (g *group) remove(k int) {
	g.reqs = slices.Delete(g.reqs, k, k+1)
	if k < g.turn {
		g.turn--
	}
	if g.turn >= len(g.reqs) {
		g.turn = 0
	}
}

// prune drops the groups with no queued sentence.
func (b *Batcher) prune() {
	b.groups = slices.DeleteFunc(b.groups, func(g *group) bool { return g.n == 0 })
}

// addQueued adds n to the number of queued sentences and to its gauge,
// which the batcher of a reload shares with the one that drains.
func (b *Batcher) addQueued(n int) {
	b.queued += n
	b.met.QueueDepth.Add(float64(n))
}

// wake tells an idle worker, if any, to look at the queue again.
func (b *Batcher) wake() {
	select {
	case b.kick <- struct{}{}:
	default:
	}
}

// Close stops admitting requests (ErrClosed), lets the queued ones
// finish without waiting for fuller batches, and returns when every
// worker has stopped. It may be called more than once.
func (b *Batcher) Close() {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.closing)
	}
	b.mu.Unlock()
	b.workers.Wait()
}

// worker is one searcher goroutine's state.
type worker struct {
	b         *Batcher
	searchers []*translate.Searcher[float32] // most recently used first
	items     []item
	srcs      []translate.Source
}

// work takes batches and searches them until Close has emptied the queue.
func (b *Batcher) work() {
	defer b.workers.Done()
	w := &worker{b: b}
	for {
		opt, ok := w.take()
		if !ok {
			return
		}
		hyps, err := w.search(opt)
		w.deliver(hyps, err)
	}
}

// take waits for a ready group and fills w.items and w.srcs with its
// next batch; it returns false once closed with an empty queue.
func (w *worker) take() (translate.Options, bool) {
	b := w.b
	b.mu.Lock()
	defer b.mu.Unlock()
	for {
		g, due := b.ready(time.Now())
		if g != nil {
			w.fill(g)
			if b.queued > 0 {
				b.wake() // another idle worker watches the rest
			}
			return g.opt, true
		}
		if b.closed && b.queued == 0 {
			b.wake() // pass the word on to the next idle worker
			return translate.Options{}, false
		}
		b.mu.Unlock()
		var timer *time.Timer
		var dueC <-chan time.Time // nil: no sentence queued, no deadline
		if due >= 0 {
			timer = time.NewTimer(due)
			dueC = timer.C
		}
		select {
		case <-b.kick:
		case <-b.closing:
		case <-dueC:
		}
		if timer != nil {
			timer.Stop()
		}
		b.mu.Lock()
	}
}

// ready returns the ready group whose oldest sentence is the oldest, or
// nil and how long until the first group is due (< 0: none queued).
func (b *Batcher) ready(now time.Time) (*group, time.Duration) {
	var first *group
	for _, g := range b.groups {
		if first == nil || g.reqs[0].since.Before(first.reqs[0].since) {
			first = g
		}
	}
	if first == nil {
		return nil, -1
	}
	due := first.reqs[0].since.Add(b.cfg.MaxWait).Sub(now)
	if due <= 0 || b.closed {
		return first, 0
	}
	for _, g := range b.groups {
		if g.n >= b.cfg.MaxBatch {
			return g, 0
		}
	}
	return nil, due
}

// fill takes g's next batch into w.items and w.srcs, a sentence per
// request in turn.
func (w *worker) fill(g *group) {
	b := w.b
	n := min(g.n, b.cfg.MaxBatch)
	w.items, w.srcs = w.items[:0], w.srcs[:0]
	for len(w.items) < n {
		r := g.reqs[g.turn]
		if r.next < len(r.order) {
			i := r.order[r.next]
			r.next++
			w.items = append(w.items, item{r, i})
			w.srcs = append(w.srcs, r.srcs[i])
		}
		g.turn = (g.turn + 1) % len(g.reqs)
	}
	for k := 0; k < len(g.reqs); {
		if r := g.reqs[k]; r.next == len(r.order) {
			g.remove(k)
		} else {
			k++
		}
	}
	g.n -= n
	b.addQueued(-n)
	b.prune()
}

// search translates w.srcs with opt's searcher. A panic fails the batch
// with ErrSearch and drops the searcher, whose state it may have broken.
func (w *worker) search(opt translate.Options) (hyps [][]translate.Hypothesis, err error) {
	var s *translate.Searcher[float32]
	defer func() {
		if p := recover(); p != nil {
			w.searchers = slices.DeleteFunc(w.searchers, func(x *translate.Searcher[float32]) bool { return x == s })
			hyps, err = nil, fmt.Errorf("%w: %v", ErrSearch, p)
		}
	}()
	if s, err = w.searcher(opt); err != nil {
		return nil, err
	}
	if w.b.hook != nil {
		w.b.hook(w.srcs)
	}
	hyps = s.Search(w.srcs)
	met := w.b.met
	met.BatchSize.Observe(float64(len(w.srcs)))
	met.Sentences.Add(float64(len(w.srcs)))
	tokens := 0
	for _, h := range hyps {
		tokens += len(h[0].Tokens)
	}
	met.TargetTokens.Add(float64(tokens))
	return hyps, nil
}

// searcher returns w's searcher for opt, made if need be, and moves it
// to the front of w.searchers.
func (w *worker) searcher(opt translate.Options) (*translate.Searcher[float32], error) {
	k := slices.IndexFunc(w.searchers, func(s *translate.Searcher[float32]) bool { return s.Options() == opt })
	if k < 0 {
		s, err := translate.NewEnsembleSearcher(w.b.e, opt)
		if err != nil {
			return nil, err
		}
		w.searchers = append(w.searchers[:min(len(w.searchers), maxSearchers-1)], nil)
		k = len(w.searchers) - 1
		w.searchers[k] = s
	}
	s := w.searchers[k]
	copy(w.searchers[1:k+1], w.searchers[:k])
	w.searchers[0] = s
	return s, nil
}

// deliver hands the batch's hypotheses, or its error, to its requests.
func (w *worker) deliver(hyps [][]translate.Hypothesis, err error) {
	b := w.b
	b.mu.Lock()
	defer b.mu.Unlock()
	for k, it := range w.items {
		r := it.r
		if r.ended {
			continue
		}
		if err != nil {
			b.end(r, err)
			continue
		}
		r.out[it.i] = hyps[k]
		if r.left--; r.left == 0 {
			r.ended = true
			close(r.done)
		}
	}
	clear(w.items) // let answered requests go
}
