package train

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/s2s-nmt/s2s/internal/safetensors"
)

// PrintSamples loads the run's best weights and prints greedy translations
// of the first n test sentences (or dev sentences when there is no test
// set) with their references.
func (t *Trainer) printSamples(w io.Writer, n int) error {
	if n <= 0 {
		return nil
	}
	if _, err := safetensors.LoadSet(filepath.Join(t.opts.RunDir, WeightsFile), t.model.Params()); err != nil {
		return err
	}
	d := t.data
	src, refs := d.testSrc, d.testRefs
	var ids [][]int32
	if len(src) > 0 {
		for _, s := range src[:min(n, len(src))] {
			ids = append(ids, truncate(d.srcTok.Encode(s), t.maxSrc))
		}
	} else {
		ids = d.devSrc[:min(n, len(d.devSrc))]
		refs = d.devRefs
	}
	var nonEmpty [][]int32
	for _, x := range ids {
		if len(x) > 0 {
			nonEmpty = append(nonEmpty, x)
		}
	}
	hyps, err := t.greedy(nonEmpty)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "translations with the best weights:")
	for i, h := range hyps {
		s, _ := d.srcTok.Decode(nonEmpty[i])
		fmt.Fprintf(w, "  src: %s\n  hyp: %s\n", s, h)
		if i < len(refs) {
			fmt.Fprintf(w, "  ref: %s\n", refs[i])
		}
	}
	return nil
}

func truncate(ids []int32, n int) []int32 {
	if n > 0 && len(ids) > n {
		return ids[:n]
	}
	return ids
}
