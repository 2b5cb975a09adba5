//go:build !unix

package rundir

// lock is a no-op where flock does not exist.
func lock(string, bool) func() { return func() {} }
