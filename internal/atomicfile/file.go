// Package atomicfile writes files, directories and symbolic links so that a
// reader, or a process restarted after a crash, sees either the old version or
// the complete new one, never a half-written file.
//
// Every write goes to a temporary name in the same directory (so the final
// rename stays on one file system), is synced, renamed over the final name,
// and the directory is synced so that the rename itself survives a crash.
// Temporary names are the final base name followed by TempMark and a random
// suffix; CleanTemps removes the ones a crash left behind.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// TempMark separates a final base name from the random suffix of its
// temporary name: "model.safetensors.tmp-123456", "step-0001200.tmp-789".
const TempMark = ".tmp-"

// File is a file being written under a temporary name. Write to it, then
// Commit to publish it under its final name or Abort to discard it. The
// usual pattern is
//
//	f, err := atomicfile.Create(path, 0o644)
//	if err != nil { return err }
//	defer f.Abort() // a no-op after Commit
//	... write ...
//	return f.Commit()
type File struct {
	f    *os.File
	path string
	perm fs.FileMode
	done bool
}

// Create opens a temporary file next to path for writing; path itself is not
// touched until Commit. perm is applied at Commit (unaffected by the umask).
func Create(path string, perm fs.FileMode) (*File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, base+TempMark+"*")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &File{f: f, path: path, perm: perm}, nil
}

// Name returns the final path the file is published under.
func (f *File) Name() string { return f.path }

// Write writes p to the temporary file. Errors name the final path.
func (f *File) Write(p []byte) (int, error) {
	n, err := f.f.Write(p)
	if err != nil {
		err = fmt.Errorf("%s: %w", f.path, err)
	}
	return n, err
}

// Commit syncs and closes the temporary file, renames it over the final
// path and syncs the directory. On error the temporary file is removed and
// whatever was at the final path before is left as it was. Commit after
// Commit or Abort returns an error.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("%s: atomicfile: Commit after Commit or Abort", f.path)
	}
	f.done = true
	tmp := f.f.Name()
	err := f.f.Chmod(f.perm)
	if err == nil {
		err = f.f.Sync()
	}
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, f.path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", f.path, err)
	}
	return syncDir(filepath.Dir(f.path))
}

// Abort closes and removes the temporary file, leaving the final path as
// it was. It is a no-op after Commit or a previous Abort, so it can be
// deferred.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.f.Close()
	os.Remove(f.f.Name())
}

// WriteFile writes data to path atomically with permissions perm: after it
// returns nil the file holds exactly data, durably; after an error the old
// file (or its absence) is unchanged and no temporary file is left behind.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.Commit()
}

// syncDir fsyncs a directory so that renames and creations in it are
// durable. File systems that cannot sync a directory (EINVAL) are tolerated.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, errInvalid) {
		return fmt.Errorf("%s: sync directory: %w", dir, err)
	}
	return nil
}
