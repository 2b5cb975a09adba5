package translate

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/s2s-nmt/s2s/corpora"
)

// Input turns input lines into sources.
type Input struct {
	// Tok is the source tokenizer.
	Tok *corpora.Tokenizer
	// MaxLen truncates longer sources to MaxLen subwords (the model's
	// data.max_len); 0 is no limit.
	MaxLen int
	// Others are the source tokenizers of an ensemble's other models, in
	// order, each with its model's MaxLen: each encodes the line itself
	// into Source.Others. None: one model, or models that read Tok's ids.
	Others []SourceTok
	// Name names the input in warnings ("standard input", a file name).
	Name string
	// First is the line number Stream gives the first line it reads
	// (0-based): a part of a file read on its own, such as a shard resumed
	// from a commit, keeps the numbers of the whole part.
	First int
}

// SourceTok is a model's source tokenizer and length limit.
type SourceTok struct {
	Tok    *corpora.Tokenizer
	MaxLen int // 0: no limit
}

// Source returns the source of line n (0-based; the text without its
// line break) and the warnings it deserves, each naming the input and the
// 1-based line: invalid UTF-8 (each bad byte is replaced by U+FFFD) and
// truncation. A line of whitespace alone is an empty source.
func (in *Input) Source(n int, text string) (Source, []string) {
	var warns []string
	text = strings.TrimSuffix(text, "\r")
	if !utf8.ValidString(text) {
		text = replaceInvalid(text)
		warns = append(warns, fmt.Sprintf("%s:%d: invalid UTF-8: each bad byte replaced by U+FFFD", in.Name, n+1))
	}
	if strings.TrimSpace(text) == "" {
		return Source{Line: n}, warns
	}
	src := Source{Line: n}
	src.Tokens, warns = in.encode(SourceTok{in.Tok, in.MaxLen}, "the model's", n, text, warns)
	for k, st := range in.Others {
		var ids []int32
		ids, warns = in.encode(st, fmt.Sprintf("model %d's", k+2), n, text, warns)
		src.Others = append(src.Others, ids)
	}
	return src, warns
}

// encode returns the ids of text, line n, by st, truncated to st.MaxLen
// with a warning naming whose limit it is.
func (in *Input) encode(st SourceTok, whose string, n int, text string, warns []string) ([]int32, []string) {
	ids := st.Tok.Encode(text)
	if st.MaxLen > 0 && len(ids) > st.MaxLen {
		warns = append(warns, fmt.Sprintf("%s:%d: %d subwords, more than %s data.max_len %d: truncated to the first %d",
			in.Name, n+1, len(ids), whose, st.MaxLen, st.MaxLen))
		ids = ids[:st.MaxLen]
	}
	return ids, warns
}

// replaceInvalid replaces every byte of s that is not part of a valid
// UTF-8 sequence by U+FFFD, as converting to []rune does.
func replaceInvalid(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r) // an invalid byte ranges as utf8.RuneError, one byte at a time
	}
	return b.String()
}
