package rundir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/s2s-nmt/s2s/internal/atomicfile"
	"github.com/s2s-nmt/s2s/internal/manifest"
)

// The files of a model directory.
const (
	ConfigFile   = "config.yaml"
	SrcTokenizer = "tokenizer.src.json"
	TgtTokenizer = "tokenizer.tgt.json"
	WeightsFile  = "model.safetensors"
	ManifestFile = manifest.Name
)

// The other files and folders of a run directory.
const (
	MetricsFile   = "metrics.jsonl"
	TestHypFile   = "test.hyp"
	DataDir       = "data"
	CheckpointDir = "checkpoints"
)

// The files of a checkpoint besides WeightsFile and ManifestFile.
const (
	OptimizerFile = "optimizer.safetensors" // optimizer slabs (adam.m.*, adam.v.*)
	StateFile     = "trainer.json"          // step, epoch, schedule, data position
	CarryFile     = "carry.safetensors"     // a language model's hidden state
)

// Precision is the number format of the weights s2s writes; a manifest
// records it.
const Precision = "f32"

// PrecisionInt8 is the precision of a model `s2s quantize` writes (see
// SaveInt8): its decoder's matrices are int8 with fp32 scales.
const PrecisionInt8 = "int8"

// RunsDir is the folder, relative to the working directory, that holds
// the runs; Latest links to the run last prepared or trained there.
const RunsDir = "runs"

// Latest is the default model directory: runs/latest.
var Latest = filepath.Join(RunsDir, "latest")

// Run is a run directory.
type Run struct {
	// Dir is the directory, runs/<name> under a working directory.
	Dir string
}

// ForName returns the run named name under the working directory
// workDir: workDir/runs/<name>.
func ForName(workDir, name string) Run {
	return Run{Dir: filepath.Join(workDir, RunsDir, name)}
}

// Path returns the path of a file or folder of the run.
func (r Run) Path(name string) string { return filepath.Join(r.Dir, name) }

// Checkpoint returns the directory of the checkpoint after step.
func (r Run) Checkpoint(step int) string {
	return filepath.Join(r.Dir, CheckpointDir, fmt.Sprintf("step-%07d", step))
}

// Create makes the run directory and its data folder, and removes the
// temporary files and directories a crash left in them (in the root,
// data/ and checkpoints/). Call it only when no other process writes into
// the run.
func (r Run) Create() error {
	if err := os.MkdirAll(r.Path(DataDir), 0o755); err != nil {
		return err
	}
	var errs []error
	for _, d := range []string{r.Dir, r.Path(DataDir), r.Path(CheckpointDir)} {
		if _, err := atomicfile.CleanTemps(d); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Checkpoints returns the run's checkpoint directories, oldest first.
func (r Run) Checkpoints() ([]string, error) {
	ents, err := os.ReadDir(r.Path(CheckpointDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, e := range ents {
		if e.IsDir() && strings.HasPrefix(e.Name(), "step-") && !atomicfile.IsTemp(e.Name()) {
			dirs = append(dirs, filepath.Join(r.Path(CheckpointDir), e.Name()))
		}
	}
	sort.Strings(dirs) // zero-padded step numbers sort in order
	return dirs, nil
}

// Prune removes all but the newest keep checkpoints.
func (r Run) Prune(keep int) error {
	dirs, err := r.Checkpoints()
	if err != nil {
		return err
	}
	for len(dirs) > keep {
		if err := os.RemoveAll(dirs[0]); err != nil {
			return err
		}
		dirs = dirs[1:]
	}
	return nil
}

// LinkLatest points runs/latest, beside the run, at it, replacing the
// link atomically.
func (r Run) LinkLatest() error {
	dir := filepath.Clean(r.Dir)
	return atomicfile.Symlink(filepath.Base(dir), filepath.Join(filepath.Dir(dir), "latest"))
}

// Start errors: what Check finds.
var (
	// ErrTrained is wrapped when the run holds checkpoints and neither
	// resuming nor starting over was asked for.
	ErrTrained = errors.New("already holds a trained run")
	// ErrNoCheckpoint is wrapped when resuming was asked for and the run
	// has no checkpoint.
	ErrNoCheckpoint = errors.New("has no checkpoints to resume from")
)

// Start says how training begins in a run directory.
type Start int

// The ways to start.
const (
	// Fresh refuses a run that holds checkpoints (ErrTrained).
	Fresh Start = iota
	// Resume continues from the newest checkpoint (ErrNoCheckpoint when
	// there is none).
	Resume
	// Over starts again, removing the run's checkpoints, weights, manifest,
	// metrics and test.hyp; its config, tokenizers and data cache stay.
	Over
)

// Check makes the run ready to start training as s says, before any other
// work: it is the one place that decides between continuing, refusing and
// starting over.
func (r Run) Check(s Start) error {
	ckpts, err := r.Checkpoints()
	if err != nil {
		return err
	}
	switch {
	case s == Resume && len(ckpts) == 0:
		return fmt.Errorf("%s %w", r.Dir, ErrNoCheckpoint)
	case s == Over:
		for _, p := range []string{CheckpointDir, WeightsFile, ManifestFile, MetricsFile, TestHypFile} {
			if err := os.RemoveAll(r.Path(p)); err != nil {
				return err
			}
		}
	case s == Fresh && len(ckpts) > 0:
		return fmt.Errorf("%s %w (%d checkpoints)", r.Dir, ErrTrained, len(ckpts))
	}
	return nil
}
