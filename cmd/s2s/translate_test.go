package main

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/s2s-nmt/s2s/rundir/rundirtest"
)

// tinyRun makes a working directory holding runs/tiny, a random model
// with data.max_len maxLen, and runs/latest, and changes into it.
func tinyRun(t *testing.T, maxLen int) {
	t.Helper()
	t.Chdir(t.TempDir())
	rundirtest.Write(t, filepath.Join("runs", "tiny"), rundirtest.Config("tiny", maxLen), 3)
	if err := os.Symlink("tiny", filepath.Join("runs", "latest")); err != nil {
		t.Fatal(err)
	}
}

// runCLI runs s2s with the translate and eval commands on stdin and
// returns standard output and standard error.
func runCLI(t *testing.T, stdin io.Reader, args ...string) (string, string, error) {
	t.Helper()
	return runApp(t, stdin, args...)
}

const threeLines = "the cat sat\n\none two three four\n"

// TestTranslateLines: one line per input line, empty for empty, in order,
// whatever the batch size and threads.
func TestTranslateLines(t *testing.T) {
	tinyRun(t, 80)
	want, _, err := runCLI(t, strings.NewReader(threeLines), "translate", "--batch-size", "1")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(want, "\n")
	if len(lines) != 4 || lines[1] != "" || lines[0] == "" || lines[3] != "" {
		t.Fatalf("output %q: want 3 lines, the second empty", want)
	}
	for _, args := range [][]string{{"--batch-size", "3"}, {"--batch-size", "2", "--threads", "2"}, {"--model", "runs/tiny"}} {
		got, _, err := runCLI(t, strings.NewReader(threeLines), append([]string{"translate"}, args...)...)
		if err != nil || got != want {
			t.Errorf("%v: %q, %v; want %q", args, got, err, want)
		}
	}
	greedy, _, _ := runCLI(t, strings.NewReader(threeLines), "translate", "--greedy")
	beam1, _, _ := runCLI(t, strings.NewReader(threeLines), "translate", "--beam", "1")
	if greedy != beam1 {
		t.Errorf("greedy %q, beam 1 %q", greedy, beam1)
	}
}

// nbestRE matches a line of Marian's n-best format; a hypothesis (random
// bytes from a tiny model) may itself hold a "|".
var nbestRE = regexp.MustCompile(`^(\d+) \|\|\| (.*?) \|\|\| (?:([^|]*) \|\|\| )?F0= (-?\d+\.\d{6}) \|\|\| (-?\d+\.\d{6})$`)

// TestTranslateNBest: Marian's format, 0-based ids in order, best first,
// 1 to N entries per sentence, alignment field before the scores.
func TestTranslateNBest(t *testing.T) {
	tinyRun(t, 80)
	for _, args := range [][]string{{"--nbest", "3", "--beam", "4"}, {"--nbest", "2", "--sample", "--seed", "5"}, {"--nbest", "3", "--alignments", "hard"}} {
		out, _, err := runCLI(t, strings.NewReader(threeLines), append([]string{"translate"}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.Atoi(args[1])
		count := map[int]int{}
		last, prev := -1, 0.0
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			m := nbestRE.FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("%v: line %q is not in n-best format", args, line)
			}
			id, _ := strconv.Atoi(m[1])
			score, _ := strconv.ParseFloat(m[5], 64)
			if id < last || id == last && score > prev {
				t.Errorf("%v: line %q out of order", args, line)
			}
			if (m[3] != "") != (len(args) > 2 && args[2] == "--alignments") && id != 1 {
				t.Errorf("%v: alignment field %q", args, m[3])
			}
			last, prev = id, score
			count[id]++
		}
		for id := 0; id < 3; id++ {
			if count[id] < 1 || count[id] > n {
				t.Errorf("%v: sentence %d has %d entries", args, id, count[id])
			}
		}
	}
}

// TestTranslateAlignments: hard alignments are Pharaoh pairs within the
// word counts; soft ones one group per output token and EOS, one weight
// per source token, each group summing to 1; --scores adds two fields.
func TestTranslateAlignments(t *testing.T) {
	tinyRun(t, 80)
	hard, _, err := runCLI(t, strings.NewReader("the cat sat\n"), "translate", "--alignments", "hard", "--scores")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Split(strings.TrimSuffix(hard, "\n"), "\t")
	if len(f) != 4 || !regexp.MustCompile(`^\d+-\d+( \d+-\d+)*$`).MatchString(f[1]) {
		t.Fatalf("hard: %q", hard)
	}
	nt := len(strings.Fields(f[0]))
	for _, p := range strings.Fields(f[1]) {
		s, tgt, _ := strings.Cut(p, "-")
		si, _ := strconv.Atoi(s)
		ti, _ := strconv.Atoi(tgt)
		if si >= 3 || ti >= nt {
			t.Errorf("pair %s outside 3 source and %d output words", p, nt)
		}
	}
	soft, _, _ := runCLI(t, strings.NewReader("the cat sat\n"), "translate", "--alignments", "soft")
	f = strings.Split(strings.TrimSuffix(soft, "\n"), "\t")
	m, err := openModel("", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	srcLen := len(m.Src.Encode("the cat sat"))
	for _, g := range strings.Fields(f[1]) {
		ws := strings.Split(g, ",")
		sum := 0.0
		for _, w := range ws {
			x, _ := strconv.ParseFloat(w, 64)
			sum += x
		}
		if len(ws) != srcLen || sum < 0.999 || sum > 1.001 {
			t.Fatalf("soft group %q: %d weights summing to %v, want %d summing to 1", g, len(ws), sum, srcLen)
		}
	}
}

// TestTranslateWarnings: invalid UTF-8 is replaced and a line too long is
// truncated, each with a warning naming the line; neither is dropped.
func TestTranslateWarnings(t *testing.T) {
	tinyRun(t, 4)
	out, stderr, err := runCLI(t, strings.NewReader("the cat\n\xffcat\xfe\none two three four five one two\n"), "translate", "--greedy")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(out, "\n") != 3 {
		t.Errorf("output %q: want 3 lines", out)
	}
	for _, w := range []string{"standard input:2: invalid UTF-8", "standard input:3: ", "more than the model's data.max_len 4: truncated"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr %q lacks %q", stderr, w)
		}
	}
	if strings.Contains(stderr, "input:1:") {
		t.Errorf("warning for a clean line: %q", stderr)
	}
}

