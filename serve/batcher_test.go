package serve

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/decoder"
	"github.com/s2s-nmt/s2s/encoder"
	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/layer"
	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/translate"
)

// tinyVocab is the vocabulary of the test model: the 4 specials and 16
// ordinary tokens.
const tinyVocab = 20

// tinyModel returns a random GRU model whose hypotheses finish at many
// lengths: EOS's output weights are made 0.6 × those of token 9 plus noise.
func tinyModel(t testing.TB) *model.Seq2Seq[float32] {
	cfg := model.DefaultConfig()
	cfg.Encoder = encoder.Config{Cell: cell.GRU, Layers: 1, Bidirectional: true, Emb: 8, Hidden: 8}
	cfg.Decoder = decoder.Config{Cell: cell.GRU, Layers: 1, Emb: 8, Hidden: 12, Attention: layer.Bahdanau, Bridge: decoder.BridgeTanh}
	cfg.InitScale = 1
	m, err := model.New[float32](cfg, tinyVocab, tinyVocab, rand.New(rand.NewPCG(1, 7)))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 8))
	w := m.Dec.Out.W.W
	for j, x := range w.Row(9) {
		w.Row(int(corpora.EOS))[j] = 0.6*x + float32(0.3*rng.NormFloat64())
	}
	return m
}

// sources draws n sentences of 0–maxLen ordinary tokens (some empty),
// numbered from line.
func sources(rng *rand.Rand, n, maxLen, line int) []translate.Source {
	srcs := make([]translate.Source, n)
	for i := range srcs {
		toks := make([]int32, rng.IntN(maxLen+1))
		for j := range toks {
			toks[j] = int32(4 + rng.IntN(tinyVocab-4))
		}
		srcs[i] = translate.Source{Tokens: toks, Line: line + i}
	}
	return srcs
}

// beam returns beam-search options of width k, n-best n.
func beam(k, n int, align bool) translate.Options {
	return translate.Options{Mode: translate.Beam, Beam: k, NBest: n, Alpha: 1, MaxLenRatio: 1.5, MaxLenExtra: 2,
		Temperature: 1, Alignments: align}
}

// alone returns translate's hypotheses of each of srcs searched alone.
func alone(t testing.TB, m *model.Seq2Seq[float32], srcs []translate.Source, opt translate.Options) [][]translate.Hypothesis {
	s, err := translate.NewSearcher(m, opt)
	if err != nil {
		t.Fatal(err)
	}
	out := make([][]translate.Hypothesis, len(srcs))
	for i := range srcs {
		out[i] = s.Search(srcs[i : i+1])[0]
	}
	return out
}

// sameHyps reports whether a and b hold the same bits.
func sameHyps(a, b [][]translate.Hypothesis) bool {
	return fmt.Sprint(bits(a)) == fmt.Sprint(bits(b))
}

// bits lists every number of hs, floats as their bits.
func bits(hs [][]translate.Hypothesis) []any {
	var v []any
	for _, h := range hs {
		v = append(v, "sentence", len(h))
		for _, x := range h {
			v = append(v, x.Tokens, math.Float64bits(x.LogProb), math.Float64bits(x.Score), x.Align == nil, len(x.Align))
			for _, row := range x.Align {
				for _, a := range row {
					v = append(v, math.Float32bits(a))
				}
			}
		}
	}
	return v
}

// value returns the value of a counter or gauge.
func value(t testing.TB, c prometheus.Metric) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	if m.Counter != nil {
		return m.Counter.GetValue()
	}
	return m.Gauge.GetValue()
}

// batches returns the BatchSize histogram's count, sum and the count of
// batches of one sentence.
func batches(t testing.TB, h prometheus.Histogram) (n uint64, sum float64, ones uint64) {
	var m dto.Metric
	if err := h.Write(&m); err != nil {
		t.Fatal(err)
	}
	for _, b := range m.Histogram.Bucket {
		if b.GetUpperBound() == 1 {
			ones = b.GetCumulativeCount()
		}
	}
	return m.Histogram.GetSampleCount(), m.Histogram.GetSampleSum(), ones
}

