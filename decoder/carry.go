package decoder

import "github.com/s2s-nmt/s2s/internal/mat"

// A carried state is how a recurrent language model runs the decoder over
// a long stream in chunks (truncated BPTT): each chunk starts from the
// state the previous one ended in, instead of from the bridge, and hands
// its own final state on.
//
//	state_{-1} = (h0[l], c0[l]) per layer, given   (ForwardFrom)
//	state_{T-1}                                     (Work.Final)
//
// No gradient flows into the given state: Backward treats it as a constant.

// ForwardFrom is Forward with a given initial state instead of the bridge:
// layer l starts from h0[l] (B, H) and, for an LSTM, c0[l] (B, H). A nil
// h0 (or c0) means zeros. The states are copied into w, so the caller may
// overwrite them (with Final's, say) before Backward. With input feeding
// att_{-1} is zero, as in Forward. Backward after ForwardFrom adds no
// gradient into the bridge or enc.Final. It panics on inconsistent shapes.
func (d *Decoder[F]) ForwardFrom(w *Work[F], h0, c0 []mat.Mat[F], enc Encoded[F], tgt Target, opt Options) (loss float64, n int) {
	L, B, H := len(d.Cells), tgt.B, d.Cfg.Hidden
	w.h0s, w.c0s = grow(w.h0s, L), grow(w.c0s, L)
	for l := 0; l < L; l++ {
		w.h0s[l] = givenState(w.h0s[l], h0, l, B, H)
		if d.hasC() {
			w.c0s[l] = givenState(w.c0s[l], c0, l, B, H)
		}
	}
	w.given = true
	return d.forward(w, enc, tgt, opt)
}

// givenState returns buf resized to (B, H) holding src[l], or zeros when
// src is nil. It panics if src[l] is not (B, H).
func givenState[F mat.Float](buf mat.Mat[F], src []mat.Mat[F], l, B, H int) mat.Mat[F] {
	buf = mat.Resize(buf, B, H)
	if src == nil {
		buf.Zero()
		return buf
	}
	if len(src) <= l || src[l].Rows != B || src[l].Cols != H {
		panic("decoder: ForwardFrom initial state is not (B, H) per layer")
	}
	copy(buf.Data, src[l].Data)
	return buf
}

// Final returns layer l's state after the last step of w's Forward or
// ForwardFrom: h (B, H) and, for an LSTM, c (B, H) (empty otherwise).
// They are views into w, valid until its next Forward.
func (w *Work[F]) Final(l int) (h, c mat.Mat[F]) {
	tr := &w.tr[l][w.T-1]
	return tr.H, tr.C
}
