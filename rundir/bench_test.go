package rundir_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/s2s-nmt/s2s/rundir/rundirtest"
)

// BenchmarkVerify times checking a run whose weights are 10 MB (2.5M
// float32) against its manifest: what every load adds.
func BenchmarkVerify(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "run")
	rundirtest.Write(b, dir, rundirtest.Config("run", 20), 1)
	var set mat.Set[float32]
	set.Add("w", 1000, 2500, mat.Zeros, 0)
	set.Alloc()
	if err := rundir.Publish(rundir.Run{Dir: dir}, &set, nil); err != nil {
		b.Fatal(err)
	}
	fi, _ := os.Stat(filepath.Join(dir, rundir.WeightsFile))
	for b.Loop() {
		if _, err := rundir.Verify(dir); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N)*1e7/float64(fi.Size()), "ms/10MB")
}