// waitQueued waits until met's queue holds n sentences.
func waitQueued(t testing.TB, met *Metrics, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); value(t, met.QueueDepth) != float64(n); {
		if time.Now().After(deadline) {
			t.Fatalf("queue depth %g, want %d", value(t, met.QueueDepth), n)
		}
		time.Sleep(100 * time.Microsecond)
	}
}

// TestBatcherMatchesSearch: many concurrent requests with mixed options
// get, sentence by sentence, the bits of translate's search of that
// sentence alone.
func TestBatcherMatchesSearch(t *testing.T) {
	m := tinyModel(t)
	met := NewMetrics()
	b := NewBatcher(m, BatcherConfig{Threads: 2, MaxBatch: 5, MaxWait: time.Millisecond, MaxQueue: 4096}, met)
	defer b.Close()
	opts := []translate.Options{beam(1, 1, false), beam(5, 1, false), beam(5, 3, true), beam(3, 3, false),
		{Mode: translate.Greedy, MaxLenRatio: 2, Alignments: true},
		{Mode: translate.Sample, NBest: 2, Temperature: 0.7, TopK: 5, Seed: 3, MaxLenExtra: 6}}
	rng := rand.New(rand.NewPCG(2, 2))
	type req struct {
		srcs []translate.Source
		opt  translate.Options
	}
	reqs := make([]req, 60)
	searched := 0
	for i := range reqs {
		reqs[i] = req{sources(rng, 1+rng.IntN(8), 9, 100*i), opts[rng.IntN(len(opts))]}
		for _, src := range reqs[i].srcs {
			if len(src.Tokens) > 0 {
				searched++
			}
		}
	}
	var wg sync.WaitGroup
	for i, r := range reqs {
		wg.Go(func() {
			got, err := b.Translate(context.Background(), r.srcs, r.opt)
			if err != nil {
				t.Errorf("request %d: %v", i, err)
				return
			}
			if want := alone(t, m, r.srcs, r.opt); !sameHyps(got, want) {
				t.Errorf("request %d (%+v):\ngot  %v\nwant %v", i, r.opt, got, want)
			}
		})
	}
	wg.Wait()
	if n := value(t, met.Sentences); n != float64(searched) {
		t.Errorf("sentences searched %g, want %d", n, searched)
	}
	if n, sum, _ := batches(t, met.BatchSize); sum != float64(searched) || n >= uint64(searched) {
		t.Errorf("%d batches of %g sentences in all, want %d sentences in fewer batches", n, sum, searched)
	}
}

// TestBatcherBatchesAndWaits: in a bubble of fake time, 64 concurrent
// one-sentence requests leave in 4 full batches of 16 without waiting,
// and a partial batch leaves exactly MaxWait after its first sentence.
func TestBatcherBatchesAndWaits(t *testing.T) {
	m := tinyModel(t)
	synctest.Test(t, func(t *testing.T) {
		met := NewMetrics()
		const wait = 10 * time.Millisecond
		b := NewBatcher(m, BatcherConfig{Threads: 2, MaxBatch: 16, MaxWait: wait, MaxQueue: 4096}, met)
		rng := rand.New(rand.NewPCG(3, 3))
		srcs := sources(rng, 64, 9, 0)
		for i := range srcs {
			srcs[i].Tokens = append(srcs[i].Tokens, 5) // no empty source
		}
		translateAll := func(srcs []translate.Source) []time.Time {
			var wg sync.WaitGroup
			end := make([]time.Time, len(srcs))
			for i := range srcs {
				wg.Go(func() {
					if _, err := b.Translate(context.Background(), srcs[i:i+1], beam(2, 1, false)); err != nil {
						t.Error(err)
					}
					end[i] = time.Now()
				})
			}
			wg.Wait()
			return end
		}
		start := time.Now()
		for i, end := range translateAll(srcs) {
			if d := end.Sub(start); d != 0 {
				t.Errorf("sentence %d answered after %v, want 0: its batch was full", i, d)
			}
		}
		if n, sum, ones := batches(t, met.BatchSize); n != 4 || sum != 64 || ones != 0 {
			t.Errorf("%d batches of %g sentences, %d of one sentence; want 4 of 16", n, sum, ones)
		}

		start = time.Now()
		for i, end := range translateAll(srcs[:5]) {
			if d := end.Sub(start); d != wait {
				t.Errorf("partial batch: sentence %d answered after %v, want MaxWait %v", i, d, wait)
			}
		}
		if n, sum, _ := batches(t, met.BatchSize); n != 5 || sum != 69 {
			t.Errorf("%d batches of %g sentences; want a 5th of 5", n, sum)
		}
		b.Close()
	})
}

