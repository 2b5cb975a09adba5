// Package encoder is the source side of s2s: an embedding, then N stacked
// recurrent layers, each optionally bidirectional, over padded ragged
// batches. Training may drop the embeddings (Config.EmbDropout), the outputs
// between layers (Config.Dropout) and the top layer's outputs
// (Config.OutDropout).
//
// Legend: B batch, S source length, E embedding, H hidden per direction,
// D output width (2H bidirectional, else H), G gates of the cell.
//
// Padding: a sentence b of length len_b has tokens at t < len_b. At padded
// steps the state is carried unchanged and gets no gradient; the backward
// direction starts at each sentence's own last token (from the zero state);
// padded output rows are zero. Internally each layer works time-major (row
// t·B+b), so a time step is one contiguous (B, ·) block; the top layer's
// output is written batch-major (row b·S+t), as attention reads it.
package encoder

import (
	"fmt"
	"math/rand/v2"

	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/layer"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// PadID is the source padding id: its embedding is zero.
const PadID = 0

// Encoder holds the parameters; all state lives in a Work, so one Encoder
// serves many goroutines.
type Encoder[F mat.Float] struct {
	Cfg     Config
	Emb     layer.Embedding[F] // (V, E), key prefix+".embedding.weight"
	Layers  [][]*cell.Cell[F]  // [layer][direction 0 fwd, 1 bwd]
	drop    layer.Dropout[F]   // between layers
	inDrop  layer.Dropout[F]   // on the embedded source tokens
	outDrop layer.Dropout[F]   // on the top layer's outputs
}

// New declares the encoder's parameters in set, in this fixed order:
// prefix+".embedding.weight", then for each layer l and direction d (fwd, bwd)
// prefix+".layers.l.d.{W_ih,W_hh,b_ih,b_hh}". It returns an error if cfg is
// invalid or vocab < 1.
func New[F mat.Float](set *mat.Set[F], prefix string, cfg Config, vocab int) (*Encoder[F], error) {
	if errs := cfg.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("encoder: %v", errs)
	}
	if vocab < 1 {
		return nil, fmt.Errorf("encoder: vocabulary size %d", vocab)
	}
	e := &Encoder[F]{Cfg: cfg, drop: layer.Dropout[F]{P: cfg.Dropout},
		inDrop: layer.Dropout[F]{P: cfg.InputDropout()}, outDrop: layer.Dropout[F]{P: cfg.OutDropout}}
	e.Emb = layer.NewEmbedding(set, prefix+".embedding", vocab, cfg.Emb, PadID)
	in := cfg.Emb
	for l := 0; l < cfg.Layers; l++ {
		var dirs []*cell.Cell[F]
		for _, name := range []string{"fwd", "bwd"}[:cfg.Dirs()] {
			dirs = append(dirs, cell.New(set, fmt.Sprintf("%s.layers.%d.%s", prefix, l, name), cfg.Cell, in, cfg.Hidden))
		}
		e.Layers = append(e.Layers, dirs)
		in = cfg.OutDim()
	}
	return e, nil
}

// Forward encodes src (B, S) row-major token ids, padded with PadID after
// each sentence's length lens[b] (0 ≤ lens[b] ≤ S). Afterwards w.Out holds
// the top layer's outputs, w.Final the final states, and w.DOut, w.DFinal
// are zeroed for the caller to add gradients into before Backward. rng
// draws the dropout masks, each only when its probability is above 0, in
// this order: embeddings, between layers (bottom up), top outputs; nil
// means evaluation (no dropout). It panics if len(src) != B·S or
// len(lens) != B.
func (e *Encoder[F]) Forward(w *Work[F], src []int32, lens []int, B, S int, rng *rand.Rand) {
	if len(src) != B*S || len(lens) != B {
		panic("encoder: Forward shape mismatch")
	}
	w.resize(e, B, S)
	copy(w.lens, lens)
	for t := 0; t < S; t++ {
		for b := 0; b < B; b++ {
			w.ids[t*B+b] = int(src[b*S+t])
		}
	}
	e.Emb.Forward(w.x, w.ids)
	w.dropIn = rng != nil && e.inDrop.Active()
	w.dropMid = rng != nil && e.drop.Active() && len(e.Layers) > 1
	w.dropOut = rng != nil && e.outDrop.Active()
	if w.dropIn {
		e.inDrop.Forward(w.x.Data, w.x.Data, w.xMask, rng)
	}
	for l := range e.Layers {
		lw := &w.layers[l]
		for d, c := range e.Layers[l] {
			e.direction(w, l, d, c)
		}
		if l < len(e.Layers)-1 && w.dropMid {
			e.drop.Forward(lw.out.Data, lw.out.Data, lw.mask, rng)
		}
	}
	if w.dropOut {
		// Padded rows of Out are zero, and stay zero.
		e.outDrop.Forward(w.Out.Data, w.Out.Data, w.outMask, rng)
	}
	w.setFinal(e)
	w.DOut.Zero()
	for l := range w.DFinal {
		for d := range w.DFinal[l] {
			w.DFinal[l][d].H.Zero()
			w.DFinal[l][d].C.Zero()
		}
	}
}

// Backward adds the gradients of every parameter given w.DOut and w.DFinal,
// which the caller filled after Forward. It consumes w's gradient buffers
// (DOut among them): call Forward again before another Backward.
func (e *Encoder[F]) Backward(w *Work[F]) {
	if w.dropOut {
		mulTo(w.DOut.Data, w.outMask)
	}
	for l := len(e.Layers) - 1; l >= 0; l-- {
		lw := &w.layers[l]
		if l < len(e.Layers)-1 && w.dropMid {
			nx := &w.layers[l+1]
			lw.dout.Zero()
			e.drop.Backward(lw.dout.Data, nx.din.Data, lw.mask)
		}
		for d, c := range e.Layers[l] {
			e.directionBackward(w, l, d, c)
		}
	}
	din := w.layers[0].din
	if w.dropIn {
		mulTo(din.Data, w.xMask)
	}
	e.Emb.Backward(din, w.ids)
}

// mulTo sets dst ⊙= mask: a dropout's backward in place.
func mulTo[F mat.Float](dst, mask []F) {
	mask = mask[:len(dst)]
	for i, m := range mask {
		dst[i] *= m
	}
}
