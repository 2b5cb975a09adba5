package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

var errInvalid = syscall.EINVAL

// TempDir creates an empty temporary directory next to finalDir, named
// finalDir's base name + TempMark + a random suffix ("step-0001200.tmp-42"),
// and returns its path. Fill it, then PublishDir it; os.RemoveAll it to give up.
func TempDir(finalDir string) (string, error) {
	parent, base := filepath.Split(filepath.Clean(finalDir))
	if parent == "" {
		parent = "."
	}
	tmp, err := os.MkdirTemp(parent, base+TempMark+"*")
	if err != nil {
		return "", fmt.Errorf("%s: %w", finalDir, err)
	}
	return tmp, nil
}

// PublishDir makes the complete directory tmpDir appear as finalDir in one
// step: it syncs every file and directory under tmpDir, renames tmpDir to
// finalDir and syncs the parent. tmpDir and finalDir must be in the same
// parent directory (TempDir makes such a tmpDir). If finalDir already exists
// PublishDir returns an error wrapping fs.ErrExist and changes nothing.
func PublishDir(tmpDir, finalDir string) error {
	if _, err := os.Lstat(finalDir); err == nil {
		return fmt.Errorf("%s: %w", finalDir, fs.ErrExist)
	}
	if err := syncTree(tmpDir); err != nil {
		return err
	}
	if err := os.Rename(tmpDir, finalDir); err != nil {
		return fmt.Errorf("%s: %w", finalDir, err)
	}
	return syncDir(filepath.Dir(filepath.Clean(finalDir)))
}

// syncTree fsyncs every regular file and directory under root, deepest
// first, so that the contents are durable before the publishing rename.
func syncTree(root string) error {
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			dirs = append(dirs, path)
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return syncFile(path)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", root, err)
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := syncDir(dirs[i]); err != nil {
			return err
		}
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Symlink makes link a symbolic link to target, atomically replacing an
// existing link: a reader sees the old target or the new one, never no
// link. target is stored as given (a relative target is relative to link's
// directory, as for os.Symlink). Symlink refuses, with an error, to replace
// anything at link that is a directory.
func Symlink(target, link string) error {
	var tmp string
	for {
		tmp = link + TempMark + strconv.FormatUint(uint64(rand.Uint32()), 10)
		err := os.Symlink(target, tmp)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: %w", link, err)
		}
	}
	if fi, err := os.Lstat(link); err == nil && fi.IsDir() {
		os.Remove(tmp)
		return fmt.Errorf("%s: is a directory, not replacing it with a link", link)
	}
	if err := os.Rename(tmp, link); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", link, err)
	}
	return syncDir(filepath.Dir(link))
}

// IsTemp reports whether a base name is one of this package's temporary
// names: anything, then TempMark, then decimal digits.
func IsTemp(name string) bool {
	i := strings.LastIndex(name, TempMark)
	if i < 0 {
		return false
	}
	digits := name[i+len(TempMark):]
	if digits == "" {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// CleanTemps removes, from dir (not its subdirectories), every file, link
// or directory whose name IsTemp: what a crash in the middle of a write
// leaves behind. Call it only when no other process is writing into dir.
// It returns the names removed.
func CleanTemps(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	var removed []string
	var errs []error
	for _, e := range entries {
		if !IsTemp(e.Name()) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, e.Name())
	}
	return removed, errors.Join(errs...)
}
