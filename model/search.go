package model

import "github.com/s2s-nmt/s2s/decoder"

// Encode runs the encoder over a source-only batch (target fields ignored,
// no dropout) and returns what the decoder's search API reads: pass it to
// m.Dec.Prepare and m.Dec.InitState. The result aliases ws and is valid
// until ws's next use. It panics on an inconsistent source batch.
func (m *Seq2Seq[F]) Encode(ws *Workspace[F], b *Batch) decoder.Encoded[F] {
	mustCheck(b, false)
	return m.encode(ws, b, nil)
}
