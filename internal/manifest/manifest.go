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

// Manifest lists the files of a directory, sorted by Path.
type Manifest struct {
	Files []Entry `json:"files"`
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
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err // cannot happen: plain strings and numbers
	}
	return atomicfile.WriteFile(filepath.Join(dir, Name), append(b, '\n'), 0o644)
}

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
