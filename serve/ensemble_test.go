package serve

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/s2s-nmt/s2s/configs"
	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/s2s-nmt/s2s/rundir/rundirtest"
	"github.com/s2s-nmt/s2s/translate"
)

// writeOwnSource writes into dir a tiny en→ru model with its own source
// tokenizer (280 pieces) and the target tokenizer of writeModel's (300),
// and opens it.
func writeOwnSource(t *testing.T, dir string, seed uint64) *Model {
	t.Helper()
	cfg := rundirtest.Config("own-source", testMaxLen)
	cfg.Data.SrcLang, cfg.Data.TgtLang = "en", "ru"
	rundirtest.WriteWith(t, dir, cfg, rundirtest.Tokenizer(t, 280), rundirtest.Tokenizer(t, 300), seed)
	m, err := rundir.Open[float32](dir, configs.Load)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestEnsembleServer: a server of two models with their own source
// tokenizers, weighted 2:1, answers POST /v1/translate as translate.Stream
// translates with the same ensemble, and GET /v1/info keeps the first
// model's fields and lists both with their weights. A reload loads every
// model; one to another target vocabulary is refused and the old models
// keep serving.
func TestEnsembleServer(t *testing.T) {
	tmp := t.TempDir()
	dirA, dirB := filepath.Join(tmp, "a"), filepath.Join(tmp, "b")
	a, b := writeModel(t, dirA, 1), writeOwnSource(t, dirB, 2)
	cfg := testConfig()
	cfg.Weights = []float64{2, 1}
	s, err := NewEnsemble([]*Model{a, b}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	h := s.Handler()
	lines := []string{"the cat sat on the mat", "a dog ate the bone", "one two three"}
	var got TranslateResponse
	postJSON(t, h, "/v1/translate", mustJSON(t, map[string]any{"q": lines, "beam": 2})).decode(t, &got)
	opt := translate.FromConfig(a.Config.Translate)
	opt.Beam = 2
	st := &translate.Stream[float32]{Model: a.Net, Others: []*model.Seq2Seq[float32]{b.Net}, Weights: cfg.Weights,
		Options: opt, BatchSize: 4, Workers: 1, Format: translate.Format{Src: a.Src, Tgt: a.Tgt},
		Input: translate.Input{Tok: a.Src, MaxLen: testMaxLen, Others: []translate.SourceTok{{Tok: b.Src, MaxLen: testMaxLen}}}}
	want, err := st.Lines(lines)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Translations, want) {
		t.Errorf("ensemble server %q, want translate.Stream's %q", got.Translations, want)
	}
	var info Info
	do(t, h, "GET", "/v1/info", "", "").decode(t, &info)
	if info.ID != a.ID || info.Name != "tiny" || len(info.Models) != 2 || info.Models[0].ID != a.ID || info.Models[1].ID != b.ID ||
		info.Models[1].Vocabulary.Source != 280 || info.Models[0].Weight != 2.0/3 || info.Models[1].Weight != 1.0/3 {
		t.Errorf("info %+v: want the first model's fields and both models, weights 2/3 and 1/3", info)
	}

	if err := s.Reload(dirB, dirA); err != nil {
		t.Fatal(err)
	}
	if ms := s.Models(); len(ms) != 2 || ms[0].ID != b.ID || ms[1].ID != a.ID {
		t.Errorf("after reloading b, a: serving %v", idList(ms))
	}
	dirC := filepath.Join(tmp, "c")
	writeOther(t, dirC) // another target vocabulary
	err = s.Reload(dirA, dirC)
	if err == nil || !strings.Contains(err.Error(), "target vocabularies differ") || !strings.Contains(err.Error(), dirC) {
		t.Errorf("reload to another target vocabulary: %v", err)
	}
	if ms := s.Models(); len(ms) != 2 || ms[0].ID != b.ID {
		t.Errorf("after a refused reload: serving %v, want b, a", idList(ms))
	}
	if err := s.Reload(dirA); err == nil || !strings.Contains(err.Error(), "2 weights for 1 models") {
		t.Errorf("reload of one model with two weights: %v", err)
	}
}
