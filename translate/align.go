package translate

import (
	"strconv"
	"strings"

	"github.com/s2s-nmt/s2s/corpora"
)

// HardAlign returns h's word alignment in Pharaoh format ("0-0 1-2",
// source-target pairs in target order): the subword attention is summed
// into words of the detokenised source and output, and each output word
// is linked to the source word with the most weight. srcIDs are the
// source tokens h was translated from. Empty without h.Align.
func HardAlign(h Hypothesis, srcIDs []int32, src, tgt *corpora.Tokenizer) string {
	if h.Align == nil || len(h.Tokens) == 0 {
		return ""
	}
	sw, ns := tokenWords(src, srcIDs)
	tw, nt := tokenWords(tgt, h.Tokens)
	if ns == 0 || nt == 0 {
		return ""
	}
	m := make([][]float64, nt)
	for i := range m {
		m[i] = make([]float64, ns)
	}
	for t, w := range tw {
		for s, a := range h.Align[t] {
			if w >= 0 && s < len(sw) && sw[s] >= 0 {
				m[w][sw[s]] += float64(a)
			}
		}
	}
	var b strings.Builder
	for t, row := range m {
		best := 0
		for s, a := range row {
			if a > row[best] {
				best = s
			}
		}
		if t > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(best) + "-" + strconv.Itoa(t))
	}
	return b.String()
}

// SoftAlign returns h's attention weights as text: one group per output
// token and then EOS, separated by spaces, each the comma-separated
// weights of the source tokens with 6 decimals. Empty without h.Align.
func SoftAlign(h Hypothesis) string {
	var b []byte
	for t, row := range h.Align {
		if t > 0 {
			b = append(b, ' ')
		}
		for s, a := range row {
			if s > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendFloat(b, float64(a), 'f', 6, 32)
		}
	}
	return string(b)
}
