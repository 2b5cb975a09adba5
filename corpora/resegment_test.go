package corpora

import (
	"slices"
	"testing"
)

// TestBatcherDropout batches 2000 numbers pairs with BPE-dropout 0.1:
// every batch decodes to its pairs' text and keeps to the token budget
// in its re-segmented lengths; most pairs are segmented differently in
// epochs 1 and 2; a Batcher made anew and moved with Seek gives the
// batches of one that never stopped.
func TestBatcherDropout(t *testing.T) {
	tok := loadTestTokenizer(t)
	pairs := NumbersEnRuCorpus(1).Train[:2000]
	ds := EncodePairs(pairs, tok, tok)
	opt := BatchOptions{Tokens: 600, Seed: 1, Dropout: Dropout{Src: tok, Tgt: tok, P: 0.1}}
	b, err := NewBatcher(ds, opt)
	if err != nil {
		t.Fatal(err)
	}
	var epochs [2][][2][]int32 // pair → its ids in that epoch
	var batches1 []Batch       // the second epoch's batches, in order
	for e := range epochs {
		epochs[e] = make([][2][]int32, ds.Len())
		for range b.EpochBatches() {
			bt := b.Next()
			ms, mt := 0, 0
			for i, j := range bt.Index {
				epochs[e][j] = [2][]int32{bt.Src[i], bt.Tgt[i]}
				ms, mt = max(ms, len(bt.Src[i])), max(mt, len(bt.Tgt[i]))
				for side, want := range []string{pairs[j].Src, pairs[j].Tgt} {
					if got, err := tok.Decode(epochs[e][j][side]); err != nil || got != want {
						t.Fatalf("epoch %d, pair %d: decoded %q, %v, want %q", e, j, got, err, want)
					}
				}
			}
			if len(bt.Index) > 1 && len(bt.Index)*(ms+mt) > opt.Tokens {
				t.Errorf("epoch %d: a batch of %d padded tokens, over %d", e, len(bt.Index)*(ms+mt), opt.Tokens)
			}
			if e == 1 {
				batches1 = append(batches1, bt)
			}
		}
	}
	changed, plain := 0, 0
	for j := range ds.Len() {
		if !slices.Equal(epochs[0][j][0], epochs[1][j][0]) || !slices.Equal(epochs[0][j][1], epochs[1][j][1]) {
			changed++
		}
		if slices.Equal(epochs[1][j][0], ds.Src[j]) && slices.Equal(epochs[1][j][1], ds.Tgt[j]) {
			plain++
		}
	}
	t.Logf("%d of %d pairs segmented differently in epochs 1 and 2; %d as without dropout", changed, ds.Len(), plain)
	if changed < ds.Len()/2 {
		t.Errorf("only %d of %d pairs changed segmentation between epochs 1 and 2", changed, ds.Len())
	}
	again, err := NewBatcher(ds, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := again.Seek(Position{Epoch: 1, Batch: 5}); err != nil {
		t.Fatal(err)
	}
	for k := 5; k < 8; k++ {
		bt := again.Next()
		want := batches1[k]
		if !slices.Equal(bt.Index, want.Index) || !slices.EqualFunc(bt.Src, want.Src, slices.Equal) || !slices.EqualFunc(bt.Tgt, want.Tgt, slices.Equal) {
			t.Fatalf("after Seek, batch %d of epoch 2 differs from the one of the run that never stopped", k)
		}
	}
}

// BenchmarkDropoutEpoch re-segments the 29,000 Multi30k training pairs
// (a joint BPE of 8000, the default) for one epoch at p = 0.1, as a
// Batcher with dropout does at the start of each epoch: ms/epoch, and
// the tokens per pair against the deterministic segmentation's.
//
//	go test ./corpora -run XXX -bench DropoutEpoch -cpu 1,2
func BenchmarkDropoutEpoch(b *testing.B) {
	en := readLines(b, sharedData(b, "multi30k/train.en"))
	de := readLines(b, sharedData(b, "multi30k/train.de"))
	tok, err := Learn(LearnOptions{VocabSize: 8000, MinFrequency: 2}, en, de)
	if err != nil {
		b.Fatal(err)
	}
	pairs := make([]Pair, len(en))
	for i := range en {
		pairs[i] = Pair{Src: en[i], Tgt: de[i]}
	}
	ds := EncodePairs(pairs, tok, tok)
	d := Dropout{Src: tok, Tgt: tok, P: 0.1}
	count := func(ds *Dataset) (n int) {
		for i := range ds.Src {
			n += len(ds.Src[i]) + len(ds.Tgt[i])
		}
		return n
	}
	b.ReportAllocs()
	var out *Dataset
	for i := 0; b.Loop(); i++ {
		out = d.Epoch(ds, 1, i)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/epoch")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*ds.Len()), "ns/pair")
	b.ReportMetric(float64(count(out))/float64(ds.Len()), "tokens/pair")
	b.ReportMetric(float64(count(ds))/float64(ds.Len()), "plain-tokens/pair")
}
