package safetensors

import (
	"fmt"
	"slices"

	"github.com/s2s-nmt/s2s/internal/mat"
)

// Tensors returns the stored tensors' descriptions in data order (the
// order they were written in).
func (f *File) Tensors() []Info { return slices.Clone(f.tensors) }

// Lookup returns the description of the named tensor and whether it exists.
func (f *File) Lookup(name string) (Info, bool) {
	i, ok := f.index[name]
	if !ok {
		return Info{}, false
	}
	return f.tensors[i], true
}

// Fill copies the named tensor into dst, whose shape is shape. The stored
// shape must equal shape (ErrShape otherwise) and the stored dtype must
// convert to F without loss: F32 or F64 as F itself, F16, BF16 and F32 widened
// (ErrDtype otherwise; F64 into float32 is refused). A missing tensor gives
// ErrMissing. Errors name the file and the tensor. Fill panics if len(dst)
// is not the product of shape.
func Fill[F mat.Float](dst []F, f *File, name string, shape ...int) error {
	if n := prod(shape); n != len(dst) {
		panic(fmt.Sprintf("safetensors: Fill: len(dst) %d for shape %v", len(dst), shape))
	}
	in, err := check[F](f, name, shape)
	if err != nil {
		return err
	}
	decode(dst, in.Dtype, f.data[in.Begin:in.End])
	return nil
}

// Get returns the named tensor in a fresh slice, converting its dtype as
// Fill does.
func Get[F mat.Float](f *File, name string) (Tensor[F], error) {
	in, err := check[F](f, name, nil)
	if err != nil {
		return Tensor[F]{}, err
	}
	t := Tensor[F]{Name: name, Shape: slices.Clone(in.Shape), Data: make([]F, in.Len())}
	decode(t.Data, in.Dtype, f.data[in.Begin:in.End])
	return t, nil
}

// check finds the named tensor and checks it can be read as F with the
// given shape (any shape when shape is nil).
func check[F mat.Float](f *File, name string, shape []int) (Info, error) {
	in, ok := f.Lookup(name)
	if !ok {
		return Info{}, fmt.Errorf("%s: tensor %q: %w", f.Path, name, ErrMissing)
	}
	if shape != nil && !slices.Equal(in.Shape, shape) {
		return Info{}, fmt.Errorf("%s: tensor %q: shape %v, want %v: %w", f.Path, name, in.Shape, shape, ErrShape)
	}
	if !canRead[F](in.Dtype) {
		return Info{}, fmt.Errorf("%s: tensor %q: dtype %s, want %s: %w", f.Path, name, in.Dtype, dtypeOf[F](), ErrDtype)
	}
	return in, nil
}

func prod(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// GetInt8 returns the named I8 tensor, which must have the given shape, in
// a fresh slice. Errors are Fill's: ErrMissing, ErrShape, or ErrDtype for
// a tensor that is not I8.
func GetInt8(f *File, name string, shape ...int) ([]int8, error) {
	in, ok := f.Lookup(name)
	switch {
	case !ok:
		return nil, fmt.Errorf("%s: tensor %q: %w", f.Path, name, ErrMissing)
	case !slices.Equal(in.Shape, shape):
		return nil, fmt.Errorf("%s: tensor %q: shape %v, want %v: %w", f.Path, name, in.Shape, shape, ErrShape)
	case in.Dtype != I8:
		return nil, fmt.Errorf("%s: tensor %q: dtype %s, want %s: %w", f.Path, name, in.Dtype, I8, ErrDtype)
	}
	q := make([]int8, in.Len())
	for i, b := range f.data[in.Begin:in.End] {
		q[i] = int8(b)
	}
	return q, nil
}
