package translate

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/decoder"
	"github.com/s2s-nmt/s2s/encoder"
	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/layer"
	"github.com/s2s-nmt/s2s/model"
)

func mustEnsemble[F float32 | float64](t testing.TB, e Ensemble[F], opt Options) *Searcher[F] {
	t.Helper()
	s, err := NewEnsembleSearcher(e, opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEnsembleOfItself: a model ensembled with itself (weights ½, ½)
// translates exactly as the model: ½x + ½x is x in float64, so the
// tokens, scores and alignments are bit-identical, in every mode.
func TestEnsembleOfItself(t *testing.T) {
	m := tinyModel[float32](t, cell.GRU, 1)
	srcs := randomSources(16, 9, 2)
	for _, opt := range []Options{testOptions(Beam, 4, 3), testOptions(Greedy, 1, 1), testOptions(Sample, 1, 2)} {
		want := mustSearcher(t, m, opt).Search(srcs)
		got := mustEnsemble(t, Ensemble[float32]{Models: []*model.Seq2Seq[float32]{m, m}}, opt).Search(srcs)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("mode %d: the ensemble of a model with itself differs from the model", opt.Mode)
		}
	}
}

// TestEnsembleStep: at every step of a beam search, the ensemble's
// log-probabilities are Σᵢ wᵢ·log pᵢ of the members' own, each member
// stepped alone along the same hypotheses; its alignments are the first
// member's.
func TestEnsembleStep(t *testing.T) {
	m1, m2 := tinyModel[float32](t, cell.GRU, 1), tinyModel[float32](t, cell.LSTM, 3)
	srcs := randomSources(5, 7, 4)
	idx := []int{0, 1, 2, 3, 4}
	opt := testOptions(Beam, 3, 1)
	e := mustEnsemble(t, Ensemble[float32]{Models: []*model.Seq2Seq[float32]{m1, m2}, Weights: []float64{3, 2}}, opt)
	s1, s2 := mustSearcher(t, m1, opt), mustSearcher(t, m2, opt)
	for _, s := range []*Searcher[float32]{e, s1, s2} {
		s.start(srcs, idx)
	}
	w := []float64{0.6, 0.4} // 3 and 2, normalised
	for t0 := 0; e.cur.len() > 0; t0++ {
		got, l1, l2 := e.step(), s1.step(), s2.step()
		for k, x := range got.Data {
			if want := float32(w[0]*float64(l1.Data[k]) + w[1]*float64(l2.Data[k])); x != want {
				t.Fatalf("step %d: combined log-prob [%d] = %g, want %g", t0, k, x, want)
			}
		}
		if !reflect.DeepEqual(e.ms[0].sw.Alpha(), s1.ms[0].sw.Alpha()) {
			t.Fatalf("step %d: the ensemble's attention is not its first member's", t0)
		}
		e.next.reset()
		e.expandBeam(got, t0)
		e.cur, e.next = e.next, e.cur
		if e.cur.len() == 0 {
			break
		}
		e.gather(e.cur.parent)
		for _, s := range []*Searcher[float32]{s1, s2} {
			s.cur = e.cur
			s.gather(e.cur.parent)
		}
	}
}

// constModel returns a model whose next-token log-probabilities are the
// same at every step, whatever the source: a simple RNN decoder without
// attention whose weights are zero but for the input bias (so h = tanh(1)
// at every step) and the first column of the output layer, logits/tanh(1)
// (−20/tanh(1) for the tokens logits leaves out).
func constModel(t testing.TB, srcVocab int, logits map[int32]float64) *model.Seq2Seq[float32] {
	cfg := model.DefaultConfig()
	cfg.Encoder = encoder.Config{Cell: cell.RNN, Layers: 1, Emb: 4, Hidden: 4}
	cfg.Decoder = decoder.Config{Cell: cell.RNN, Layers: 1, Emb: 4, Hidden: 4, Attention: layer.NoAttention, Bridge: decoder.BridgeNone}
	m, err := model.New[float32](cfg, srcVocab, tinyVocab, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Params().List {
		if strings.HasPrefix(p.Name, "decoder.") {
			p.W.Zero()
		}
	}
	for i := range 4 {
		m.Params().Lookup("decoder.layers.0.b_ih").W.Data[i] = 1
	}
	out := m.Params().Lookup("decoder.output.weight").W
	for v := range out.Rows {
		l, ok := logits[int32(v)]
		if !ok {
			l = -20
		}
		out.Row(v)[0] = float32(l / math.Tanh(1))
	}
	return m
}

// TestEnsembleDiffersFromMembers: with p₁ = (A .6, B .35, C .05) and
// p₂ = (A .05, B .35, C .6) at every step, the members choose A and C,
// while the average log-probability prefers B (log .35 ≈ −1.05 against
// (log .6 + log .05)/2 ≈ −1.75): the ensemble's translation is neither
// member's.
func TestEnsembleDiffersFromMembers(t *testing.T) {
	const a, b, c = 5, 6, 7
	lg := math.Log
	m1 := constModel(t, tinyVocab, map[int32]float64{a: lg(.6), b: lg(.35), c: lg(.05)})
	m2 := constModel(t, tinyVocab, map[int32]float64{a: lg(.05), b: lg(.35), c: lg(.6)})
	srcs := []Source{{Tokens: []int32{4, 5, 6}}}
	opt := testOptions(Beam, 3, 1)
	opt.MaxLenRatio, opt.MaxLenExtra = 1, 0 // three tokens, then EOS
	for _, tc := range []struct {
		name string
		e    Ensemble[float32]
		want []int32
	}{
		{"m1", Ensemble[float32]{Models: []*model.Seq2Seq[float32]{m1}}, []int32{a, a, a}},
		{"m2", Ensemble[float32]{Models: []*model.Seq2Seq[float32]{m2}}, []int32{c, c, c}},
		{"m1+m2", Ensemble[float32]{Models: []*model.Seq2Seq[float32]{m1, m2}}, []int32{b, b, b}},
	} {
		got := mustEnsemble(t, tc.e, opt).Search(srcs)[0][0].Tokens
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s translates to %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestEnsembleOwnSources: members with different source vocabularies
// each read their own ids (Source.Others); a member's empty source makes
// the sentence empty.
func TestEnsembleOwnSources(t *testing.T) {
	m1 := tinyModel[float32](t, cell.GRU, 1)
	m2 := constModel(t, 7, map[int32]float64{5: 0})
	e := Ensemble[float32]{Models: []*model.Seq2Seq[float32]{m1, m2}}
	srcs := randomSources(6, 5, 3)
	for i := range srcs {
		srcs[i].Others = [][]int32{[]int32{4, 5, 6}[:1+i%3]} // ids of the vocabulary of 7
	}
	srcs[5].Others[0] = nil
	got := mustEnsemble(t, e, testOptions(Beam, 2, 1)).Search(srcs)
	if len(got[5]) != 1 || len(got[5][0].Tokens) != 0 {
		t.Errorf("a source empty for the second member: got %v, want one empty hypothesis", got[5])
	}
	for i, h := range got[:5] {
		if len(h[0].Tokens) == 0 {
			t.Errorf("source %d: empty translation", i)
		}
	}
}

// TestEnsembleValidate: the weights are one per model, each > 0, and
// the models share the target vocabulary.
func TestEnsembleValidate(t *testing.T) {
	m := tinyModel[float32](t, cell.GRU, 1)
	other := tinyModel[float32](t, cell.GRU, 2)
	other.Dec.Vocab++ // another target vocabulary, as far as Validate reads
	ms := []*model.Seq2Seq[float32]{m, m}
	for _, tc := range []struct {
		e    Ensemble[float32]
		want string // "" when valid
	}{
		{Ensemble[float32]{Models: ms}, ""},
		{Ensemble[float32]{Models: ms, Weights: []float64{0.6, 0.4}}, ""},
		{Ensemble[float32]{}, "at least one model"},
		{Ensemble[float32]{Models: ms, Weights: []float64{1}}, "1 weights for 2 models"},
		{Ensemble[float32]{Models: ms, Weights: []float64{1, 0}}, "weight 2 is 0"},
		{Ensemble[float32]{Models: ms, Weights: []float64{math.NaN(), 1}}, "weight 1 is NaN"},
		{Ensemble[float32]{Models: []*model.Seq2Seq[float32]{m, other}}, "one target vocabulary"},
	} {
		err := tc.e.Validate()
		if (err == nil) != (tc.want == "") || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%d models, weights %v: error %v, want %q", len(tc.e.Models), tc.e.Weights, err, tc.want)
		}
	}
	if w := (Ensemble[float32]{Models: ms}).Normalised(); !reflect.DeepEqual(w, []float64{0.5, 0.5}) {
		t.Errorf("uniform weights %v, want [0.5 0.5]", w)
	}
}

// TestEnsembleBatchIndependence: an ensemble's translation of a sentence
// does not depend on the batch it is in.
func TestEnsembleBatchIndependence(t *testing.T) {
	e := Ensemble[float32]{Models: []*model.Seq2Seq[float32]{tinyModel[float32](t, cell.GRU, 1), tinyModel[float32](t, cell.LSTM, 3)},
		Weights: []float64{0.7, 0.3}}
	srcs := randomSources(12, 9, 5)
	s := mustEnsemble(t, e, testOptions(Beam, 3, 2))
	batch := s.Search(srcs)
	for i := range srcs {
		if alone := s.Search(srcs[i : i+1]); !reflect.DeepEqual(alone[0], batch[i]) {
			t.Errorf("sentence %d: alone %v, in a batch %v", i, alone[0], batch[i])
		}
	}
}

// TestStreamOwnTokenizers: a Stream over an ensemble whose models have
// their own source tokenizers (vocabularies of 280 and 300, which split
// the test lines differently) gives each model the ids of its own
// tokenizer, truncated to its own MaxLen: its n-best output equals a
// Searcher's on sources encoded by hand.
func TestStreamOwnTokenizers(t *testing.T) {
	lines := []string{"the cat sat on the mat", "", "кошка сидела на коврике", "a dog"}
	learn := func(v int) *corpora.Tokenizer {
		tok, err := corpora.Learn(corpora.LearnOptions{VocabSize: v, MinFrequency: 1}, lines)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	tok1, tok2, tgt := learn(280), learn(300), learn(290)
	if reflect.DeepEqual(tok1.Encode(lines[0]), tok2.Encode(lines[0])) {
		t.Fatal("the two source tokenizers split the line alike: the test shows nothing")
	}
	cfg := model.DefaultConfig()
	cfg.Encoder = encoder.Config{Cell: cell.GRU, Layers: 1, Bidirectional: true, Emb: 8, Hidden: 8}
	cfg.Decoder = decoder.Config{Cell: cell.GRU, Layers: 1, Emb: 8, Hidden: 12, Attention: layer.Bahdanau, Bridge: decoder.BridgeTanh}
	newModel := func(src *corpora.Tokenizer, seed uint64) *model.Seq2Seq[float32] {
		m, err := model.New[float32](cfg, src.VocabSize(), tgt.VocabSize(), rand.New(rand.NewPCG(seed, 1)))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m1, m2 := newModel(tok1, 1), newModel(tok2, 2)
	opt := testOptions(Beam, 3, 2)
	opt.MaxLenExtra = 3
	st := &Stream[float32]{Model: m1, Others: []*model.Seq2Seq[float32]{m2}, Weights: []float64{2, 1},
		Options: opt, BatchSize: 2, Workers: 1, Format: Format{NBest: true, Align: Hard, Src: tok1, Tgt: tgt},
		Input: Input{Tok: tok1, Others: []SourceTok{{Tok: tok2, MaxLen: 4}}, Name: "in"}}
	var warns strings.Builder
	st.Warn = &warns
	got, err := st.Lines(lines)
	if err != nil {
		t.Fatal(err)
	}
	s := mustEnsemble(t, Ensemble[float32]{Models: []*model.Seq2Seq[float32]{m1, m2}, Weights: []float64{2, 1}}, opt)
	var want []string
	for i, l := range lines {
		o := tok2.Encode(l)
		src := Source{Tokens: tok1.Encode(l), Others: [][]int32{o[:min(len(o), 4)]}, Line: i}
		out := st.Format.Append(nil, i, src.Tokens, s.Search([]Source{src})[0])
		want = append(want, strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")...)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stream output\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if w := warns.String(); !strings.Contains(w, "in:1: ") || !strings.Contains(w, "model 2's data.max_len 4") {
		t.Errorf("warnings %q: want line 1 truncated for model 2", w)
	}
}
