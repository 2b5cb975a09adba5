package model

import (
	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/decoder"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// greedyWork is a workspace's search state.
type greedyWork[F mat.Float] struct {
	mem    decoder.Memory[F]
	sw     decoder.StepWork[F]
	st     [2]decoder.State[F]
	tokens []int32
	rows   []int
}

// Greedy translates a source-only batch (target fields ignored), taking the
// most probable token at each step, and returns each sentence's tokens
// without BOS and EOS: at most maxLen tokens, fewer when EOS wins earlier.
// It panics on an inconsistent source batch.
func (m *Seq2Seq[F]) Greedy(ws *Workspace[F], b *Batch, maxLen int) [][]int32 {
	mustCheck(b, false)
	enc := m.encode(ws, b, nil)
	g := &ws.greedy
	m.Dec.Prepare(&g.mem, enc)
	m.Dec.InitState(&g.st[0], enc)
	g.tokens, g.rows = growTo(g.tokens, b.B), growTo(g.rows, b.B)
	for i := range g.tokens {
		g.tokens[i], g.rows[i] = corpora.BOS, i
	}
	out := make([][]int32, b.B)
	done := make([]bool, b.B)
	left := b.B
	for step := 0; step <= maxLen && left > 0; step++ {
		logp := m.Dec.Step(&g.sw, &g.st[1], &g.st[0], g.tokens, &g.mem, g.rows)
		for i := range g.tokens {
			y := int32(mat.Argmax(logp.Row(i)))
			g.tokens[i] = y
			if done[i] {
				continue
			}
			if y == corpora.EOS || step == maxLen {
				done[i], left = true, left-1
				continue
			}
			out[i] = append(out[i], y)
		}
		g.st[0], g.st[1] = g.st[1], g.st[0]
	}
	return out
}

// growTo returns s with length n, reallocating only when too small.
func growTo[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
