package bleu

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldenDir holds sacreBLEU 2.6.0's outputs; see testdata/README.md.
const goldenDir = "testdata/golden"

// goldenFile is the shape of testdata/golden/expected.json.
type goldenFile struct {
	Cases []goldenCase `json:"cases"`
}

type goldenCase struct {
	ID          string                               `json:"id"`
	Hyp         string                               `json:"hyp"`
	Refs        []string                             `json:"refs"`
	SHA256      map[string]string                    `json:"sha256"`
	ExpectError bool                                 `json:"expect_error"`
	Results     map[string]map[string]goldenExpected `json:"results"`
}

type goldenExpected struct {
	Args       []string  `json:"args"`
	Text       string    `json:"text"`
	JSON       string    `json:"json"`
	Score      float64   `json:"score"`
	Scores     []float64 `json:"scores"`
	Signature  string    `json:"signature"`
	SysLen     int       `json:"sys_len"`
	RefLen     int       `json:"ref_len"`
	Correct    []int     `json:"correct"`
	Total      []int     `json:"total"`
	Precisions []float64 `json:"precisions"`
	BP         float64   `json:"bp"`
	Ratio      float64   `json:"ratio"`
	Stats      [][3]int  `json:"stats"`
	RC         int       `json:"rc"`
	Error      string    `json:"error"`
}

// loadGolden reads expected.json and checks every input's SHA-256.
func loadGolden(t *testing.T) []goldenCase {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(goldenDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g goldenFile
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatal(err)
	}
	for _, c := range g.Cases {
		for name, want := range c.SHA256 {
			b, err := os.ReadFile(filepath.Join(goldenDir, c.ID, name))
			if err != nil {
				t.Fatal(err)
			}
			if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != want {
				t.Fatalf("%s/%s: SHA-256 differs from expected.json: the golden inputs were changed", c.ID, name)
			}
		}
	}
	if len(g.Cases) == 0 {
		t.Fatal("no golden cases")
	}
	return g.Cases
}

// readCase reads a case's hypothesis and reference streams as sacreBLEU does.
func readCase(t *testing.T, c goldenCase) (hyps []string, refs [][]string) {
	t.Helper()
	read := func(name string) []string {
		f, err := os.Open(filepath.Join(goldenDir, c.ID, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		lines, err := ReadLines(f, name, false)
		if err != nil {
			t.Fatal(err)
		}
		return lines
	}
	hyps = read(c.Hyp)
	for _, r := range c.Refs {
		refs = append(refs, read(r))
	}
	return hyps, refs
}

// goldenOptions maps a variant's sacreBLEU arguments to our options.
func goldenOptions(t *testing.T, args []string) (o Options, co ChrFOptions, sentence bool) {
	t.Helper()
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "--tokenize":
			i++
			o.Tokenize = Tokenizer(args[i])
		case "-lc":
			o.Lowercase = true
		case "--chrf-lowercase":
			co.Lowercase = true
		case "--smooth-method":
			i++
			o.Smooth = Smoothing(args[i])
		case "--chrf-word-order":
			i++
			co.WordOrder = int(args[i][0] - '0')
		case "-sl":
			sentence, o.EffectiveOrder = true, true
		default:
			t.Fatalf("unknown golden argument %q", args[i])
		}
	}
	return o, co, sentence
}

func TestGolden(t *testing.T) {
	for _, c := range loadGolden(t) {
		hyps, refs := readCase(t, c)
		for variant, metrics := range c.Results {
			for metric, want := range metrics {
				t.Run(c.ID+"/"+variant+"/"+metric, func(t *testing.T) {
					o, co, sentence := goldenOptions(t, want.Args)
					switch {
					case c.ExpectError:
						checkGoldenError(t, metric, hyps, refs, o, co, want)
					case sentence:
						checkGoldenSentences(t, metric, hyps, refs, o, co, want)
					case metric == "bleu":
						checkGoldenBLEU(t, hyps, refs, o, want)
					default:
						checkGoldenChrF(t, hyps, refs, co, want)
					}
				})
			}
		}
	}
}

