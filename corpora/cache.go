package corpora

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/s2s-nmt/s2s/internal/atomicfile"
	"io"
	"os"
)

// cacheMagic starts every encoded-corpus cache file; bump its version when
// the format or the encoding changes.
const cacheMagic = "s2s-ids v1\n"

// hashFiles returns a hex SHA-256 of the parts (strings) and the contents of
// the files, in order.
func hashFiles(parts []string, files ...string) (string, error) {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s;", len(p), p)
	}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return "", err
		}
		n, err := io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(h, ";%d;", n)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// saveDataset writes d and its stats to path atomically.
func saveDataset(path string, d *Dataset, st Stats) error {
	buf := []byte(cacheMagic)
	for _, v := range []int{st.Read, st.Kept, st.Empty, st.InvalidUTF8, st.Duplicate, st.TooLong, st.Ratio, d.Len()} {
		buf = binary.AppendUvarint(buf, uint64(v))
	}
	for _, side := range [][][]int32{d.Src, d.Tgt} {
		for _, s := range side {
			buf = binary.AppendUvarint(buf, uint64(len(s)))
			for _, id := range s {
				buf = binary.AppendUvarint(buf, uint64(id))
			}
		}
	}
	return atomicfile.WriteFile(path, buf, 0o644)
}

// loadDataset reads what saveDataset wrote.
func loadDataset(path string) (*Dataset, Stats, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Stats{}, err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	magic := make([]byte, len(cacheMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != cacheMagic {
		return nil, Stats{}, fmt.Errorf("%s: not an s2s encoded corpus", path)
	}
	var st Stats
	var n int
	for _, p := range []*int{&st.Read, &st.Kept, &st.Empty, &st.InvalidUTF8, &st.Duplicate, &st.TooLong, &st.Ratio, &n} {
		v, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, st, fmt.Errorf("%s: %w", path, err)
		}
		*p = int(v)
	}
	d := &Dataset{Src: make([][]int32, n), Tgt: make([][]int32, n)}
	for _, side := range [][][]int32{d.Src, d.Tgt} {
		for i := range side {
			if side[i], err = readIDs(r); err != nil {
				return nil, st, fmt.Errorf("%s: pair %d: %w", path, i, err)
			}
		}
	}
	return d, st, nil
}

func readIDs(r io.ByteReader) ([]int32, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	if n > 1<<30 {
		return nil, errors.New("corrupt length")
	}
	ids := make([]int32, n)
	for j := range ids {
		v, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, err
		}
		ids[j] = int32(v)
	}
	return ids, nil
}
