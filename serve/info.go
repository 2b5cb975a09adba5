package serve

import (
	"net/http"

	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/translate"
)

// Info is the answer of GET /v1/info: what model is served. Its fields
// but Beam and Models describe the model, or an ensemble's first model.
type Info struct {
	ModelInfo
	// Beam is the default beam size of a request.
	Beam int `json:"beam"`
	// Models are every model served, in order, each with its weight
	// (normalised to sum to 1): one for a single model.
	Models []MemberInfo `json:"models"`
}

// MemberInfo is one model of the ensemble served and its weight.
type MemberInfo struct {
	ModelInfo
	Weight float64 `json:"weight"`
}

// ModelInfo describes one model.
type ModelInfo struct {
	Name      string    `json:"name"`
	Languages Languages `json:"languages"`
	// Architecture is the network's shape.
	Architecture Architecture `json:"architecture"`
	// Vocabulary is the size of each tokenizer's vocabulary.
	Vocabulary Vocabulary `json:"vocabulary"`
	// Parameters is the number of weights.
	Parameters int `json:"parameters"`
	// ID is the model's identity: the SHA-256 of its manifest. A reload
	// to other files changes it.
	ID string `json:"id"`
}

// Languages are the language codes a model translates from and into.
type Languages struct {
	Source string `json:"source"`
	Target string `json:"target"`
}

// Architecture is an encoder–decoder's shape.
type Architecture struct {
	Encoder EncoderInfo `json:"encoder"`
	Decoder DecoderInfo `json:"decoder"`
}

// EncoderInfo is the encoder's shape.
type EncoderInfo struct {
	Cell          string `json:"cell"`
	Layers        int    `json:"layers"`
	Bidirectional bool   `json:"bidirectional"`
	Emb           int    `json:"emb"`
	Hidden        int    `json:"hidden"`
}

// DecoderInfo is the decoder's shape.
type DecoderInfo struct {
	Cell          string `json:"cell"`
	Layers        int    `json:"layers"`
	Emb           int    `json:"emb"`
	Hidden        int    `json:"hidden"`
	Attention     string `json:"attention"`
	InputFeeding  bool   `json:"input_feeding"`
	Bridge        string `json:"bridge"`
	TieEmbeddings bool   `json:"tie_embeddings"`
}

// Vocabulary is the size of each tokenizer's vocabulary.
type Vocabulary struct {
	Source int `json:"source"`
	Target int `json:"target"`
}

func (s *Server) info(w http.ResponseWriter, r *http.Request) {
	b := s.cur.Load()
	beam := b.m.Config.Translate.Beam
	if s.cfg.Beam > 0 {
		beam = s.cfg.Beam
	}
	in := Info{ModelInfo: modelInfo(b.m), Beam: beam}
	nets := make([]*model.Seq2Seq[float32], len(b.ms))
	for i, m := range b.ms {
		nets[i] = m.Net
	}
	weights := translate.Ensemble[float32]{Models: nets, Weights: s.cfg.Weights}.Normalised()
	for i, m := range b.ms {
		in.Models = append(in.Models, MemberInfo{ModelInfo: modelInfo(m), Weight: weights[i]})
	}
	writeJSON(w, http.StatusOK, in)
}

// modelInfo describes m.
func modelInfo(m *Model) ModelInfo {
	e, d := m.Net.Cfg.Encoder, m.Net.Cfg.Decoder
	return ModelInfo{
		Name:      m.Config.Name,
		Languages: Languages{Source: m.Config.Data.SrcLang, Target: m.Config.Data.TgtLang},
		Architecture: Architecture{
			Encoder: EncoderInfo{Cell: string(e.Cell), Layers: e.Layers, Bidirectional: e.Bidirectional, Emb: e.Emb, Hidden: e.Hidden},
			Decoder: DecoderInfo{Cell: string(d.Cell), Layers: d.Layers, Emb: d.Emb, Hidden: d.Hidden, Attention: string(d.Attention),
				InputFeeding: d.InputFeeding, Bridge: string(d.Bridge), TieEmbeddings: d.TieEmbeddings},
		},
		Vocabulary: Vocabulary{Source: m.Src.VocabSize(), Target: m.Tgt.VocabSize()},
		Parameters: m.Params().Len(),
		ID:         m.ID,
	}
}