// TestBatcherRoundRobin: a 1-sentence request admitted while a request of
// 500 is being searched goes in the next batch and is answered while
// most of the 500 still wait. The first and third batches are held in
// the hook, so what is asserted does not depend on scheduling.
func TestBatcherRoundRobin(t *testing.T) {
	m := tinyModel(t)
	met := NewMetrics()
	b := NewBatcher(m, BatcherConfig{Threads: 1, MaxBatch: 4, MaxQueue: 4096}, met)
	defer b.Close()
	var mu sync.Mutex
	var order [][]int // the lines of each batch
	first, release, third := make(chan struct{}), make(chan struct{}), make(chan struct{})
	releaseOnce := sync.OnceFunc(func() { close(release) })
	thirdOnce := sync.OnceFunc(func() { close(third) })
	defer thirdOnce() // before Close, should the test fail early
	defer releaseOnce()
	b.hook = func(srcs []translate.Source) {
		mu.Lock()
		lines := make([]int, len(srcs))
		for i, s := range srcs {
			lines[i] = s.Line
		}
		order = append(order, lines)
		n := len(order)
		mu.Unlock()
		switch n {
		case 1:
			close(first)
			<-release // the small request is admitted meanwhile
		case 3:
			<-third // the big request cannot finish before the test looks
		}
	}
	rng := rand.New(rand.NewPCG(4, 4))
	big, small := sources(rng, 500, 9, 0), sources(rng, 1, 9, 1000)
	big[0].Tokens, small[0].Tokens = []int32{6, 7}, []int32{8, 9}
	for i := range big {
		big[i].Tokens = append(big[i].Tokens, 5)
	}
	bigDone := make(chan struct{})
	go func() {
		defer close(bigDone)
		if _, err := b.Translate(context.Background(), big, beam(1, 1, false)); err != nil {
			t.Error(err)
		}
	}()
	<-first
	smallDone := make(chan error, 1)
	go func() {
		_, err := b.Translate(context.Background(), small, beam(1, 1, false))
		smallDone <- err
	}()
	waitQueued(t, met, 496+1)
	releaseOnce()
	select {
	case err := <-smallDone:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute): // a failure detector, not a timing
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("the request of 1 was not answered while the third batch waits: batches %v", order)
	}
	if n := value(t, met.Sentences); n >= 500 {
		t.Errorf("%g sentences searched when the small request was answered, want < 500", n)
	}
	thirdOnce()
	<-bigDone
	mu.Lock()
	defer mu.Unlock()
	if len(order) < 2 || !contains(order[1], 1000) {
		t.Errorf("batches %v: the second does not hold line 1000", order[:min(len(order), 3)])
	}
}

