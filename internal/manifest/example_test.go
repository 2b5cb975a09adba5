package manifest_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/s2s-nmt/s2s/internal/atomicfile"
	"github.com/s2s-nmt/s2s/internal/manifest"
	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/internal/safetensors"
)

// Example shows how a checkpoint is published and loaded: files go into a
// temporary directory, the manifest is written last, the directory is
// renamed into place in one step, and loading verifies before reading.
func Example() {
	runDir, _ := os.MkdirTemp("", "run")
	defer os.RemoveAll(runDir)
	var params mat.Set[float32]
	params.Add("decoder.out.W", 2, 3, mat.Zeros, 0)
	params.Alloc()
	adamM := make([]float32, params.Len())

	final := filepath.Join(runDir, "step-0000100")
	tmp, _ := atomicfile.TempDir(final)
	err := safetensors.SaveSet(filepath.Join(tmp, "model.safetensors"), &params, map[string]string{"step": "100"},
		safetensors.Extra[float32]{Prefix: "adam.m.", Slab: adamM})
	if err == nil {
		err = manifest.Write(tmp)
	}
	if err == nil {
		err = atomicfile.PublishDir(tmp, final)
	}
	fmt.Println("published:", err)

	if err := manifest.Verify(final); err != nil {
		fmt.Println(err)
		return
	}
	meta, err := safetensors.LoadSet(filepath.Join(final, "model.safetensors"), &params,
		safetensors.Extra[float32]{Prefix: "adam.m.", Slab: adamM})
	fmt.Println("loaded step", meta["step"], err)
	// Output:
	// published: <nil>
	// loaded step 100 <nil>
}
