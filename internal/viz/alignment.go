package viz

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
)

// Link is one hard alignment link: target token Tgt attends most to source
// token Src, with attention weight Weight.
type Link struct {
	Src, Tgt int
	Weight   float64
}

// HardAlignment returns, for each target token t, the source token with
// the largest weight in row t of weights (T, S) (the first one on ties;
// NaN weights never win; a row of only NaN links to source 0 with weight
// NaN). It panics if weights is not len(tgt) rows of len(src) columns.
func HardAlignment(weights [][]float64) []Link {
	links := make([]Link, len(weights))
	for t, row := range weights {
		links[t] = Link{Src: 0, Tgt: t, Weight: math.NaN()}
		for s, w := range row {
			if !math.IsNaN(w) && (math.IsNaN(links[t].Weight) || w > links[t].Weight) {
				links[t] = Link{Src: s, Tgt: t, Weight: w}
			}
		}
	}
	return links
}

// Pharaoh formats links as a Pharaoh (Moses, fast_align) alignment line:
// "src-tgt" pairs, zero-based, separated by spaces, in target order.
func Pharaoh(links []Link) string {
	parts := make([]string, len(links))
	for i, l := range links {
		parts[i] = fmt.Sprintf("%d-%d", l.Src, l.Tgt)
	}
	return strings.Join(parts, " ")
}

// AlignmentText writes the text form of the attention weights (T, S) of
// one sentence: a table with one row per target token giving its
// most-attended source token and that weight, then the hard alignment in
// Pharaoh format on a line of its own. For example
//
//	target  source  weight
//	я       I       0.91
//	вижу    see     0.84
//	alignment: 0-0 1-1
//
// It panics if weights is not len(tgt) rows of len(src) columns, or if
// either token list is empty.
func AlignmentText(w io.Writer, weights [][]float64, src, tgt []string) error {
	checkWeights(weights, src, tgt)
	links := HardAlignment(weights)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "target\tsource\tweight")
	for _, l := range links {
		fmt.Fprintf(tw, "%s\t%s\t%.2f\n", tgt[l.Tgt], src[l.Src], l.Weight)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "alignment: %s\n", Pharaoh(links))
	return err
}