func contains(s []int, x int) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// TestBatcherQueueFull: a request that would overfill the queue is
// refused whole; the queue keeps what it held and still admits a request
// that fits.
func TestBatcherQueueFull(t *testing.T) {
	m := tinyModel(t)
	met := NewMetrics()
	b := NewBatcher(m, BatcherConfig{Threads: 1, MaxBatch: 100, MaxWait: time.Hour, MaxQueue: 10}, met)
	rng := rand.New(rand.NewPCG(5, 5))
	srcs := sources(rng, 30, 9, 0)
	for i := range srcs {
		srcs[i].Tokens = append(srcs[i].Tokens, 5)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		if _, err := b.Translate(context.Background(), srcs[:6], beam(1, 1, false)); err != nil {
			t.Error(err)
		}
	})
	waitQueued(t, met, 6)
	if _, err := b.Translate(context.Background(), srcs[6:11], beam(2, 1, false)); !errors.Is(err, ErrQueueFull) {
		t.Errorf("6 + 5 sentences in a queue of 10: %v, want ErrQueueFull", err)
	}
	if n := value(t, met.QueueDepth); n != 6 {
		t.Errorf("queue depth %g after the refusal, want 6", n)
	}
	// Empty sources take no room.
	empty := make([]translate.Source, 20)
	if got, err := b.Translate(context.Background(), empty, beam(1, 1, false)); err != nil || len(got) != 20 || got[19][0].Tokens == nil {
		t.Errorf("20 empty sources: %v, %v", got, err)
	}
	wg.Go(func() {
		if _, err := b.Translate(context.Background(), srcs[11:15], beam(1, 1, false)); err != nil {
			t.Error(err)
		}
	})
	waitQueued(t, met, 10)
	b.Close()
	wg.Wait()
	if n := value(t, met.Sentences); n != 10 {
		t.Errorf("%g sentences searched, want 10", n)
	}
}

// TestBatcherCancel: a request whose context ends while queued returns
// its error, and its sentences leave the queue unsearched.
func TestBatcherCancel(t *testing.T) {
	m := tinyModel(t)
	met := NewMetrics()
	b := NewBatcher(m, BatcherConfig{Threads: 1, MaxBatch: 100, MaxWait: time.Hour, MaxQueue: 100}, met)
	rng := rand.New(rand.NewPCG(6, 6))
	srcs := sources(rng, 5, 9, 0)
	for i := range srcs {
		srcs[i].Tokens = append(srcs[i].Tokens, 5)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() {
		_, err := b.Translate(ctx, srcs[:3], beam(1, 1, false))
		errc <- err
	}()
	waitQueued(t, met, 3)
	var wg sync.WaitGroup
	wg.Go(func() {
		got, err := b.Translate(context.Background(), srcs[3:], beam(1, 1, false))
		if err != nil || !sameHyps(got, alone(t, m, srcs[3:], beam(1, 1, false))) {
			t.Errorf("the request that stayed: %v, %v", got, err)
		}
	})
	waitQueued(t, met, 5)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled request: %v, want context.Canceled", err)
	}
	waitQueued(t, met, 2)
	b.Close()
	wg.Wait()
	if n := value(t, met.Sentences); n != 2 {
		t.Errorf("%g sentences searched, want 2: the cancelled 3 were searched", n)
	}
}

// TestBatcherCloseDrains: Close lets queued requests finish with their
// translations, without waiting for fuller batches, and returns once
// they are searched; later requests get ErrClosed.
func TestBatcherCloseDrains(t *testing.T) {
	m := tinyModel(t)
	met := NewMetrics()
	b := NewBatcher(m, BatcherConfig{Threads: 2, MaxBatch: 100, MaxWait: time.Hour, MaxQueue: 100}, met)
	rng := rand.New(rand.NewPCG(7, 7))
	var wg sync.WaitGroup
	queued := 0
	for i := range 5 {
		srcs := sources(rng, 3+i, 9, 0)
		for j := range srcs {
			srcs[j].Tokens = append(srcs[j].Tokens, 5)
		}
		queued += len(srcs)
		opt := beam(1+i%2, 1, i%2 == 0)
		wg.Go(func() {
			got, err := b.Translate(context.Background(), srcs, opt)
			if err != nil || !sameHyps(got, alone(t, m, srcs, opt)) {
				t.Errorf("request %d: %v, %v", i, got, err)
			}
		})
		waitQueued(t, met, queued)
	}
	b.Close()
	if n := value(t, met.Sentences); n != float64(queued) {
		t.Fatalf("%g sentences searched when Close returned, want %d", n, queued)
	}
	wg.Wait()
	src := []translate.Source{{Tokens: []int32{5}}}
	if _, err := b.Translate(context.Background(), src, beam(1, 1, false)); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
	b.Close() // a second Close returns too
}

