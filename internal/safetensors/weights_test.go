package safetensors

import (
	"path/filepath"
	"testing"

	"github.com/s2s-nmt/s2s/internal/mat"
)

func TestSaveWeightsStoresBiasesAsVectors(t *testing.T) {
	var set mat.Set[float32]
	set.Add("dec.layers.0.W_ih", 3, 2, mat.Zeros, 0)
	set.Add("dec.layers.0.b_ih", 1, 3, mat.Zeros, 0)
	set.Add("dec.attention.v", 1, 4, mat.Zeros, 0) // a (1, A) matrix, not a bias
	set.Alloc()
	for i := range set.W {
		set.W[i] = float32(i)
	}
	path := filepath.Join(t.TempDir(), "w.safetensors")
	if err := SaveWeights(path, &set, nil); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]int{"dec.layers.0.W_ih": {3, 2}, "dec.layers.0.b_ih": {3}, "dec.attention.v": {1, 4}} {
		in, _ := f.Lookup(name)
		if len(in.Shape) != len(want) || in.Shape[0] != want[0] {
			t.Errorf("%s stored with shape %v, want %v", name, in.Shape, want)
		}
	}
	var back mat.Set[float32]
	back.Add("dec.layers.0.W_ih", 3, 2, mat.Zeros, 0)
	back.Add("dec.layers.0.b_ih", 1, 3, mat.Zeros, 0)
	back.Add("dec.attention.v", 1, 4, mat.Zeros, 0)
	back.Alloc()
	if _, err := LoadSet(path, &back); err != nil {
		t.Fatal(err)
	}
	for i := range set.W {
		if back.W[i] != set.W[i] {
			t.Fatalf("weight %d: %v after the round trip, want %v", i, back.W[i], set.W[i])
		}
	}
}
