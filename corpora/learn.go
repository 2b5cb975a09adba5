package corpora

import (
	"container/heap"
	"fmt"
	"runtime"
	"slices"

	"github.com/s2s-nmt/s2s/internal/par"
)

// LearnOptions are the settings of Learn.
type LearnOptions struct {
	// VocabSize is the largest number of ids, the 4 specials and the 256
	// byte symbols included; at least 260.
	VocabSize int
	// MinFrequency stops learning when the most frequent pair is seen fewer
	// times; values below 1 count as 1.
	MinFrequency int
}

// Learn learns a byte-level BPE from the lines of one or more corpora (pass
// the source and target lines together for a joint vocabulary). Ids 0–3 are
// the specials, 4–259 the bytes 0x00–0xFF, then one id per new merged
// string in the order learned. Merges are chosen by count, ties broken by the
// smaller pair of ids, so the same lines and options always give the same
// tokenizer. No merge produces a special token's string.
func Learn(opt LearnOptions, corpora ...[]string) (*Tokenizer, error) {
	if opt.VocabSize < 260 {
		return nil, fmt.Errorf("vocabulary size %d: must be ≥ 260 (4 specials + 256 bytes)", opt.VocabSize)
	}
	l := newLearner(countWords(corpora))
	for len(l.vocab) < opt.VocabSize && l.step(max(int64(opt.MinFrequency), 1)) {
	}
	return newTokenizer(l.vocab, l.merges)
}

// countWords counts the pre-tokens of all lines on all cores (package
// par's pool): one map per part of the lines, then merged. Counts are
// integers, so the result does not depend on the split.
func countWords(corpora [][]string) map[string]int64 {
	var lines []string
	for _, c := range corpora {
		lines = append(lines, c...)
	}
	parts := make([]map[string]int64, runtime.GOMAXPROCS(0))
	par.For(len(parts), func(p int) {
		m := map[string]int64{}
		for i := p; i < len(lines); i += len(parts) {
			preTokenize(lines[i], func(s string) { m[s]++ })
		}
		parts[p] = m
	})
	total := parts[0]
	for _, m := range parts[1:] {
		for k, v := range m {
			total[k] += v
		}
	}
	return total
}

// learner holds the state of Learn: words as symbol sequences, pair counts,
// which words hold each pair, and a lazy max-heap of pairs by count.
type learner struct {
	vocab  []string
	ids    map[string]int32
	merges []Merge
	words  [][]int32
	freq   []int64
	count  map[uint64]int64
	where  map[uint64][]int32
	heap   pairHeap
	seen   []int // seen[w] = the step that last visited word w
	nstep  int
}

func newLearner(counts map[string]int64) *learner {
	l := &learner{ids: map[string]int32{}, count: map[uint64]int64{}, where: map[uint64][]int32{}}
	for _, s := range Specials {
		l.add(s)
	}
	for b := 0; b < 256; b++ {
		l.add(string(byteToRune[b]))
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	l.words, l.freq = make([][]int32, len(keys)), make([]int64, len(keys))
	l.seen = make([]int, len(keys))
	for w, k := range keys {
		syms := make([]int32, len(k))
		for i := 0; i < len(k); i++ {
			syms[i] = int32(4 + int(k[i]))
		}
		l.words[w], l.freq[w] = syms, counts[k]
		for i := 0; i+1 < len(syms); i++ {
			p := pairKey(syms[i], syms[i+1])
			l.count[p] += counts[k]
			if ws := l.where[p]; len(ws) == 0 || ws[len(ws)-1] != int32(w) {
				l.where[p] = append(ws, int32(w))
			}
		}
	}
	for p, c := range l.count {
		l.heap = append(l.heap, pairCount{c, p})
	}
	heap.Init(&l.heap)
	return l
}

// add appends string s to the vocabulary, or finds it, and returns its id.
func (l *learner) add(s string) int32 {
	if id, ok := l.ids[s]; ok {
		return id
	}
	id := int32(len(l.vocab))
	l.vocab = append(l.vocab, s)
	l.ids[s] = id
	return id
}

// step makes the next merge; it returns false when no pair is frequent enough.
func (l *learner) step(minFreq int64) bool {
	for l.heap.Len() > 0 {
		top := heap.Pop(&l.heap).(pairCount)
		cur := l.count[top.key]
		if cur != top.count {
			if cur > 0 {
				heap.Push(&l.heap, pairCount{cur, top.key})
			}
			continue
		}
		if cur < minFreq {
			return false
		}
		a, b := int32(top.key>>32), int32(uint32(top.key))
		s := l.vocab[a] + l.vocab[b]
		if isSpecial(s) {
			delete(l.count, top.key)
			continue
		}
		l.merges = append(l.merges, Merge{a, b})
		l.apply(a, b, l.add(s))
		return true
	}
	return false
}

func isSpecial(s string) bool {
	return s == Specials[0] || s == Specials[1] || s == Specials[2] || s == Specials[3]
}

// apply merges (a, b) into id in every word that holds the pair, updating
// pair counts and the word index as it goes.
func (l *learner) apply(a, b, id int32) {
	key := pairKey(a, b)
	l.nstep++
	var grown []uint64
	for _, w := range l.where[key] {
		if l.seen[w] == l.nstep {
			continue
		}
		l.seen[w] = l.nstep
		grown = l.mergeWord(grown, w, a, b, id)
	}
	delete(l.where, key)
	delete(l.count, key)
	slices.Sort(grown)
	for _, p := range slices.Compact(grown) {
		if c := l.count[p]; c > 0 {
			heap.Push(&l.heap, pairCount{c, p})
		}
	}
}

// mergeWord merges (a, b) into id in word w, left to right, and appends the
// pairs whose count grew to grown.
func (l *learner) mergeWord(grown []uint64, w int32, a, b, id int32) []uint64 {
	syms, f := l.words[w], l.freq[w]
	out := syms[:0]
	for i := 0; i < len(syms); i++ {
		if i+1 < len(syms) && syms[i] == a && syms[i+1] == b {
			if len(out) > 0 {
				x := out[len(out)-1]
				l.count[pairKey(x, a)] -= f
				grown = l.bump(grown, pairKey(x, id), f, w)
			}
			if i+2 < len(syms) {
				y := syms[i+2]
				l.count[pairKey(b, y)] -= f
				grown = l.bump(grown, pairKey(id, y), f, w)
			}
			out = append(out, id)
			i++
			continue
		}
		out = append(out, syms[i])
	}
	l.words[w] = out
	return grown
}

// bump adds f to pair p's count and records that word w holds it.
func (l *learner) bump(grown []uint64, p uint64, f int64, w int32) []uint64 {
	l.count[p] += f
	if ws := l.where[p]; len(ws) == 0 || ws[len(ws)-1] != w {
		l.where[p] = append(ws, w)
	}
	return append(grown, p)
}

// pairCount is a heap entry: a pair and its count when pushed.
type pairCount struct {
	count int64
	key   uint64
}

// pairHeap is a max-heap by count, then by smaller pair key.
type pairHeap []pairCount

func (h pairHeap) Len() int { return len(h) }
func (h pairHeap) Less(i, j int) bool {
	if h[i].count != h[j].count {
		return h[i].count > h[j].count
	}
	return h[i].key < h[j].key
}
func (h pairHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *pairHeap) Push(x any)   { *h = append(*h, x.(pairCount)) }
func (h *pairHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}
