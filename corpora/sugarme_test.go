package corpora

import (
	"path/filepath"
	"testing"

	"github.com/sugarme/tokenizer/pretrained"
)

// TestSugarmeLoadsOurFile checks that github.com/sugarme/tokenizer, the
// library first planned for tokenizer files, reads a file we write and gets
// the same text back on ordinary lines. Its encoder is not expected to give
// our ids on every line (it was found to differ), only text.
func TestSugarmeLoadsOurFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokenizer.json")
	ours := learnSmall(t, 400)
	if err := ours.Save(path); err != nil {
		t.Fatal(err)
	}
	tk, err := pretrained.FromFile(path)
	if err != nil {
		t.Fatalf("sugarme cannot load our tokenizer.json: %v", err)
	}
	for _, line := range []string{"the cat sat on the mat", "Привет, мир!", "they're here now", "emoji 🙂 end", "2021 год"} {
		enc, err := tk.EncodeSingle(line, false)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if got := tk.Decode(enc.GetIds(), false); got != line {
			t.Errorf("sugarme decode(encode(%q)) = %q", line, got)
		}
		ids := make([]int32, len(enc.GetIds()))
		for i, id := range enc.GetIds() {
			ids[i] = int32(id)
		}
		if got, err := ours.Decode(ids); err != nil || got != line {
			t.Errorf("our decode of sugarme's ids for %q = %q, %v", line, got, err)
		}
	}
}
