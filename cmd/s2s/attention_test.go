package main

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/s2s-nmt/s2s/internal/viz"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/s2s-nmt/s2s/rundir/rundirtest"
	"github.com/s2s-nmt/s2s/translate"
)

// TestAttention draws the heatmap of a tiny random translation model: the
// PNG has the size viz.HeatmapSize gives for the source and target pieces
// of the same search, and stdout holds the translation and the alignment
// table, one row per target piece and </s>.
func TestAttention(t *testing.T) {
	tinyRun(t, 80) // runs/tiny, runs/latest → tiny
	m, err := openModel("", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	const src = "the cat sat on the mat"
	in := translate.Input{Tok: m.Src, MaxLen: 80}
	source, _ := in.Source(0, src)
	for _, beam := range []int{1, 3} {
		hyp, err := alignedTranslation(m.Net, translate.FromConfig(m.Config.Translate), beam, source)
		if err != nil {
			t.Fatal(err)
		}
		tgt := append(pieceLabels(m.Tgt, hyp.Tokens), "</s>")
		out, err := runViz(t, "attention", "--src", src, "--out", "attn.png", "--beam", strconv.Itoa(beam))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		// translation, header, one row per target piece, alignment
		if len(lines) != len(tgt)+3 || lines[0] != translate.Detok(m.Tgt, hyp.Tokens) ||
			!strings.HasPrefix(lines[1], "target") || !strings.HasPrefix(lines[len(lines)-1], "alignment:") {
			t.Fatalf("beam %d: %d target pieces, stdout\n%s", beam, len(tgt), out)
		}
		w, h := viz.HeatmapSize(pieceLabels(m.Src, source.Tokens), tgt)
		checkPNGFile(t, "attn.png", w, h)
	}
}

// TestAttentionErrors: no model, a language model, and bad flags.
func TestAttentionErrors(t *testing.T) {
	t.Chdir(t.TempDir())
	if _, err := runViz(t, "attention", "--src", "a b", "--out", "a.png"); !errors.Is(err, rundir.ErrNoModel) {
		t.Errorf("no model: %v", err)
	}
	rundirtest.WriteLM(t, "lm", rundirtest.LMConfig("lm"), nil, 1)
	if _, err := runViz(t, "attention", "--model", "lm", "--src", "a b", "--out", "a.png"); err == nil || !strings.Contains(err.Error(), "language model") {
		t.Errorf("language model: %v", err)
	}
	for _, args := range [][]string{
		{"--out", "a.png"}, {"--src", "x"}, {"--src", "x", "--out", "a.jpg"}, {"--src", "x", "--out", "a.png", "--beam", "0"},
	} {
		var u usageError
		if _, err := runViz(t, append([]string{"attention"}, args...)...); !errors.As(err, &u) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	if _, err := os.Stat(filepath.Join(".", "a.png")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed run left a.png behind: %v", err)
	}
}
