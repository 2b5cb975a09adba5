// Package alloctest counts heap allocations in tests of code that runs on
// several goroutines.
package alloctest

import (
	"math"
	"runtime"
)

// Parallel is testing.AllocsPerRun without its GOMAXPROCS(1), which would
// send every parallel pass down its serial path: the mean number of heap
// allocations (by any goroutine) per call of f, the least of three rounds
// of runs calls. Blocking on a channel can allocate a sudog when the
// runtime's cache of them runs dry (a GC empties the central one) and
// goroutines migrate between Ps; that is the runtime's bookkeeping, not a
// per-call allocation, which would show in every round.
func Parallel(runs int, f func()) float64 {
	least := math.Inf(1)
	for range 3 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		before := m.Mallocs
		for range runs {
			f()
		}
		runtime.ReadMemStats(&m)
		least = min(least, float64(m.Mallocs-before)/float64(runs))
	}
	return least
}
