// Package model holds the whole models: Seq2Seq, an encoder and an
// attentional decoder built from a Config, with its training loss,
// validation loss and the encoder pass that search starts from; and LM, a
// recurrent language model (the decoder alone). Package rundir saves and
// opens them; package translate searches with them.
//
// Legend: B batch, S source length, T target length, E embedding, H hidden,
// C encoder output width, V vocabulary.
//
// A Seq2Seq holds only parameters, in one mat.Set; every activation lives in
// a Workspace, one per goroutine, so one trained model serves many
// goroutines at once.
package model

import (
	"fmt"
	"math/rand/v2"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/decoder"
	"github.com/s2s-nmt/s2s/encoder"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// Seq2Seq is an attentional encoder–decoder.
type Seq2Seq[F mat.Float] struct {
	Cfg                Config
	SrcVocab, TgtVocab int
	Enc                *encoder.Encoder[F] // parameters "encoder.…"
	Dec                *decoder.Decoder[F] // parameters "decoder.…"
	set                *mat.Set[F]
}

// New builds a model for the given vocabulary sizes and initialises its
// weights from rng (the same seed gives the same weights, bit for bit):
// PyTorch's per-layer defaults, or U(±InitScale) when it is set; padding
// rows of the embeddings are zero. It returns an error for an invalid
// config or vocabulary.
func New[F mat.Float](cfg Config, srcVocab, tgtVocab int, rng *rand.Rand) (*Seq2Seq[F], error) {
	m, err := build[F](cfg, srcVocab, tgtVocab)
	if err != nil {
		return nil, err
	}
	m.set.Alloc()
	if cfg.InitScale > 0 {
		for _, p := range m.set.List {
			p.Init, p.Scale = mat.Uniform, cfg.InitScale
		}
	}
	m.set.Init(rng)
	m.Enc.Emb.ZeroPad()
	m.Dec.Embed.ZeroPad()
	return m, nil
}

// build declares a model's parameters, allocating nothing.
func build[F mat.Float](cfg Config, srcVocab, tgtVocab int) (*Seq2Seq[F], error) {
	if cfg.Type == TypeLM {
		return nil, fmt.Errorf("model: type %s is a language model, with no encoder; this needs a translation model (type %s); NewLM builds a language model", TypeLM, TypeSeq2Seq)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	m := &Seq2Seq[F]{Cfg: cfg, SrcVocab: srcVocab, TgtVocab: tgtVocab, set: &mat.Set[F]{}}
	var err error
	if m.Enc, err = encoder.New(m.set, "encoder", cfg.Encoder, srcVocab); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	mem := cfg.Encoder.OutDim() // the bridge reads the top layer's final states, as wide as its outputs
	if m.Dec, err = decoder.New(m.set, "decoder", cfg.Decoder, tgtVocab, mem, mem, int(corpora.PAD)); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	return m, nil
}

// Params returns the parameters, in their fixed order: encoder (embedding,
// then each layer's fwd and bwd cell), then decoder (embedding, bridge,
// layers, attention, attentional vector, output). Names are checkpoint keys
// such as "encoder.layers.0.fwd.W_ih".
func (m *Seq2Seq[F]) Params() *mat.Set[F] { return m.set }

// Options control one Loss.
type Options struct {
	// Rng draws dropout masks and scheduled-sampling coins; nil disables
	// both (evaluation).
	Rng *rand.Rand
	// Smoothing is the label-smoothing ε in [0, 1); 0 is none.
	Smoothing float64
	// SampleProb is 1 − the teacher-forcing ratio (scheduled sampling): the
	// probability that a step feeds the model's own previous argmax instead
	// of the gold token. 0, the default, is pure teacher forcing.
	SampleProb float64
}

// Loss runs forward and backward over a batch and returns the summed
// negative log-likelihood (with label smoothing, if set) and the number of
// target tokens it sums over. It adds gradScale times the gradient of the
// summed loss into Params().G: the caller zeroes G and passes 1/(target
// tokens of the whole step), so that data-parallel splits sum correctly.
// It panics on an inconsistent batch (see Batch).
func (m *Seq2Seq[F]) Loss(ws *Workspace[F], b *Batch, gradScale F, opt Options) (sumNLL float64, ntokens int) {
	mustCheck(b, true)
	enc := m.encode(ws, b, opt.Rng)
	sumNLL, ntokens = m.Dec.Forward(&ws.dec, enc, m.target(b), decoder.Options{
		Rng: opt.Rng, SampleProb: opt.SampleProb, Smoothing: opt.Smoothing})
	m.Dec.Backward(&ws.dec, enc, ws.grads(m), float64(gradScale))
	m.Enc.Backward(&ws.enc)
	return sumNLL, ntokens
}

// Eval returns the summed negative log-likelihood of a batch (no label
// smoothing, no dropout) and its number of target tokens; it changes no
// gradient.
func (m *Seq2Seq[F]) Eval(ws *Workspace[F], b *Batch) (sumNLL float64, ntokens int) {
	mustCheck(b, true)
	enc := m.encode(ws, b, nil)
	return m.Dec.Forward(&ws.dec, enc, m.target(b), decoder.Options{})
}

// encode runs the encoder and returns what the decoder reads from it.
func (m *Seq2Seq[F]) encode(ws *Workspace[F], b *Batch, rng *rand.Rand) decoder.Encoded[F] {
	m.Enc.Forward(&ws.enc, b.Src, b.SrcLen, b.B, b.S, rng)
	top := ws.enc.Final[len(ws.enc.Final)-1]
	ws.final = ws.final[:0]
	for _, st := range top {
		ws.final = append(ws.final, st.H)
	}
	return decoder.Encoded[F]{Out: ws.enc.Out, Final: ws.final, Lens: b.SrcLen, S: b.S}
}

func (m *Seq2Seq[F]) target(b *Batch) decoder.Target {
	return decoder.Target{B: b.B, T: b.T, In: b.TgtIn, Out: b.TgtOut}
}

func mustCheck(b *Batch, withTarget bool) {
	if err := b.check(withTarget); err != nil {
		panic(err)
	}
}

// Workspace is one goroutine's activations and gradients for a model, sized
// on first use for each batch shape and reused: in steady state Loss, Eval
// and Greedy allocate nothing. Make one per goroutine with NewWorkspace.
type Workspace[F mat.Float] struct {
	enc    encoder.Work[F]
	dec    decoder.Work[F]
	final  []mat.Mat[F] // the top encoder layer's final h per direction
	dfinal []mat.Mat[F] // their gradients
}

// NewWorkspace returns an empty workspace for m.
func (m *Seq2Seq[F]) NewWorkspace() *Workspace[F] { return &Workspace[F]{} }

// grads returns where the decoder adds the encoder's gradients.
func (ws *Workspace[F]) grads(m *Seq2Seq[F]) decoder.Grads[F] {
	top := ws.enc.DFinal[len(ws.enc.DFinal)-1]
	ws.dfinal = ws.dfinal[:0]
	for _, st := range top {
		ws.dfinal = append(ws.dfinal, st.H)
	}
	return decoder.Grads[F]{Out: ws.enc.DOut, Final: ws.dfinal}
}
