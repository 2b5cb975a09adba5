package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s2s-nmt/s2s/configs"
	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/s2s-nmt/s2s/rundir/rundirtest"
)

// writeEOSProne saves a random model whose output row for EOS is scaled
// up, so that hypotheses end at many lengths and alpha changes the
// ranking.
func writeEOSProne(t *testing.T, dir string, cfg *configs.Config) {
	t.Helper()
	tok := rundirtest.Tokenizer(t, cfg.Data.Tokenizer.VocabSize)
	m, err := model.New[float32](cfg.Model, tok.VocabSize(), tok.VocabSize(), rand.New(rand.NewPCG(3, 1)))
	if err != nil {
		t.Fatal(err)
	}
	row := m.Dec.Out.W.W.Row(int(corpora.EOS))
	for i := range row {
		row[i] *= 4
	}
	if err := rundir.Save(dir, cfg, tok, tok, m.Params(), nil); err != nil {
		t.Fatal(err)
	}
}

// TestEvalSweepAlpha: each alpha's line of --sweep-alpha is what eval
// prints for s2s translate --alpha A of the dev set, for both penalties;
// the references are the translation at alpha 0, so that alpha scores
// 100 and is the best.
func TestEvalSweepAlpha(t *testing.T) {
	t.Chdir(t.TempDir())
	rng := rand.New(rand.NewPCG(5, 5))
	words := strings.Fields("the cat sat on a mat one two three four dog ran far away")
	var src strings.Builder
	for range 40 {
		for j := range 1 + rng.IntN(8) {
			if j > 0 {
				src.WriteByte(' ')
			}
			src.WriteString(words[rng.IntN(len(words))])
		}
		src.WriteByte('\n')
	}
	os.WriteFile("dev.src", []byte(src.String()), 0o644)
	translate := func(args ...string) string {
		out, stderr, err := runCLI(t, nil, append([]string{"translate", "-i", "dev.src", "--beam", "4"}, args...)...)
		if err != nil {
			t.Fatal(err, stderr)
		}
		return out
	}
	cfg := rundirtest.Config("tiny", 80)
	cfg.Data.Dev.Src, cfg.Data.Dev.Tgt = "dev.src", "dev.tgt"
	cfg.Data.Test.Src, cfg.Data.Test.Refs = "dev.src", []string{"dev.tgt"} // eval --alpha scores the same lines
	writeEOSProne(t, filepath.Join("runs", "tiny"), cfg)
	os.Symlink("tiny", filepath.Join("runs", "latest"))
	os.WriteFile("dev.tgt", []byte(translate("--alpha", "0")), 0o644)
	for _, penalty := range []string{"marian", "gnmt"} {
		out, stderr, err := runCLI(t, nil, "eval", "--sweep-alpha", "0,1,3", "--beam", "4", "--length-penalty", penalty)
		if err != nil {
			t.Fatal(err, stderr)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 5 || lines[0] != "dev set dev.src: 40 lines, beam 4, length penalty "+penalty {
			t.Fatalf("%s: output %q", penalty, out)
		}
		if want := "best alpha 0: dev BLEU 100.00 (set translate.alpha in the config, or pass --alpha to translate)"; lines[4] != want {
			t.Errorf("%s: last line %q, want %q", penalty, lines[4], want)
		}
		distinct := map[string]bool{}
		for i, alpha := range []string{"0", "1", "3"} {
			hyp := translate("--alpha", alpha, "--length-penalty", penalty)
			distinct[hyp] = true
			os.WriteFile("hyp", []byte(hyp), 0o644)
			want, _, err := runCLI(t, nil, "eval", "--ref", "dev.tgt", "--hyp", "hyp")
			if err != nil {
				t.Fatal(err)
			}
			if got := lines[1+i]; got != fmt.Sprintf("alpha %-4s %s", alpha, strings.TrimSuffix(want, "\n")) {
				t.Errorf("%s alpha %s: sweep %q, eval of translate %q", penalty, alpha, got, want)
			}
			direct, _, err := runCLI(t, nil, "eval", "--alpha", alpha, "--beam", "4", "--length-penalty", penalty)
			if err != nil || direct != want {
				t.Errorf("%s: eval --alpha %s printed %q (%v), eval of translate %q", penalty, alpha, direct, err, want)
			}
		}
		if len(distinct) < 2 {
			t.Errorf("%s: alphas 0, 1 and 3 translate the dev set identically: the test shows nothing\n%s", penalty, translate("--alpha", "0"))
		}
	}
	_, _, err := runCLI(t, nil, "eval", "--sweep-alpha", "0,x")
	if err == nil || !strings.Contains(err.Error(), `"x" is not a number ≥ 0`) {
		t.Errorf("bad alpha: error %v", err)
	}
}

// TestEvalSweepAlphaSynthetic: a run of the generated numbers corpus,
// which has no data.dev files, sweeps its generated dev split.
func TestEvalSweepAlphaSynthetic(t *testing.T) {
	t.Chdir(t.TempDir())
	cfg := rundirtest.Config("tiny", 80)
	cfg.Data.Train, cfg.Data.Dev, cfg.Data.Test = corpora.Files{}, corpora.Files{}, corpora.Files{}
	cfg.Data.Synthetic, cfg.Data.SyntheticSeed = corpora.NumbersEnRu, 1
	rundirtest.Write(t, filepath.Join("runs", "tiny"), cfg, 3)
	os.Symlink("tiny", filepath.Join("runs", "latest"))
	out, stderr, err := runCLI(t, nil, "eval", "--sweep-alpha", "0.5", "--beam", "2")
	want := fmt.Sprintf("dev set the numbers-en-ru dev split (seed 1): %d lines, beam 2", len(corpora.NumbersEnRuCorpus(1).Dev))
	if err != nil || !strings.HasPrefix(out, want) {
		t.Errorf("output %q, error %v (%s); want it to start with %q", out, err, stderr, want)
	}
}
