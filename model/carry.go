package model

import (
	"fmt"

	"github.com/s2s-nmt/s2s/internal/mat"
)

// Carry is the hidden state an LM hands from one chunk of B streams to
// the next: per layer l, H[l] (B, H) and, for an LSTM, C[l] (B, H); C is
// empty for other cells. The zero value (no layers) means zeros. It is
// what an LM checkpoint saves to resume exactly.
type Carry[F mat.Float] struct {
	H, C []mat.Mat[F]
}

// Resize shapes c for B streams of m. A carry that already has that shape
// keeps its state; otherwise it becomes zeros.
func (c *Carry[F]) Resize(m *LM[F], B int) {
	if c.fits(m, B) {
		return
	}
	L, H := m.Layers(), m.Hidden()
	c.H = growTo(c.H, L)
	c.C = c.C[:0]
	if m.Cfg.Decoder.Cell.HasC() {
		c.C = growTo(c.C, L)
	}
	for l := 0; l < L; l++ {
		c.H[l] = mat.Resize(c.H[l], B, H)
		c.H[l].Zero()
		if len(c.C) > 0 {
			c.C[l] = mat.Resize(c.C[l], B, H)
			c.C[l].Zero()
		}
	}
}

// Zero resets the state to zeros (the start of a stream), keeping the shape.
func (c *Carry[F]) Zero() {
	for _, m := range c.H {
		m.Zero()
	}
	for _, m := range c.C {
		m.Zero()
	}
}

// Rows returns B, the number of streams (0 when empty).
func (c *Carry[F]) Rows() int {
	if c.empty() {
		return 0
	}
	return c.H[0].Rows
}

// empty reports whether c has no layers (it means zeros).
func (c *Carry[F]) empty() bool { return len(c.H) == 0 }

// fits reports whether c has m's layers and cell states, each (B, H).
func (c *Carry[F]) fits(m *LM[F], B int) bool {
	L, H, hasC := m.Layers(), m.Hidden(), m.Cfg.Decoder.Cell.HasC()
	if len(c.H) != L || (hasC && len(c.C) != L) || (!hasC && len(c.C) != 0) {
		return false
	}
	for l := 0; l < L; l++ {
		if c.H[l].Rows != B || c.H[l].Cols != H || len(c.H[l].Data) != B*H {
			return false
		}
		if hasC && (c.C[l].Rows != B || c.C[l].Cols != H || len(c.C[l].Data) != B*H) {
			return false
		}
	}
	return true
}

// mustFit panics unless c fits m and B.
func (c *Carry[F]) mustFit(m *LM[F], B int) {
	if !c.fits(m, B) {
		panic(fmt.Sprintf("model: carry of %d layers × %d rows does not fit %d layers × %d streams", len(c.H), c.Rows(), m.Layers(), B))
	}
}

// growTo returns s with length n, reallocating only when too small.
func growTo[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
