package safetensors

import (
	"fmt"
	"io"
	"strings"

	"github.com/s2s-nmt/s2s/internal/mat"
)

// biasSuffixes name the parameters PyTorch stores as vectors.
var biasSuffixes = []string{".bias", ".b_ih", ".b_hh"}

// isBiasName reports whether a (1, C) parameter is a bias by its name.
func isBiasName(name string) bool {
	for _, s := range biasSuffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// SaveWeights writes the set's weights to path atomically, as
// WriteWeights lays them out.
func SaveWeights[F mat.Float](path string, set *mat.Set[F], meta map[string]string) error {
	ts, err := WeightTensors(set)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return WriteFile(path, ts, meta)
}

// WriteWeights writes the set's weights to w as SaveSet does, except that
// biases (names ending in .bias, .b_ih or .b_hh) are stored with shape
// (C), as PyTorch stores them, so that Python users can load them as they
// are. LoadSet reads them back into the (1, C) parameters.
func WriteWeights[F mat.Float](w io.Writer, set *mat.Set[F], meta map[string]string) error {
	ts, err := WeightTensors(set)
	if err != nil {
		return err
	}
	return Write(w, ts, meta)
}

// WeightTensors returns the tensors WriteWeights writes, aliasing the
// set: SetTensors's, with biases as vectors.
func WeightTensors[F mat.Float](set *mat.Set[F]) ([]Tensor[F], error) {
	ts, err := SetTensors(set)
	if err != nil {
		return nil, err
	}
	for i, t := range ts {
		if len(t.Shape) == 2 && t.Shape[0] == 1 && isBiasName(t.Name) {
			ts[i].Shape = []int{t.Shape[1]}
		}
	}
	return ts, nil
}
