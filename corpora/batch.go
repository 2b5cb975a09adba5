package corpora

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
)

// BatchOptions are the settings of a Batcher. At least one of Sentences
// and Tokens must be positive; a batch stops at whichever it reaches first.
type BatchOptions struct {
	// Sentences is the most pairs in a batch (0: no limit).
	Sentences int
	// Tokens is the most padded tokens in a batch, counted as
	// B × (longest source + longest target), BOS and EOS not included
	// (0: no limit). A pair over the limit on its own is a batch by itself.
	Tokens int
	// Seed seeds the shuffles; the same seed gives the same batches.
	Seed uint64
	// Pool is how many batches' worth of pairs are sorted by length
	// together before being cut into batches (default 100).
	Pool int
	// Dropout, when on, re-segments every pair at the start of each epoch
	// (Dropout.Epoch, seeded by Seed): the epoch's batches are sorted and
	// cut by the lengths of its segmentation, and hold its ids. Off, the
	// batches hold the dataset's ids.
	Dropout Dropout
}

// Position says where a Batcher is: the epoch (from 0) and how many of its
// batches were taken. It is what a checkpoint saves to resume the data.
type Position struct {
	Epoch int `json:"epoch"`
	Batch int `json:"batch"`
}

// Batch is a group of pairs of similar length: Index are their indices in
// the dataset, Src and Tgt their ids (views into the dataset, or into the
// epoch's segmentation with dropout; not copies).
type Batch struct {
	Index    []int32
	Src, Tgt [][]int32
}

// Batcher cuts a dataset into length-bucketed batches, epoch after epoch.
// Each epoch's batches depend only on the seed and the epoch number, so a
// Batcher made anew and moved with Seek gives the same batches as one that
// never stopped. A Batcher is not safe for concurrent use.
type Batcher struct {
	ds    *Dataset
	cur   *Dataset // the epoch's pairs: ds, or its re-segmentation by opt.Dropout
	opt   BatchOptions
	pos   Position
	plan  [][]int32 // the current epoch's batches
	epoch int       // the epoch plan is for; -1 if none
}

// NewBatcher returns a Batcher at epoch 0, batch 0.
func NewBatcher(ds *Dataset, opt BatchOptions) (*Batcher, error) {
	if opt.Sentences <= 0 && opt.Tokens <= 0 {
		return nil, errors.New("batch size: give a number of sentences or of tokens")
	}
	if ds.Len() == 0 {
		return nil, errors.New("batching: the dataset is empty")
	}
	if opt.Pool <= 0 {
		opt.Pool = 100
	}
	return &Batcher{ds: ds, opt: opt, epoch: -1}, nil
}

// Position returns the position of the next batch.
func (b *Batcher) Position() Position { return b.pos }

// Seek moves to p, as saved by Position.
func (b *Batcher) Seek(p Position) error {
	if p.Epoch < 0 || p.Batch < 0 {
		return fmt.Errorf("data position %+v is negative", p)
	}
	b.pos = p
	b.ensurePlan()
	if p.Batch > len(b.plan) {
		return fmt.Errorf("data position %+v: epoch %d has only %d batches", p, p.Epoch, len(b.plan))
	}
	return nil
}

// EpochBatches returns the number of batches in the current epoch.
func (b *Batcher) EpochBatches() int {
	b.ensurePlan()
	return len(b.plan)
}

// Next returns the next batch, moving to the next epoch after the last.
func (b *Batcher) Next() Batch {
	b.ensurePlan()
	if b.pos.Batch >= len(b.plan) {
		b.pos = Position{Epoch: b.pos.Epoch + 1}
		b.ensurePlan()
	}
	idx := b.plan[b.pos.Batch]
	b.pos.Batch++
	out := Batch{Index: idx, Src: make([][]int32, len(idx)), Tgt: make([][]int32, len(idx))}
	for i, j := range idx {
		out.Src[i], out.Tgt[i] = b.cur.Src[j], b.cur.Tgt[j]
	}
	return out
}

func (b *Batcher) ensurePlan() {
	if b.epoch != b.pos.Epoch {
		b.cur = b.ds
		if b.opt.Dropout.On() {
			b.cur = b.opt.Dropout.Epoch(b.ds, b.opt.Seed, b.pos.Epoch)
		}
		b.plan = b.makePlan(b.pos.Epoch)
		b.epoch = b.pos.Epoch
	}
}

// makePlan shuffles the pairs, sorts each pool of them by length, cuts the
// pools into batches and shuffles the batches.
func (b *Batcher) makePlan(epoch int) [][]int32 {
	rng := rand.New(rand.NewPCG(b.opt.Seed, uint64(epoch)))
	n := b.cur.Len()
	perm := make([]int32, n)
	for i, j := range rng.Perm(n) {
		perm[i] = int32(j)
	}
	pool := b.poolSize()
	var plan [][]int32
	for lo := 0; lo < n; lo += pool {
		p := perm[lo:min(lo+pool, n)]
		slices.SortStableFunc(p, func(x, y int32) int {
			return cmp.Or(cmp.Compare(len(b.cur.Src[x]), len(b.cur.Src[y])), cmp.Compare(len(b.cur.Tgt[x]), len(b.cur.Tgt[y])))
		})
		plan = b.cut(plan, p)
	}
	rng.Shuffle(len(plan), func(i, j int) { plan[i], plan[j] = plan[j], plan[i] })
	return plan
}

// poolSize is how many pairs are sorted together.
func (b *Batcher) poolSize() int {
	per := b.opt.Sentences
	if per <= 0 {
		total := 0
		for i := range b.cur.Src {
			total += len(b.cur.Src[i]) + len(b.cur.Tgt[i])
		}
		per = max(1, b.opt.Tokens*b.cur.Len()/max(total, 1))
	}
	return per * b.opt.Pool
}

// cut appends the batches of the sorted pairs p to plan.
func (b *Batcher) cut(plan [][]int32, p []int32) [][]int32 {
	start, ms, mt := 0, 0, 0
	for i, j := range p {
		s, t := max(ms, len(b.cur.Src[j])), max(mt, len(b.cur.Tgt[j]))
		size := i - start + 1
		full := (b.opt.Sentences > 0 && size > b.opt.Sentences) || (b.opt.Tokens > 0 && size*(s+t) > b.opt.Tokens)
		if full && i > start {
			plan = append(plan, p[start:i:i])
			start, s, t = i, len(b.cur.Src[j]), len(b.cur.Tgt[j])
		}
		ms, mt = s, t
	}
	return append(plan, p[start:len(p):len(p)])
}
