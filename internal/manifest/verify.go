package manifest

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Read reads and validates dir's manifest. A missing manifest wraps
// fs.ErrNotExist; one that is not valid JSON of the expected form (unknown
// keys, a path outside the directory or repeated, a hash that is not 64
// lowercase hex digits, a negative size) wraps ErrCorrupt. Errors name the manifest's path.
func Read(dir string) (Manifest, error) {
	path := filepath.Join(dir, Name)
	b, err := os.ReadFile(path)
	if err != nil {
		return Manifest{}, err // names the path
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Manifest{}, fmt.Errorf("%s: %v: %w", path, err, ErrCorrupt)
	}
	if dec.More() {
		return Manifest{}, fmt.Errorf("%s: data after the JSON object: %w", path, ErrCorrupt)
	}
	if err := m.check(); err != nil {
		return Manifest{}, fmt.Errorf("%s: %w: %w", path, err, ErrCorrupt)
	}
	return m, nil
}

// check validates the entries of a decoded manifest.
func (m Manifest) check() error {
	if m.Files == nil {
		return errors.New(`no "files" list`)
	}
	seen := make(map[string]bool, len(m.Files))
	for _, e := range m.Files {
		sum, err := hex.DecodeString(e.SHA256)
		switch {
		case !fs.ValidPath(e.Path) || e.Path == "." || e.Path == Name:
			return fmt.Errorf("invalid path %q", e.Path)
		case seen[e.Path]:
			return fmt.Errorf("%q listed twice", e.Path)
		case e.Size < 0:
			return fmt.Errorf("%q: negative size %d", e.Path, e.Size)
		case err != nil || len(sum) != 32 || e.SHA256 != hex.EncodeToString(sum):
			// Verify compares the hex as written: only lowercase can match.
			return fmt.Errorf("%q: malformed sha256 %q", e.Path, e.SHA256)
		}
		seen[e.Path] = true
	}
	return nil
}

// Verify checks every file that dir's manifest lists: each must exist and
// have the recorded size and SHA-256. Files the manifest does not list are
// ignored (a model directory may gain files such as test.hyp later). It
// returns nil when all match; otherwise every problem, each naming the file:
// missing (fs.ErrNotExist), truncated or grown (ErrMismatch, with both
// sizes), or modified (ErrMismatch). A missing or corrupt manifest is
// reported as Read reports it.
func Verify(dir string) error {
	m, err := Read(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range m.Files {
		if err := verifyFile(dir, e); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// verifyFile checks one entry.
func verifyFile(dir string, e Entry) error {
	path := filepath.Join(dir, filepath.FromSlash(e.Path))
	fi, err := os.Lstat(path)
	switch {
	case err != nil:
		return fmt.Errorf("%s: listed in %s: %w", path, Name, err)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s: not a regular file: %w", path, ErrMismatch)
	case fi.Size() < e.Size:
		return fmt.Errorf("%s: truncated: %d bytes, %s says %d: %w", path, fi.Size(), Name, e.Size, ErrMismatch)
	case fi.Size() > e.Size:
		return fmt.Errorf("%s: %d bytes, %s says %d: %w", path, fi.Size(), Name, e.Size, ErrMismatch)
	}
	size, sum, err := hashFile(path)
	switch {
	case err != nil:
		return err
	case size != e.Size || sum != e.SHA256:
		return fmt.Errorf("%s: modified: sha256 %s, %s says %s: %w", path, sum, Name, e.SHA256, ErrMismatch)
	}
	return nil
}
