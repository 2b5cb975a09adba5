// Package decoder is the attentional recurrent decoder: target embedding,
// a bridge from the encoder's final state, stacked cells, attention over
// the encoder outputs, the attentional vector and the output layer. It has
// a teacher-forced forward/backward over a whole target batch for training
// (Forward, Backward, with Work) and a one-step API for search (Prepare,
// InitState, Step, State.Gather, with StepWork).
//
// The model, with s_t the new top state and c_t the context:
//
//	x_t   = emb(y_{t-1}) [; att_{t-1} with input feeding, att_{-1} = 0]
//	s_t   = cells(x_t, state_{t-1}),  state_{-1}: h0 = tanh(W_b·final + b_b) (c0 = h0), or zeros
//	c_t   = attention(q = s_t, keys = K·h_j, values h_j, source mask)
//	att_t = tanh(W_a [s_t; c_t] + b_a)   (attention none: att_t = s_t)
//	p_t   = log-softmax(W_o att_t)       (no bias; tied: W_o = the embedding)
//
// With bahdanau attention, bridge tanh and no input feeding this is exactly
// the PyTorch reference model (model.RefConfig). Dropout (training only) applies
// to the embedded inputs, to the input of every layer above the first, and
// to att_t (before both the output layer and input feeding).
//
// Legend: B batch, S source length, T target length, N rows (T·B in
// training, time-major: row t·B+b; hypotheses in search), E embedding,
// H decoder hidden, C encoder output width, G gates, V target vocabulary.
package decoder

import (
	"errors"
	"fmt"

	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/layer"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// Decoder holds only parameters (views into a mat.Set) and its shape; all
// activations live in caller-owned Work, StepWork, State and Memory values,
// so one Decoder serves many goroutines.
type Decoder[F mat.Float] struct {
	Cfg        Config
	Vocab, Mem int // V and C
	Pad        int // target padding id: embeds to zeros, no loss

	Embed  layer.Embedding[F] // (V, E); key prefix+".embedding.weight"
	Bridge layer.Linear[F]    // W_b (H, final), b_b (1, H); BridgeTanh only; prefix+".bridge"
	Cells  []*cell.Cell[F]    // layer 0 In = E (+H with input feeding), others H; prefix+".layers.<l>"
	Att    layer.Attention[F] // prefix+".attention"; zero with attention none
	AttVec layer.Linear[F]    // W_a (H, H+C), b_a (1, H); not with attention none; prefix+".att_vector"
	Out    layer.Linear[F]    // W_o (V, H), no bias; prefix+".output"; tied: W is Embed.W

	// StepW, when set, are the weights Step multiplies by, prepared once
	// for the model in another precision (QuantizeInt8); nil: Prepare
	// packs the fp32 weights per batch. Set it before searching, never
	// while a search runs; training ignores it.
	StepW *StepWeights[F]

	drop    layer.Dropout[F] // between layers and on the attentional vector
	embDrop layer.Dropout[F] // on the embedded inputs
}

// New declares a decoder's parameters in ps under prefix (e.g. "decoder"),
// in a fixed order: embedding, bridge, layers, attention, att_vector,
// output. vocab is V, mem the encoder's output width C, final the width of
// the bridge input (the summed widths of Encoded.Final; unused with bridge
// none), pad the target padding id. It returns the config's errors, if any.
func New[F mat.Float](ps *mat.Set[F], prefix string, cfg Config, vocab, mem, final, pad int) (*Decoder[F], error) {
	errs := append(cfg.Validate(), cfg.ValidateMemory(mem)...)
	if vocab < 1 || mem < 1 {
		errs = append(errs, fmt.Errorf("decoder: vocabulary %d and memory width %d must be positive", vocab, mem))
	}
	if cfg.Bridge == BridgeTanh && final < 1 {
		errs = append(errs, fmt.Errorf("bridge: tanh needs the encoder's final state (width %d)", final))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	H := cfg.Hidden
	d := &Decoder[F]{Cfg: cfg, Vocab: vocab, Mem: mem, Pad: pad, drop: layer.Dropout[F]{P: cfg.Dropout},
		embDrop: layer.Dropout[F]{P: cfg.InputDropout()}}
	d.Embed = layer.NewEmbedding(ps, prefix+".embedding", vocab, cfg.Emb, pad)
	if cfg.Bridge == BridgeTanh {
		d.Bridge = layer.NewLinear(ps, prefix+".bridge", final, H, true)
	}
	for l := 0; l < cfg.Layers; l++ {
		in := H
		if l == 0 {
			in = cfg.Emb
			if cfg.InputFeeding {
				in += H
			}
		}
		d.Cells = append(d.Cells, cell.New(ps, fmt.Sprintf("%s.layers.%d", prefix, l), cfg.Cell, in, H))
	}
	if cfg.Attention != layer.NoAttention {
		d.Att = layer.NewAttention(ps, prefix+".attention", cfg.Attention, H, mem, H)
		d.AttVec = layer.NewLinear(ps, prefix+".att_vector", H+mem, H, true)
	}
	if cfg.TieEmbeddings {
		d.Out = layer.Linear[F]{W: d.Embed.W}
	} else {
		d.Out = layer.NewLinear(ps, prefix+".output", H, vocab, false)
	}
	return d, nil
}

// Encoded is what the decoder reads from the encoder for one batch.
type Encoded[F mat.Float] struct {
	Out mat.Mat[F] // (B·S, C) encoder outputs, batch-major row b·S+j (encoder.Work.Out)
	// Final are the pieces of the bridge input, concatenated in order, each
	// (B, ·): the top layer's [last forward state; first backward state]
	// (encoder.Work.Final[top][0].H, [1].H), or its last state alone.
	Final []mat.Mat[F]
	Lens  []int // (B) source lengths; positions j ≥ Lens[b] are padding
	S     int   // padded source length
}

// Grads are where Backward adds the gradients for the encoder: the
// matrices of Encoded's shapes (encoder.Work.DOut and DFinal[top][d].H).
type Grads[F mat.Float] struct {
	Out   mat.Mat[F]   // (B·S, C)
	Final []mat.Mat[F] // like Encoded.Final; may be nil with bridge none
}

// top returns the index of the top layer.
func (d *Decoder[F]) top() int { return len(d.Cells) - 1 }

// hasC reports whether the cells carry a cell state.
func (d *Decoder[F]) hasC() bool { return d.Cfg.Cell.HasC() }

// attends reports whether there is an attention layer.
func (d *Decoder[F]) attends() bool { return d.Cfg.Attention != layer.NoAttention }

// proj0 is layer 0's input weight W_ih (G·H, E[+H]) with b_ih as a Linear,
// so the embedding and input-feeding parts project separately.
func (d *Decoder[F]) proj0() layer.Linear[F] {
	c := d.Cells[0]
	return layer.Linear[F]{W: c.Wih, B: c.Bih}
}
