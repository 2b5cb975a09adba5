package corpora

import (
	"fmt"
	"hash/maphash"
	"unicode/utf8"
)

// Tokenizer is a byte-level BPE tokenizer: Hugging Face's ByteLevel
// pre-tokenizer (add_prefix_space false), a BPE model whose base symbols are
// the 256 byte runes of GPT-2's byte-to-unicode map, and the ByteLevel
// decoder. It is safe for concurrent use. Make one with Learn, Load or
// ParseTokenizerJSON.
type Tokenizer struct {
	vocab  []string         // id → byte-level string
	ids    map[string]int32 // byte-level string → id
	byteID [256]int32       // raw byte → id of its one-rune symbol
	merges []Merge          // in rank order
	rank   map[uint64]mergeTo
	// ignoreMerges emits a pre-token found whole in the vocabulary as is,
	// Hugging Face's BPE option of the same name.
	ignoreMerges bool
	added        []addedToken // Hugging Face added tokens, matched in text
	// text is each id's raw bytes, "" for a piece that is not byte-level
	// (a special's): what re-segmentation decodes ids with.
	text []string

	cache wordCache // pre-token → ids
	raw   []byte    // the file it was parsed from, written back by Save
}

// Merge is one BPE merge rule: the symbols A and B, by id, become one.
type Merge struct{ A, B int32 }

type mergeTo struct{ rank, id int32 }

func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// newTokenizer builds a Tokenizer from its vocabulary (id → byte-level string)
// and merges. It checks that every byte has a symbol, that merges name known
// symbols, and that the specials sit at ids 0–3.
func newTokenizer(vocab []string, merges []Merge) (*Tokenizer, error) {
	t := &Tokenizer{vocab: vocab, ids: make(map[string]int32, len(vocab)), merges: merges}
	t.cache.seed = maphash.MakeSeed()
	t.text = make([]string, len(vocab))
	for id, s := range vocab {
		if _, dup := t.ids[s]; dup {
			return nil, fmt.Errorf("token %q appears twice in the vocabulary", s)
		}
		t.ids[s] = int32(id)
		if b, ok := fromByteLevel(nil, s); ok && id > int(UNK) {
			t.text[id] = string(b)
		}
	}
	for i, sp := range Specials {
		if id, ok := t.ids[sp]; !ok || id != int32(i) {
			return nil, fmt.Errorf("special token %q must have id %d (s2s needs <pad> <s> </s> <unk> at ids 0-3)", sp, i)
		}
	}
	for b := 0; b < 256; b++ {
		id, ok := t.ids[string(byteToRune[b])]
		if !ok {
			return nil, fmt.Errorf("byte 0x%02x has no symbol %q in the vocabulary; not a byte-level BPE", b, string(byteToRune[b]))
		}
		t.byteID[b] = id
	}
	t.rank = make(map[uint64]mergeTo, len(merges))
	for r, m := range merges {
		id, ok := t.ids[vocab[m.A]+vocab[m.B]]
		if !ok {
			return nil, fmt.Errorf("merge %d (%q %q): result %q is not in the vocabulary", r, vocab[m.A], vocab[m.B], vocab[m.A]+vocab[m.B])
		}
		k := pairKey(m.A, m.B)
		if _, dup := t.rank[k]; !dup {
			t.rank[k] = mergeTo{int32(r), id}
		}
	}
	return t, nil
}

// VocabSize returns the number of ids, specials included.
func (t *Tokenizer) VocabSize() int { return len(t.vocab) }

// Merges returns the merge rules in rank order. The caller must not modify it.
func (t *Tokenizer) Merges() []Merge { return t.merges }

// Piece returns the byte-level string of id, as in tokenizer.json
// ("Ġthe" for " the"); it panics if id is out of range.
func (t *Tokenizer) Piece(id int32) string { return t.vocab[id] }

// ID returns the id of a byte-level piece and whether it exists.
func (t *Tokenizer) ID(piece string) (int32, bool) {
	id, ok := t.ids[piece]
	return id, ok
}

// Encode returns the ids of line, without BOS or EOS. Every string encodes,
// invalid UTF-8 included, and Decode gives it back byte for byte.
func (t *Tokenizer) Encode(line string) []int32 {
	return t.AppendEncode(nil, line)
}

// AppendEncode appends the ids of line to dst and returns it.
func (t *Tokenizer) AppendEncode(dst []int32, line string) []int32 {
	if len(t.added) > 0 {
		return t.appendWithAdded(dst, line, t.appendWord)
	}
	preTokenize(line, func(w string) { dst = t.appendWord(dst, w) })
	return dst
}

// appendWord appends the ids of one pre-token, through the cache.
func (t *Tokenizer) appendWord(dst []int32, w string) []int32 {
	if len(w) > maxCachedLen {
		return t.bpe(dst, w)
	}
	if ids, ok := t.cache.get(w); ok {
		return append(dst, ids...)
	}
	n := len(dst)
	dst = t.bpe(dst, w)
	t.cache.put(w, dst[n:])
	return dst
}

// Decode returns the text of ids. The special ids 0–3 are skipped; an id out
// of range is an error.
func (t *Tokenizer) Decode(ids []int32) (string, error) {
	var buf []byte
	for _, id := range ids {
		if id < 0 || int(id) >= len(t.vocab) {
			return "", fmt.Errorf("id %d out of range [0, %d)", id, len(t.vocab))
		}
		if id <= UNK {
			continue
		}
		if text, ok := t.addedText(id); ok {
			buf = append(buf, text...)
			continue
		}
		var ok bool
		if buf, ok = fromByteLevel(buf, t.vocab[id]); !ok {
			return "", fmt.Errorf("id %d (%q) is not a byte-level piece", id, t.vocab[id])
		}
	}
	return string(buf), nil
}

// Labels returns a readable label for each of ids: the text of its bytes
// (" cat", "ё"), or, for a piece that holds part of a character, its
// byte-level string. For showing subwords to people, as in an attention
// map.
func (t *Tokenizer) Labels(ids []int32) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		if b, err := t.Decode(ids[i : i+1]); err == nil && utf8.ValidString(b) {
			out[i] = b
		} else {
			out[i] = t.vocab[id]
		}
	}
	return out
}

// Pieces returns the byte-level strings of ids.
func (t *Tokenizer) Pieces(ids []int32) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = t.vocab[id]
	}
	return out
}
