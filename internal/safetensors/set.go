package safetensors

import (
	"errors"
	"fmt"
	"slices"

	"github.com/s2s-nmt/s2s/internal/mat"
)

// Extra is a slab laid out like a Set's weights — one run of Rows·Cols
// values per parameter, in list order — such as the gradients (Set.G) or an
// optimiser's moments. It is stored as one tensor per parameter named
// Prefix + the parameter's name, e.g. Prefix "adam.m." gives
// "adam.m.encoder.layers.0.fwd.W_ih".
type Extra[F mat.Float] struct {
	Prefix string
	Slab   []F // Set.Len() values
}

// SetTensors returns the tensors SaveSet writes, aliasing the set: every
// parameter's W under its Name with shape (Rows, Cols), in list order, then
// each extra's tensors in list order. It returns an error if an extra's Slab
// is not Set.Len() long.
func SetTensors[F mat.Float](set *mat.Set[F], extras ...Extra[F]) ([]Tensor[F], error) {
	ts := make([]Tensor[F], 0, len(set.List)*(1+len(extras)))
	for _, p := range set.List {
		ts = append(ts, Tensor[F]{Name: p.Name, Shape: []int{p.W.Rows, p.W.Cols}, Data: p.W.Data})
	}
	for _, e := range extras {
		if len(e.Slab) != set.Len() {
			return nil, fmt.Errorf("safetensors: extra %q: slab of %d values, set has %d", e.Prefix, len(e.Slab), set.Len())
		}
		off := 0
		for _, p := range set.List {
			n := p.W.Rows * p.W.Cols
			ts = append(ts, Tensor[F]{Name: e.Prefix + p.Name, Shape: []int{p.W.Rows, p.W.Cols}, Data: e.Slab[off : off+n]})
			off += n
		}
	}
	return ts, nil
}

// SaveSet writes the set's weights and the extras (see SetTensors) with meta
// to path, atomically.
func SaveSet[F mat.Float](path string, set *mat.Set[F], meta map[string]string, extras ...Extra[F]) error {
	ts, err := SetTensors(set, extras...)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return WriteFile(path, ts, meta)
}

// LoadSet reads path into the set's weights and the extras (see FillSet)
// and returns the file's metadata.
func LoadSet[F mat.Float](path string, set *mat.Set[F], extras ...Extra[F]) (map[string]string, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	return f.Metadata, FillSet(set, f, extras...)
}

// FillSet fills every parameter's W, and each extra's slab, from the
// tensors SetTensors names. The file must hold exactly those tensors: a
// missing, unexpected, misshapen or narrowing-dtype tensor is an error
// (ErrMissing, ErrUnexpected, ErrShape, ErrDtype), and all of them are
// reported together. A (Rows, Cols) parameter with Rows = 1 may also be
// stored with shape (Cols), PyTorch's layout for a bias. Everything is
// checked before anything is written: on error the set is unchanged.
func FillSet[F mat.Float](set *mat.Set[F], f *File, extras ...Extra[F]) error {
	return FillSetExcept(set, f, nil, extras...)
}

// FillSetExcept is FillSet for a file that stores some tensors in another
// form, read by other means: a parameter whose name other accepts is left
// unchanged, and a stored tensor whose name other accepts is not
// unexpected. A nil other accepts none.
func FillSetExcept[F mat.Float](set *mat.Set[F], f *File, other func(name string) bool, extras ...Extra[F]) error {
	ts, err := SetTensors(set, extras...)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	if other == nil {
		other = func(string) bool { return false }
	}
	ts = slices.DeleteFunc(ts, func(t Tensor[F]) bool { return other(t.Name) })
	var errs []error
	want := make(map[string]bool, len(ts))
	for i, t := range ts {
		want[t.Name] = true
		in, ok := f.Lookup(t.Name)
		if ok && isBias(in.Shape, t.Shape) {
			ts[i].Shape = in.Shape
		}
		if _, err := check[F](f, t.Name, ts[i].Shape); err != nil {
			errs = append(errs, err)
		}
	}
	for _, in := range f.tensors {
		if !want[in.Name] && !other(in.Name) {
			errs = append(errs, fmt.Errorf("%s: tensor %q: %w", f.Path, in.Name, ErrUnexpected))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	for _, t := range ts {
		in, _ := f.Lookup(t.Name)
		decode(t.Data, in.Dtype, f.data[in.Begin:in.End])
	}
	return nil
}

// isBias reports whether stored is (C) for a wanted (1, C).
func isBias(stored, want []int) bool {
	return len(want) == 2 && want[0] == 1 && slices.Equal(stored, want[1:])
}