// TestBatcherPanic: a source id out of the vocabulary panics in the
// search; the requests of that batch fail with ErrSearch, and the
// batcher goes on serving others with the right translations.
func TestBatcherPanic(t *testing.T) {
	m := tinyModel(t)
	met := NewMetrics()
	b := NewBatcher(m, BatcherConfig{Threads: 1, MaxBatch: 2, MaxWait: time.Hour, MaxQueue: 100}, met)
	defer b.Close()
	good := []translate.Source{{Tokens: []int32{5, 6, 7}}}
	bad := []translate.Source{{Tokens: []int32{5, tinyVocab + 1000}}}
	var wg sync.WaitGroup
	for i, srcs := range [][]translate.Source{bad, good} {
		wg.Go(func() {
			if _, err := b.Translate(context.Background(), srcs, beam(2, 1, false)); !errors.Is(err, ErrSearch) {
				t.Errorf("in the batch that panicked: %v, want ErrSearch", err)
			}
		})
		if i == 0 {
			waitQueued(t, met, 1)
		}
	}
	wg.Wait()
	for _, opt := range []translate.Options{beam(2, 1, false), beam(1, 1, true)} {
		wg.Go(func() {
			got, err := b.Translate(context.Background(), good, opt)
			if err != nil || !sameHyps(got, alone(t, m, good, opt)) {
				t.Errorf("after the panic: %v, %v", got, err)
			}
		})
	}
	waitQueued(t, met, 2)
	b.Close()
	wg.Wait()
	if n := value(t, met.Sentences); n != 2 {
		t.Errorf("%g sentences searched, want the 2 after the panic", n)
	}
}

// TestWorkerSearchers: a worker makes one searcher per option set and
// reuses it; past maxSearchers sets it drops the least recently used.
func TestWorkerSearchers(t *testing.T) {
	b := NewBatcher(tinyModel(t), BatcherConfig{}, nil)
	defer b.Close()
	w := &worker{b: b}
	get := func(opt translate.Options) *translate.Searcher[float32] {
		s, err := w.searcher(opt)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	first := get(beam(1, 1, false))
	for k := 2; k <= maxSearchers; k++ {
		get(beam(k, 1, false))
	}
	if get(beam(1, 1, false)) != first || len(w.searchers) != maxSearchers {
		t.Fatalf("%d searchers; the first options' searcher was remade", len(w.searchers))
	}
	get(beam(maxSearchers+1, 1, false)) // drops beam 2's, the least recently used
	if len(w.searchers) != maxSearchers || get(beam(1, 1, false)) != first {
		t.Fatalf("%d searchers after one more option set, want %d, beam 1's kept", len(w.searchers), maxSearchers)
	}
	for _, s := range w.searchers {
		if s.Options().Beam == 2 {
			t.Fatal("beam 2's searcher, the least recently used, was kept")
		}
	}
}

// TestBatcherReloadGauge: the batcher of a reload and the one draining
// share the metrics; QueueDepth counts the sentences of both.
func TestBatcherReloadGauge(t *testing.T) {
	m := tinyModel(t)
	met := NewMetrics()
	cfg := BatcherConfig{MaxBatch: 100, MaxWait: time.Hour}
	old, cur := NewBatcher(m, cfg, met), NewBatcher(m, cfg, met)
	var wg sync.WaitGroup
	for k, b := range []*Batcher{old, cur} {
		wg.Go(func() {
			srcs := make([]translate.Source, 2+k)
			for i := range srcs {
				srcs[i].Tokens = []int32{5, int32(6 + i)}
			}
			if _, err := b.Translate(context.Background(), srcs, beam(1, 1, false)); err != nil {
				t.Error(err)
			}
		})
	}
	waitQueued(t, met, 5)
	old.Close()
	waitQueued(t, met, 3)
	cur.Close()
	wg.Wait()
	if n := value(t, met.QueueDepth); n != 0 {
		t.Errorf("queue depth %g after both closed, want 0", n)
	}
}
