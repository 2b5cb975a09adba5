package layer

import (
	"github.com/s2s-nmt/s2s/internal/mat"
)

// NoPad is the Pad value of an Embedding without a padding id.
const NoPad = -1

// Rows is an embedding table held in another form than fp32 weights,
// such as int8 with a scale per row (gemm.Int8Rows): Row sets dst (E) to
// row i, dequantized.
type Rows[F mat.Float] interface {
	Row(dst []F, i int)
}

// Embedding maps token ids to rows of W, or of Q when set. The Pad id
// (PyTorch's padding_idx) always maps to the zero vector and its row gets
// no gradient from lookups, whatever W holds there; ZeroPad makes W agree
// for export.
type Embedding[F mat.Float] struct {
	W   *mat.Param[F] // (V, E); checkpoint key name+".weight"
	Pad int           // padding id, or NoPad
	// Q, when set, is the (V, E) table Forward reads in place of W, whose
	// storage may then be unallocated: an int8 model's. Backward still
	// adds into W's gradient; nothing trains through Q.
	Q Rows[F]
}

// NewEmbedding declares a vocab×dim embedding in ps, initialised N(0, 1)
// as PyTorch's nn.Embedding is.
func NewEmbedding[F mat.Float](ps *mat.Set[F], name string, vocab, dim, pad int) Embedding[F] {
	return Embedding[F]{W: ps.Add(name+".weight", vocab, dim, mat.Normal, 1), Pad: pad}
}

// Dim returns the embedding width E.
func (e Embedding[F]) Dim() int { return e.W.W.Cols }

// Vocab returns the number of rows V.
func (e Embedding[F]) Vocab() int { return e.W.W.Rows }

// ZeroPad sets the Pad row of W to zero (call after mat.Set.Init so that
// exported weights match PyTorch's padding_idx convention).
func (e Embedding[F]) ZeroPad() {
	if e.Pad >= 0 {
		clear(e.W.W.Row(e.Pad))
	}
}

// Forward sets row i of x (N, E) to row ids[i] of Q when set, else of W
// (zero for Pad). It panics if len(ids) != N or an id is out of range.
func (e Embedding[F]) Forward(x mat.Mat[F], ids []int) {
	if len(ids) != x.Rows || x.Cols != e.Dim() {
		panic("layer: Embedding.Forward shape mismatch")
	}
	for i, id := range ids {
		if id == e.Pad {
			clear(x.Row(i))
			continue
		}
		if e.Q != nil {
			e.Q.Row(x.Row(i), id)
			continue
		}
		copy(x.Row(i), e.W.W.Row(id))
	}
}

// Backward adds row i of dx (N, E) into row ids[i] of dW, skipping Pad:
// only the rows used are touched.
func (e Embedding[F]) Backward(dx mat.Mat[F], ids []int) {
	if len(ids) != dx.Rows || dx.Cols != e.Dim() {
		panic("layer: Embedding.Backward shape mismatch")
	}
	for i, id := range ids {
		if id == e.Pad {
			continue
		}
		g := e.W.G.Row(id)
		for j, v := range dx.Row(i) {
			g[j] += v
		}
	}
}
