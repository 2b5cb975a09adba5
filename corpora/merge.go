package corpora

import "container/heap"

// bpe appends the ids of pre-token w (raw bytes) to dst, applying merges as
// Hugging Face does: repeatedly the pair of lowest rank, leftmost first.
// Short words use a plain scan; long ones a heap, so the time is
// O(n log n) in the length of w.
func (t *Tokenizer) bpe(dst []int32, w string) []int32 {
	if t.ignoreMerges {
		if id, ok := t.ids[byteLevel(w)]; ok {
			return append(dst, id)
		}
	}
	if len(w) > 48 {
		return t.bpeHeap(dst, w)
	}
	return t.bpeScan(dst, w)
}

// bpeScan is bpe for short words: find the best pair by a scan, merge, repeat.
func (t *Tokenizer) bpeScan(dst []int32, w string) []int32 {
	var arr [48]int32
	syms := arr[:0]
	if len(w) > len(arr) {
		syms = make([]int32, 0, len(w))
	}
	syms = syms[:len(w)]
	for i := 0; i < len(w); i++ {
		syms[i] = t.byteID[w[i]]
	}
	for len(syms) > 1 {
		best, at := mergeTo{rank: -1}, -1
		for i := 0; i+1 < len(syms); i++ {
			m, ok := t.rank[pairKey(syms[i], syms[i+1])]
			if ok && (at < 0 || m.rank < best.rank) {
				best, at = m, i
			}
		}
		if at < 0 {
			break
		}
		syms[at] = best.id
		syms = append(syms[:at+1], syms[at+2:]...)
	}
	return append(dst, syms...)
}

// symbol is one node of the doubly linked list bpeHeap merges in place.
type symbol struct {
	id         int32
	prev, next int32 // indices; -1 at the ends
	dead       bool
}

// cand is a possible merge of the symbol at pos with its right neighbour.
type cand struct {
	rank, pos, right, id int32
}

type candHeap []cand

func (h candHeap) Len() int { return len(h) }
func (h candHeap) Less(i, j int) bool {
	if h[i].rank != h[j].rank {
		return h[i].rank < h[j].rank
	}
	return h[i].pos < h[j].pos
}
func (h candHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *candHeap) Push(x any)   { *h = append(*h, x.(cand)) }
func (h *candHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}

// bpeHeap is bpe for long words: a linked list of symbols and a heap of
// candidate merges; a candidate whose symbols changed since it was pushed is
// skipped when popped.
func (t *Tokenizer) bpeHeap(dst []int32, w string) []int32 {
	syms := make([]symbol, len(w))
	h := make(candHeap, 0, len(w))
	for i := range syms {
		syms[i] = symbol{id: t.byteID[w[i]], prev: int32(i - 1), next: int32(i + 1)}
	}
	syms[len(syms)-1].next = -1
	candAt := func(p int32) (cand, bool) {
		if p < 0 || syms[p].next < 0 {
			return cand{}, false
		}
		q := syms[p].next
		m, ok := t.rank[pairKey(syms[p].id, syms[q].id)]
		return cand{m.rank, p, q, m.id}, ok
	}
	for i := range syms {
		if c, ok := candAt(int32(i)); ok {
			h = append(h, c)
		}
	}
	heap.Init(&h)
	for h.Len() > 0 {
		c := heap.Pop(&h).(cand)
		p := &syms[c.pos]
		if p.dead || p.next != c.right || syms[c.right].dead {
			continue
		}
		if m, ok := t.rank[pairKey(p.id, syms[c.right].id)]; !ok || m.rank != c.rank {
			continue
		}
		r := &syms[c.right]
		p.id, p.next, r.dead = c.id, r.next, true
		if r.next >= 0 {
			syms[r.next].prev = c.pos
		}
		for _, q := range [2]int32{p.prev, c.pos} {
			if c, ok := candAt(q); ok {
				heap.Push(&h, c)
			}
		}
	}
	for i := int32(0); i >= 0; i = syms[i].next {
		dst = append(dst, syms[i].id)
	}
	return dst
}
