package corpora

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// hfExpected is testdata/hf-expected.json: what Hugging Face tokenizers
// (npm tokenizers@0.23.2) gives for testdata/lines.json; see testdata/README.
type hfExpected struct {
	Tokenizers map[string][]struct {
		IDs     []int32  `json:"ids"`
		Tokens  []string `json:"tokens"`
		Decoded string   `json:"decoded"`
	} `json:"tokenizers"`
}

func TestHuggingFaceGolden(t *testing.T) {
	var lines []string
	var want hfExpected
	for path, v := range map[string]any{"testdata/lines.json": &lines, "testdata/hf-expected.json": &want} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, v); err != nil {
			t.Fatal(path, err)
		}
	}
	if len(want.Tokenizers) != 2 {
		t.Fatalf("%d tokenizers in the golden file, want 2", len(want.Tokenizers))
	}
	for file, cases := range want.Tokenizers {
		tok, err := Load(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range cases {
			got := tok.Encode(lines[i])
			if !slices.Equal(got, c.IDs) {
				t.Errorf("%s, line %d %q:\n got %q\nwant %q", file, i, lines[i], tok.Pieces(got), c.Tokens)
			}
			// Hugging Face's decode keeps the specials; ours skips ids 0-3.
			if dec, _ := tok.Decode(got); dec != lines[i] && file == "bpe-enru-dev-3k.json" {
				t.Errorf("%s, line %d: decoded %q, want %q", file, i, dec, lines[i])
			}
			if file == "bpe-enru-dev-3k.json" && c.Decoded != lines[i] {
				t.Errorf("line %d: Hugging Face decoded %q", i, c.Decoded)
			}
		}
	}
}
