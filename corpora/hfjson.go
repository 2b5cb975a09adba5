package corpora

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/s2s-nmt/s2s/internal/atomicfile"
	"os"
	"strings"
)

// hfFile is the part of a Hugging Face tokenizer.json that s2s reads.
type hfFile struct {
	AddedTokens []struct {
		ID      int32  `json:"id"`
		Content string `json:"content"`
	} `json:"added_tokens"`
	Normalizer   json.RawMessage `json:"normalizer"`
	PreTokenizer *hfByteLevel    `json:"pre_tokenizer"`
	Decoder      *hfByteLevel    `json:"decoder"`
	Model        struct {
		Type                    string            `json:"type"`
		Vocab                   map[string]int32  `json:"vocab"`
		Merges                  []json.RawMessage `json:"merges"`
		ContinuingSubwordPrefix *string           `json:"continuing_subword_prefix"`
		EndOfWordSuffix         *string           `json:"end_of_word_suffix"`
		IgnoreMerges            bool              `json:"ignore_merges"`
		Dropout                 *float64          `json:"dropout"`
	} `json:"model"`
}

type hfByteLevel struct {
	Type           string `json:"type"`
	AddPrefixSpace bool   `json:"add_prefix_space"`
	UseRegex       *bool  `json:"use_regex"`
}

// Load reads a Hugging Face tokenizer.json holding a byte-level BPE: model
// BPE, ByteLevel pre-tokenizer with add_prefix_space false, all 256 byte
// symbols, <pad> <s> </s> <unk> at ids 0–3, and added tokens only with ids
// of the vocabulary. Errors name the file.
func Load(path string) (*Tokenizer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := ParseTokenizerJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// ParseTokenizerJSON parses the contents of a tokenizer.json; see Load.
func ParseTokenizerJSON(data []byte) (*Tokenizer, error) {
	var f hfFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("not a tokenizer.json: %w", err)
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	vocab := make([]string, len(f.Model.Vocab))
	for s, id := range f.Model.Vocab {
		if id < 0 || int(id) >= len(vocab) || vocab[id] != "" {
			return nil, fmt.Errorf("model.vocab: ids are not 0..%d, each once (%q has %d)", len(vocab)-1, s, id)
		}
		vocab[id] = s
	}
	merges, err := parseMerges(f.Model.Merges, f.Model.Vocab)
	if err != nil {
		return nil, err
	}
	t, err := newTokenizer(vocab, merges)
	if err != nil {
		return nil, err
	}
	t.ignoreMerges = f.Model.IgnoreMerges
	t.raw = append([]byte(nil), data...)
	for i, a := range f.AddedTokens {
		if a.ID < 0 || int(a.ID) >= len(vocab) {
			return nil, fmt.Errorf("added_tokens[%d]: %q has id %d, outside the vocabulary [0, %d)", i, a.Content, a.ID, len(vocab))
		}
		t.added = append(t.added, addedToken{a.Content, a.ID})
	}
	return t, nil
}

// check rejects the settings this encoder does not reproduce.
func (f *hfFile) check() error {
	m := &f.Model
	switch {
	case m.Type != "BPE":
		return fmt.Errorf("model.type is %q; s2s reads byte-level BPE tokenizers only", m.Type)
	case f.PreTokenizer == nil || f.PreTokenizer.Type != "ByteLevel":
		return fmt.Errorf("pre_tokenizer is not ByteLevel; s2s reads byte-level BPE tokenizers only")
	case f.PreTokenizer.AddPrefixSpace:
		return fmt.Errorf("pre_tokenizer.add_prefix_space is true; s2s needs false")
	case f.PreTokenizer.UseRegex != nil && !*f.PreTokenizer.UseRegex:
		return fmt.Errorf("pre_tokenizer.use_regex is false; s2s needs true")
	case len(f.Normalizer) > 0 && string(f.Normalizer) != "null":
		return fmt.Errorf("normalizer is set; s2s supports tokenizers without one")
	case m.ContinuingSubwordPrefix != nil && *m.ContinuingSubwordPrefix != "",
		m.EndOfWordSuffix != nil && *m.EndOfWordSuffix != "":
		return fmt.Errorf("model has a subword prefix or suffix; byte-level BPE has neither")
	case m.Dropout != nil && *m.Dropout != 0:
		return fmt.Errorf("model.dropout is set; s2s needs a deterministic BPE")
	}
	return nil
}

// parseMerges reads merges written as "a b" strings or as ["a", "b"] pairs.
func parseMerges(raw []json.RawMessage, vocab map[string]int32) ([]Merge, error) {
	out := make([]Merge, len(raw))
	for i, r := range raw {
		var a, b string
		var s string
		var pair []string
		switch {
		case json.Unmarshal(r, &s) == nil:
			var ok bool
			if a, b, ok = strings.Cut(s, " "); !ok {
				return nil, fmt.Errorf("model.merges[%d]: %q is not two symbols", i, s)
			}
		case json.Unmarshal(r, &pair) == nil && len(pair) == 2:
			a, b = pair[0], pair[1]
		default:
			return nil, fmt.Errorf("model.merges[%d]: %s is not a merge", i, r)
		}
		ia, oka := vocab[a]
		ib, okb := vocab[b]
		if !oka || !okb {
			return nil, fmt.Errorf("model.merges[%d]: %q or %q is not in the vocabulary", i, a, b)
		}
		out[i] = Merge{ia, ib}
	}
	return out, nil
}

// MarshalJSON writes the tokenizer as a Hugging Face tokenizer.json. A
// tokenizer that was parsed from a file gives that file back unchanged; a
// learned one is written with the vocabulary in id order, the merges in rank
// order and no added tokens, so that the same tokenizer always gives the
// same bytes.
func (t *Tokenizer) MarshalJSON() ([]byte, error) {
	if t.raw != nil {
		return t.raw, nil
	}
	var b bytes.Buffer
	b.WriteString(`{
  "version": "1.0",
  "truncation": null,
  "padding": null,
  "added_tokens": [],
  "normalizer": null,
  "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
  "post_processor": null,
  "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
  "model": {
    "type": "BPE",
    "dropout": null,
    "unk_token": null,
    "continuing_subword_prefix": null,
    "end_of_word_suffix": null,
    "fuse_unk": false,
    "byte_fallback": false,
    "ignore_merges": false,
    "vocab": {`)
	for id, s := range t.vocab {
		sep := ","
		if id == len(t.vocab)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "\n      %s: %d%s", jsonString(s), id, sep)
	}
	b.WriteString("\n    },\n    \"merges\": [")
	for r, m := range t.merges {
		sep := ","
		if r == len(t.merges)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "\n      %s%s", jsonString(t.vocab[m.A]+" "+t.vocab[m.B]), sep)
	}
	b.WriteString("\n    ]\n  }\n}\n")
	return b.Bytes(), nil
}

// jsonString quotes s as JSON without HTML escaping.
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// Save writes the tokenizer.json to path atomically.
func (t *Tokenizer) Save(path string) error {
	data, _ := t.MarshalJSON() // never fails
	return atomicfile.WriteFile(path, data, 0o644)
}
