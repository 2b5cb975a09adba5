package bleu

// MaxOrder is BLEU's maximum n-gram order (sacreBLEU's MAX_NGRAM_ORDER).
const MaxOrder = 4

// noToken pads the key of an n-gram shorter than MaxOrder; token ids never
// take this value, so keys of different orders never collide.
const noToken = ^uint32(0)

// gramKey is an n-gram of token ids, padded with noToken.
type gramKey [MaxOrder]uint32

var emptyKey = gramKey{noToken, noToken, noToken, noToken}

// Hashes are built one token at a time (h = (h ^ id) * gramMul) and the
// table index is the top bits (Fibonacci hashing), so no key is rehashed.
const gramMul = 0x9e3779b97f4a7c15

// gramTable holds reference n-gram counts in an open-addressing hash table
// that is cleared in time proportional to what was put in it, so that one
// table serves every sentence of a corpus without allocating. hit counts the
// hypothesis n-grams matched so far, for clipping.
type gramTable struct {
	keys  []gramKey
	hash  []uint64
	cnt   []int32 // 0 marks an empty slot
	hit   []int32
	used  []int32 // occupied slots, in insertion order
	shift uint
}

// reset empties the table and makes room for n distinct n-grams.
func (t *gramTable) reset(n int) {
	for _, i := range t.used {
		t.cnt[i], t.hit[i] = 0, 0
	}
	t.used = t.used[:0]
	if 2*n <= len(t.keys) {
		return
	}
	size, bits := 64, uint(6)
	for size < 2*n {
		size, bits = size*2, bits+1
	}
	t.keys = make([]gramKey, size)
	t.hash = make([]uint64, size)
	t.cnt = make([]int32, size)
	t.hit = make([]int32, size)
	t.shift = 64 - bits
}

// slot returns k's slot, or the empty slot where k would go.
func (t *gramTable) slot(k gramKey, h uint64) int {
	mask := len(t.keys) - 1
	i := int(h >> t.shift)
	for t.cnt[i] != 0 && t.keys[i] != k {
		i = (i + 1) & mask
	}
	return i
}

// max raises k's count to at least c.
func (t *gramTable) max(k gramKey, h uint64, c int32) {
	i := t.slot(k, h)
	if t.cnt[i] == 0 {
		t.keys[i], t.hash[i] = k, h
		t.used = append(t.used, int32(i))
	}
	t.cnt[i] = max(t.cnt[i], c)
}

// grow makes room for n distinct n-grams, keeping t's counts. Hit counts
// are not kept: tables grow only before matching.
func (t *gramTable) grow(n int) {
	if 2*n <= len(t.keys) {
		return
	}
	keys, hash, cnt, used := t.keys, t.hash, t.cnt, t.used
	t.used = nil
	t.reset(n)
	for _, i := range used {
		t.max(keys[i], hash[i], cnt[i])
	}
}

// count resets t and counts every 1..MaxOrder-gram of ids.
func (t *gramTable) count(ids []uint32) {
	t.reset(MaxOrder * len(ids))
	for i := range ids {
		k, h := emptyKey, uint64(0)
		for n := 0; n < MaxOrder && i+n < len(ids); n++ {
			k[n] = ids[i+n]
			h = (h ^ uint64(ids[i+n])) * gramMul
			j := t.slot(k, h)
			if t.cnt[j] == 0 {
				t.keys[j], t.hash[j] = k, h
				t.used = append(t.used, int32(j))
			}
			t.cnt[j]++
		}
	}
}

// mergeMax raises t's counts to o's: the clip counts over several references.
func (t *gramTable) mergeMax(o *gramTable) {
	t.grow(len(t.used) + len(o.used))
	for _, i := range o.used {
		t.max(o.keys[i], o.hash[i], o.cnt[i])
	}
}

// match returns the clipped matches of the n-grams of ids, order n at index
// n-1: each hypothesis n-gram matches while its reference count lasts, which
// sums to sacreBLEU's min(hyp count, reference count) per distinct n-gram.
func (t *gramTable) match(ids []uint32) (correct [MaxOrder]int) {
	if len(t.used) == 0 {
		return correct
	}
	for i := range ids {
		k, h := emptyKey, uint64(0)
		for n := 0; n < MaxOrder && i+n < len(ids); n++ {
			k[n] = ids[i+n]
			h = (h ^ uint64(ids[i+n])) * gramMul
			j := t.slot(k, h)
			if t.hit[j] < t.cnt[j] {
				t.hit[j]++
				correct[n]++
			}
		}
	}
	return correct
}
