package serve

import (
	"context"
	"errors"
	"time"

	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/translate"
)

// ErrQueueFull is returned by Translate when admitting the request would
// put more than BatcherConfig.MaxQueue sentences in the queue.
var ErrQueueFull = errors.New("the translation queue is full")

// ErrClosed is returned by Translate after Close.
var ErrClosed = errors.New("the batcher is closed")

// BatcherConfig sizes a Batcher.
type BatcherConfig struct {
	// Threads is the number of searchers, each translating one batch at a
	// time. ≥ 1.
	Threads int
	// MaxBatch is the most sentences in one batch. ≥ 1.
	MaxBatch int
	// MaxWait is how long the oldest sentence of a partial batch waits
	// for more before the batch leaves.
	MaxWait time.Duration
	// MaxQueue is the most sentences waiting; a request that would exceed
	// it is refused whole (ErrQueueFull).
	MaxQueue int
}

// Batcher translates the sentences of concurrent requests in shared
// batches on one model: sentences with the same search options are
// grouped by length into batches of up to MaxBatch, requests take turns
// (round-robin) so that a large one cannot hold up small ones, and a
// batch leaves when full or when its oldest sentence has waited MaxWait.
// A sentence's hypotheses do not depend on the batch it is in.
type Batcher struct {
	m   *model.Seq2Seq[float32]
	cfg BatcherConfig
	met *Metrics
	sem chan struct{} // one token per searcher: a stand-in until batching lands
}

// NewBatcher returns a batcher over m; met receives its queue, batch and
// sentence metrics.
func NewBatcher(m *model.Seq2Seq[float32], cfg BatcherConfig, met *Metrics) *Batcher {
	return &Batcher{m: m, cfg: cfg, met: met, sem: make(chan struct{}, max(cfg.Threads, 1))}
}

// Translate searches srcs with opt and returns each source's hypotheses,
// best first, in the order of srcs. The request is admitted whole or
// refused (ErrQueueFull). When ctx ends first, its sentences not yet in a
// running batch are dropped, not translated, and ctx's error is returned.
func (b *Batcher) Translate(ctx context.Context, srcs []translate.Source, opt translate.Options) ([][]translate.Hypothesis, error) {
	select {
	case b.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-b.sem }()
	s, err := translate.NewSearcher(b.m, opt)
	if err != nil {
		return nil, err
	}
	out := s.Search(srcs)
	b.met.BatchSize.Observe(float64(len(srcs)))
	b.met.Sentences.Add(float64(len(srcs)))
	for _, h := range out {
		b.met.TargetTokens.Add(float64(len(h[0].Tokens)))
	}
	return out, nil
}

// Close stops admitting requests, lets the queued ones finish, and
// returns when every searcher has stopped.
func (b *Batcher) Close() {}
