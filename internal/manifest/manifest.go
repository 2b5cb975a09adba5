// Package manifest records and checks the size and SHA-256 of every file in
// a directory, such as a checkpoint, so that a truncated, modified or
// missing file is found before it is loaded.
//
// The manifest is the file manifest.json in the directory itself, written
// last (after every other file is complete), as
//
//	{"files": [{"path": "model.safetensors", "size": 1234, "sha256": "…"}, …]}
//
// with paths relative to the directory, slash-separated and sorted.
package manifest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/s2s-nmt/s2s/internal/atomicfile"
)

// Name is the manifest's file name inside the directory it describes.
const Name = "manifest.json"

// Errors that Verify and Read wrap, for errors.Is. A missing file wraps
// fs.ErrNotExist.
var (
	ErrMismatch = errors.New("does not match the manifest")
	ErrCorrupt  = errors.New("corrupt manifest")
)

// Entry describes one file.
type Entry struct {
	Path   string `json:"path"`   // relative to the directory, slash-separated
	Size   int64  `json:"size"`   // bytes
	SHA256 string `json:"sha256"` // lowercase hex
}

// Manifest lists the files of a directory, sorted by Path, and, for a
// model directory, the number format of its weights ("f32").
type Manifest struct {
	Files     []Entry `json:"files"`
	Precision string  `json:"precision,omitempty"`
}

// Build hashes every regular file under dir, subdirectories included,
// except dir's own manifest. Anything else that is not a directory (a
// symbolic link, a device) is an error, as it could not be verified.
func Build(dir string) (Manifest, error) {
	var m Manifest
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path) // path is under dir
		rel = filepath.ToSlash(rel)
		if rel == Name {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file, cannot be listed in %s", path, Name)
		}
		size, sum, err := hashFile(path)
		m.Files = append(m.Files, Entry{Path: rel, Size: size, SHA256: sum})
		return err
	})
	if err != nil {
		return Manifest{}, err
	}
	slices.SortFunc(m.Files, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	return m, nil
}

// Write builds the manifest of dir and writes it atomically to dir/Name,
// replacing any old one. Call it after every other file is complete.
func Write(dir string) error {
	m, err := Build(dir)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, Name), m.Bytes(), 0o644)
}

// Bytes returns the manifest as written to disk: indented JSON and a
// final newline. The same manifest always gives the same bytes.
func (m Manifest) Bytes() []byte {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		panic(err) // cannot happen: plain strings and numbers
	}
	return append(b, '\n')
}

// Hash returns the size and hex SHA-256 of the file at path: the entry
// that a manifest lists for it, under the name rel.
func Hash(path, rel string) (Entry, error) {
	size, sum, err := hashFile(path)
	return Entry{Path: rel, Size: size, SHA256: sum}, err
}

// Sort orders m.Files by path, as a written manifest has them.
func (m *Manifest) Sort() {
	slices.SortFunc(m.Files, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
}

// Lookup returns the entry for path.
func (m Manifest) Lookup(path string) (Entry, bool) {
	for _, e := range m.Files {
		if e.Path == path {
			return e, true
		}
	}
	return Entry{}, false
}

// VerifyFile checks one entry of dir's manifest against the file.
func VerifyFile(dir string, e Entry) error { return verifyFile(dir, e) }

// hashFile returns the size and hex SHA-256 of the file at path.
func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", fmt.Errorf("%s: %w", path, err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}
