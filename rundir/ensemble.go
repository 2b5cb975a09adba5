package rundir

import (
	"fmt"

	"github.com/s2s-nmt/s2s/internal/mat"
)

// SameTarget returns nil when the models share one target vocabulary
// (corpora.Tokenizer.VocabDiff), as an ensemble needs; otherwise an error
// naming the first model's target tokenizer file and that of the first
// model that differs. Their source tokenizers may differ.
func SameTarget[F mat.Float, C Config](ms []*Model[F, C]) error {
	for _, m := range ms[min(1, len(ms)):] {
		if d := ms[0].Tgt.VocabDiff(m.Tgt); d != "" {
			return fmt.Errorf("%s and %s: target vocabularies differ (%s); an ensemble needs one target vocabulary",
				ms[0].Run.Path(TgtTokenizer), m.Run.Path(TgtTokenizer), d)
		}
	}
	return nil
}
