// Package shard splits a text file into byte ranges aligned to line
// starts, names the files a shard is written to, and records what a
// finished shard holds in a manifest, so that workers on many machines
// can translate one file and a merge can check and join their outputs.
package shard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// ErrGzip says that an input is gzip-compressed: its byte ranges are not
// lines.
var ErrGzip = errors.New("the input is gzip-compressed: shards are byte ranges of plain text; decompress it (gunzip) or split it first")

// gzipMagic opens every gzip stream.
var gzipMagic = []byte{0x1f, 0x8b}

// CheckPlain returns ErrGzip, wrapped, when r starts with the gzip magic
// bytes.
func CheckPlain(r io.ReaderAt) error {
	var b [2]byte
	n, err := r.ReadAt(b[:], 0)
	if err != nil && err != io.EOF {
		return err
	}
	if n == 2 && bytes.Equal(b[:], gzipMagic) {
		return ErrGzip
	}
	return nil
}

// Range is shard Index of Count: the bytes [Start, End) of the input.
type Range struct {
	Index, Count int
	Start, End   int64
}

// Bounds returns shard i of n of the size bytes of r. Shard i nominally
// starts at i·size/n; its start moves forward to the next line start (the
// byte after a '\n'), and shard 0 starts at 0, so every line, an
// unterminated last one included, lies in exactly one shard. Only the
// bytes from a nominal start to the next '\n' are read. A shard may be
// empty (a file with fewer lines than shards).
func Bounds(r io.ReaderAt, size int64, i, n int) (Range, error) {
	if n < 1 || i < 0 || i >= n {
		return Range{}, fmt.Errorf("shard %d/%d: want 0 ≤ I < N", i, n)
	}
	start, err := lineStart(r, size, nominal(size, i, n))
	if err != nil {
		return Range{}, err
	}
	end, err := lineStart(r, size, nominal(size, i+1, n))
	if err != nil {
		return Range{}, err
	}
	return Range{Index: i, Count: n, Start: start, End: end}, nil
}

// nominal returns i·size/n without overflow for any file size.
func nominal(size int64, i, n int) int64 {
	q, rem := size/int64(n), size%int64(n)
	return q*int64(i) + rem*int64(i)/int64(n)
}

// lineStart returns the first line start at or after p: p itself when p
// is 0 or follows a '\n', else the byte after the next '\n', else size.
func lineStart(r io.ReaderAt, size, p int64) (int64, error) {
	if p <= 0 {
		return 0, nil
	}
	buf := make([]byte, 64<<10)
	for q := p - 1; q < size; {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-q)], q)
		if k := bytes.IndexByte(buf[:n], '\n'); k >= 0 {
			return q + int64(k) + 1, nil
		}
		q += int64(n)
		if err != nil && err != io.EOF {
			return 0, err
		}
		if n == 0 {
			return 0, io.ErrUnexpectedEOF
		}
	}
	return size, nil
}

// CountLines returns the number of lines in r: its '\n's, plus one for an
// unterminated last line.
func CountLines(r io.Reader) (int, error) {
	buf := make([]byte, 64<<10)
	n, last := 0, byte('\n')
	for {
		k, err := r.Read(buf)
		if k > 0 {
			n += bytes.Count(buf[:k], []byte{'\n'})
			last = buf[k-1]
		}
		if err == io.EOF {
			if last != '\n' {
				n++
			}
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}
