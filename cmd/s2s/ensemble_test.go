package main

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/s2s-nmt/s2s/rundir/rundirtest"
	"github.com/s2s-nmt/s2s/translate"
)

// ensembleRuns makes a working directory holding three random models and
// changes into it: runs/a (one tokenizer of 300 pieces for both sides,
// runs/latest links to it), runs/b (its own source tokenizer of 280
// pieces, a's target tokenizer) and runs/c (a target tokenizer of 290).
func ensembleRuns(t *testing.T) {
	t.Helper()
	t.Chdir(t.TempDir())
	tok, src, tgt := rundirtest.Tokenizer(t, 300), rundirtest.Tokenizer(t, 280), rundirtest.Tokenizer(t, 290)
	for i, toks := range [][2]*corpora.Tokenizer{{tok, tok}, {src, tok}, {tok, tgt}} {
		name := string(rune('a' + i))
		rundirtest.WriteWith(t, filepath.Join("runs", name), rundirtest.Config(name, 80), toks[0], toks[1], uint64(3+i))
	}
	if err := os.Symlink("a", filepath.Join("runs", "latest")); err != nil {
		t.Fatal(err)
	}
}

// TestTranslateEnsembleOfOne: a model given once, with or without
// --weights, or twice (an ensemble with itself), prints exactly what the
// model alone prints, scores and all.
func TestTranslateEnsembleOfOne(t *testing.T) {
	ensembleRuns(t)
	flags := []string{"translate", "--nbest", "2", "--alignments", "hard"}
	want, _, err := runCLI(t, strings.NewReader(threeLines), flags...)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--model", "runs/a"}, {"--model", "runs/a", "--weights", "2"},
		{"--model", "runs/a", "--model", "runs/a"}, {"--model", "runs/a", "--model", "runs/a", "--weights", "0.3,0.3"},
	} {
		got, _, err := runCLI(t, strings.NewReader(threeLines), append(flags, args...)...)
		if err != nil || got != want {
			t.Errorf("%v: %q, %v; want %q", args, got, err, want)
		}
	}
}

