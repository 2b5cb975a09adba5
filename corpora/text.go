package corpora

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"log/slog"
	"os"
	"unicode/utf8"
)

// TextData is a language model's corpus: one stream of token ids for
// training and one for validation, and the tokenizer (written into the run
// directory as tokenizer.src.json and tokenizer.tgt.json alike).
type TextData struct {
	Tok        *Tokenizer
	Train, Dev []int32
}

// PrepareText reads cfg.Text (and cfg.DevText, or holds out the last
// cfg.DevFraction of Text, cut at a UTF-8 boundary), learns or loads the
// tokenizer as cfg.Tokenizer says, and encodes both parts. With
// tokenizer.vocab_size 260 the tokenizer has no merges: one id per byte, a
// character model for ASCII text. Invalid UTF-8 is an error naming the
// file and line.
func PrepareText(cfg Config, out Paths, log *slog.Logger) (*TextData, error) {
	train, err := readText(cfg.Text)
	if err != nil {
		return nil, err
	}
	var dev []byte
	if cfg.DevText != "" {
		if dev, err = readText(cfg.DevText); err != nil {
			return nil, err
		}
	} else {
		cut := len(train) - int(float64(len(train))*cfg.DevFraction)
		for cut < len(train) && !utf8.RuneStart(train[cut]) {
			cut++
		}
		train, dev = train[:cut], train[cut:]
	}
	tok, err := textTokenizer(cfg, out, train)
	if err != nil {
		return nil, err
	}
	d := &TextData{Tok: tok, Train: encodeStream(tok, train), Dev: encodeStream(tok, dev)}
	log.Info("text", "file", cfg.Text, "train_bytes", len(train), "dev_bytes", len(dev),
		"train_tokens", len(d.Train), "dev_tokens", len(d.Dev), "vocab", tok.VocabSize())
	if len(d.Train) < 2 {
		return nil, fmt.Errorf("%s: too little text to train on (%d tokens)", cfg.Text, len(d.Train))
	}
	return d, nil
}

// readText reads a whole text file (gzip by magic bytes), dropping a BOM,
// and checks it is UTF-8.
func readText(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) > 1 && b[0] == 0x1f && b[1] == 0x8b {
		gz, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if b, err = io.ReadAll(gz); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	if !utf8.Valid(b) {
		line := 1
		for len(b) > 0 {
			r, n := utf8.DecodeRune(b)
			if r == utf8.RuneError && n == 1 {
				return nil, fmt.Errorf("%s:%d: invalid UTF-8", path, line)
			}
			if r == '\n' {
				line++
			}
			b = b[n:]
		}
	}
	return b, nil
}

// textTokenizer learns the BPE from the training text's lines, or loads
// the configured tokenizer, and writes it as both sides' tokenizer.
func textTokenizer(cfg Config, out Paths, train []byte) (*Tokenizer, error) {
	t := cfg.Tokenizer
	var tok *Tokenizer
	var err error
	switch {
	case t.Path != "":
		tok, err = Load(t.Path)
	default:
		var lines []string
		for _, l := range bytes.SplitAfter(train, []byte("\n")) {
			lines = append(lines, string(l))
		}
		tok, err = Learn(LearnOptions{VocabSize: t.VocabSize, MinFrequency: t.MinFrequency}, lines)
	}
	if err != nil {
		return nil, err
	}
	for _, path := range []string{out.SrcTokenizer, out.TgtTokenizer} {
		if err := tok.Save(path); err != nil {
			return nil, err
		}
	}
	return tok, nil
}

// encodeStream encodes text line by line (newlines included) into one
// stream of ids.
func encodeStream(tok *Tokenizer, text []byte) []int32 {
	ids := make([]int32, 0, len(text))
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n') + 1
		if i == 0 {
			i = len(text)
		}
		ids = tok.AppendEncode(ids, string(text[:i]))
		text = text[i:]
	}
	return ids
}
