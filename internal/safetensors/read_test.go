package safetensors

import (
	"bytes"
	"encoding/binary"
	"errors"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// raw builds a file from a header and data without checking or padding.
func raw(hdr string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(hdr)))
	return append(append(b, hdr...), data...)
}

func roundTrip[F interface{ ~float32 | ~float64 }](t *testing.T, n int) {
	t.Helper()
	var ts []Tensor[F]
	for i := range n {
		shape := []int{i%3 + 1, i%5 + 2}
		if i%7 == 0 {
			shape = []int{i % 4} // including an empty tensor
		}
		data := make([]F, prod(shape))
		for j := range data {
			data[j] = F(math.Sin(float64(i*100+j)) * 1e3)
		}
		ts = append(ts, Tensor[F]{Name: "layer." + string(rune('a'+i%26)) + "." + strings.Repeat("x", i/26), Shape: shape, Data: data})
	}
	meta := map[string]string{"step": "1200", "note": "ünïcode \"quoted\""}
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := WriteFile(path, ts, meta); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(f.Metadata, meta) {
		t.Errorf("metadata %v, want %v", f.Metadata, meta)
	}
	infos := f.Tensors()
	if len(infos) != n {
		t.Fatalf("%d tensors, want %d", len(infos), n)
	}
	for i, want := range ts {
		if infos[i].Name != want.Name {
			t.Errorf("tensor %d is %q, want %q (write order)", i, infos[i].Name, want.Name)
		}
		got, err := Get[F](f, want.Name)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Shape, want.Shape) || !slices.Equal(got.Data, want.Data) {
			t.Errorf("%s: got %v %v, want %v %v", want.Name, got.Shape, got.Data, want.Shape, want.Data)
		}
		dst := make([]F, len(want.Data))
		if err := Fill(dst, f, want.Name, want.Shape...); err != nil || !slices.Equal(dst, want.Data) {
			t.Errorf("Fill %s: %v, %v", want.Name, err, dst)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 60} {
		t.Run("F32", func(t *testing.T) { roundTrip[float32](t, n) })
		t.Run("F64", func(t *testing.T) { roundTrip[float64](t, n) })
	}
}

// TestReadHalf reads F16 and BF16 values whose bits are worked out by hand
// from IEEE 754 binary16 and bfloat16 (the top half of a float32).
func TestReadHalf(t *testing.T) {
	f16 := []uint16{0x3c00, 0xc000, 0x3555, 0x0001, 0x7c00, 0x0000, 0x8000, 0x7bff}
	want16 := []float32{1, -2, 0.333251953125, 5.960464477539063e-08, float32(math.Inf(1)), 0, float32(math.Copysign(0, -1)), 65504}
	bf := []uint16{0x3f80, 0xc040, 0x3eab}
	wantBF := []float32{1, -3, 0.333984375}
	var data []byte
	for _, h := range append(slices.Clone(f16), bf...) {
		data = binary.LittleEndian.AppendUint16(data, h)
	}
	hdr := `{"h":{"dtype":"F16","shape":[8],"data_offsets":[0,16]},"b":{"dtype":"BF16","shape":[3],"data_offsets":[16,22]}}`
	f, err := Parse("half", raw(hdr, data))
	if err != nil {
		t.Fatal(err)
	}
	h, _ := Get[float32](f, "h")
	for i := range want16 {
		if math.Float32bits(h.Data[i]) != math.Float32bits(want16[i]) {
			t.Errorf("F16 %#04x = %v, want %v", f16[i], h.Data[i], want16[i])
		}
	}
	b, _ := Get[float64](f, "b")
	for i := range wantBF {
		if b.Data[i] != float64(wantBF[i]) {
			t.Errorf("BF16 %#04x = %v, want %v", bf[i], b.Data[i], wantBF[i])
		}
	}
	nan, _ := Parse("nan", raw(`{"n":{"dtype":"F16","shape":[],"data_offsets":[0,2]}}`, []byte{0x00, 0x7e}))
	if n, _ := Get[float32](nan, "n"); !math.IsNaN(float64(n.Data[0])) {
		t.Errorf("F16 0x7e00 = %v, want NaN", n.Data[0])
	}
}

func TestGetErrors(t *testing.T) {
	var b bytes.Buffer
	Write(&b, []Tensor[float64]{{Name: "w", Shape: []int{2, 3}, Data: make([]float64, 6)}}, nil)
	f, err := Parse("ckpt/model.safetensors", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	i64, _ := Parse("ints", raw(`{"i":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}`, make([]byte, 8)))
	for _, tc := range []struct {
		name  string
		err   error
		want  error
		texts []string
	}{
		{"missing", Fill(make([]float64, 6), f, "v", 2, 3), ErrMissing, []string{"ckpt/model.safetensors", `"v"`}},
		{"shape", Fill(make([]float64, 6), f, "w", 3, 2), ErrShape, []string{`"w"`, "[2 3]", "[3 2]"}},
		{"narrowing", Fill(make([]float32, 6), f, "w", 2, 3), ErrDtype, []string{`"w"`, "F64", "F32"}},
		{"integer", second(Get[float64](i64, "i")), ErrDtype, []string{"ints", `"i"`, "I64"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !errors.Is(tc.err, tc.want) {
				t.Fatalf("err = %v, want %v", tc.err, tc.want)
			}
			for _, s := range tc.texts {
				if !strings.Contains(tc.err.Error(), s) {
					t.Errorf("%q does not mention %s", tc.err, s)
				}
			}
		})
	}
}

func second[T any](_ T, err error) error { return err }

// TestInt8RoundTrip writes F32 and I8 tensors together and reads each
// back, with the I8 tensors after the F32 ones in the data.
func TestInt8RoundTrip(t *testing.T) {
	var b bytes.Buffer
	fs := []Tensor[float32]{{Name: "w.scale", Shape: []int{2}, Data: []float32{0.5, 0.25}}}
	is := []Int8Tensor{{Name: "w", Shape: []int{2, 3}, Data: []int8{-127, 0, 1, 127, -1, 5}}}
	if err := WriteInt8(&b, fs, is, nil); err != nil {
		t.Fatal(err)
	}
	f, err := Parse("mixed.safetensors", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	q, err := GetInt8(f, "w", 2, 3)
	if err != nil || !slices.Equal(q, is[0].Data) {
		t.Errorf("GetInt8: %v, %v; want %v", q, err, is[0].Data)
	}
	s, err := Get[float32](f, "w.scale")
	if err != nil || !slices.Equal(s.Data, fs[0].Data) {
		t.Errorf("Get: %v, %v", s.Data, err)
	}
	if _, err := Get[float32](f, "w"); !errors.Is(err, ErrDtype) {
		t.Errorf("Get of I8 as float32: %v, want ErrDtype", err)
	}
	if _, err := GetInt8(f, "w.scale", 2); !errors.Is(err, ErrDtype) {
		t.Errorf("GetInt8 of F32: %v, want ErrDtype", err)
	}
	if _, err := GetInt8(f, "w", 3, 2); !errors.Is(err, ErrShape) {
		t.Errorf("GetInt8 with the wrong shape: %v, want ErrShape", err)
	}
}
