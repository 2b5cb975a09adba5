package model

import (
	"fmt"
	"math/rand/v2"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/decoder"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// LM is a recurrent language model over a token stream: the decoder with
// attention none, bridge none and no input feeding, so that it has every
// cell kind, stacking, dropout and tied embeddings of the decoder, and
// their gradient checks. Its initial state is carried from the previous
// chunk of the stream (a Carry) rather than bridged, and each call hands
// its final state on:
//
//	h_t = cells(emb(x_t), h_{t-1}),  h_{-1} = the carry
//	p_t = log-softmax(W_o h_t)       the distribution of y_t = x_{t+1}
//
// Parameters are the decoder's under the prefix "lm": "lm.embedding.weight"
// (V, E), "lm.layers.<l>.W_ih", ".W_hh", ".b_ih", ".b_hh" (PyTorch's
// layout), "lm.output.weight" (V, H; absent when tied). Token id PAD (0)
// embeds to zeros and is never counted as a target.
type LM[F mat.Float] struct {
	Cfg   Config
	Vocab int
	Dec   *decoder.Decoder[F] // parameters "lm.…"
	set   *mat.Set[F]
}

// NewLM builds a language model for a vocabulary of V tokens and
// initialises its weights from rng as New does. cfg.Type must be lm; it
// returns an error for an invalid config or vocabulary.
func NewLM[F mat.Float](cfg Config, vocab int, rng *rand.Rand) (*LM[F], error) {
	if cfg.Type != TypeLM {
		return nil, fmt.Errorf("model: type %q is not %q", cfg.Type, TypeLM)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	m := &LM[F]{Cfg: cfg, Vocab: vocab, set: &mat.Set[F]{}}
	var err error
	// Memory width 1 and no bridge input: attention and bridge are none.
	if m.Dec, err = decoder.New(m.set, "lm", cfg.Decoder, vocab, 1, 0, int(corpora.PAD)); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	m.set.Alloc()
	if cfg.InitScale > 0 {
		for _, p := range m.set.List {
			p.Init, p.Scale = mat.Uniform, cfg.InitScale
		}
	}
	m.set.Init(rng)
	m.Dec.Embed.ZeroPad()
	return m, nil
}

// Params returns the parameters in their fixed order: embedding, layers,
// output (see LM for the names).
func (m *LM[F]) Params() *mat.Set[F] { return m.set }

// Layers returns the number of stacked layers L.
func (m *LM[F]) Layers() int { return len(m.Dec.Cells) }

// Hidden returns the state width H.
func (m *LM[F]) Hidden() int { return m.Cfg.Decoder.Hidden }

// Loss runs forward and backward over B parallel streams of T tokens:
// x and y are (B, T) row-major ids, y[b·T+t] the token after x[b·T+t] in
// stream b. It starts from carry (nil or empty: zeros), adds gradScale
// times the gradient of the summed NLL into Params().G (none flows into
// carry: truncated BPTT), overwrites carry (unless nil) with the state
// after the last step, and returns the summed NLL (with opt.Smoothing)
// and the number of targets. opt.Rng draws dropout masks (nil: none).
// It panics on inconsistent shapes, including a non-empty carry of
// another shape.
func (m *LM[F]) Loss(ws *LMWorkspace[F], x, y []int32, B, T int, carry *Carry[F], gradScale F, opt Options) (sumNLL float64, n int) {
	enc, tgt := ws.batch(x, y, B, T)
	h0, c0 := m.start(carry, B)
	sumNLL, n = m.Dec.ForwardFrom(&ws.dec, h0, c0, enc, tgt, decoder.Options{
		Rng: opt.Rng, SampleProb: opt.SampleProb, Smoothing: opt.Smoothing})
	m.Dec.Backward(&ws.dec, enc, decoder.Grads[F]{}, float64(gradScale))
	m.finish(ws, carry, B)
	return sumNLL, n
}

// Eval is Loss's forward alone (no dropout, no smoothing, no gradient):
// the summed NLL of y given x from carry, which it advances.
func (m *LM[F]) Eval(ws *LMWorkspace[F], x, y []int32, B, T int, carry *Carry[F]) (sumNLL float64, n int) {
	enc, tgt := ws.batch(x, y, B, T)
	h0, c0 := m.start(carry, B)
	sumNLL, n = m.Dec.ForwardFrom(&ws.dec, h0, c0, enc, tgt, decoder.Options{})
	m.finish(ws, carry, B)
	return sumNLL, n
}

// start returns the initial states of B streams from carry: nil (zeros)
// for a nil or empty carry. It panics on a carry of another shape.
func (m *LM[F]) start(carry *Carry[F], B int) (h0, c0 []mat.Mat[F]) {
	if carry == nil || carry.empty() {
		return nil, nil
	}
	carry.mustFit(m, B)
	return carry.H, carry.C
}

// finish copies the final state of ws's last forward into carry (unless
// nil), shaping an empty carry first.
func (m *LM[F]) finish(ws *LMWorkspace[F], carry *Carry[F], B int) {
	if carry == nil {
		return
	}
	carry.Resize(m, B)
	for l := range carry.H {
		h, c := ws.dec.Final(l)
		copy(carry.H[l].Data, h.Data)
		if len(carry.C) > l {
			copy(carry.C[l].Data, c.Data)
		}
	}
}

// Step feeds one token per stream (tokens (B)) from carry (empty: zeros),
// advances carry and returns the log-probabilities (B, V) of the next
// token: a view into ws, valid until its next use. No dropout. Gold
// tokens reproduce Eval's log-probabilities. It panics on a carry of
// another shape.
func (m *LM[F]) Step(ws *LMWorkspace[F], carry *Carry[F], tokens []int32) mat.Mat[F] {
	B := len(tokens)
	if carry.empty() {
		carry.Resize(m, B)
	}
	carry.mustFit(m, B)
	ws.prev.H, ws.prev.C = carry.H, carry.C
	ws.att = mat.Resize(ws.att, B, m.Hidden()) // unused without input feeding; sets Rows
	ws.prev.Att = ws.att
	logp := m.Dec.Step(&ws.sw, &ws.next, &ws.prev, tokens, &ws.mem, nil)
	for l := range carry.H {
		copy(carry.H[l].Data, ws.next.H[l].Data)
		if len(carry.C) > l {
			copy(carry.C[l].Data, ws.next.C[l].Data)
		}
	}
	return logp
}

// LMWorkspace is one goroutine's activations for an LM, sized on first
// use for a (B, T) shape and reused: in steady state Loss, Eval and Step
// allocate nothing.
type LMWorkspace[F mat.Float] struct {
	dec        decoder.Work[F]
	lens       []int // (B) zeros: the empty memory of attention none
	sw         decoder.StepWork[F]
	mem        decoder.Memory[F] // empty
	prev, next decoder.State[F]
	att        mat.Mat[F] // (B, H) prev.Att's storage
}

// NewWorkspace returns an empty workspace for m.
func (m *LM[F]) NewWorkspace() *LMWorkspace[F] { return &LMWorkspace[F]{} }

// batch checks x and y and wraps them as the decoder's empty memory and
// teacher-forced target.
func (ws *LMWorkspace[F]) batch(x, y []int32, B, T int) (decoder.Encoded[F], decoder.Target) {
	if B < 1 || T < 1 || len(x) != B*T || len(y) != B*T {
		panic(fmt.Sprintf("model: LM batch B=%d T=%d with %d inputs and %d targets", B, T, len(x), len(y)))
	}
	ws.lens = growTo(ws.lens, B)
	clear(ws.lens)
	return decoder.Encoded[F]{Lens: ws.lens}, decoder.Target{B: B, T: T, In: x, Out: y}
}
