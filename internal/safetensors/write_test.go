package safetensors

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
)

// TestWriteByteExact checks the writer against a file built by hand from
// the format's description: header length, header JSON with the metadata
// first, space padding to 8 bytes, then the little-endian data in order.
func TestWriteByteExact(t *testing.T) {
	ts := []Tensor[float32]{
		{Name: "b", Shape: []int{2}, Data: []float32{1, -2}},
		{Name: "a", Shape: []int{1, 1}, Data: []float32{0.5}},
	}
	meta := map[string]string{"z": "1", "format": "pt"}
	hdr := `{"__metadata__":{"format":"pt","z":"1"},` +
		`"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},` +
		`"a":{"dtype":"F32","shape":[1,1],"data_offsets":[8,12]}}`
	for len(hdr)%8 != 0 {
		hdr += " "
	}
	var want []byte
	want = binary.LittleEndian.AppendUint64(want, uint64(len(hdr)))
	want = append(want, hdr...)
	// IEEE 754 single: 1 = 0x3f800000, -2 = 0xc0000000, 0.5 = 0x3f000000.
	want = append(want, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x3f)

	var got bytes.Buffer
	if err := Write(&got, ts, meta); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("got\n%q\nwant\n%q", got.Bytes(), want)
	}
}

// TestWriteF64Empty checks F64 data and a file with no tensors: "{}"
// padded to 8 bytes.
func TestWriteF64Empty(t *testing.T) {
	var got bytes.Buffer
	Write[float64](&got, nil, nil)
	want := append(binary.LittleEndian.AppendUint64(nil, 8), "{}      "...)
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("empty file %q, want %q", got.Bytes(), want)
	}
	got.Reset()
	Write(&got, []Tensor[float64]{{Name: "x", Shape: []int{}, Data: []float64{math.Pi}}}, nil)
	tail := got.Bytes()[got.Len()-8:]
	if v := math.Float64frombits(binary.LittleEndian.Uint64(tail)); v != math.Pi {
		t.Errorf("scalar F64 stored as %v", v)
	}
	if !bytes.Contains(got.Bytes(), []byte(`"dtype":"F64","shape":[]`)) {
		t.Errorf("header %q lacks F64 scalar", got.Bytes())
	}
}

// TestWriteDeterministic writes the same inputs twice, with a metadata map
// of many keys (Go randomises map order), and expects the same bytes.
func TestWriteDeterministic(t *testing.T) {
	meta := map[string]string{}
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "<&>"} {
		meta[k] = k + "!"
	}
	ts := []Tensor[float32]{{Name: "w", Shape: []int{3}, Data: []float32{1, 2, 3}}}
	var x, y bytes.Buffer
	Write(&x, ts, meta)
	Write(&y, ts, meta)
	if !bytes.Equal(x.Bytes(), y.Bytes()) {
		t.Error("two writes of the same inputs differ")
	}
	if !bytes.Contains(x.Bytes(), []byte(`"<&>":"<&>!"`)) {
		t.Errorf("HTML characters escaped: %q", x.Bytes())
	}
}

func TestWriteErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		ts   []Tensor[float32]
	}{
		{"empty name", []Tensor[float32]{{Name: "", Shape: []int{1}, Data: []float32{1}}}},
		{"reserved name", []Tensor[float32]{{Name: "__metadata__", Shape: []int{1}, Data: []float32{1}}}},
		{"repeated name", []Tensor[float32]{{Name: "a", Shape: []int{1}, Data: []float32{1}}, {Name: "a", Shape: []int{1}, Data: []float32{1}}}},
		{"negative dim", []Tensor[float32]{{Name: "a", Shape: []int{-1}, Data: nil}}},
		{"short data", []Tensor[float32]{{Name: "a", Shape: []int{2, 2}, Data: []float32{1, 2, 3}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, tc.ts, nil); err == nil {
				t.Error("no error")
			}
			if b.Len() != 0 {
				t.Errorf("wrote %d bytes before failing", b.Len())
			}
		})
	}
}
