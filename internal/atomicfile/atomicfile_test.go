package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// names lists dir's entries, sorted.
func names(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWriteFile(t *testing.T) {
	for _, tc := range []struct {
		name string
		old  *string // nil: no file before
		data string
	}{
		{"new file", nil, "hello"},
		{"replace", ptr("old contents, longer"), "new"},
		{"empty", ptr("x"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "f.txt")
			if tc.old != nil {
				os.WriteFile(path, []byte(*tc.old), 0o600)
			}
			if err := WriteFile(path, []byte(tc.data), 0o640); err != nil {
				t.Fatal(err)
			}
			if got := readString(t, path); got != tc.data {
				t.Errorf("contents %q, want %q", got, tc.data)
			}
			fi, _ := os.Stat(path)
			if fi.Mode().Perm() != 0o640 {
				t.Errorf("mode %v, want 0640", fi.Mode().Perm())
			}
			if got := names(t, dir); !slices.Equal(got, []string{"f.txt"}) {
				t.Errorf("directory holds %v, want only f.txt", got)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestAbortKeepsOld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	os.WriteFile(path, []byte("old"), 0o644)
	f, err := Create(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("half-written"))
	if len(names(t, dir)) != 2 {
		t.Errorf("while writing, directory holds %v, want f and a temp", names(t, dir))
	}
	f.Abort()
	f.Abort() // second Abort is a no-op
	if got := readString(t, path); got != "old" {
		t.Errorf("after Abort contents %q, want old", got)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"f"}) {
		t.Errorf("after Abort directory holds %v", got)
	}
	if err := f.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
}

// A failing rename (the final path is a non-empty directory) keeps the old
// contents and removes the temporary file.
func TestCommitFailureKeepsOld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "d")
	os.Mkdir(path, 0o755)
	os.WriteFile(filepath.Join(path, "keep"), []byte("k"), 0o644)
	err := WriteFile(path, []byte("new"), 0o644)
	if err == nil {
		t.Fatal("WriteFile over a non-empty directory succeeded")
	}
	if got := readString(t, filepath.Join(path, "keep")); got != "k" {
		t.Errorf("old contents changed: %q", got)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"d"}) {
		t.Errorf("after failure directory holds %v, want only d", got)
	}
}

func TestWriteFileMissingDir(t *testing.T) {
	err := WriteFile(filepath.Join(t.TempDir(), "no", "f"), nil, 0o644)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want ErrNotExist", err)
	}
}

func TestPublishDir(t *testing.T) {
	parent := t.TempDir()
	final := filepath.Join(parent, "step-0000010")
	tmp, err := TempDir(final)
	if err != nil {
		t.Fatal(err)
	}
	if !IsTemp(filepath.Base(tmp)) {
		t.Errorf("TempDir made %q, not a temp name", tmp)
	}
	os.WriteFile(filepath.Join(tmp, "a"), []byte("A"), 0o644)
	os.Mkdir(filepath.Join(tmp, "sub"), 0o755)
	os.WriteFile(filepath.Join(tmp, "sub", "b"), []byte("B"), 0o644)
	if err := PublishDir(tmp, final); err != nil {
		t.Fatal(err)
	}
	if got := names(t, parent); !slices.Equal(got, []string{"step-0000010"}) {
		t.Errorf("parent holds %v", got)
	}
	if got := readString(t, filepath.Join(final, "sub", "b")); got != "B" {
		t.Errorf("sub/b = %q", got)
	}

	// Publishing over an existing directory is refused and changes nothing.
	tmp2, _ := TempDir(final)
	err = PublishDir(tmp2, final)
	if !errors.Is(err, fs.ErrExist) {
		t.Errorf("second PublishDir: err = %v, want ErrExist", err)
	}
	if _, err := os.Stat(tmp2); err != nil {
		t.Errorf("refused PublishDir touched tmpDir: %v", err)
	}
}

func TestSymlink(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "latest")
	for _, target := range []string{"run-a", "run-b", "run-b"} {
		if err := Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.Readlink(link); got != target {
			t.Errorf("link points at %q, want %q", got, target)
		}
	}
	if got := names(t, dir); !slices.Equal(got, []string{"latest"}) {
		t.Errorf("directory holds %v", got)
	}
	// A real directory at the link's place is not replaced.
	real := filepath.Join(dir, "realdir")
	os.Mkdir(real, 0o755)
	if err := Symlink("x", real); err == nil {
		t.Error("Symlink replaced a directory")
	}
	if got := names(t, dir); !slices.Equal(got, []string{"latest", "realdir"}) {
		t.Errorf("after refusal directory holds %v", got)
	}
}

func TestIsTemp(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"model.safetensors.tmp-123", true},
		{"step-0000010.tmp-9", true},
		{"model.safetensors", false},
		{"x.tmp-", false},
		{"x.tmp-12a", false},
		{"notes.tmp-draft", false},
	} {
		if got := IsTemp(tc.name); got != tc.want {
			t.Errorf("IsTemp(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestCleanTemps(t *testing.T) {
	dir := t.TempDir()
	f, _ := Create(filepath.Join(dir, "a"), 0o644) // left as a crash would
	_ = f
	TempDir(filepath.Join(dir, "step-1"))
	os.WriteFile(filepath.Join(dir, "keep"), nil, 0o644)
	removed, err := CleanTemps(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 2 {
		t.Errorf("removed %v, want two temps", removed)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"keep"}) {
		t.Errorf("directory holds %v", got)
	}
}
