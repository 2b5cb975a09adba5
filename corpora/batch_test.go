package corpora

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func randomDataset(n int) *Dataset {
	rng := rand.New(rand.NewPCG(7, 7))
	d := &Dataset{}
	for range n {
		d.Src = append(d.Src, make([]int32, 1+rng.IntN(40)))
		d.Tgt = append(d.Tgt, make([]int32, 1+rng.IntN(40)))
	}
	return d
}

func TestBatcherCoversEpoch(t *testing.T) {
	d := randomDataset(1000)
	for _, opt := range []BatchOptions{{Sentences: 32, Seed: 1}, {Tokens: 600, Seed: 1}, {Sentences: 16, Tokens: 400, Seed: 2}} {
		b, err := NewBatcher(d, opt)
		if err != nil {
			t.Fatal(err)
		}
		seen := make([]int, d.Len())
		for range b.EpochBatches() {
			bt := b.Next()
			ms, mt := 0, 0
			for i, j := range bt.Index {
				seen[j]++
				ms, mt = max(ms, len(bt.Src[i])), max(mt, len(bt.Tgt[i]))
			}
			if opt.Sentences > 0 && len(bt.Index) > opt.Sentences {
				t.Errorf("%+v: batch of %d sentences", opt, len(bt.Index))
			}
			if opt.Tokens > 0 && len(bt.Index) > 1 && len(bt.Index)*(ms+mt) > opt.Tokens {
				t.Errorf("%+v: batch of %d padded tokens", opt, len(bt.Index)*(ms+mt))
			}
		}
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("%+v: pair %d seen %d times in one epoch", opt, i, c)
			}
		}
		if p := b.Position(); p.Epoch != 0 || p.Batch != b.EpochBatches() {
			t.Errorf("position after an epoch %+v", p)
		}
	}
}

func TestBatcherResume(t *testing.T) {
	d := randomDataset(500)
	opt := BatchOptions{Sentences: 20, Seed: 3}
	a, _ := NewBatcher(d, opt)
	var saved Position
	var want [][]int32
	for i := range 60 { // past the end of the first epoch (25 batches)
		bt := a.Next()
		if i == 37 {
			saved = a.Position()
		}
		if i > 37 {
			want = append(want, bt.Index)
		}
	}
	b, _ := NewBatcher(d, opt)
	if err := b.Seek(saved); err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		if got := b.Next().Index; !slices.Equal(got, w) {
			t.Fatalf("batch %d after resume differs", i)
		}
	}
	c, _ := NewBatcher(d, BatchOptions{Sentences: 20, Seed: 4})
	if slices.Equal(c.Next().Index, want[0]) {
		t.Error("another seed gave the same batches")
	}
}
