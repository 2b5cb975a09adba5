package corpora

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// wordCache remembers the ids of pre-tokens. It is a sharded map behind
// read-write locks (a sync.Map would allocate to box each string key) and
// stops growing at maxCache entries.
type wordCache struct {
	seed   maphash.Seed
	shards [32]cacheShard
	count  atomic.Int64
}

type cacheShard struct {
	mu sync.RWMutex
	m  map[string][]int32
}

// maxCache bounds the number of pre-tokens the encoder remembers.
const maxCache = 1 << 18

// maxCachedLen is the longest pre-token, in bytes, that is cached.
const maxCachedLen = 64

func (c *wordCache) shard(w string) *cacheShard {
	return &c.shards[maphash.String(c.seed, w)%uint64(len(c.shards))]
}

// get returns the cached ids of w.
func (c *wordCache) get(w string) ([]int32, bool) {
	s := c.shard(w)
	s.mu.RLock()
	ids, ok := s.m[w]
	s.mu.RUnlock()
	return ids, ok
}

// put caches a copy of ids for w, unless the cache is full.
func (c *wordCache) put(w string, ids []int32) {
	if c.count.Load() >= maxCache {
		return
	}
	s := c.shard(w)
	s.mu.Lock()
	if s.m == nil {
		s.m = map[string][]int32{}
	}
	if _, ok := s.m[w]; !ok {
		s.m[w] = append([]int32(nil), ids...)
		c.count.Add(1)
	}
	s.mu.Unlock()
}