// TestTranslateStreams: a line is translated while the input is still
// open, once no other line has come for 100 ms.
func TestTranslateStreams(t *testing.T) {
	tinyRun(t, 80)
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- runTranslate(translateArgs{batchSize: 32}, inR, outW, io.Discard)
		outW.Close()
	}()
	lines := bufio.NewReader(outR)
	got := make(chan string, 1)
	go func() {
		l, _ := lines.ReadString('\n')
		got <- l
	}()
	io.WriteString(inW, "the cat sat\n")
	select {
	case l := <-got:
		if l == "" {
			t.Fatal("no output line")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no output within 10 s while the input stays open")
	}
	inW.Close()
	io.Copy(io.Discard, lines)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestTranslateFiles: -i and -o; the output file is written whole.
func TestTranslateFiles(t *testing.T) {
	tinyRun(t, 80)
	os.WriteFile("in.txt", []byte(threeLines), 0o644)
	want, _, _ := runCLI(t, strings.NewReader(threeLines), "translate")
	if _, _, err := runCLI(t, nil, "translate", "-i", "in.txt", "-o", "out.txt"); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile("out.txt"); string(got) != want {
		t.Errorf("out.txt %q, want %q", got, want)
	}
}

// TestTranslateErrors: no model, and usage errors (exit 2).
func TestTranslateErrors(t *testing.T) {
	t.Chdir(t.TempDir())
	_, _, err := runCLI(t, strings.NewReader("x\n"), "translate")
	if err == nil || !strings.Contains(err.Error(), "s2s train CONFIG") || !strings.Contains(err.Error(), "--model") {
		t.Errorf("no model: %v", err)
	}
	tinyRun(t, 80)
	for _, args := range [][]string{
		{"--greedy", "--sample"}, {"--top-k", "3"}, {"--greedy", "--nbest", "2"}, {"--alignments", "fuzzy"},
		{"--nbest", "9", "--beam", "2"}, {"--beam", "0"}, {"--sample", "--temperature", "-1"}, {"extra"},
	} {
		_, _, err := runCLI(t, strings.NewReader("x\n"), append([]string{"translate"}, args...)...)
		var u usageError
		if !errors.As(err, &u) {
			t.Errorf("%v: error %v, want a usage error", args, err)
		}
	}
}

// TestEvalTranslates: s2s eval without --ref translates data.test.src,
// writes runs/<name>/test.hyp and scores it against data.test.refs.
func TestEvalTranslates(t *testing.T) {
	t.Chdir(t.TempDir())
	cfg := rundirtest.Config("tiny", 80)
	os.WriteFile("test.src", []byte(threeLines), 0o644)
	os.WriteFile("test.ref", []byte("кошка сидела\n\nодин два три четыре\n"), 0o644)
	cfg.Data.Test.Src, cfg.Data.Test.Refs = "test.src", []string{"test.ref"}
	rundirtest.Write(t, filepath.Join("runs", "tiny"), cfg, 3)
	os.Symlink("tiny", filepath.Join("runs", "latest"))
	out, stderr, err := runCLI(t, nil, "eval", "--bleu", "--chrf", "--beam", "2")
	if err != nil {
		t.Fatal(err, stderr)
	}
	if !strings.Contains(out, "BLEU|nrefs:1|") || !strings.Contains(out, "\nchrF2|") {
		t.Errorf("output %q", out)
	}
	hyp, err := os.ReadFile(filepath.Join("runs", "tiny", "test.hyp"))
	if err != nil || strings.Count(string(hyp), "\n") != 3 {
		t.Errorf("test.hyp %q, %v", hyp, err)
	}
}

// TestDamagedWeightsRefused: a byte flipped in a run's model.safetensors
// is an error that names the file and says what to do; nothing is
// translated.
func TestDamagedWeightsRefused(t *testing.T) {
	tinyRun(t, 80)
	path := filepath.Join("runs", "tiny", "model.safetensors")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-5] ^= 0x10
	os.WriteFile(path, b, 0o644)
	out, _, err := runCLI(t, strings.NewReader("the cat sat\n"), "translate")
	if err == nil || !strings.Contains(err.Error(), "model.safetensors: modified") || !strings.Contains(err.Error(), "checkpoints") {
		t.Errorf("translate with damaged weights: %v", err)
	}
	if out != "" {
		t.Errorf("translated from damaged weights: %q", out)
	}
}
