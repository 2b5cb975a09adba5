package train

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/s2s-nmt/s2s/rundir"

	"github.com/s2s-nmt/s2s/internal/atomicfile"
	"github.com/s2s-nmt/s2s/internal/manifest"
	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/internal/safetensors"
)

// State is everything besides tensors that exact resume needs.
type State struct {
	Step    int             `json:"step"`     // updates done
	Epoch   int             `json:"epoch"`    // current pass, 1-based
	Tokens  int64           `json:"tokens"`   // target tokens trained on
	Seconds float64         `json:"seconds"`  // training time so far
	OptStep int             `json:"opt_step"` // the optimizer's own step counter
	Plateau plateau         `json:"plateau"`  // validation history and base rate
	Data    json.RawMessage `json:"data"`     // the batcher's position
	// Precision is training.precision; a state without it was fp32.
	Precision Precision       `json:"precision,omitempty"`
	Extra     json.RawMessage `json:"extra,omitempty"`
}

// saveCheckpoint writes weights, optimizer slabs and state into a new
// checkpoint directory atomically: everything goes into a temporary
// directory with a manifest of SHA-256 sums, which is then renamed.
func saveCheckpoint(run rundir.Run, set *mat.Set[float32], opt []safetensors.Extra[float32], st State, extra func(dir string) error) (string, error) {
	final := run.Checkpoint(st.Step)
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	tmp, err := atomicfile.TempDir(final)
	if err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	fail := func(err error) (string, error) {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("checkpoint %s: %w", final, err)
	}
	meta := map[string]string{"step": strconv.Itoa(st.Step)}
	if err := safetensors.SaveWeights(filepath.Join(tmp, rundir.WeightsFile), set, meta); err != nil {
		return fail(err)
	}
	if err := saveSlabs(filepath.Join(tmp, rundir.OptimizerFile), set, opt); err != nil {
		return fail(err)
	}
	if err := extra(tmp); err != nil {
		return fail(err)
	}
	js, _ := json.MarshalIndent(st, "", "  ")
	if err := atomicfile.WriteFile(filepath.Join(tmp, rundir.StateFile), append(js, '\n'), 0o644); err != nil {
		return fail(err)
	}
	if err := manifest.Write(tmp); err != nil {
		return fail(err)
	}
	if _, err := os.Stat(final); err == nil { // a stale checkpoint of the same step (resumed run)
		os.RemoveAll(final)
	}
	if err := atomicfile.PublishDir(tmp, final); err != nil {
		return fail(err)
	}
	return final, nil
}

// saveSlabs writes the optimizer's slabs, each a set-shaped Extra.
func saveSlabs(path string, set *mat.Set[float32], opt []safetensors.Extra[float32]) error {
	var ts []safetensors.Tensor[float32]
	for _, e := range opt {
		t, err := safetensors.SetTensors(set, e)
		if err != nil {
			return err
		}
		ts = append(ts, t[len(set.List):]...)
	}
	return safetensors.WriteFile(path, ts, nil)
}

// loadCheckpoint verifies dir's manifest and reads it into set, the
// optimizer slabs and the returned state. Nothing is changed on error.
func loadCheckpoint(dir string, set *mat.Set[float32], opt []safetensors.Extra[float32]) (State, error) {
	var st State
	if err := manifest.Verify(dir); err != nil {
		return st, fmt.Errorf("checkpoint %s is damaged: %w (resume from an earlier one by removing it, or start the run over)", dir, err)
	}
	b, err := os.ReadFile(filepath.Join(dir, rundir.StateFile))
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, fmt.Errorf("%s: %w", filepath.Join(dir, rundir.StateFile), err)
	}
	wf, err := safetensors.Open(filepath.Join(dir, rundir.WeightsFile))
	if err != nil {
		return st, err
	}
	of, err := safetensors.Open(filepath.Join(dir, rundir.OptimizerFile))
	if err != nil {
		return st, err
	}
	// Check both files fully before writing anything: fill scratch copies.
	scratch := make([]float32, len(set.W))
	if err := fillSlab(scratch, set, wf, ""); err != nil {
		return st, err
	}
	slabs := make([][]float32, len(opt))
	for i, e := range opt {
		slabs[i] = make([]float32, len(e.Slab))
		if err := fillSlab(slabs[i], set, of, e.Prefix); err != nil {
			return st, err
		}
	}
	copy(set.W, scratch)
	for i, e := range opt {
		copy(e.Slab, slabs[i])
	}
	return st, nil
}

// fillSlab reads prefix+name for every parameter of set into slab.
func fillSlab(slab []float32, set *mat.Set[float32], f *safetensors.File, prefix string) error {
	off := 0
	for _, p := range set.List {
		n := p.W.Rows * p.W.Cols
		shape := []int{p.W.Rows, p.W.Cols}
		if in, ok := f.Lookup(prefix + p.Name); ok && len(in.Shape) == 1 && p.W.Rows == 1 {
			shape = []int{p.W.Cols} // a bias stored as PyTorch stores it
		}
		if err := safetensors.Fill(slab[off:off+n], f, prefix+p.Name, shape...); err != nil {
			return err
		}
		off += n
	}
	return nil
}
