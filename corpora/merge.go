package corpora

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

// bpeHeap is bpe for long words: the merger without dropout.
func (t *Tokenizer) bpeHeap(dst []int32, w string) []int32 {
	m := merger{t: t}
	return m.word(dst, w)
}

// symbol is one node of the doubly linked list a merger merges in place.
type symbol struct {
	id         int32
	prev, next int32 // indices; -1 at the ends
	dead       bool
}

// cand is a possible merge of the symbol at pos with its right neighbour,
// whose id was rid when it was pushed.
type cand struct {
	rank, pos, right, rid, id int32
}

// candHeap is a min-heap of candidates by rank, then position (leftmost
// first): the order in which Hugging Face applies merges.
type candHeap []cand

func (h candHeap) less(i, j int) bool {
	if h[i].rank != h[j].rank {
		return h[i].rank < h[j].rank
	}
	return h[i].pos < h[j].pos
}

func (h candHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h *candHeap) push(c cand) {
	*h = append(*h, c)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !s.less(i, p) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *candHeap) pop() cand {
	s := *h
	n := len(s) - 1
	s[0], s[n] = s[n], s[0]
	*h = s[:n]
	h.down(0)
	return s[n]
}

func (h candHeap) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		if r := l + 1; r < len(h) && h.less(r, l) {
			l = r
		}
		if !h.less(l, i) {
			return
		}
		h[i], h[l] = h[l], h[i]
		i = l
	}
}
