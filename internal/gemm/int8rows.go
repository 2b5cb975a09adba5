package gemm

import "fmt"

// Int8Rows is a table of n rows of k values stored as int8 with one
// float32 scale per row, as QuantizeWeights quantizes them: row j is
// Scale[j]·Q[j·k : (j+1)·k]. It holds an int8 model's embeddings, whose
// rows are looked up one at a time rather than multiplied by.
type Int8Rows struct {
	N, K  int
	Q     []int8    // n·k, row-major
	Scale []float32 // n
}

// QuantizeRows returns w, n rows of k values with row stride ldw,
// quantized by QuantizeWeights. It panics if w is too short.
func QuantizeRows(n, k int, w []float32, ldw int) *Int8Rows {
	t := &Int8Rows{N: n, K: k, Q: make([]int8, n*k), Scale: make([]float32, n)}
	QuantizeWeights(t.Q, t.Scale, n, k, w, ldw)
	return t
}

// NewInt8Rows returns the table of n rows of k values q with their
// scales, aliasing both. It panics if a slice's length does not match.
func NewInt8Rows(n, k int, q []int8, scale []float32) *Int8Rows {
	if len(q) != n*k || len(scale) != n {
		panic(fmt.Sprintf("gemm: NewInt8Rows: %d values and %d scales for %d×%d", len(q), len(scale), n, k))
	}
	return &Int8Rows{N: n, K: k, Q: q, Scale: scale}
}

// Row sets dst (k values) to row j dequantized: dst[kk] = Scale[j]·Q[j,kk].
// It panics if j is out of range or len(dst) ≠ k.
func (t *Int8Rows) Row(dst []float32, j int) {
	if len(dst) != t.K {
		panic(fmt.Sprintf("gemm: Int8Rows.Row into %d values, rows have %d", len(dst), t.K))
	}
	s := t.Scale[j]
	for kk, v := range t.Q[j*t.K : (j+1)*t.K] {
		dst[kk] = s * float32(v)
	}
}

// Bytes returns the bytes the table holds: its values and scales.
func (t *Int8Rows) Bytes() int { return len(t.Q) + 4*len(t.Scale) }

// Row sets dst (k values) to column j of op(B) as quantized,
// dst[kk] = sb[j]·q[kk,j]: for op(B) = Wᵀ, row j of W exactly as
// Int8Rows.Row gives it from QuantizeWeights, so that one packed table
// serves both a layer's products and its rows' lookups (tied
// embeddings). It panics if j is out of range or len(dst) ≠ k.
func (p *Int8Packed) Row(dst []float32, j int) {
	if len(dst) != p.k || j < 0 || j >= p.n {
		panic(fmt.Sprintf("gemm: Int8Packed.Row %d into %d values of a %d×%d op(B)", j, len(dst), p.k, p.n))
	}
	s := p.scale[j]
	strip := p.data[j/int8NR*p.kp*int8NR:]
	c := j % int8NR * 4
	for kk := range dst {
		dst[kk] = s * float32(strip[kk/4*4*int8NR+c+kk%4])
	}
}

// Bytes returns the bytes p holds: its packed values, scales and
// zero-point corrections.
func (p *Int8Packed) Bytes() int { return len(p.data) + 4*len(p.scale) + 4*len(p.corr) }
