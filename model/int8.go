package model

import (
	"slices"
	"unsafe"

	"github.com/s2s-nmt/s2s/decoder"
	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/internal/layer"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// Int8 is what a translation model searches with in int8, in place of
// fp32 weights: the decoder's step matrices and both embeddings, each
// quantized with a scale per row (per output of W, per token of an
// embedding). The encoder's cells, the attention's keys and energies,
// the bridge and every bias stay fp32.
type Int8 struct {
	Step   *decoder.StepWeights[float32] // W_ih, W_hh, W_q, W_a, W_o
	SrcEmb layer.Rows[float32]           // (V_src, E) source embedding
	// TgtEmb is the (V_tgt, E) target embedding; with tied embeddings it
	// is Step.Out itself (a gemm.Int8Packed), whose rows are W_o's: one
	// int8 table serves both the lookups and the output layer.
	TgtEmb layer.Rows[float32]
}

// Int8Names returns the names of the parameters an int8 model holds in
// int8 (Int8) rather than fp32, in a fixed order: the source embedding,
// the target embedding unless tied (then it is W_o), then the decoder's
// decoder.StepMatrices.
func (m *Seq2Seq[F]) Int8Names() []string {
	names := []string{m.Enc.Emb.W.Name}
	if !m.Dec.Cfg.TieEmbeddings {
		names = append(names, m.Dec.Embed.W.Name)
	}
	for _, sm := range m.Dec.StepMatrices() {
		names = append(names, sm.Name)
	}
	return names
}

// QuantizeInt8 returns m's Int8 quantized from its fp32 weights:
// decoder.QuantizeInt8 for the step matrices, gemm.QuantizeRows for the
// embeddings, so that a model stored in int8 (rows quantized by
// gemm.QuantizeWeights) searches with exactly the same values.
func QuantizeInt8(m *Seq2Seq[float32]) Int8 {
	w := Int8{Step: decoder.QuantizeInt8(m.Dec), SrcEmb: quantizeEmb(m.Enc.Emb)}
	if m.Dec.Cfg.TieEmbeddings {
		w.TgtEmb = w.Step.Out.(*gemm.Int8Packed)
	} else {
		w.TgtEmb = quantizeEmb(m.Dec.Embed)
	}
	return w
}

func quantizeEmb(e layer.Embedding[float32]) *gemm.Int8Rows {
	w := e.W.W
	return gemm.QuantizeRows(w.Rows, w.Cols, w.Data, w.Cols)
}

// SetInt8 makes m search with w (SetInt8(m, Int8{}) goes back to the
// fp32 weights): the encoder and the decoder look tokens up in w's
// embeddings, and the decoder's Step multiplies by w.Step. Set it before
// searching, never while a search runs.
func SetInt8(m *Seq2Seq[float32], w Int8) {
	m.Enc.Emb.Q, m.Dec.Embed.Q, m.Dec.StepW = w.SrcEmb, w.TgtEmb, w.Step
}

// Int8Copy returns a model that shares m's weights and searches with w:
// its encoder and decoder are copies of m's, with SetInt8.
func Int8Copy(m *Seq2Seq[float32], w Int8) *Seq2Seq[float32] {
	e, d, c := *m.Enc, *m.Dec, *m
	c.Enc, c.Dec = &e, &d
	SetInt8(&c, w)
	return &c
}

// NewInt8 builds a translation model for searching in int8 alone: the
// parameters of Int8Names get no fp32 storage (W.Data nil) and nothing
// has a gradient, so that the model holds each weight once, in int8 or
// in fp32. Every fp32 weight is zero: the caller fills them (Params) and
// sets the int8 ones with SetInt8. Such a model serves search only; its
// Params cannot be saved, averaged or trained. It returns an error for an
// invalid config or vocabulary.
func NewInt8(cfg Config, srcVocab, tgtVocab int) (*Seq2Seq[float32], error) {
	m, err := build[float32](cfg, srcVocab, tgtVocab)
	if err != nil {
		return nil, err
	}
	names := m.Int8Names()
	m.set.AllocWeights(func(p *mat.Param[float32]) bool { return !slices.Contains(names, p.Name) })
	return m, nil
}

// WeightBytes returns the bytes of weight storage m holds: its allocated
// fp32 weights, and the int8 tables it searches with (SetInt8), each
// counted once (a tied W_o and target embedding are one table).
// Gradients are not counted.
func (m *Seq2Seq[F]) WeightBytes() int {
	var x F
	n := len(m.set.W) * int(unsafe.Sizeof(x))
	if w := m.Dec.StepW; w != nil {
		n += w.Bytes()
	}
	for _, q := range []layer.Rows[F]{m.Enc.Emb.Q, m.Dec.Embed.Q} {
		if q == nil || (m.Dec.StepW != nil && any(q) == any(m.Dec.StepW.Out)) {
			continue
		}
		if b, ok := q.(interface{ Bytes() int }); ok {
			n += b.Bytes()
		}
	}
	return n
}
