package corpora

import (
	"runtime"
	"sync"
)

// Dataset is an encoded parallel corpus: Src[i] and Tgt[i] are the ids of
// pair i, without BOS or EOS.
type Dataset struct {
	Src, Tgt [][]int32
}

// Len returns the number of pairs.
func (d *Dataset) Len() int { return len(d.Src) }

// EncodePairs encodes pairs with src and tgt on all cores.
func EncodePairs(pairs []Pair, src, tgt *Tokenizer) *Dataset {
	d := &Dataset{Src: make([][]int32, len(pairs)), Tgt: make([][]int32, len(pairs))}
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(pairs); i += workers {
				d.Src[i] = src.Encode(pairs[i].Src)
				d.Tgt[i] = tgt.Encode(pairs[i].Tgt)
			}
		})
	}
	wg.Wait()
	return d
}

// EncodeLines encodes lines with tok on all cores.
func EncodeLines(lines []string, tok *Tokenizer) [][]int32 {
	out := make([][]int32, len(lines))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(lines); i += workers {
				out[i] = tok.Encode(lines[i])
			}
		})
	}
	wg.Wait()
	return out
}

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
