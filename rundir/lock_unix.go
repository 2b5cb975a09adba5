//go:build unix

package rundir

import (
	"os"
	"syscall"
)

// lock takes an advisory lock on the directory dir, exclusive or shared,
// and returns its release. A directory that cannot be opened or locked
// (a file system without flock) is not locked: readers then rely on the
// manifest check alone.
func lock(dir string, exclusive bool) func() {
	f, err := os.Open(dir)
	if err != nil {
		return func() {}
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return func() {}
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}
}
