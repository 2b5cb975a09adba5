package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"unicode/utf8"
)

// maxHeader bounds the JSON header, as Python's safetensors does (100 MB).
const maxHeader = 100 << 20

// Info describes one stored tensor. Begin and End are byte offsets into the
// data section.
type Info struct {
	Name       string
	Dtype      Dtype
	Shape      []int
	Begin, End int
}

// Len returns the number of elements, the product of Shape.
func (in Info) Len() int {
	n := 1
	for _, d := range in.Shape {
		n *= d
	}
	return n
}

// File is a parsed, validated safetensors file held in memory.
type File struct {
	// Path names the file in errors.
	Path string
	// Metadata is the header's "__metadata__" map; nil when absent.
	Metadata map[string]string
	tensors  []Info // ordered by Begin
	index    map[string]int
	data     []byte
}

// Open reads and parses the file at path. See Parse.
func Open(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err // already names the path
	}
	return Parse(path, b)
}

// Parse parses b, the bytes of a safetensors file, naming it path in errors.
// It checks the format's rules: a header length within the file, a header
// that is one JSON object starting with '{' with no repeated key, known
// dtypes, offsets that match each shape, and data that the tensors cover
// exactly, with no hole, overlap or trailing byte. Errors wrap ErrCorrupt
// and name the tensor at fault. The File aliases b.
func Parse(path string, b []byte) (*File, error) {
	if len(b) < 8 {
		return nil, corrupt(path, "truncated: %d bytes, less than the 8-byte header length", len(b))
	}
	n := binary.LittleEndian.Uint64(b)
	if n > uint64(len(b)-8) {
		return nil, corrupt(path, "header length %d beyond the file size %d (truncated?)", n, len(b))
	}
	if n > maxHeader {
		return nil, corrupt(path, "header length %d over the %d-byte limit", n, maxHeader)
	}
	f := &File{Path: path, index: map[string]int{}, data: b[8+n:]}
	if err := f.parseHeader(b[8 : 8+n]); err != nil {
		return nil, err
	}
	if err := f.checkLayout(); err != nil {
		return nil, err
	}
	return f, nil
}

func corrupt(path, format string, args ...any) error {
	return fmt.Errorf("%s: %s: %w", path, fmt.Sprintf(format, args...), ErrCorrupt)
}

// rawInfo is a tensor's header entry as JSON spells it. Numbers decode as
// uint64, so negative or fractional ones are errors.
type rawInfo struct {
	Dtype   Dtype    `json:"dtype"`
	Shape   []uint64 `json:"shape"`
	Offsets []uint64 `json:"data_offsets"`
}

// parseHeader decodes the header object key by key, keeping the file's
// order and refusing repeated keys (encoding/json would keep the last).
func (f *File) parseHeader(hdr []byte) error {
	if len(hdr) == 0 || hdr[0] != '{' {
		return corrupt(f.Path, "header does not start with '{'")
	}
	if !utf8.Valid(hdr) {
		return corrupt(f.Path, "header is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(hdr))
	dec.Token() // '{'
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return corrupt(f.Path, "header: %v", err)
		}
		key := tok.(string) // object keys are always strings
		if err := f.parseEntry(dec, key); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return corrupt(f.Path, "header: %v", err)
	}
	if rest := bytes.TrimRight(hdr[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return corrupt(f.Path, "header: %d bytes after the JSON object", len(rest))
	}
	slices.SortStableFunc(f.tensors, func(a, b Info) int { return a.Begin - b.Begin })
	for i, t := range f.tensors {
		f.index[t.Name] = i
	}
	return nil
}

// parseEntry decodes the value of one header key.
func (f *File) parseEntry(dec *json.Decoder, key string) error {
	if key == metadataKey {
		if f.Metadata != nil {
			return corrupt(f.Path, "header: %q repeated", key)
		}
		if err := dec.Decode(&f.Metadata); err != nil {
			return corrupt(f.Path, "header: %s: %v", key, err)
		}
		if f.Metadata == nil { // "__metadata__": null
			f.Metadata = map[string]string{}
		}
		return nil
	}
	if slices.ContainsFunc(f.tensors, func(t Info) bool { return t.Name == key }) {
		return corrupt(f.Path, "tensor %q repeated in the header", key)
	}
	var r rawInfo
	if err := dec.Decode(&r); err != nil {
		return corrupt(f.Path, "tensor %q: %v", key, err)
	}
	in, err := f.info(key, r)
	if err != nil {
		return err
	}
	f.tensors = append(f.tensors, in)
	return nil
}
