package manifest

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// shaABC is SHA-256("abc"), the example of FIPS 180-2, appendix B.1.
const shaABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

// checkpoint makes a small checkpoint directory with its manifest.
func checkpoint(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "model.safetensors"), []byte("abc"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "state.json"), []byte(`{"step":1200}`), 0o644))
	must(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "sub", "empty"), nil, 0o644))
	must(t, Write(dir))
	return dir
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestBuild(t *testing.T) {
	dir := checkpoint(t)
	m, err := Read(dir)
	must(t, err)
	want := []Entry{
		{"model.safetensors", 3, shaABC},
		{"state.json", 13, ""},
		{"sub/empty", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}, // SHA-256 of nothing
	}
	if len(m.Files) != len(want) {
		t.Fatalf("manifest lists %v", m.Files)
	}
	for i, w := range want {
		g := m.Files[i]
		if g.Path != w.Path || g.Size != w.Size || (w.SHA256 != "" && g.SHA256 != w.SHA256) {
			t.Errorf("entry %d = %+v, want %+v", i, g, w)
		}
	}
	// Writing again (manifest present) gives the same manifest.
	before, _ := os.ReadFile(filepath.Join(dir, Name))
	must(t, Write(dir))
	after, _ := os.ReadFile(filepath.Join(dir, Name))
	if string(before) != string(after) {
		t.Error("rewriting the manifest changed it")
	}
}

func TestWriteRefusesLinks(t *testing.T) {
	dir := t.TempDir()
	must(t, os.Symlink("elsewhere", filepath.Join(dir, "link")))
	if err := Write(dir); err == nil || !strings.Contains(err.Error(), "link") {
		t.Errorf("err = %v, want one naming the link", err)
	}
}

func TestVerify(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(dir string) error
		want   error  // nil: verifies
		says   string // in the error
	}{
		{"intact", func(string) error { return nil }, nil, ""},
		{"unlisted file ignored", func(d string) error { return os.WriteFile(filepath.Join(d, "test.hyp"), []byte("x"), 0o644) }, nil, ""},
		{"one byte changed", func(d string) error { return os.WriteFile(filepath.Join(d, "model.safetensors"), []byte("abd"), 0o644) }, ErrMismatch, "model.safetensors: modified"},
		{"truncated", func(d string) error { return os.Truncate(filepath.Join(d, "state.json"), 5) }, ErrMismatch, "state.json: truncated: 5 bytes"},
		{"grown", func(d string) error { return os.WriteFile(filepath.Join(d, "sub", "empty"), []byte("x"), 0o644) }, ErrMismatch, "empty: 1 bytes"},
		{"missing", func(d string) error { return os.Remove(filepath.Join(d, "state.json")) }, fs.ErrNotExist, "state.json"},
		{"no manifest", func(d string) error { return os.Remove(filepath.Join(d, Name)) }, fs.ErrNotExist, Name},
		{"manifest garbage", writeManifest(`{"files": [`), ErrCorrupt, Name},
		{"manifest trailing data", writeManifest(`{"files": []} {}`), ErrCorrupt, Name},
		{"manifest no files", writeManifest(`{}`), ErrCorrupt, `no "files"`},
		{"manifest unknown key", writeManifest(`{"files": [], "extra": 1}`), ErrCorrupt, "extra"},
		{"manifest escapes dir", writeManifest(`{"files": [{"path": "../x", "size": 3, "sha256": "` + shaABC + `"}]}`), ErrCorrupt, "../x"},
		{"manifest lists itself", writeManifest(`{"files": [{"path": "manifest.json", "size": 3, "sha256": "` + shaABC + `"}]}`), ErrCorrupt, "invalid path"},
		{"manifest repeated", writeManifest(`{"files": [{"path": "a", "size": 3, "sha256": "` + shaABC + `"}, {"path": "a", "size": 3, "sha256": "` + shaABC + `"}]}`), ErrCorrupt, "twice"},
		{"manifest bad hash", writeManifest(`{"files": [{"path": "a", "size": 3, "sha256": "abc"}]}`), ErrCorrupt, "malformed sha256"},
		{"manifest negative size", writeManifest(`{"files": [{"path": "a", "size": -1, "sha256": "` + shaABC + `"}]}`), ErrCorrupt, "negative size"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := checkpoint(t)
			must(t, tc.change(dir))
			err := Verify(dir)
			if tc.want == nil {
				if err != nil {
					t.Errorf("Verify: %v", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.says) || !strings.Contains(err.Error(), dir) {
				t.Errorf("%q does not name %s in %s", err, tc.says, dir)
			}
		})
	}
}

// writeManifest returns a change that replaces the manifest with s.
func writeManifest(s string) func(string) error {
	return func(dir string) error { return os.WriteFile(filepath.Join(dir, Name), []byte(s), 0o644) }
}

// TestVerifyReportsAll checks that two damaged files are both reported.
func TestVerifyReportsAll(t *testing.T) {
	dir := checkpoint(t)
	os.Remove(filepath.Join(dir, "state.json"))
	os.WriteFile(filepath.Join(dir, "model.safetensors"), []byte("xyz"), 0o644)
	err := Verify(dir)
	if err == nil || !strings.Contains(err.Error(), "state.json") || !strings.Contains(err.Error(), "model.safetensors") {
		t.Errorf("err = %v, want both files named", err)
	}
}
