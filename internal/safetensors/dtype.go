// Package safetensors reads and writes the safetensors format
// (https://huggingface.co/docs/safetensors), the weight format of s2s model
// directories and checkpoints, so that Python's safetensors can load them.
//
// A file is an 8-byte little-endian header length N, N bytes of JSON header,
// then the tensor data. The header maps each tensor name to
// {"dtype","shape","data_offsets":[begin,end]} (offsets relative to the start
// of the data) and may hold a "__metadata__" map of strings. This writer pads
// the header with spaces so the data starts at a multiple of 8, lays tensors
// out in the order given, and writes the same bytes for the same inputs.
// The reader checks every rule of the format and never panics on a corrupt
// file; its errors name the file and the tensor.
package safetensors

import (
	"encoding/binary"
	"errors"
	"math"
	"unsafe"

	"github.com/s2s-nmt/s2s/internal/mat"
)

// Dtype is a safetensors element type, as spelt in the header.
type Dtype string

// The element types this package decodes. Others (I64, U8, …) are accepted
// in a header but cannot be read into floats; I8 is read by GetInt8 alone.
const (
	I8   Dtype = "I8"
	F16  Dtype = "F16"
	BF16 Dtype = "BF16"
	F32  Dtype = "F32"
	F64  Dtype = "F64"
)

// Errors that reading can wrap, for errors.Is.
var (
	ErrCorrupt    = errors.New("corrupt safetensors file")
	ErrMissing    = errors.New("tensor missing")
	ErrUnexpected = errors.New("unexpected tensor")
	ErrShape      = errors.New("wrong shape")
	ErrDtype      = errors.New("wrong dtype")
)

// dtypeSize holds the byte size of every dtype the format defines.
var dtypeSize = map[Dtype]int{
	"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1,
	"I16": 2, "U16": 2, F16: 2, BF16: 2,
	"I32": 4, "U32": 4, F32: 4,
	"I64": 8, "U64": 8, F64: 8,
}

// dtypeOf returns the dtype that holds F exactly: F32 or F64.
func dtypeOf[F mat.Float]() Dtype {
	var z F
	if unsafe.Sizeof(z) == 8 {
		return F64
	}
	return F32
}

// canRead reports whether stored elements of dtype dt convert to F without
// loss: the same dtype, or a narrower float (F16, BF16, F32 into float64;
// F16, BF16 into float32).
func canRead[F mat.Float](dt Dtype) bool {
	switch dt {
	case F16, BF16:
		return true
	case F32:
		return true
	case F64:
		return dtypeOf[F]() == F64
	}
	return false
}

// decode converts src, little-endian elements of dtype dt, into dst
// (len(dst) elements). canRead[F](dt) must hold.
func decode[F mat.Float](dst []F, dt Dtype, src []byte) {
	le := binary.LittleEndian
	switch dt {
	case F16:
		for i := range dst {
			dst[i] = F(half(le.Uint16(src[2*i:])))
		}
	case BF16:
		for i := range dst {
			dst[i] = F(math.Float32frombits(uint32(le.Uint16(src[2*i:])) << 16))
		}
	case F32:
		for i := range dst {
			dst[i] = F(math.Float32frombits(le.Uint32(src[4*i:])))
		}
	case F64:
		for i := range dst {
			dst[i] = F(math.Float64frombits(le.Uint64(src[8*i:])))
		}
	}
}

// encode writes src as little-endian elements of F's own dtype into dst
// (len(src)·size bytes).
func encode[F mat.Float](dst []byte, src []F) {
	le := binary.LittleEndian
	if dtypeOf[F]() == F64 {
		for i, v := range src {
			le.PutUint64(dst[8*i:], math.Float64bits(float64(v)))
		}
		return
	}
	for i, v := range src {
		le.PutUint32(dst[4*i:], math.Float32bits(float32(v)))
	}
}

// half converts IEEE 754 binary16 bits to float32 (exactly: every half is
// a float32), subnormals, infinities and NaNs included.
func half(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: frac·2⁻²⁴
		v := float32(frac) * (1.0 / (1 << 24))
		if sign != 0 {
			v = -v
		}
		return v
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
}
