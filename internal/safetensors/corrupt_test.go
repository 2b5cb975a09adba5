package safetensors

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// f32 is a header entry for an F32 tensor.
func f32(name, shape string, b, e int) string {
	return `"` + name + `":{"dtype":"F32","shape":[` + shape + `],"data_offsets":[` + itoa(b) + `,` + itoa(e) + `]}`
}

func itoa(i int) string { return joinInts([]int{i}) }

func TestParseCorrupt(t *testing.T) {
	eight := make([]byte, 8)
	for _, tc := range []struct {
		name string
		file []byte
		says []string // substrings the error must contain
	}{
		{"empty", nil, []string{"truncated"}},
		{"short length", []byte{1, 2, 3}, []string{"truncated"}},
		{"header beyond file", raw(`{}`, nil)[:9], []string{"header length 2 beyond"}},
		{"not an object", raw(`[1]`, nil), []string{"'{'"}},
		{"bad json", raw(`{"a":`, nil), []string{`"a"`}},
		{"garbage after object", raw(`{} x`, nil), []string{"after the JSON object"}},
		{"repeated tensor", raw(`{`+f32("a", "1", 0, 4)+`,`+f32("a", "1", 4, 8)+`}`, eight), []string{`"a" repeated`}},
		{"repeated metadata", raw(`{"__metadata__":{},"__metadata__":{}}`, nil), []string{"repeated"}},
		{"metadata not strings", raw(`{"__metadata__":{"k":1}}`, nil), []string{"__metadata__"}},
		{"unknown dtype", raw(`{"a":{"dtype":"F31","shape":[1],"data_offsets":[0,4]}}`, eight[:4]), []string{`"a"`, `"F31"`}},
		{"no dtype", raw(`{"a":{"shape":[1],"data_offsets":[0,4]}}`, eight[:4]), []string{`"a"`, "no dtype"}},
		{"no shape", raw(`{"a":{"dtype":"F32","data_offsets":[0,4]}}`, eight[:4]), []string{`"a"`, "no shape"}},
		{"negative dim", raw(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, eight[:4]), []string{`"a"`}},
		{"three offsets", raw(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}`, eight[:4]), []string{`"a"`, "3 numbers"}},
		{"offsets past end", raw(`{`+f32("w", "2", 0, 8)+`}`, eight[:4]), []string{`"w"`, "out of range"}},
		{"offsets reversed", raw(`{`+f32("w", "1", 4, 0)+`}`, eight[:4]), []string{`"w"`, "out of range"}},
		{"span mismatch", raw(`{`+f32("w", "3", 0, 8)+`}`, eight), []string{`"w"`, "needs 12"}},
		{"overlap", raw(`{`+f32("a", "2", 0, 8)+`,`+f32("b", "1", 4, 8)+`}`, eight), []string{`"b"`, "overlap"}},
		{"hole", raw(`{`+f32("a", "1", 4, 8)+`}`, eight), []string{`"a"`, "hole of 4 bytes"}},
		{"trailing data", raw(`{`+f32("a", "1", 0, 4)+`}`, eight), []string{"4 bytes after the last tensor"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("dir/x.safetensors", tc.file)
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err = %v, want ErrCorrupt", err)
			}
			for _, s := range append(tc.says, "dir/x.safetensors") {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("%q does not say %s", err, s)
				}
			}
		})
	}
}

// TestTruncated cuts a valid file at every length: each cut is refused
// with ErrCorrupt, and Open names the file.
func TestTruncated(t *testing.T) {
	var b bytes.Buffer
	Write(&b, []Tensor[float32]{
		{Name: "a", Shape: []int{2, 3}, Data: make([]float32, 6)},
		{Name: "b", Shape: []int{4}, Data: make([]float32, 4)},
	}, map[string]string{"k": "v"})
	full := b.Bytes()
	for n := range len(full) {
		if _, err := Parse("cut", full[:n]); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("cut at %d of %d: err = %v, want ErrCorrupt", n, len(full), err)
		}
	}
	path := filepath.Join(t.TempDir(), "model.safetensors")
	os.WriteFile(path, full[:len(full)-1], 0o644)
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Open of a truncated file: %v", err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "none")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open of a missing file: %v", err)
	}
}

// FuzzParse checks that no input makes Parse panic and that what it
// accepts can be read back tensor by tensor.
func FuzzParse(f *testing.F) {
	var b bytes.Buffer
	Write(&b, []Tensor[float32]{{Name: "a", Shape: []int{2}, Data: []float32{1, 2}}}, map[string]string{"k": "v"})
	f.Add(b.Bytes())
	f.Add([]byte(i32Header + zeros16))
	f.Add([]byte(jsonAttack()))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz", data)
		if err != nil {
			return
		}
		for _, in := range file.Tensors() {
			Get[float64](file, in.Name)
		}
	})
}
