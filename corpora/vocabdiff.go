package corpora

import (
	"fmt"
	"slices"
)

// VocabDiff returns "" when t and u have the same vocabulary (the same
// piece for every id), the same merges and the same added tokens, so
// that every id decodes alike; otherwise their first difference, t's
// side first, such as `id 57 is "Ġthe", not "Ġa"`.
func (t *Tokenizer) VocabDiff(u *Tokenizer) string {
	if len(t.vocab) != len(u.vocab) {
		return fmt.Sprintf("%d ids, not %d", len(t.vocab), len(u.vocab))
	}
	for id, p := range t.vocab {
		if p != u.vocab[id] {
			return fmt.Sprintf("id %d is %q, not %q", id, p, u.vocab[id])
		}
	}
	if len(t.merges) != len(u.merges) {
		return fmt.Sprintf("%d merges, not %d", len(t.merges), len(u.merges))
	}
	for r, m := range t.merges {
		if n := u.merges[r]; m != n {
			return fmt.Sprintf("merge %d is %q %q, not %q %q", r, t.vocab[m.A], t.vocab[m.B], u.vocab[n.A], u.vocab[n.B])
		}
	}
	if !slices.Equal(t.added, u.added) {
		return fmt.Sprintf("added tokens %v, not %v", t.added, u.added)
	}
	return ""
}
