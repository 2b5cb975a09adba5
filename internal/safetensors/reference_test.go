package safetensors

import (
	"bytes"
	"errors"
	"testing"
)

// The vectors below are copied from the tests of the reference
// implementation, huggingface/safetensors, safetensors/src/tensor.rs
// (test_serialization, test_serialization_forced_alignement, test_empty,
// test_zero_sized_tensor, test_empty_shapes_allowed, and the rejection
// tests), commit 000a16f45cff0d4169ca15b67ea002895234d671. They are the
// bytes Python's safetensors writes and the files it accepts and refuses.

var zeroToFive = []float32{0, 1, 2, 3, 4, 5}

func TestWriteMatchesReference(t *testing.T) {
	for _, tc := range []struct {
		name string
		ts   []Tensor[float32]
		meta map[string]string
		want []byte
	}{
		{"test_serialization", []Tensor[float32]{{Name: "attn.0", Shape: []int{1, 2, 3}, Data: zeroToFive}}, nil, []byte{
			64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
			116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
			58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
			101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
			0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64}},
		{"test_serialization_forced_alignement", []Tensor[float32]{{Name: "attn0", Shape: []int{1, 1, 2, 3}, Data: zeroToFive}}, nil, []byte{
			72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116,
			121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
			91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
			115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32,
			32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
			160, 64}},
		{"test_empty", nil, nil, []byte{8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32}},
		{"test_empty metadata", nil, map[string]string{"framework": "pt"}, []byte{
			40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
			95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
			116, 34, 125, 125, 32, 32, 32, 32, 32}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, tc.ts, tc.meta); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), tc.want) {
				t.Errorf("got\n%q\nwant\n%q", b.Bytes(), tc.want)
			}
		})
	}
}

// i32Header is the reference tests' header of one 2×2 I32 tensor.
const i32Header = "<\x00\x00\x00\x00\x00\x00\x00{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}"

var zeros16 = string(make([]byte, 16))

func TestParseReference(t *testing.T) {
	for _, tc := range []struct {
		name  string
		file  string
		valid bool
	}{
		{"test_deserialization", i32Header + zeros16, true},
		{"test_zero_sized_tensor", "<\x00\x00\x00\x00\x00\x00\x00{\"test\":{\"dtype\":\"I32\",\"shape\":[2,0],\"data_offsets\":[0, 0]}}", true},
		{"test_empty_shapes_allowed", "8\x00\x00\x00\x00\x00\x00\x00{\"test\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[0,4]}}\x00\x00\x00\x00", true},
		{"test_whitespace_padded_header", "\x06\x00\x00\x00\x00\x00\x00\x00{}\x0D\x20\x09\x0A", true},
		{"test_header_too_small", "", false},
		{"test_invalid_header_length", "<\x00\x00\x00\x00\x00\x00\x00", false},
		{"test_invalid_header_non_utf8", "\x01\x00\x00\x00\x00\x00\x00\x00\xff", false},
		{"test_invalid_header_not_json", "\x01\x00\x00\x00\x00\x00\x00\x00{", false},
		{"test_invalid_info", "<\x00\x00\x00\x00\x00\x00\x00{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0, 4]}}", false},
		{"test_validation_overflow shape", "O\x00\x00\x00\x00\x00\x00\x00{\"test\":{\"dtype\":\"I32\",\"shape\":[2,18446744073709551614],\"data_offsets\":[0,16]}}" + zeros16, false},
		{"test_validation_overflow size", "N\x00\x00\x00\x00\x00\x00\x00{\"test\":{\"dtype\":\"I32\",\"shape\":[2,9223372036854775807],\"data_offsets\":[0,16]}}" + zeros16, false},
		{"test_metadata_incomplete_buffer extra", i32Header + zeros16 + "extra_bogus_data_for_polyglot_file", false},
		{"test_metadata_incomplete_buffer missing", i32Header + zeros16[:14], false},
		{"test_header_too_large", "<\x00\x00\x00\x00\xff\xff\xff" + i32Header[8:] + zeros16, false},
		{"test_json_attack", jsonAttack(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.name, []byte(tc.file))
			if tc.valid && err != nil {
				t.Errorf("refused a valid file: %v", err)
			}
			if !tc.valid && !errors.Is(err, ErrCorrupt) {
				t.Errorf("err = %v, want ErrCorrupt", err)
			}
		})
	}
}

// jsonAttack is test_json_attack: ten 2×2 F32 tensors all at [0,16].
func jsonAttack() string {
	hdr := "{"
	for i := range 10 {
		if i > 0 {
			hdr += ","
		}
		hdr += `"weight_` + string(rune('0'+i)) + `":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}`
	}
	return string(raw(hdr+"}", []byte(zeros16)))
}
