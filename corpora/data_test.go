package corpora

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// sharedData returns the path of rel in the shared data set, ../shared/data
// beside the repository (or shared/data inside it), skipping the test with
// the paths it looked for when the data set is absent.
func sharedData(tb testing.TB, rel string) string {
	tb.Helper()
	var tried []string
	for _, root := range []string{"../../shared/data", "../shared/data"} {
		p := filepath.Join(root, rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		abs, _ := filepath.Abs(p)
		tried = append(tried, abs)
	}
	tb.Skipf("shared data absent: neither %s exists", strings.Join(tried, " nor "))
	return ""
}

func readLines(tb testing.TB, path string) []string {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// BenchmarkLearnEnRu16k learns a joint 16k vocabulary on the 55k en-ru
// training pairs (target: ≤ 10 s and ≤ 500 MB).
func BenchmarkLearnEnRu16k(b *testing.B) {
	en := readLines(b, sharedData(b, "en-ru/train.en"))
	ru := readLines(b, sharedData(b, "en-ru/train.ru"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Learn(LearnOptions{VocabSize: 16000, MinFrequency: 2}, en, ru); err != nil {
			b.Fatal(err)
		}
	}
}

func loadTestTokenizer(tb testing.TB) *Tokenizer {
	tb.Helper()
	tok, err := Load("testdata/bpe-enru-dev-3k.json")
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

// TestRoundTripEnRu decodes back every line of the shared en-ru dev and
// test sets exactly.
func TestRoundTripEnRu(t *testing.T) {
	tok := loadTestTokenizer(t)
	for _, f := range []string{"en-ru/dev.en", "en-ru/dev.ru", "en-ru/test.en", "en-ru/test.ru"} {
		for i, line := range readLines(t, sharedData(t, f)) {
			if got, err := tok.Decode(tok.Encode(line)); err != nil || got != line {
				t.Fatalf("%s:%d: decode(encode) = %q, %v", f, i+1, got, err)
			}
		}
	}
}

// TestLongLineNoSpaces round-trips a 100 KB line without spaces, the case
// that is quadratic in naive BPE encoders.
func TestLongLineNoSpaces(t *testing.T) {
	tok := loadTestTokenizer(t)
	line := strings.Repeat("ёжикВтумане", 100000/len("ёжикВтумане"))
	if got, _ := tok.Decode(tok.Encode(line)); got != line {
		t.Fatal("a long line did not round-trip")
	}
}

// TestConcurrentEncode encodes from many goroutines at once (run with -race)
// and checks every result against a sequential encoding.
func TestConcurrentEncode(t *testing.T) {
	seq := loadTestTokenizer(t)
	par := loadTestTokenizer(t)
	lines := append(append([]string{}, smallLines...), "the the the", "ёлка ёлка", "они ёлку")
	want := make([][]int32, len(lines))
	for i, l := range lines {
		want[i] = seq.Encode(l)
	}
	got := EncodeLines(append(append(append([]string{}, lines...), lines...), lines...), par)
	for i, g := range got {
		if !slices.Equal(g, want[i%len(lines)]) {
			t.Fatalf("line %q encoded differently in parallel", lines[i%len(lines)])
		}
	}
}

// BenchmarkEncodeEnRu encodes the en-ru training lines on one goroutine
// with the 16k vocabulary; lines/s is per core (target: ≥ 30,000).
func BenchmarkEncodeEnRu(b *testing.B) {
	en := readLines(b, sharedData(b, "en-ru/train.en"))
	ru := readLines(b, sharedData(b, "en-ru/train.ru"))
	tok, err := Learn(LearnOptions{VocabSize: 16000, MinFrequency: 2}, en, ru)
	if err != nil {
		b.Fatal(err)
	}
	lines := append(en[:10000:10000], ru[:10000]...)
	for _, bc := range []struct {
		name string
		tok  func() *Tokenizer
	}{{"warm", func() *Tokenizer { return tok }}, {"cold", func() *Tokenizer { t, _ := ParseTokenizerJSON(mustJSON(tok)); return t }}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var dst []int32
			n := 0
			for b.Loop() {
				b.StopTimer()
				t := bc.tok()
				b.StartTimer()
				for _, l := range lines {
					dst = t.AppendEncode(dst[:0], l)
				}
				n += len(lines)
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}

func mustJSON(t *Tokenizer) []byte {
	data, _ := t.MarshalJSON()
	return data
}

// BenchmarkEncodeNoSpaces encodes one line without spaces of each size;
// the time per byte should stay flat (O(n log n)).
func BenchmarkEncodeNoSpaces(b *testing.B) {
	tok := loadTestTokenizer(b)
	for _, size := range []int{1 << 10, 1 << 14, 1 << 20} {
		line := strings.Repeat("abcdefghij", size/10)
		b.Run(fmt.Sprintf("bytes=%d", size), func(b *testing.B) {
			b.SetBytes(int64(len(line)))
			for b.Loop() {
				tok.Encode(line)
			}
		})
	}
}
