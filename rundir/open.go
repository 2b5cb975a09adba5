package rundir

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/internal/manifest"
	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/internal/safetensors"
	"github.com/s2s-nmt/s2s/model"
)

// ErrNoModel is wrapped by Resolve's error when no model directory was
// given and the working directory has no runs/latest.
var ErrNoModel = errors.New("no trained model")

// ErrDamaged is wrapped when a model file does not match its manifest.
var ErrDamaged = errors.New("damaged")

// Resolve returns the model directory to open: dir, or when dir is "" the
// runs/latest link of the working directory, with an error wrapping
// ErrNoModel that says to train first when there is none.
func Resolve(dir string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	if _, err := os.Stat(Latest); err != nil {
		return "", fmt.Errorf("%w: %s does not exist here; train one first with `s2s train CONFIG`, or name a model directory", ErrNoModel, Latest)
	}
	return Latest, nil
}

// IsCheckpoint reports whether dir is a checkpoint by its path:
// .../checkpoints/step-N.
func IsCheckpoint(dir string) bool {
	dir = filepath.Clean(dir)
	return filepath.Base(filepath.Dir(dir)) == CheckpointDir && strings.HasPrefix(filepath.Base(dir), "step-")
}

// RunOf returns the run directory that holds dir's config and tokenizers:
// dir itself, or for a checkpoint the run two levels up.
func RunOf(dir string) Run {
	if IsCheckpoint(dir) {
		return Run{Dir: filepath.Dir(filepath.Dir(filepath.Clean(dir)))}
	}
	return Run{Dir: dir}
}

// Verified is what checking a model directory found.
type Verified struct {
	// Dir is the directory checked, Run the one holding its config and
	// tokenizers.
	Dir string
	Run Run
	// ID is the model's identity: the hex SHA-256 of the manifest of its
	// files (config, tokenizers, weights) and precision.
	ID string
	// Warning is set, one line, when the files could not be verified: a
	// model directory from an older s2s, without a manifest.
	Warning string
	// Precision is the weights' number format from the manifest:
	// Precision, or PrecisionInt8 for a model `s2s quantize` wrote.
	Precision string
}

// Verify checks the model directory dir (a run, a checkpoint, a saved
// model) against its manifests and returns its identity. A checkpoint's
// own manifest must be intact; a missing run-root manifest is a warning.
// Every error names the file and says what to do.
func Verify(dir string) (Verified, error) {
	unlock := lock(RunOf(dir).Dir, false)
	defer unlock()
	return verify(dir)
}

// verify is Verify without the lock.
func verify(dir string) (Verified, error) {
	v := Verified{Dir: dir, Run: RunOf(dir)}
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return v, fmt.Errorf("model directory %s: no such file or directory; name a run (runs/NAME), a checkpoint "+
			"(runs/NAME/checkpoints/step-N) or an averaged model: %w", dir, fs.ErrNotExist)
	}
	if err != nil {
		return v, fmt.Errorf("model directory: %w", err)
	}
	if !fi.IsDir() {
		return v, fmt.Errorf("model directory %s: not a directory", dir)
	}
	w := filepath.Join(dir, WeightsFile)
	if _, err := os.Stat(w); errors.Is(err, fs.ErrNotExist) {
		return v, fmt.Errorf("%s: no weights: the run is not trained yet; train it with `s2s train CONFIG`, "+
			"or name a run, a checkpoint (runs/NAME/checkpoints/step-N) or an averaged model", w)
	}
	var weights manifest.Entry
	if IsCheckpoint(dir) {
		if err := manifest.Verify(dir); err != nil {
			return v, fmt.Errorf("checkpoint %s is %w: %w; open another checkpoint, or train again", dir, ErrDamaged, err)
		}
		m, _ := manifest.Read(dir) // just verified
		weights, _ = m.Lookup(WeightsFile)
	}
	m, warn, err := verifyRoot(v.Run.Dir, weights)
	if err != nil {
		return v, err
	}
	v.ID, v.Warning, v.Precision = identity(m), warn, m.Precision
	return v, nil
}

