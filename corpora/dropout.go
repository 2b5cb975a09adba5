package corpora

import "math/rand/v2"

// EncodeDropout returns the ids of line segmented by BPE-dropout with merge
// dropout p, drawing from rng; see AppendEncodeDropout.
func (t *Tokenizer) EncodeDropout(line string, p float64, rng rand.Source) []int32 {
	return t.AppendEncodeDropout(nil, line, p, rng)
}

// AppendEncodeDropout appends the ids of line to dst, segmented by
// BPE-dropout (Provilkov et al. 2020, https://arxiv.org/abs/1910.13267):
// each pre-token starts as its bytes' symbols; at each step every merge
// that applies to a pair of neighbours is dropped with probability p, and
// the remaining one of lowest rank, leftmost first, is applied; when every
// applicable merge is dropped, or none applies, the pre-token is done.
//
// The drops are drawn lazily, as Hugging Face's BPE with dropout does: the
// candidates are popped from a heap in merge order, each dropped one is set
// aside, the first kept one is applied and those set aside go back. This is
// the same distribution as drawing for every candidate at every step, with
// about 1/(1-p) draws per merge.
//
// p ≤ 0 is Encode: the same ids, rng unused. p ≥ 1 splits every pre-token
// into its byte symbols. Added tokens are matched as in Encode. With p > 0
// the word cache is not used, and ignore_merges does not apply (as in
// Hugging Face). Decode gives line back byte for byte.
func (t *Tokenizer) AppendEncodeDropout(dst []int32, line string, p float64, rng rand.Source) []int32 {
	if !(p > 0) {
		return t.AppendEncode(dst, line)
	}
	m := merger{t: t, p: p, rng: rng}
	return t.appendWithAdded(dst, line, m.word)
}

// merger applies the merges of t to one pre-token at a time with a linked
// list of symbols and a heap of candidate merges, with merge dropout p
// (0: none) drawn from rng. Its buffers are reused from word to word.
type merger struct {
	t    *Tokenizer
	p    float64
	rng  rand.Source
	syms []symbol
	h    candHeap
	skip []cand // candidates dropped since the last merge

	decisions, skips int // drops drawn and drops taken (for tests)
}

// word appends the ids of pre-token w (raw bytes, not empty) to dst. It
// pops the candidate of lowest rank, leftmost first, and discards it if it
// is stale (its symbols changed since it was pushed); with dropout, a valid
// candidate is dropped with probability p and set aside until the next
// merge. A merge pushes the candidates on either side of the new symbol.
// The word is done when the heap is empty. Without dropout this is
// Hugging Face's merge loop, O(n log n) in len(w).
func (m *merger) word(dst []int32, w string) []int32 {
	syms := m.syms[:0]
	for i := 0; i < len(w); i++ {
		syms = append(syms, symbol{id: m.t.byteID[w[i]], prev: int32(i - 1), next: int32(i + 1)})
	}
	syms[len(syms)-1].next = -1
	m.syms, m.h, m.skip = syms, m.h[:0], m.skip[:0]
	for i := range syms {
		if c, ok := m.candAt(int32(i)); ok {
			m.h = append(m.h, c)
		}
	}
	m.h.init()
	for len(m.h) > 0 {
		c := m.h.pop()
		if !m.valid(c) {
			continue
		}
		if m.drop() {
			m.skip = append(m.skip, c)
			continue
		}
		m.merge(c)
		for _, s := range m.skip {
			m.h.push(s)
		}
		m.skip = m.skip[:0]
	}
	for i := int32(0); i >= 0; i = syms[i].next { // symbol 0 is never merged away
		dst = append(dst, syms[i].id)
	}
	return dst
}

// candAt returns the merge of the symbol at p with its right neighbour.
func (m *merger) candAt(p int32) (cand, bool) {
	if p < 0 || m.syms[p].next < 0 {
		return cand{}, false
	}
	q := m.syms[p].next
	r, ok := m.t.rank[pairKey(m.syms[p].id, m.syms[q].id)]
	return cand{r.rank, p, q, m.syms[q].id, r.id}, ok
}

// valid reports whether c still merges two neighbouring symbols, as they
// were when it was pushed. (The left one cannot have changed: it changes
// by merging with its right neighbour, which then leaves the list.)
func (m *merger) valid(c cand) bool {
	p := &m.syms[c.pos]
	return !p.dead && p.next == c.right && m.syms[c.right].id == c.rid
}

// drop draws whether to drop a candidate: with probability p, from the top
// 53 bits of one draw.
func (m *merger) drop() bool {
	if m.p <= 0 {
		return false
	}
	m.decisions++
	if m.p >= 1 || float64(m.rng.Uint64()>>11)*0x1p-53 < m.p {
		m.skips++
		return true
	}
	return false
}

// merge applies c and pushes the candidates it makes.
func (m *merger) merge(c cand) {
	p, r := &m.syms[c.pos], &m.syms[c.right]
	p.id, p.next, r.dead = c.id, r.next, true
	if r.next >= 0 {
		m.syms[r.next].prev = c.pos
	}
	for _, q := range [2]int32{p.prev, c.pos} {
		if c, ok := m.candAt(q); ok {
			m.h.push(c)
		}
	}
}
