package rundir

import (
	"errors"
	"fmt"
	"maps"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/decoder"
	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/internal/safetensors"
	"github.com/s2s-nmt/s2s/model"
)

// ScaleSuffix ends the name of the F32 tensor that holds an I8 tensor's
// per-row scales in an int8 model's weights.
const ScaleSuffix = ".scale"

// SaveInt8 writes an int8 model directory at dir, which must not exist,
// as Save does, from the translation model net: each matrix of
// net.Int8Names (both embeddings and what its decoder multiplies by in
// search: W_ih, W_hh, W_q, W_a, W_o) is stored as an I8 tensor (Rows,
// Cols) under its name, with its per-row scales as an F32 tensor (Rows)
// under the name + ScaleSuffix, quantized by gemm.QuantizeWeights:
// W[j,k] ≈ scale[j]·q[j,k]. With tied embeddings the target embedding is
// W_o and is stored once. Every other parameter (the encoder's cells, the
// bridge, biases, the attention's key and energy weights) stays F32. The
// manifest's precision is PrecisionInt8.
func SaveInt8(dir string, cfg Config, src, tgt *corpora.Tokenizer, net *model.Seq2Seq[float32], meta map[string]string) error {
	names := net.Int8Names()
	quant := make(map[string]bool, len(names))
	var ints []safetensors.Int8Tensor
	var scales []safetensors.Tensor[float32]
	for _, name := range names {
		quant[name] = true
		w := net.Params().Lookup(name).W
		q, s := make([]int8, w.Rows*w.Cols), make([]float32, w.Rows)
		gemm.QuantizeWeights(q, s, w.Rows, w.Cols, w.Data, w.Cols)
		ints = append(ints, safetensors.Int8Tensor{Name: name, Shape: []int{w.Rows, w.Cols}, Data: q})
		scales = append(scales, safetensors.Tensor[float32]{Name: name + ScaleSuffix, Shape: []int{w.Rows}, Data: s})
	}
	ts, err := safetensors.WeightTensors(net.Params())
	if err != nil {
		return err
	}
	var fs []safetensors.Tensor[float32]
	for _, t := range ts {
		if !quant[t.Name] {
			fs = append(fs, t)
		}
	}
	fs = append(fs, scales...)
	meta = maps.Clone(meta)
	if meta == nil {
		meta = map[string]string{}
	}
	meta["precision"] = PrecisionInt8
	return saveDir(dir, cfg, src, tgt, PrecisionInt8, func(path string) error {
		return safetensors.WriteFileInt8(path, fs, ints, meta)
	})
}

// openInt8 builds m's translation model for int8 search alone
// (model.NewInt8, config at cfgPath) and loads the int8 weights file path
// into it.
func (m *Model[F, C]) openInt8(path, cfgPath string) error {
	mc := m.Config.ModelConfig()
	net, err := model.NewInt8(mc, m.Src.VocabSize(), m.Tgt.VocabSize())
	if err != nil {
		return fmt.Errorf("%s: %w", cfgPath, err)
	}
	var ok bool
	if m.Net, ok = any(net).(*model.Seq2Seq[F]); !ok {
		return fmt.Errorf("%s: an int8 model is a float32 translation model", cfgPath)
	}
	if err := m.loadInt8(path, net); err != nil {
		return fmt.Errorf("%s: weights do not fit the model of %s: %w", path, cfgPath, err)
	}
	return nil
}

// loadInt8 reads the int8 weights file path (see SaveInt8) into net, a
// model.NewInt8: the F32 parameters as they are, and the int8 matrices as
// its model.Int8 (SetInt8), the decoder's packed as they are stored, so
// that search uses exactly what model.QuantizeInt8 gives for the fp32
// model they were quantized from. No fp32 copy of an int8 matrix is made.
func (m *Model[F, C]) loadInt8(path string, net *model.Seq2Seq[float32]) error {
	f, err := safetensors.Open(path)
	if err != nil {
		return err
	}
	m.Meta = f.Metadata
	names := net.Int8Names()
	quant := make(map[string]bool, 2*len(names))
	for _, name := range names {
		quant[name], quant[name+ScaleSuffix] = true, true
	}
	if err := safetensors.FillSetExcept(net.Params(), f, func(name string) bool { return quant[name] }); err != nil {
		return err
	}
	var errs []error
	tables := make(map[string]*gemm.Int8Rows, len(names))
	for _, name := range names {
		w := net.Params().Lookup(name).W
		q, err := safetensors.GetInt8(f, name, w.Rows, w.Cols)
		if err != nil {
			errs = append(errs, err)
			q = make([]int8, w.Rows*w.Cols)
		}
		s := make([]float32, w.Rows)
		if err := safetensors.Fill(s, f, name+ScaleSuffix, w.Rows); err != nil {
			errs = append(errs, err)
		}
		tables[name] = gemm.NewInt8Rows(w.Rows, w.Cols, q, s)
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	step, _ := decoder.NewStepWeights(net.Dec, func(sm decoder.StepMatrix[float32]) (gemm.PackedB[float32], error) {
		t := tables[sm.Name]
		p := new(gemm.Int8Packed)
		p.PackQuantized(t.K, t.N, t.Q, t.Scale)
		return p, nil
	})
	w := model.Int8{Step: step, SrcEmb: tables[net.Enc.Emb.W.Name], TgtEmb: tables[net.Dec.Embed.W.Name]}
	if net.Dec.Cfg.TieEmbeddings {
		w.TgtEmb = step.Out.(*gemm.Int8Packed)
	}
	model.SetInt8(net, w)
	return nil
}

// The precisions SetPrecision takes, spelt as translate.Precision spells
// them.
const (
	DecodeFP32 = "fp32"
	DecodeInt8 = "int8"
)

// SetPrecision makes the translation model search in precision p:
// DecodeInt8 quantizes an fp32 model's decoder and embeddings once, here
// (model.QuantizeInt8), unless it is already int8; DecodeFP32 drops the
// quantized weights of an fp32 model. An int8 model (SaveInt8) has no
// fp32 weights to go back to: DecodeFP32 is an error naming it.
func (m *Model[F, C]) SetPrecision(p string) error {
	if p != DecodeFP32 && p != DecodeInt8 {
		return fmt.Errorf("precision %q is not one of fp32, int8", p)
	}
	net, ok := any(m.Net).(*model.Seq2Seq[float32])
	switch {
	case m.Precision == PrecisionInt8 && p == DecodeFP32:
		return fmt.Errorf("%s is an int8 model (s2s quantize): precision fp32 needs the fp32 weights; use the model it was quantized from", m.Dir)
	case !ok || net == nil:
		if p == DecodeInt8 {
			return fmt.Errorf("%s: int8 decoding needs a float32 translation model", m.Dir)
		}
	case p == DecodeFP32:
		model.SetInt8(net, model.Int8{})
	case net.Dec.StepW == nil:
		model.SetInt8(net, model.QuantizeInt8(net))
	}
	return nil
}

// NeedFP32 returns an error naming m unless its weights are fp32: an int8
// model (SaveInt8) cannot serve what, a command that needs the fp32
// weights (training from it, averaging, reading neurons).
func (v Verified) NeedFP32(what string) error {
	if v.Precision != PrecisionInt8 {
		return nil
	}
	return fmt.Errorf("%s is an int8 model (s2s quantize): %s needs the fp32 weights; use the model it was quantized from", v.Dir, what)
}
