package corpora

import (
	"math/rand/v2"

	"github.com/s2s-nmt/s2s/internal/par"
)

// Dropout re-segments the training pairs of each epoch by BPE-dropout
// (Tokenizer.AppendEncodeDropout), for a Batcher (BatchOptions.Dropout).
// The zero value leaves the pairs as they are.
type Dropout struct {
	// Src and Tgt are the tokenizers of the two sides (the same one for a
	// joint vocabulary).
	Src, Tgt *Tokenizer
	// P is the probability that a merge is dropped, in [0, 1] (0: off).
	P float64
}

// On reports whether d re-segments anything.
func (d Dropout) On() bool { return d.P > 0 && d.Src != nil && d.Tgt != nil }

// Epoch returns the pairs of ds re-segmented for epoch, on all cores.
// Each side's text is its ids decoded (byte-level BPE loses nothing), and
// side s (0 source, 1 target) of pair i draws from a PCG seeded with
// (seed, 1<<63 | epoch<<32 | i<<1 | s), epoch and i taken modulo 2³¹: its
// segmentation depends on nothing else, so a run resumed in the middle of
// an epoch sees what a run that never stopped sees. A side whose ids do
// not decode with its tokenizer is kept as it is.
func (d Dropout) Epoch(ds *Dataset, seed uint64, epoch int) *Dataset {
	out := &Dataset{Src: make([][]int32, ds.Len()), Tgt: make([][]int32, ds.Len())}
	par.Chunks(ds.Len(), encodeChunk, par.Func(func(lo, hi int) {
		src, tgt := merger{t: d.Src, p: d.P}, merger{t: d.Tgt, p: d.P}
		var text []byte
		for i := lo; i < hi; i++ {
			out.Src[i], text = src.resegment(text, ds.Src[i], dropoutStream(seed, epoch, i, 0))
			out.Tgt[i], text = tgt.resegment(text, ds.Tgt[i], dropoutStream(seed, epoch, i, 1))
		}
	}))
	return out
}

// dropoutStream returns the random stream of one side of one pair.
func dropoutStream(seed uint64, epoch, i, side int) *rand.PCG {
	const mask = 1<<31 - 1
	return rand.NewPCG(seed, 1<<63|(uint64(epoch)&mask)<<32|(uint64(i)&mask)<<1|uint64(side&1))
}

// resegment returns ids re-encoded with dropout from rng, and the text
// buffer it decoded them into.
func (m *merger) resegment(text []byte, ids []int32, rng rand.Source) ([]int32, []byte) {
	text, ok := m.t.appendText(text[:0], ids)
	if !ok {
		return ids, text
	}
	m.rng = rng
	return m.t.appendWithAdded(make([]int32, 0, len(ids)+len(ids)/2), string(text), m.word), text
}

// appendText appends the bytes of ids to dst, an added token's (a special
// one's too) as its content, so that encoding them again gives ids back.
// ok is false for an id out of range or a special that is not an added
// token, which Encode never gives.
func (t *Tokenizer) appendText(dst []byte, ids []int32) (_ []byte, ok bool) {
	for _, id := range ids {
		if id < 0 || int(id) >= len(t.vocab) {
			return dst, false
		}
		if len(t.added) > 0 {
			if text, ok := t.addedText(id); ok {
				dst = append(dst, text...)
				continue
			}
		}
		if t.text[id] == "" {
			return dst, false
		}
		dst = append(dst, t.text[id]...)
	}
	return dst, true
}