// TestTranslateEnsemble: runs/a and runs/b, whose source tokenizers
// differ, translate together in every mode; the n-best F0 is the
// combined score's sum, Σᵢ wᵢ·log pᵢ(hypothesis), which each model's
// teacher-forced log-likelihood (model.Eval) confirms; s2s eval
// translates the test set with the ensemble.
func TestTranslateEnsemble(t *testing.T) {
	ensembleRuns(t)
	ens := []string{"--model", "runs/a", "--model", "runs/b", "--weights", "3,1"}
	for _, mode := range [][]string{{"--beam", "3"}, {"--greedy"}, {"--sample", "--seed", "2"}} {
		out, _, err := runCLI(t, strings.NewReader(threeLines), append(append([]string{"translate"}, ens...), mode...)...)
		if err != nil || strings.Count(out, "\n") != 3 {
			t.Errorf("%v: %q, %v; want 3 lines", mode, out, err)
		}
	}
	const line = "the cat sat"
	out, _, err := runCLI(t, strings.NewReader(line+"\n"), append([]string{"translate", "--nbest", "1"}, ens...)...)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := openEnsemble([]string{"runs/a", "runs/b"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := []float64{0.75, 0.25}
	s, err := translate.NewEnsembleSearcher(translate.Ensemble[float32]{Models: []*model.Seq2Seq[float32]{ms[0].Net, ms[1].Net}, Weights: w},
		translate.FromConfig(ms[0].Config.Translate))
	if err != nil {
		t.Fatal(err)
	}
	srcs := [][]int32{ms[0].Src.Encode(line), ms[1].Src.Encode(line)}
	if slices.Equal(srcs[0], srcs[1]) {
		t.Fatalf("both source tokenizers give %v: the test shows nothing", srcs[0])
	}
	h := s.Search([]translate.Source{{Tokens: srcs[0], Others: srcs[1:]}})[0][0]
	if f0 := "F0= " + strconv.FormatFloat(h.LogProb, 'f', 6, 64) + " |||"; !strings.Contains(out, f0) {
		t.Errorf("n-best %q: want %s", out, f0)
	}
	want := 0.0
	for i, m := range ms {
		nll, _ := m.Net.Eval(m.Net.NewWorkspace(), pairBatch(srcs[i], h.Tokens))
		want -= w[i] * nll
	}
	if math.Abs(h.LogProb-want) > 1e-4 {
		t.Errorf("F0 %g, want Σᵢ wᵢ·log pᵢ = %g", h.LogProb, want)
	}
	os.WriteFile("test.src", []byte(threeLines), 0o644)
	os.WriteFile("test.ref", []byte("кошка сидела\n\nодин два три четыре\n"), 0o644)
	cfg := rundirtest.Config("a", 80)
	cfg.Data.Test.Src, cfg.Data.Test.Refs = "test.src", []string{"test.ref"}
	if err := (rundir.Run{Dir: filepath.Join("runs", "a")}).WriteConfig(cfg); err != nil {
		t.Fatal(err)
	}
	if out, stderr, err := runCLI(t, nil, append([]string{"eval", "--beam", "2"}, ens...)...); err != nil ||
		!strings.Contains(out, "BLEU|nrefs:1|") || !strings.Contains(stderr, "runs/a + runs/b") {
		t.Errorf("eval with an ensemble: %q, %q, %v", out, stderr, err)
	}
}

// pairBatch is a batch of one sentence pair.
func pairBatch(src, tgt []int32) *model.Batch {
	in := append([]int32{corpora.BOS}, tgt...)
	out := append(append([]int32(nil), tgt...), corpora.EOS)
	return &model.Batch{B: 1, S: len(src), T: len(in), Src: src, SrcLen: []int{len(src)},
		TgtIn: in, TgtOut: out, TgtLen: []int{len(in)}}
}

// TestEnsembleErrors: another target vocabulary names both tokenizer
// files; --weights needs one weight > 0 per model (a usage error naming
// the flag), for translate, eval and serve alike.
func TestEnsembleErrors(t *testing.T) {
	ensembleRuns(t)
	_, _, err := runCLI(t, strings.NewReader("x\n"), "translate", "--model", "runs/a", "--model", "runs/c")
	want := filepath.Join("runs", "a", rundir.TgtTokenizer) + " and " + filepath.Join("runs", "c", rundir.TgtTokenizer) + ": target vocabularies differ"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("mismatched targets: %v; want %q", err, want)
	}
	for _, args := range [][]string{
		{"--weights", "1,1"}, {"--model", "runs/a", "--model", "runs/b", "--weights", "1"},
		{"--model", "runs/a", "--model", "runs/b", "--weights", "1,0"}, {"--model", "runs/a", "--model", "runs/b", "--weights", "1,x"},
		{"--model", "runs/a", "--model", "runs/b", "--weights", "1,-2"},
	} {
		for _, cmd := range []string{"translate", "eval", "serve"} {
			_, _, err := runCLI(t, strings.NewReader("x\n"), append([]string{cmd}, args...)...)
			var u usageError
			if !errors.As(err, &u) || !strings.Contains(err.Error(), "--weights") {
				t.Errorf("%s %v: %v; want a usage error naming --weights", cmd, args, err)
			}
		}
	}
}

// TestServeEnsembleSIGHUP runs `s2s serve` with two models in a child
// process (as TestServeSIGTERM does): it names both, SIGHUP reloads both,
// GET /v1/info lists both with their weights, and SIGTERM stops it.
func TestServeEnsembleSIGHUP(t *testing.T) {
	ensembleRuns(t)
	cmd, first, logs, err := startServe(t, "serve", "--model", "runs/a", "--model", "runs/b", "--weights", "1,3", "--addr", "127.0.0.1:0", "--threads", "1")
	m := regexp.MustCompile(`^serving runs/a \+ runs/b .* at (http://\S+)/\n$`).FindStringSubmatch(first)
	if err != nil || m == nil {
		t.Fatalf("first line %q (%v), want both models and the URL; stderr:\n%s", first, err, logs.String())
	}
	cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, logs, `msg=reloaded dir="runs/a runs/b"`)
	resp, err := http.Get(m[1] + "/v1/info")
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		Models []struct {
			Name   string
			Weight float64
		}
	}
	err = json.NewDecoder(resp.Body).Decode(&info)
	resp.Body.Close()
	if err != nil || len(info.Models) != 2 || info.Models[0].Name != "a" || info.Models[1].Name != "b" || info.Models[1].Weight != 0.75 {
		t.Errorf("info %+v (%v): want a with 0.25 and b with 0.75", info, err)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGTERM: %v; stderr:\n%s", err, logs.String())
	}
}
