package bleu_test

import (
	"fmt"

	"github.com/s2s-nmt/s2s/translate/bleu"
)

func ExampleCorpus() {
	hyps := []string{"The cat sat on the mat."}
	refs := [][]string{{"The cat sat on a mat."}} // one reference stream
	// 13a: 7 tokens each ("mat" "."); matches 6/7, 4/6, 2/5, 1/4
	s, err := bleu.Corpus(hyps, refs, bleu.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Format(1))
	// Output:
	// BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 48.9 85.7/66.7/40.0/25.0 (BP = 1.000 ratio = 1.000 hyp_len = 7 ref_len = 7)
}
