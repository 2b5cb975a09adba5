package model

import (
	"fmt"
	"math/rand/v2"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/decoder"
	"github.com/s2s-nmt/s2s/encoder"
	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/layer"
)

// RefShape is one of the model shapes of the PyTorch reference that
// benchmarks compare against and TestMatchesPyTorch checks against: in
// float32, a one-layer bidirectional GRU or LSTM encoder (Hidden per
// direction), a tanh bridge from the last forward and first backward
// states to the decoder's initial state (c0 = h0 for an LSTM), a one-layer
// decoder of DecHidden with Bahdanau attention queried by its new state
// s_t, the attentional vector tanh(W_a [s_t; c_t]) and an output layer
// without bias; trained with teacher forcing, cross-entropy ignoring PAD,
// Adam at 1e-3 and clipping to norm 1, on random ids; decoding batches by
// greedy or beam search.
type RefShape struct {
	Name                   string
	Emb, Hidden, DecHidden int // E, encoder hidden per direction, decoder hidden
	Vocab                  int // source and target vocabulary V
	Batch, SrcLen, TgtLen  int // training batch: B, S, T
}

// RefShapes are the reference's two shapes.
var RefShapes = []RefShape{
	{Name: "base", Emb: 256, Hidden: 256, DecHidden: 512, Vocab: 16000, Batch: 64, SrcLen: 25, TgtLen: 25},
	{Name: "small", Emb: 128, Hidden: 128, DecHidden: 256, Vocab: 8000, Batch: 64, SrcLen: 20, TgtLen: 20},
}

// RefShapeNamed returns the RefShape called name, or an error naming the
// valid ones.
func RefShapeNamed(name string) (RefShape, error) {
	for _, s := range RefShapes {
		if s.Name == name {
			return s, nil
		}
	}
	return RefShape{}, fmt.Errorf("shape %q: must be base or small", name)
}

// RefConfig is the reference's architecture at shape sh: a one-layer
// bidirectional encoder, tanh bridge, a one-layer decoder with Bahdanau
// attention (query s_t, attention size = decoder hidden), the attentional
// vector, an output layer without bias, no input feeding, no dropout.
func RefConfig(sh RefShape, kind cell.Kind) Config {
	c := DefaultConfig()
	c.Encoder = encoder.Config{Cell: kind, Layers: 1, Bidirectional: true, Emb: sh.Emb, Hidden: sh.Hidden}
	c.Decoder = decoder.Config{Cell: kind, Layers: 1, Emb: sh.Emb, Hidden: sh.DecHidden,
		Attention: layer.Bahdanau, Bridge: decoder.BridgeTanh}
	return c
}

// RandomBatch is the reference's data: b sentence pairs of fixed source
// length s and target length t, ids uniform in [4, V), the decoder input
// the target shifted right behind BOS (no EOS, as the reference). t = 0
// makes a source-only batch.
func RandomBatch(rng *rand.Rand, vocab, b, s, t int) *Batch {
	bt := &Batch{B: b, S: s, T: t, Src: make([]int32, b*s)}
	for i := range bt.Src {
		bt.Src[i] = int32(4 + rng.IntN(vocab-4))
	}
	for i := 0; i < b; i++ {
		bt.SrcLen = append(bt.SrcLen, s)
	}
	if t == 0 {
		return bt
	}
	bt.TgtIn, bt.TgtOut = make([]int32, b*t), make([]int32, b*t)
	for i := 0; i < b; i++ {
		bt.TgtLen = append(bt.TgtLen, t)
		for j := 0; j < t; j++ {
			bt.TgtOut[i*t+j] = int32(4 + rng.IntN(vocab-4))
		}
		bt.TgtIn[i*t] = corpora.BOS
		copy(bt.TgtIn[i*t+1:(i+1)*t], bt.TgtOut[i*t:])
	}
	return bt
}

// ForwardFlops returns the matrix-product FLOPs (2·m·n·k) of one forward
// pass of the reference model (one layer) over b sentences of source
// length s, counting n decoder rows (b·T in training), as the reference's
// own analytic count does.
func (sh RefShape) ForwardFlops(kind cell.Kind, b, s, n int) float64 {
	g := float64(kind.Gates())
	E, He, Hd, V := float64(sh.Emb), float64(sh.Hidden), float64(sh.DecHidden), float64(sh.Vocab)
	B, S, N := float64(b), float64(s), float64(n)
	enc := 2 * (2*B*S*E*g*He + 2*B*S*He*g*He)
	sum := enc + 2*B*2*He*Hd + 2*B*S*2*He*Hd // encoder, bridge, attention keys
	sum += 2*N*E*g*Hd + 2*N*Hd*g*Hd          // decoder cell
	sum += 2*N*Hd*Hd + 2*N*S*Hd + 2*N*S*2*He // attention query, energy, context
	sum += 2*N*(Hd+2*He)*Hd + 2*N*Hd*V       // attentional vector, output
	return sum
}
