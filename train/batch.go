package train

import (
	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/model"
)

// fillBatch lays out the pairs idx of (src, tgt) as a padded model batch:
// Src row = source ids, TgtIn = BOS y1..yn, TgtOut = y1..yn EOS, PAD after
// each row's length. dst's buffers are reused.
func fillBatch(dst *model.Batch, src, tgt [][]int32, idx []int) {
	s, t := 0, 0
	for _, i := range idx {
		s, t = max(s, len(src[i])), max(t, len(tgt[i])+1)
	}
	dst.B, dst.S, dst.T = len(idx), s, t
	dst.Src = resizeIDs(dst.Src, dst.B*s)
	dst.TgtIn = resizeIDs(dst.TgtIn, dst.B*t)
	dst.TgtOut = resizeIDs(dst.TgtOut, dst.B*t)
	clear(dst.Src)
	clear(dst.TgtIn)
	clear(dst.TgtOut) // PAD is 0
	dst.SrcLen, dst.TgtLen = dst.SrcLen[:0], dst.TgtLen[:0]
	for r, i := range idx {
		copy(dst.Src[r*s:], src[i])
		in, out := dst.TgtIn[r*t:(r+1)*t], dst.TgtOut[r*t:(r+1)*t]
		in[0] = corpora.BOS
		copy(in[1:], tgt[i])
		copy(out, tgt[i])
		out[len(tgt[i])] = corpora.EOS
		dst.SrcLen = append(dst.SrcLen, len(src[i]))
		dst.TgtLen = append(dst.TgtLen, len(tgt[i])+1)
	}
}