// verifyRoot checks the config, tokenizers and (unless weights is given,
// a checkpoint's) weights of the model directory dir against its
// manifest, and returns the model's manifest. Without a manifest it
// hashes the files and returns a warning.
func verifyRoot(dir string, weights manifest.Entry) (manifest.Manifest, string, error) {
	root, err := manifest.Read(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if weights.Path == "" {
			if weights, err = manifest.Hash(filepath.Join(dir, WeightsFile), WeightsFile); err != nil {
				return root, "", err
			}
		}
		m, err := modelManifest(dir, weights, Precision)
		return m, fmt.Sprintf("%s has no %s (written by an older s2s): its files are not verified", dir, ManifestFile), err
	}
	if err != nil {
		return root, "", fmt.Errorf("%w; train again, or write the model anew with `s2s average`", err)
	}
	m := manifest.Manifest{Precision: root.Precision}
	var errs []error
	for _, name := range modelFiles {
		if name == WeightsFile && weights.Path != "" {
			m.Files = append(m.Files, weights)
			continue
		}
		e, ok := root.Lookup(name)
		if !ok {
			errs = append(errs, fmt.Errorf("%s does not list %s", filepath.Join(dir, ManifestFile), name))
			continue
		}
		if err := manifest.VerifyFile(dir, e); err != nil {
			errs = append(errs, err)
		}
		m.Files = append(m.Files, e)
	}
	if len(errs) > 0 {
		what := "train again"
		if weights.Path == "" {
			what = "open one of its checkpoints (" + filepath.Join(dir, CheckpointDir, "step-N") + ") or train again"
		}
		return m, "", fmt.Errorf("model directory %s is %w: %w; %s", dir, ErrDamaged, errors.Join(errs...), what)
	}
	if m.Precision != Precision && m.Precision != PrecisionInt8 {
		return m, "", fmt.Errorf("%s: precision %q: this s2s reads %q and %q weights", filepath.Join(dir, ManifestFile), m.Precision, Precision, PrecisionInt8)
	}
	return m, "", nil
}

// Model is a model directory loaded for inference: a translation model
// (Net) or a language model (LM), with its config C.
type Model[F mat.Float, C Config] struct {
	Verified
	// Config is the resolved experiment file.
	Config C
	// Src and Tgt are the source and target tokenizers; a language
	// model's one tokenizer is Tgt (its run writes it under both names).
	Src, Tgt *corpora.Tokenizer
	// Net is the translation model (model.type seq2seq), else nil.
	Net *model.Seq2Seq[F]
	// LM is the language model (model.type lm), else nil.
	LM *model.LM[F]
	// Meta is the weights file's metadata.
	Meta map[string]string
}

// Open loads the model directory dir ("" means runs/latest, see Resolve):
// it verifies it (Verify), loads the config with load, the tokenizers and
// the weights. Every error names the file at fault.
func Open[F mat.Float, C Config](dir string, load func(path string) (C, error)) (*Model[F, C], error) {
	dir, err := Resolve(dir)
	if err != nil {
		return nil, err
	}
	unlock := lock(RunOf(dir).Dir, false)
	defer unlock()
	v, err := verify(dir)
	if err != nil {
		return nil, err
	}
	m := &Model[F, C]{Verified: v}
	cfgPath := v.Run.Path(ConfigFile)
	if m.Config, err = load(cfgPath); err != nil {
		return nil, fmt.Errorf("model directory %s: %w", dir, err)
	}
	if m.Src, err = corpora.Load(v.Run.Path(SrcTokenizer)); err != nil {
		return nil, fmt.Errorf("model directory %s: %w", dir, err)
	}
	if m.Tgt, err = corpora.Load(v.Run.Path(TgtTokenizer)); err != nil {
		return nil, fmt.Errorf("model directory %s: %w", dir, err)
	}
	w := filepath.Join(dir, WeightsFile)
	if v.Precision == PrecisionInt8 {
		if err := m.openInt8(w, cfgPath); err != nil {
			return nil, err
		}
		return m, nil
	}
	// The initial weights are all overwritten; any seed will do.
	rng := rand.New(rand.NewPCG(0, 0))
	var set *mat.Set[F]
	if mc := m.Config.ModelConfig(); mc.Type == model.TypeLM {
		m.LM, err = model.NewLM[F](mc, m.Tgt.VocabSize(), rng)
		if err == nil {
			set = m.LM.Params()
		}
	} else {
		m.Net, err = model.New[F](mc, m.Src.VocabSize(), m.Tgt.VocabSize(), rng)
		if err == nil {
			set = m.Net.Params()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfgPath, err)
	}
	if m.Meta, err = safetensors.LoadSet(w, set); err != nil {
		return nil, fmt.Errorf("%s: weights do not fit the model of %s: %w", w, cfgPath, err)
	}
	return m, nil
}

// Params returns the loaded model's parameters.
func (m *Model[F, C]) Params() *mat.Set[F] {
	if m.LM != nil {
		return m.LM.Params()
	}
	return m.Net.Params()
}

// Want returns an error naming the config unless the model is of type t.
func (m *Model[F, C]) Want(t model.Type) error {
	got := m.Config.ModelConfig().Type
	if got == t {
		return nil
	}
	name := map[model.Type]string{model.TypeLM: "a language model", model.TypeSeq2Seq: "a translation model"}
	return fmt.Errorf("%s: model.type is %s (%s), not %s: this command needs %s", m.Run.Path(ConfigFile), got, name[got], t, name[t])
}

// joinPath is filepath.Join, kept short for the file lists above.
func joinPath(dir, name string) string { return filepath.Join(dir, name) }

// parentDir returns the directory that holds dir.
func parentDir(dir string) string { return filepath.Dir(filepath.Clean(dir)) }
