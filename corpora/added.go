package corpora

import "strings"

// addedToken is a Hugging Face added token: its content is matched in the
// raw text before pre-tokenization and becomes its id. Tokenizers that s2s
// writes have none; a user's tokenizer.json may.
type addedToken struct {
	content string
	id      int32
}

// appendWithAdded splits line at the leftmost, longest added token, encodes
// the pre-tokens of the text between matches with word, and emits each
// match's id.
func (t *Tokenizer) appendWithAdded(dst []int32, line string, word func(dst []int32, w string) []int32) []int32 {
	for len(line) > 0 {
		at, tok := t.nextAdded(line)
		if at < 0 {
			break
		}
		preTokenize(line[:at], func(w string) { dst = word(dst, w) })
		dst = append(dst, tok.id)
		line = line[at+len(tok.content):]
	}
	preTokenize(line, func(w string) { dst = word(dst, w) })
	return dst
}

// nextAdded returns the position of the leftmost added token in s (the
// longest one there) or -1.
func (t *Tokenizer) nextAdded(s string) (int, addedToken) {
	best, at := addedToken{}, -1
	for _, a := range t.added {
		if a.content == "" {
			continue
		}
		i := strings.Index(s, a.content)
		if i < 0 {
			continue
		}
		if at < 0 || i < at || (i == at && len(a.content) > len(best.content)) {
			best, at = a, i
		}
	}
	return at, best
}

// addedText returns the content of the added token id, if it is one.
func (t *Tokenizer) addedText(id int32) (string, bool) {
	for _, a := range t.added {
		if a.id == id {
			return a.content, true
		}
	}
	return "", false
}
