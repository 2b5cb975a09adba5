package safetensors

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"unsafe"

	"github.com/s2s-nmt/s2s/internal/atomicfile"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// metadataKey is the reserved header key of the string metadata map.
const metadataKey = "__metadata__"

// Tensor is one named tensor: Data holds the product of Shape elements in
// row-major order (an empty Shape is a scalar with one element).
type Tensor[F mat.Float] struct {
	Name  string
	Shape []int
	Data  []F
}

// WriteFile writes tensors and meta to path atomically (see atomicfile) with
// permissions 0644. See Write for the layout and the errors.
func WriteFile[F mat.Float](path string, tensors []Tensor[F], meta map[string]string) error {
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := Write(f, tensors, meta); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Commit()
}

// WriteFileInt8 writes tensors, then ints, and meta to path atomically, as
// WriteInt8 lays them out.
func WriteFileInt8[F mat.Float](path string, tensors []Tensor[F], ints []Int8Tensor, meta map[string]string) error {
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := WriteInt8(f, tensors, ints, meta); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Commit()
}

// Write writes a safetensors file to w: the header (metadata first, keys
// sorted, then the tensors in the given order, no spaces, padded with spaces
// to a multiple of 8 bytes), then each tensor's data in the given order, as
// F32 for float32 and F64 for float64. The same inputs give the same bytes.
// It returns an error, before writing anything, if a name is empty, repeated
// or "__metadata__", a shape has a negative dimension, or a Data length is
// not the product of its Shape.
func Write[F mat.Float](w io.Writer, tensors []Tensor[F], meta map[string]string) error {
	return WriteInt8(w, tensors, nil, meta)
}

// Int8Tensor is one named tensor of dtype I8, laid out as Tensor.
type Int8Tensor struct {
	Name  string
	Shape []int
	Data  []int8
}

// WriteInt8 is Write with the I8 tensors ints laid out after tensors.
func WriteInt8[F mat.Float](w io.Writer, tensors []Tensor[F], ints []Int8Tensor, meta map[string]string) error {
	es := make([]entry, 0, len(tensors)+len(ints))
	for _, t := range tensors {
		es = append(es, entry{t.Name, dtypeOf[F](), t.Shape, len(t.Data)})
	}
	for _, t := range ints {
		es = append(es, entry{t.Name, I8, t.Shape, len(t.Data)})
	}
	hdr, err := header(es, meta)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(hdr)))
	bw.Write(n[:])
	bw.Write(hdr)
	buf := make([]byte, 1<<15)
	for _, t := range tensors {
		writeData(bw, buf, t.Data)
	}
	for _, t := range ints {
		bw.Write(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(t.Data))), len(t.Data)))
	}
	return bw.Flush() // bufio keeps the first write error
}

// entry is one tensor's header entry: name, dtype, shape and the number
// of elements its data holds.
type entry struct {
	name  string
	dt    Dtype
	shape []int
	n     int
}

// writeData encodes data through buf, chunk by chunk, into w.
func writeData[F mat.Float](w io.Writer, buf []byte, data []F) {
	size := dtypeSize[dtypeOf[F]()]
	chunk := len(buf) / size
	for len(data) > 0 {
		n := min(chunk, len(data))
		encode(buf, data[:n])
		w.Write(buf[:n*size])
		data = data[n:]
	}
}

// header returns the padded JSON header for tensors laid out in order.
func header(tensors []entry, meta map[string]string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	if len(meta) > 0 {
		writeMeta(&b, meta)
	}
	seen := make(map[string]bool, len(tensors))
	off := 0
	for _, t := range tensors {
		n, err := checkTensor(t.name, t.shape, t.n, seen)
		if err != nil {
			return nil, err
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		size := dtypeSize[t.dt]
		writeString(&b, t.name)
		fmt.Fprintf(&b, `:{"dtype":%q,"shape":[%s],"data_offsets":[%d,%d]}`, t.dt, joinInts(t.shape), off, off+n*size)
		off += n * size
	}
	b.WriteByte('}')
	for b.Len()%8 != 0 {
		b.WriteByte(' ')
	}
	return b.Bytes(), nil
}

// checkTensor validates one tensor to be written and returns its element count.
func checkTensor(name string, shape []int, n int, seen map[string]bool) (int, error) {
	switch {
	case name == "":
		return 0, fmt.Errorf("safetensors: empty tensor name")
	case name == metadataKey:
		return 0, fmt.Errorf("safetensors: tensor name %q is reserved", name)
	case seen[name]:
		return 0, fmt.Errorf("safetensors: tensor %q written twice", name)
	}
	seen[name] = true
	want := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("safetensors: tensor %q: negative dimension in shape %v", name, shape)
		}
		want *= d
	}
	if n != want {
		return 0, fmt.Errorf("safetensors: tensor %q: %d elements for shape %v (%d)", name, n, shape, want)
	}
	return n, nil
}

// writeMeta writes "__metadata__":{...} with the keys sorted.
func writeMeta(b *bytes.Buffer, meta map[string]string) {
	writeString(b, metadataKey)
	b.WriteString(":{")
	keys := make([]string, 0, len(meta))
	for k := range meta {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, k)
		b.WriteByte(':')
		writeString(b, meta[k])
	}
	b.WriteByte('}')
}

// writeString writes s as a JSON string without HTML escaping, as
// Python's safetensors (serde_json) does.
func writeString(b *bytes.Buffer, s string) {
	var e bytes.Buffer
	enc := json.NewEncoder(&e)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a string always encodes
	b.Write(bytes.TrimSuffix(e.Bytes(), []byte("\n")))
}

func joinInts(xs []int) string {
	var b []byte
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(x), 10)
	}
	return string(b)
}
