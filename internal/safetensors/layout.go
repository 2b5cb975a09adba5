package safetensors

import "math"

// maxElems bounds a tensor's element count so that byte sizes fit an int
// on every platform.
const maxElems = math.MaxInt32

// info validates one header entry: a known dtype, a shape, and offsets
// whose span is the shape's byte size and lies within the data section.
func (f *File) info(name string, r rawInfo) (Info, error) {
	size, ok := dtypeSize[r.Dtype]
	switch {
	case r.Dtype == "":
		return Info{}, corrupt(f.Path, "tensor %q: no dtype", name)
	case !ok:
		return Info{}, corrupt(f.Path, "tensor %q: unknown dtype %q", name, r.Dtype)
	case r.Shape == nil:
		return Info{}, corrupt(f.Path, "tensor %q: no shape", name)
	case len(r.Offsets) != 2:
		return Info{}, corrupt(f.Path, "tensor %q: data_offsets has %d numbers, want 2", name, len(r.Offsets))
	}
	in := Info{Name: name, Dtype: r.Dtype, Shape: make([]int, len(r.Shape))}
	n := uint64(1)
	for i, d := range r.Shape {
		if d > maxElems || (d > 0 && n > maxElems/d) {
			return Info{}, corrupt(f.Path, "tensor %q: shape %v too large", name, r.Shape)
		}
		n *= d
		in.Shape[i] = int(d)
	}
	b, e := r.Offsets[0], r.Offsets[1]
	if b > e || e > uint64(len(f.data)) {
		return Info{}, corrupt(f.Path, "tensor %q: data_offsets [%d, %d] out of range of the %d-byte data (truncated?)", name, b, e, len(f.data))
	}
	if e-b != n*uint64(size) {
		return Info{}, corrupt(f.Path, "tensor %q: data_offsets [%d, %d] span %d bytes, shape %v of %s needs %d", name, b, e, e-b, in.Shape, r.Dtype, n*uint64(size))
	}
	in.Begin, in.End = int(b), int(e)
	return in, nil
}

// checkLayout checks that the tensors, sorted by offset, cover the data
// section exactly: no overlap, no hole, no trailing bytes.
func (f *File) checkLayout() error {
	at := 0
	for _, t := range f.tensors {
		switch {
		case t.Begin < at:
			return corrupt(f.Path, "tensor %q: data_offsets [%d, %d] overlap the previous tensor, which ends at %d", t.Name, t.Begin, t.End, at)
		case t.Begin > at:
			return corrupt(f.Path, "tensor %q: hole of %d bytes before data_offsets [%d, %d]", t.Name, t.Begin-at, t.Begin, t.End)
		}
		at = t.End
	}
	if at != len(f.data) {
		return corrupt(f.Path, "%d bytes after the last tensor", len(f.data)-at)
	}
	return nil
}
