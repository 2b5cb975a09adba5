package safetensors

import (
	"errors"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/s2s-nmt/s2s/internal/mat"
)

// newSet builds a small model-like set: a matrix, a bias row and an
// attention vector, initialised from seed.
func newSet(seed uint64) *mat.Set[float32] {
	var s mat.Set[float32]
	s.Add("encoder.layers.0.fwd.W_ih", 6, 4, mat.Uniform, 0.5)
	s.Add("encoder.layers.0.fwd.b_ih", 1, 6, mat.Uniform, 0.5)
	s.Add("attention.v", 1, 3, mat.Uniform, 0.5)
	s.Alloc()
	s.Init(rand.New(rand.NewPCG(seed, seed)))
	return &s
}

func TestSetRoundTrip(t *testing.T) {
	src := newSet(1)
	m := make([]float32, src.Len())
	for i := range m {
		m[i] = float32(i) / 7
	}
	copy(src.G, m[1:])
	path := filepath.Join(t.TempDir(), "ckpt.safetensors")
	meta := map[string]string{"step": "42"}
	extras := []Extra[float32]{{"adam.m.", m}, {"grad.", src.G}}
	if err := SaveSet(path, src, meta, extras...); err != nil {
		t.Fatal(err)
	}

	dst := newSet(2)
	m2 := make([]float32, dst.Len())
	got, err := LoadSet(path, dst, Extra[float32]{"adam.m.", m2}, Extra[float32]{"grad.", dst.G})
	if err != nil {
		t.Fatal(err)
	}
	if got["step"] != "42" {
		t.Errorf("metadata %v", got)
	}
	if !slices.Equal(dst.W, src.W) || !slices.Equal(m2, m) || !slices.Equal(dst.G, src.G) {
		t.Error("weights, moments or gradients differ after the round trip")
	}
	f, _ := Open(path)
	var names []string
	for _, in := range f.Tensors() {
		names = append(names, in.Name)
	}
	want := []string{
		"encoder.layers.0.fwd.W_ih", "encoder.layers.0.fwd.b_ih", "attention.v",
		"adam.m.encoder.layers.0.fwd.W_ih", "adam.m.encoder.layers.0.fwd.b_ih", "adam.m.attention.v",
		"grad.encoder.layers.0.fwd.W_ih", "grad.encoder.layers.0.fwd.b_ih", "grad.attention.v",
	}
	if !slices.Equal(names, want) {
		t.Errorf("stored order %v, want %v", names, want)
	}
}

// TestLoadSetBiasLayout loads a file that stores the 1×6 bias as (6), as
// PyTorch does.
func TestLoadSetBiasLayout(t *testing.T) {
	src := newSet(1)
	ts, _ := SetTensors(src)
	ts[1].Shape = []int{6}
	path := filepath.Join(t.TempDir(), "pt.safetensors")
	WriteFile(path, ts, nil)
	dst := newSet(2)
	if _, err := LoadSet(path, dst); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(dst.W, src.W) {
		t.Error("weights differ")
	}
}

func TestLoadSetErrors(t *testing.T) {
	dir := t.TempDir()
	src := newSet(1)
	full, _ := SetTensors(src)
	write := func(name string, ts []Tensor[float32]) string {
		p := filepath.Join(dir, name)
		if err := WriteFile(p, ts, nil); err != nil {
			t.Fatal(err)
		}
		return p
	}
	misshapen := slices.Clone(full)
	misshapen[0].Shape = []int{4, 6}
	for _, tc := range []struct {
		name string
		path string
		want error
		says string
	}{
		{"missing", write("missing", full[:2]), ErrMissing, `"attention.v"`},
		{"extra", write("extra", append(slices.Clone(full), Tensor[float32]{Name: "decoder.x", Shape: []int{1}, Data: []float32{1}})), ErrUnexpected, `"decoder.x"`},
		{"shape", write("shape", misshapen), ErrShape, `"encoder.layers.0.fwd.W_ih": shape [4 6], want [6 4]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := newSet(2)
			before := slices.Clone(dst.W)
			_, err := LoadSet(tc.path, dst)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.says) || !strings.Contains(err.Error(), tc.path) {
				t.Errorf("%q does not name %s and the file", err, tc.says)
			}
			if !slices.Equal(dst.W, before) {
				t.Error("a failed load changed the weights")
			}
		})
	}
	t.Run("dtype", func(t *testing.T) {
		var s64 mat.Set[float64]
		s64.Add("encoder.layers.0.fwd.W_ih", 6, 4, mat.Zeros, 0)
		s64.Add("encoder.layers.0.fwd.b_ih", 1, 6, mat.Zeros, 0)
		s64.Add("attention.v", 1, 3, mat.Zeros, 0)
		s64.Alloc()
		p := filepath.Join(dir, "f64")
		SaveSet(p, &s64, nil)
		if _, err := LoadSet(p, src); !errors.Is(err, ErrDtype) {
			t.Errorf("F64 file into a float32 set: err = %v, want ErrDtype", err)
		}
		// The other way widens without loss.
		if _, err := LoadSet(write("f32", full), &s64); err != nil || s64.W[0] != float64(src.W[0]) {
			t.Errorf("F32 file into a float64 set: %v", err)
		}
	})
	t.Run("short slab", func(t *testing.T) {
		if err := SaveSet(filepath.Join(dir, "x"), src, nil, Extra[float32]{"m.", make([]float32, 3)}); err == nil {
			t.Error("no error for a short extra slab")
		}
	})
}
