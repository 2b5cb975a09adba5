package corpora

import "github.com/s2s-nmt/s2s/internal/par"

// Dataset is an encoded parallel corpus: Src[i] and Tgt[i] are the ids of
// pair i, without BOS or EOS.
type Dataset struct {
	Src, Tgt [][]int32
}

// Len returns the number of pairs.
func (d *Dataset) Len() int { return len(d.Src) }

// EncodePairs encodes pairs with src and tgt on all cores (package par's
// pool, encodeChunk pairs at a time).
func EncodePairs(pairs []Pair, src, tgt *Tokenizer) *Dataset {
	d := &Dataset{Src: make([][]int32, len(pairs)), Tgt: make([][]int32, len(pairs))}
	par.Chunks(len(pairs), encodeChunk, par.Func(func(lo, hi int) {
		for i := lo; i < hi; i++ {
			d.Src[i] = src.Encode(pairs[i].Src)
			d.Tgt[i] = tgt.Encode(pairs[i].Tgt)
		}
	}))
	return d
}

// EncodeLines encodes lines with tok on all cores, as EncodePairs does.
func EncodeLines(lines []string, tok *Tokenizer) [][]int32 {
	out := make([][]int32, len(lines))
	par.Chunks(len(lines), encodeChunk, par.Func(func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = tok.Encode(lines[i])
		}
	}))
	return out
}

// encodeChunk is how many lines one goroutine encodes at a time: enough to
// make claiming a chunk cheap next to encoding it, few enough to balance
// the cores.
const encodeChunk = 256

// FilterLength drops pairs with a side longer than maxLen tokens (0: no
// limit) or whose longer side has more than maxRatio times the tokens of the
// shorter (0: no limit), counting them in st.
func (d *Dataset) FilterLength(maxLen int, maxRatio float64, st *Stats) {
	n := 0
	for i := range d.Src {
		ls, lt := len(d.Src[i]), len(d.Tgt[i])
		switch {
		case maxLen > 0 && (ls > maxLen || lt > maxLen):
			st.TooLong++
		case maxRatio > 0 && float64(max(ls, lt)) > maxRatio*float64(max(min(ls, lt), 1)):
			st.Ratio++
		default:
			d.Src[n], d.Tgt[n] = d.Src[i], d.Tgt[i]
			n++
		}
	}
	d.Src, d.Tgt = d.Src[:n], d.Tgt[:n]
	st.Kept = n
}
