package decoder

import (
	"fmt"

	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// StepWeights are the weights Step multiplies by, prepared once per model
// in another format (int8: gemm.Int8Packed) rather than packed per batch
// by Prepare. They are read-only once built: every goroutine's Memory
// points at the one set of its decoder (Decoder.StepW), so one quantized
// model serves many searchers.
//
// Step with StepWeights multiplies each matrix once per step: the input
// of layer 0 with input feeding is [x_t; att_{t-1}] and the input of the
// attentional vector is [s_t; c_t], each one row of activations, where
// the fp32 Step multiplies the two parts separately.
type StepWeights[F mat.Float] struct {
	IH     []gemm.PackedB[F] // [l] W_ihᵀ (In, G·H)
	HH     []gemm.PackedB[F] // [l] W_hhᵀ (H, G·H)
	Query  gemm.PackedB[F]   // W_qᵀ (H, A); Bahdanau attention only, else nil
	AttVec gemm.PackedB[F]   // W_aᵀ (H+C, H); nil with attention none
	Out    gemm.PackedB[F]   // W_oᵀ (H, V)
}

// StepMatrix is one weight matrix Step multiplies by, W (Out, In) in
// PyTorch's layout, under its checkpoint name.
type StepMatrix[F mat.Float] struct {
	Name string
	W    mat.Mat[F]
}

// StepMatrices lists the matrices StepWeights holds, in a fixed order:
// per layer W_ih then W_hh, the attention's W_q (Bahdanau), W_a, W_o,
// each under its parameter's name (with tied embeddings W_o is the target
// embedding, prefix+".embedding.weight").
func (d *Decoder[F]) StepMatrices() []StepMatrix[F] {
	var ms []StepMatrix[F]
	for _, c := range d.Cells {
		ms = append(ms, StepMatrix[F]{c.Wih.Name, c.Wih.W}, StepMatrix[F]{c.Whh.Name, c.Whh.W})
	}
	if d.attends() {
		if d.Att.Q.W != nil {
			ms = append(ms, StepMatrix[F]{d.Att.Q.W.Name, d.Att.Q.W.W})
		}
		ms = append(ms, StepMatrix[F]{d.AttVec.W.Name, d.AttVec.W.W})
	}
	return append(ms, StepMatrix[F]{d.Out.W.Name, d.Out.W.W})
}

// NewStepWeights builds d's StepWeights from pack, called once per matrix
// of StepMatrices, in its order, returning that matrix's Wᵀ (In, Out)
// prepared for gemm. It returns pack's first error.
func NewStepWeights[F mat.Float](d *Decoder[F], pack func(StepMatrix[F]) (gemm.PackedB[F], error)) (*StepWeights[F], error) {
	ms := d.StepMatrices()
	ps := make([]gemm.PackedB[F], len(ms))
	for i, m := range ms {
		p, err := pack(m)
		if err != nil {
			return nil, err
		}
		if k, n := p.Dims(); k != m.W.Cols || n != m.W.Rows {
			return nil, fmt.Errorf("%s: packed as %d×%d, want its transpose %d×%d", m.Name, k, n, m.W.Cols, m.W.Rows)
		}
		ps[i] = p
	}
	w := &StepWeights[F]{}
	for range d.Cells {
		w.IH, w.HH = append(w.IH, ps[0]), append(w.HH, ps[1])
		ps = ps[2:]
	}
	if d.attends() {
		if d.Att.Q.W != nil {
			w.Query, ps = ps[0], ps[1:]
		}
		w.AttVec, ps = ps[0], ps[1:]
	}
	w.Out = ps[0]
	return w, nil
}

// QuantizeInt8 returns d's StepWeights quantized to int8 from its fp32
// weights, one gemm.Int8Packed per matrix (scales per output row), the
// matrices quantized concurrently.
func QuantizeInt8(d *Decoder[float32]) *StepWeights[float32] {
	ms := d.StepMatrices()
	ps := make([]*gemm.Int8Packed, len(ms))
	done := make(chan struct{})
	for i, m := range ms {
		go func() {
			ps[i] = new(gemm.Int8Packed)
			ps[i].Pack(true, m.W.Cols, m.W.Rows, m.W.Data, m.W.Cols)
			done <- struct{}{}
		}()
	}
	for range ms {
		<-done
	}
	i := 0
	w, _ := NewStepWeights(d, func(StepMatrix[float32]) (gemm.PackedB[float32], error) {
		i++
		return ps[i-1], nil
	})
	return w
}

// Bytes returns the bytes w's matrices hold, each counted once, for
// those whose format reports it (gemm.Int8Packed); 0 for the others.
func (w *StepWeights[F]) Bytes() int {
	ps := append(append([]gemm.PackedB[F]{w.Query, w.AttVec, w.Out}, w.IH...), w.HH...)
	n := 0
	for _, p := range ps {
		if b, ok := p.(interface{ Bytes() int }); ok {
			n += b.Bytes()
		}
	}
	return n
}
