package train

import "github.com/s2s-nmt/s2s/translate/bleu"

// validation is the result of one pass over the dev data.
type validation struct {
	loss, ppl float64
	bleu      float64
	hasBLEU   bool
}

// setBLEU scores hyps against refs with sacreBLEU's default corpus BLEU.
func (v *validation) setBLEU(hyps, refs []string) error {
	s, err := bleu.Corpus(hyps, [][]string{refs}, bleu.Options{})
	if err != nil {
		return err
	}
	v.bleu, v.hasBLEU = s.Score, true
	return nil
}
