package corpora

import (
	"fmt"
	"strings"
	"testing"
)

// TestLearnNeverMakesSpecials learns from text full of literal specials:
// no piece may equal "<s>", "</s>", "<pad>" or "<unk>".
func TestLearnNeverMakesSpecials(t *testing.T) {
	var lines []string
	for range 50 {
		lines = append(lines, "<s>x</s><pad><unk> <s> </s>")
	}
	tok, err := Learn(LearnOptions{VocabSize: 400, MinFrequency: 1}, lines)
	if err != nil {
		t.Fatal(err)
	}
	for id := int32(260); id < int32(tok.VocabSize()); id++ {
		if isSpecial(tok.Piece(id)) {
			t.Errorf("merge produced special %q at id %d", tok.Piece(id), id)
		}
	}
	for _, id := range tok.Encode(lines[0]) {
		if id <= UNK {
			t.Errorf("literal specials encoded to special id %d", id)
		}
	}
}

func TestLearnSizes(t *testing.T) {
	tests := []struct {
		vocab, minFreq int
		wantMax        int
	}{
		{260, 2, 260}, // bytes and specials only
		{300, 2, 300},
		{100000, 1000, 300}, // min frequency stops it long before
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.vocab, "/", tt.minFreq), func(t *testing.T) {
			tok := learnOpts(t, LearnOptions{VocabSize: tt.vocab, MinFrequency: tt.minFreq})
			if tok.VocabSize() > tt.wantMax || tok.VocabSize() < 260 {
				t.Errorf("vocabulary %d, want 260..%d", tok.VocabSize(), tt.wantMax)
			}
			for i, sp := range Specials {
				if tok.Piece(int32(i)) != sp {
					t.Errorf("id %d is %q, want %q", i, tok.Piece(int32(i)), sp)
				}
			}
		})
	}
	if _, err := Learn(LearnOptions{VocabSize: 259}, smallLines); err == nil {
		t.Error("vocabulary 259 accepted")
	}
}

func learnOpts(t *testing.T, opt LearnOptions) *Tokenizer {
	var many []string
	for range 20 {
		many = append(many, smallLines...)
	}
	tok, err := Learn(opt, many)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestLoadRejects(t *testing.T) {
	good := string(mustJSON(learnSmall(t, 300)))
	tests := []struct {
		name, from, to, want string
	}{
		{"not BPE", `"type": "BPE"`, `"type": "WordPiece"`, "byte-level BPE"},
		{"prefix space", `"add_prefix_space": false`, `"add_prefix_space": true`, "add_prefix_space"},
		{"special ids", `"<pad>": 0`, `"<pad>": 999999`, "ids are not"},
		{"no byte symbol", `"Ā": `, `"NOTBYTE": `, "byte 0x00"},
		{"bad json", `{`, `[`, "not a tokenizer.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseTokenizerJSON([]byte(strings.Replace(good, tt.from, tt.to, 1)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func ExampleTokenizer_Encode() {
	tok, _ := Load("testdata/bpe-enru-dev-3k.json")
	ids := tok.Encode("Hello, world!")
	text, _ := tok.Decode(ids)
	fmt.Println(tok.Pieces(ids))
	fmt.Println(text)
	// Output:
	// [He ll o , Ġworld !]
	// Hello, world!
}
