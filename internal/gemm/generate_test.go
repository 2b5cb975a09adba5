package gemm

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
)

// kernels_amd64.s is generated; it must be what gen_kernels.go writes now.
func TestGeneratedKernelsUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	out, err := exec.Command(goBin, "run", "gen_kernels.go").Output()
	if err != nil {
		t.Fatalf("go run gen_kernels.go: %v", err)
	}
	have, err := os.ReadFile("kernels_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, have) {
		t.Fatal("kernels_amd64.s is stale: run go run gen_kernels.go > kernels_amd64.s")
	}
}