func checkGoldenError(t *testing.T, metric string, hyps []string, refs [][]string, o Options, co ChrFOptions, want goldenExpected) {
	var err error
	if metric == "bleu" {
		_, err = Corpus(hyps, refs, o)
	} else {
		_, err = CorpusChrF(hyps, refs, co)
	}
	if !errors.Is(err, ErrLengthMismatch) || "sacreBLEU: "+err.Error() != want.Error || want.RC != 1 {
		t.Errorf("error = %v, want sacreBLEU's %q (rc %d)", err, want.Error, want.RC)
	}
}

func checkGoldenBLEU(t *testing.T, hyps []string, refs [][]string, o Options, want goldenExpected) {
	got, err := Corpus(hyps, refs, o)
	if err != nil {
		t.Fatal(err)
	}
	checkLine(t, "text", got.Format(1), want.Text)
	checkLine(t, "json", got.JSON(1), want.JSON)
	checkFloat(t, "score", got.Score, want.Score)
	checkFloat(t, "bp", got.BP, want.BP)
	checkFloat(t, "ratio", got.Ratio, want.Ratio)
	if got.HypLen != want.SysLen || got.RefLen != want.RefLen {
		t.Errorf("lengths = %d/%d, want %d/%d", got.HypLen, got.RefLen, want.SysLen, want.RefLen)
	}
	st, _ := corpusStats(hyps, refs, o)
	for n := range MaxOrder {
		if st.Correct[n] != want.Correct[n] || st.Total[n] != want.Total[n] {
			t.Errorf("order %d: correct/total = %d/%d, want %d/%d", n+1, st.Correct[n], st.Total[n], want.Correct[n], want.Total[n])
		}
		checkFloat(t, "precision", got.Precisions[n], want.Precisions[n])
	}
}

// corpusStats sums the unsmoothed statistics, as expected.json records them.
func corpusStats(hyps []string, refs [][]string, o Options) (Stats, error) {
	s, err := NewScorer(o)
	if err != nil {
		return Stats{}, err
	}
	for i, h := range hyps {
		seg := make([]string, len(refs))
		for k := range refs {
			seg[k] = refs[k][i]
		}
		s.Add(h, seg)
	}
	return s.Stats(), nil
}

func checkGoldenChrF(t *testing.T, hyps []string, refs [][]string, co ChrFOptions, want goldenExpected) {
	got, err := CorpusChrF(hyps, refs, co)
	if err != nil {
		t.Fatal(err)
	}
	checkLine(t, "text", got.Format(1), want.Text)
	checkLine(t, "json", got.JSON(1), want.JSON)
	checkFloat(t, "score", got.Score, want.Score)
	if len(got.Stats) != len(want.Stats) {
		t.Fatalf("stats has %d orders, want %d", len(got.Stats), len(want.Stats))
	}
	for i := range want.Stats {
		if got.Stats[i] != want.Stats[i] {
			t.Errorf("stats[%d] = %v, want %v", i, got.Stats[i], want.Stats[i])
		}
	}
}

func checkGoldenSentences(t *testing.T, metric string, hyps []string, refs [][]string, o Options, co ChrFOptions, want goldenExpected) {
	lines := strings.Split(want.Text, "\n")
	if len(lines) != len(hyps) || len(want.Scores) != len(hyps) {
		t.Fatalf("golden has %d lines and %d scores for %d hypotheses", len(lines), len(want.Scores), len(hyps))
	}
	for i, h := range hyps {
		seg := make([]string, len(refs))
		for k := range refs {
			seg[k] = refs[k][i]
		}
		var line string
		var score float64
		if metric == "bleu" {
			s, err := Sentence(h, seg, o)
			if err != nil {
				t.Fatal(err)
			}
			line, score = s.Format(1), s.Score
		} else {
			s, err := SentenceChrF(h, seg, co)
			if err != nil {
				t.Fatal(err)
			}
			line, score = s.Format(1), s.Score
		}
		checkLine(t, "line", line, lines[i])
		checkFloat(t, "score", score, want.Scores[i])
	}
}

func checkLine(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// checkFloat compares to within 1e-9, the tolerance the golden data asks for.
func checkFloat(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("%s = %.17g, want %.17g", what, got, want)
	}
}
