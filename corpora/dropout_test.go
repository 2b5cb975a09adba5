package corpora

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

// dropoutLines are the lines the BPE-dropout tests encode: smallLines, the
// golden lines of testdata/lines.json and odd input.
func dropoutLines(t testing.TB) []string {
	t.Helper()
	var golden []string
	data, err := os.ReadFile("testdata/lines.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &golden); err != nil {
		t.Fatal(err)
	}
	odd := []string{"", " ", "\t\t x", "a\r\nb", "\xff\xfe invalid \xc3", "a\x00b", strings.Repeat("ёж", 40),
		strings.Repeat("the", 30) + " " + strings.Repeat("a", 100), "'s 't 're 've 'm 'll 'd", "<pad><unk></s>"}
	return slices.Concat(smallLines, golden, odd)
}

// bytesOf returns the byte symbols of line, one per byte.
func bytesOf(tok *Tokenizer, line string) []int32 {
	var ids []int32
	for i := 0; i < len(line); i++ {
		ids = append(ids, tok.byteID[line[i]])
	}
	return ids
}

func TestDropoutZeroIsEncode(t *testing.T) {
	tok := loadTestTokenizer(t)
	added, err := Load("testdata/bpe-enru-dev-3k-added.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range []*Tokenizer{tok, added} {
		for _, line := range dropoutLines(t) {
			want := tk.Encode(line)
			if got := tk.EncodeDropout(line, 0, nil); !slices.Equal(got, want) {
				t.Errorf("p=0, %q: %v, Encode gives %v", line, got, want)
			}
			// The dropout path itself, with a p that no draw of 53 bits
			// is below unless it is 0 (one chance in 2⁵³ per draw).
			if got := tk.EncodeDropout(line, 1e-300, rand.NewPCG(1, 2)); !slices.Equal(got, want) {
				t.Errorf("p=1e-300, %q: %q, Encode gives %q", line, tk.Pieces(got), tk.Pieces(want))
			}
		}
	}
}

func TestDropoutOneSplitsIntoBytes(t *testing.T) {
	tok := loadTestTokenizer(t)
	ignore, err := ParseTokenizerJSON(bytes.Replace(mustJSON(tok), []byte(`"ignore_merges": false`), []byte(`"ignore_merges": true`), 1))
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range []*Tokenizer{tok, ignore} {
		for _, line := range dropoutLines(t) {
			if got := tk.EncodeDropout(line, 1, rand.NewPCG(1, 2)); !slices.Equal(got, bytesOf(tk, line)) {
				t.Errorf("p=1, %q: %q, want one symbol per byte", line, tk.Pieces(got))
			}
		}
	}
	// Added tokens stay whole, as in Encode.
	added, err := Load("testdata/bpe-enru-dev-3k-added.json")
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Concat([]int32{BOS}, bytesOf(added, " cat "), []int32{EOS})
	if got := added.EncodeDropout("<s> cat </s>", 1, rand.NewPCG(1, 2)); !slices.Equal(got, want) {
		t.Errorf("p=1 with added tokens: %v, want %v", got, want)
	}
}

func TestDropoutLossless(t *testing.T) {
	for _, tok := range []*Tokenizer{loadTestTokenizer(t), learnSmall(t, 400)} {
		for _, p := range []float64{0.1, 0.5, 0.9, 1} {
			rng := rand.NewPCG(3, uint64(p*10))
			for _, line := range dropoutLines(t) {
				ids := tok.EncodeDropout(line, p, rng)
				if got, err := tok.Decode(ids); err != nil || got != line {
					t.Errorf("p=%g: Decode(EncodeDropout(%q)) = %q, %v", p, line, got, err)
				}
			}
		}
	}
}

func TestDropoutDeterministic(t *testing.T) {
	tok := loadTestTokenizer(t)
	lines := dropoutLines(t)
	enc := func(seed uint64) [][]int32 {
		var out [][]int32
		rng := rand.NewPCG(seed, 0)
		for _, line := range lines {
			out = append(out, tok.EncodeDropout(line, 0.1, rng))
		}
		return out
	}
	a, b, c := enc(1), enc(1), enc(2)
	if !slices.EqualFunc(a, b, slices.Equal) {
		t.Error("the same seed gave different segmentations")
	}
	if slices.EqualFunc(a, c, slices.Equal) {
		t.Error("seeds 1 and 2 gave the same segmentations of every line")
	}
}

// TestDropoutSkipRate counts the drops drawn and taken while encoding
// the numbers corpus at p = 0.1: the share taken must be 0.1. Over more
// than 100k draws its standard deviation is below 0.001, so a tolerance
// of 0.005 fails only for a wrong rate.
func TestDropoutSkipRate(t *testing.T) {
	tok := loadTestTokenizer(t)
	m := merger{t: tok, p: 0.1, rng: rand.NewPCG(5, 5)}
	for _, pr := range NumbersEnRuCorpus(1).Train[:2000] {
		tok.appendWithAdded(nil, pr.Src+" "+pr.Tgt, m.word)
	}
	rate := float64(m.skips) / float64(m.decisions)
	t.Logf("%d drops in %d draws: %.4f", m.skips, m.decisions, rate)
	if m.decisions < 100000 || math.Abs(rate-0.1) > 0.005 {
		t.Errorf("%d drops in %d draws (%.4f), want 0.1 ± 0.005 over ≥ 100000", m.skips, m.decisions, rate)
	}
}

// eagerDropout is BPE-dropout as Provilkov et al. state it: at each step
// every applicable merge is dropped with probability p, the best remaining
// one (lowest rank, leftmost) is applied; none remaining ends the word.
func eagerDropout(t *Tokenizer, w string, p float64, rng *rand.Rand) []int32 {
	syms := bytesOf(t, w)
	for len(syms) > 1 {
		best, at := mergeTo{}, -1
		for i := 0; i+1 < len(syms); i++ {
			m, ok := t.rank[pairKey(syms[i], syms[i+1])]
			if ok && rng.Float64() >= p && (at < 0 || m.rank < best.rank) {
				best, at = m, i
			}
		}
		if at < 0 {
			break
		}
		syms[at] = best.id
		syms = append(syms[:at+1], syms[at+2:]...)
	}
	return syms
}

// TestDropoutMatchesEager samples the segmentations of a few words
// 20000 times each with the heap's lazy drops and with eagerDropout: the
// two distributions must agree. Sampling noise in the total variation
// distance is about 0.01 for the 20–60 segmentations of these words.
func TestDropoutMatchesEager(t *testing.T) {
	tok := loadTestTokenizer(t)
	const n, p = 20000, 0.3
	rng := rand.New(rand.NewPCG(9, 9))
	for _, w := range []string{" thousand", " hundred", " двести", " seventy"} {
		lazy, eager := map[string]float64{}, map[string]float64{}
		m := merger{t: tok, p: p, rng: rng}
		for range n {
			lazy[strings.Join(tok.Pieces(m.word(nil, w)), "|")] += 1.0 / n
			eager[strings.Join(tok.Pieces(eagerDropout(tok, w, p, rng)), "|")] += 1.0 / n
		}
		tv := 0.0
		for k := range lazy {
			tv += math.Abs(lazy[k]-eager[k]) / 2
		}
		for k := range eager {
			if _, ok := lazy[k]; !ok {
				tv += eager[k] / 2
			}
		}
		t.Logf("%q: %d segmentations, total variation %.4f", w, len(eager), tv)
		if len(eager) < 5 || tv > 0.03 {
			t.Errorf("%q: %d segmentations; lazy and eager drops differ by %.4f in total variation, want ≤ 0.03", w, len(eager), tv)
		}
	}
}
