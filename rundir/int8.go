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
// as Save does, from the translation model net: each matrix its decoder
// multiplies by in search (decoder.StepMatrices: W_ih, W_hh, W_q, W_a,
// W_o) is stored as an I8 tensor (Rows, Cols) under its name, with its
// per-row scales as an F32 tensor (Rows) under the name + ScaleSuffix,
// quantized by gemm.QuantizeWeights: W[j,k] ≈ scale[j]·q[j,k]. Every
// other parameter (encoder, embeddings, biases, the attention's key and
// energy weights) stays F32. The manifest's precision is PrecisionInt8.
func SaveInt8(dir string, cfg Config, src, tgt *corpora.Tokenizer, net *model.Seq2Seq[float32], meta map[string]string) error {
	ms := net.Dec.StepMatrices()
	quant := make(map[string]bool, len(ms))
	var ints []safetensors.Int8Tensor
	var scales []safetensors.Tensor[float32]
	for _, m := range ms {
		quant[m.Name] = true
		q, s := make([]int8, m.W.Rows*m.W.Cols), make([]float32, m.W.Rows)
		gemm.QuantizeWeights(q, s, m.W.Rows, m.W.Cols, m.W.Data, m.W.Cols)
		ints = append(ints, safetensors.Int8Tensor{Name: m.Name, Shape: []int{m.W.Rows, m.W.Cols}, Data: q})
		scales = append(scales, safetensors.Tensor[float32]{Name: m.Name + ScaleSuffix, Shape: []int{m.W.Rows}, Data: s})
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

// loadInt8 reads the int8 weights file path (see SaveInt8) into m's
// translation model: the F32 parameters as they are, each quantized
// matrix dequantized (scale·q) into its fp32 parameter, and the int8
// matrices, packed as they are stored, as the decoder's StepW, so that
// search multiplies by exactly what decoder.QuantizeInt8 gives for the
// fp32 model they were quantized from.
func (m *Model[F, C]) loadInt8(path string) error {
	net, ok := any(m.Net).(*model.Seq2Seq[float32])
	if !ok || net == nil {
		return errors.New("an int8 model is a float32 translation model")
	}
	f, err := safetensors.Open(path)
	if err != nil {
		return err
	}
	m.Meta = f.Metadata
	ms := net.Dec.StepMatrices()
	quant := make(map[string]bool, 2*len(ms))
	for _, sm := range ms {
		quant[sm.Name], quant[sm.Name+ScaleSuffix] = true, true
	}
	if err := safetensors.FillSetExcept(net.Params(), f, func(name string) bool { return quant[name] }); err != nil {
		return err
	}
	params := make(map[string]bool, len(net.Params().List))
	for _, p := range net.Params().List {
		params[p.Name] = true
	}
	var errs []error
	w, _ := decoder.NewStepWeights(net.Dec, func(sm decoder.StepMatrix[float32]) (gemm.PackedB[float32], error) {
		rows, cols := sm.W.Rows, sm.W.Cols
		q, err := safetensors.GetInt8(f, sm.Name, rows, cols)
		if err != nil {
			errs = append(errs, err)
			q = make([]int8, rows*cols)
		}
		s := make([]float32, rows)
		if err := safetensors.Fill(s, f, sm.Name+ScaleSuffix, rows); err != nil {
			errs = append(errs, err)
		}
		if params[sm.Name] { // not the tied W_o: the embedding stays as stored
			for i, v := range q {
				sm.W.Data[i] = s[i/cols] * float32(v)
			}
		}
		p := new(gemm.Int8Packed)
		p.PackQuantized(cols, rows, q, s)
		return p, nil
	})
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	net.Dec.StepW = w
	return nil
}

// The precisions SetPrecision takes, spelt as translate.Precision spells
// them.
const (
	DecodeFP32 = "fp32"
	DecodeInt8 = "int8"
)

// SetPrecision makes the translation model search in precision p:
// DecodeInt8 quantizes an fp32 model's decoder once, here
// (decoder.QuantizeInt8), unless it is already int8; DecodeFP32 drops
// the quantized weights of an fp32 model. An int8 model (SaveInt8) has no
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
		net.Dec.StepW = nil
	case net.Dec.StepW == nil:
		net.Dec.StepW = decoder.QuantizeInt8(net.Dec)
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
