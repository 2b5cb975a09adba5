package bleu

// MaxOrder is BLEU's maximum n-gram order (sacreBLEU's MAX_NGRAM_ORDER).
const MaxOrder = 4

// noToken pads the key of an n-gram shorter than MaxOrder; token ids never
// take this value, so keys of different orders never collide.
const noToken = ^uint32(0)

// gramKey is an n-gram of token ids, padded with noToken.
type gramKey [MaxOrder]uint32

func (k gramKey) order() int {
	n := MaxOrder
	for n > 1 && k[n-1] == noToken {
		n--
	}
	return n
}

func (k gramKey) hash() uint64 {
	h := uint64(k[0])*0x9e3779b97f4a7c15 ^ uint64(k[1])*0xc2b2ae3d27d4eb4f ^
		uint64(k[2])*0x165667b19e3779f9 ^ uint64(k[3])*0xd6e8feb86659fd93
	return h ^ h>>31
}

// gramTable counts n-grams in an open-addressing hash table that is cleared
// in time proportional to what was put in it, so that one table serves every
// sentence of a corpus without allocating.
type gramTable struct {
	keys []gramKey
	cnt  []int32 // 0 marks an empty slot
	used []int32 // occupied slots, in insertion order
	mask uint64
}

// reset empties the table and makes room for n distinct n-grams.
func (t *gramTable) reset(n int) {
	for _, i := range t.used {
		t.cnt[i] = 0
	}
	t.used = t.used[:0]
	if 2*n <= len(t.keys) {
		return
	}
	size := 64
	for size < 2*n {
		size *= 2
	}
	t.keys = make([]gramKey, size)
	t.cnt = make([]int32, size)
	t.mask = uint64(size - 1)
}

// slot returns k's slot, or the empty slot where k would go.
func (t *gramTable) slot(k gramKey) int32 {
	i := k.hash() & t.mask
	for t.cnt[i] != 0 && t.keys[i] != k {
		i = (i + 1) & t.mask
	}
	return int32(i)
}

func (t *gramTable) add(k gramKey, c int32) {
	i := t.slot(k)
	if t.cnt[i] == 0 {
		t.keys[i] = k
		t.used = append(t.used, i)
	}
	t.cnt[i] += c
}

// max raises k's count to c.
func (t *gramTable) max(k gramKey, c int32) {
	i := t.slot(k)
	if t.cnt[i] == 0 {
		t.keys[i] = k
		t.used = append(t.used, i)
	}
	if c > t.cnt[i] {
		t.cnt[i] = c
	}
}

func (t *gramTable) get(k gramKey) int32 { return t.cnt[t.slot(k)] }

// countGrams resets t and counts every 1..MaxOrder-gram of ids.
func (t *gramTable) countGrams(ids []uint32) {
	t.reset(MaxOrder * len(ids))
	for i := range ids {
		k := gramKey{noToken, noToken, noToken, noToken}
		for n := 0; n < MaxOrder && i+n < len(ids); n++ {
			k[n] = ids[i+n]
			t.add(k, 1)
		}
	}
}
