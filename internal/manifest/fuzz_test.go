package manifest

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sha256RE is a SHA-256 as the manifest records it: 64 lowercase hex digits.
var sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// FuzzRead reads arbitrary bytes as the manifest of a directory holding
// model.safetensors ("abc") and sub/empty. Properties: no panic; Read
// either fails with an error that names the manifest's path and wraps
// ErrCorrupt, or returns entries with valid, distinct paths, sizes ≥ 0 and
// lowercase hex SHA-256s; Verify then fails only with problems that each
// name a file of the directory.
func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"files": [{"path": "model.safetensors", "size": 3, "sha256": "` + shaABC + `"}]}`))
	f.Add([]byte(`{"files": [{"path": "sub/empty", "size": 0, "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}, {"path": "model.safetensors", "size": 2, "sha256": "` + shaABC + `"}]}`))
	f.Add([]byte(`{"files": [{"path": "../etc/passwd", "size": 1, "sha256": "00"}]}`))
	f.Add([]byte(`{"files": [{"path": "sub", "size": -1, "sha256": "` + strings.ToUpper(shaABC) + `"}]}`))
	f.Add([]byte(`{"files": [{"path": "model.safetensors/x", "size": 3, "sha256": "` + shaABC + `"}], "extra": 1}`))
	f.Add([]byte(`{"files": []} {}`))
	f.Add([]byte(`{"files": null}`))
	f.Add([]byte(`[`))
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "model.safetensors"), []byte("abc"), 0o644); err != nil {
		f.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		f.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sub", "empty"), nil, 0o644); err != nil {
		f.Fatal(err)
	}
	path := filepath.Join(dir, Name)
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := Read(dir)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) || !strings.HasPrefix(err.Error(), path+": ") {
				t.Fatalf("Read: %v; want an error naming %s and wrapping ErrCorrupt", err, path)
			}
			return
		}
		seen := map[string]bool{}
		for _, e := range m.Files {
			if !fs.ValidPath(e.Path) || e.Path == "." || e.Path == Name || seen[e.Path] || e.Size < 0 || !sha256RE.MatchString(e.SHA256) {
				t.Fatalf("Read accepted entry %+v", e)
			}
			seen[e.Path] = true
		}
		var j interface{ Unwrap() []error }
		err = Verify(dir)
		if err == nil {
			return
		}
		errs := []error{err}
		if errors.As(err, &j) {
			errs = j.Unwrap()
		}
		for _, e := range errs {
			if !strings.HasPrefix(e.Error(), dir+string(filepath.Separator)) {
				t.Fatalf("Verify problem %q does not name a file of %s", e, dir)
			}
		}
	})
}
