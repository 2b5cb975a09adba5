package rundir_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/s2s-nmt/s2s/configs"
	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/internal/manifest"
	"github.com/s2s-nmt/s2s/internal/safetensors"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/s2s-nmt/s2s/rundir/rundirtest"
)

type model = rundir.Model[float32, *configs.Config]

func open(dir string) (*model, error) { return rundir.Open[float32](dir, configs.Load) }

// checkpoint writes the weights of m as checkpoint step of run, with its
// manifest, as the trainer does.
func checkpoint(t *testing.T, run string, step int, m *model) string {
	t.Helper()
	ckpt := rundir.Run{Dir: run}.Checkpoint(step)
	os.MkdirAll(ckpt, 0o755)
	if err := safetensors.SaveWeights(filepath.Join(ckpt, rundir.WeightsFile), m.Params(), nil); err != nil {
		t.Fatal(err)
	}
	if err := manifest.Write(ckpt); err != nil {
		t.Fatal(err)
	}
	return ckpt
}

// TestOpen opens the three kinds of model directory and runs/latest, gets
// the saved weights back, and finds one identity for the same model.
func TestOpen(t *testing.T) {
	t.Chdir(t.TempDir())
	run := filepath.Join("runs", "tiny")
	want := rundirtest.Write(t, run, rundirtest.Config("tiny", 20), 1)
	saved, err := open(run)
	if err != nil {
		t.Fatal(err)
	}
	ckpt := checkpoint(t, run, 10, saved)
	os.Symlink("tiny", filepath.Join("runs", "latest"))
	for _, tc := range []struct{ dir, runDir string }{
		{run, run}, {ckpt, run}, {"", rundir.Latest},
		{filepath.Join(rundir.Latest, "checkpoints", "step-0000010"), rundir.Latest},
	} {
		m, err := open(tc.dir)
		if err != nil {
			t.Fatalf("%q: %v", tc.dir, err)
		}
		if filepath.Clean(m.Run.Dir) != filepath.Clean(tc.runDir) || m.Config.Name != "tiny" || m.Net == nil || m.LM != nil {
			t.Errorf("%q: run dir %q, name %q", tc.dir, m.Run.Dir, m.Config.Name)
		}
		if !slices.Equal(m.Net.Params().W, want.Params().W) {
			t.Errorf("%q: weights differ from those saved", tc.dir)
		}
		if m.Warning != "" {
			t.Errorf("%q: warning %q", tc.dir, m.Warning)
		}
		// The same config, tokenizers and weights are the same model.
		if m.ID != saved.ID || len(m.ID) != 64 {
			t.Errorf("%q: identity %s, want %s", tc.dir, m.ID, saved.ID)
		}
	}
	if !rundir.IsCheckpoint(ckpt) || rundir.IsCheckpoint(run) {
		t.Error("IsCheckpoint does not go by the path")
	}
}

// TestOpenErrors: each failure names the file at fault and says what to do.
func TestOpenErrors(t *testing.T) {
	t.Chdir(t.TempDir())
	if _, err := open(""); !errors.Is(err, rundir.ErrNoModel) || !strings.Contains(err.Error(), "s2s train CONFIG") {
		t.Errorf("no runs/latest: %v", err)
	}
	run := "run"
	rundirtest.Write(t, run, rundirtest.Config("run", 20), 1)
	m, _ := open(run)
	ckpt := checkpoint(t, run, 1, m)
	f, _ := os.OpenFile(filepath.Join(ckpt, rundir.WeightsFile), os.O_WRONLY|os.O_APPEND, 0)
	f.Write([]byte{0})
	f.Close()
	other := rundirtest.Config("other", 20)
	other.Model.Decoder.Hidden = 12
	rundirtest.Write(t, "other", other, 1)
	os.Remove(filepath.Join("other", rundir.ManifestFile))
	os.Remove(filepath.Join("other", rundir.WeightsFile))
	os.Link(filepath.Join(run, rundir.WeightsFile), filepath.Join("other", rundir.WeightsFile))
	os.MkdirAll("prepared", 0o755)
	rundirtest.WriteLM(t, "lm", rundirtest.LMConfig("lm"), nil, 1)
	for _, tc := range []struct{ dir, want string }{
		{"nowhere", "nowhere: no such file"},
		{"prepared", "prepared/model.safetensors: no weights: the run is not trained yet"},
		{ckpt, "run/checkpoints/step-0000001/model.safetensors: "}, // grown by one byte
		{"other", "other/model.safetensors: weights do not fit the model of other/config.yaml"},
	} {
		if _, err := open(tc.dir); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.dir, err, tc.want)
		}
	}
	lm, err := open("lm")
	if err != nil {
		t.Fatal(err)
	}
	if err := lm.Want("seq2seq"); err == nil || !strings.Contains(err.Error(), "needs a translation model") {
		t.Errorf("a language model opened for translation: %v", err)
	}
}

// TestFlippedByteIsAnError: one byte changed in a run's best weights is an
// error that names the file and says to use a checkpoint or retrain.
func TestFlippedByteIsAnError(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	rundirtest.Write(t, dir, rundirtest.Config("run", 20), 1)
	for _, name := range []string{rundir.WeightsFile, rundir.ConfigFile, rundir.TgtTokenizer} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			b, _ := os.ReadFile(path)
			flipped := slices.Clone(b)
			flipped[len(b)-2] ^= 1
			os.WriteFile(path, flipped, 0o644)
			defer os.WriteFile(path, b, 0o644)
			_, err := open(dir)
			if !errors.Is(err, rundir.ErrDamaged) || !errors.Is(err, manifest.ErrMismatch) {
				t.Fatalf("error %v, want ErrDamaged", err)
			}
			for _, s := range []string{path, "modified", "checkpoints", "train again"} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
		})
	}
	if _, err := open(dir); err != nil {
		t.Errorf("restored: %v", err)
	}
}

// TestNoManifestWarns: a model directory from an older s2s, without a
// manifest, loads with a one-line warning.
func TestNoManifestWarns(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "old")
	rundirtest.Write(t, dir, rundirtest.Config("old", 20), 1)
	withManifest, _ := open(dir)
	os.Remove(filepath.Join(dir, rundir.ManifestFile))
	m, err := open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Warning, "no manifest.json") || strings.Contains(m.Warning, "\n") {
		t.Errorf("warning %q", m.Warning)
	}
	if m.ID != withManifest.ID {
		t.Errorf("identity without a manifest %s, with %s", m.ID, withManifest.ID)
	}
}

// TestSaveRefusesExisting: Save never replaces a directory.
func TestSaveRefusesExisting(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a")
	rundirtest.Write(t, dir, rundirtest.Config("a", 20), 1)
	m, err := open(dir)
	if err != nil {
		t.Fatal(err)
	}
	err = rundir.Save(dir, m.Config, m.Src, m.Tgt, m.Params(), nil)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("error %v", err)
	}
}

// TestPublishIsAtomic: readers opening a run while its weights are
// published again and again always see weights that match the manifest.
func TestPublishIsAtomic(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	rundirtest.Write(t, dir, rundirtest.Config("run", 20), 1)
	m, _ := open(dir)
	set := m.Params()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	wg.Go(func() {
		for i := range 30 {
			set.W[0] = float32(i)
			if err := rundir.Publish(rundir.Run{Dir: dir}, set, nil); err != nil {
				errs <- err
			}
		}
	})
	for range 2 {
		wg.Go(func() {
			for range 30 {
				if _, err := open(dir); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestWriteConfigKeepsManifest: rewriting a trained run's config (a resume
// with changed settings) rebuilds its manifest.
func TestWriteConfigKeepsManifest(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	rundirtest.Write(t, dir, rundirtest.Config("run", 20), 1)
	before, _ := open(dir)
	before.Config.Training.MaxSteps = 1234
	if err := (rundir.Run{Dir: dir}).WriteConfig(before.Config); err != nil {
		t.Fatal(err)
	}
	after, err := open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if after.Config.Training.MaxSteps != 1234 || after.ID == before.ID {
		t.Errorf("max_steps %d, identity changed %v", after.Config.Training.MaxSteps, after.ID != before.ID)
	}
}

// TestCheck: a run with checkpoints needs Resume or Over; Over removes the
// run's training results and keeps its data; Create removes temporaries.
func TestCheck(t *testing.T) {
	r := rundir.Run{Dir: filepath.Join(t.TempDir(), "run")}
	if err := r.Create(); err != nil {
		t.Fatal(err)
	}
	if err := r.Check(rundir.Resume); !errors.Is(err, rundir.ErrNoCheckpoint) {
		t.Errorf("resume of an empty run: %v", err)
	}
	if err := r.Check(rundir.Fresh); err != nil {
		t.Errorf("fresh start of an empty run: %v", err)
	}
	os.MkdirAll(r.Checkpoint(5), 0o755)
	os.WriteFile(r.Path(rundir.MetricsFile), nil, 0o644)
	os.WriteFile(r.Path(rundir.DataDir+"/cache.ids"), nil, 0o644)
	if err := r.Check(rundir.Fresh); !errors.Is(err, rundir.ErrTrained) {
		t.Errorf("fresh start of a trained run: %v", err)
	}
	if err := r.Check(rundir.Resume); err != nil {
		t.Errorf("resume: %v", err)
	}
	if err := r.Check(rundir.Over); err != nil {
		t.Fatal(err)
	}
	if ck, _ := r.Checkpoints(); len(ck) != 0 {
		t.Errorf("starting over left %v", ck)
	}
	if _, err := os.Stat(r.Path(rundir.MetricsFile)); err == nil {
		t.Error("starting over left metrics.jsonl")
	}
	if _, err := os.Stat(r.Path(rundir.DataDir + "/cache.ids")); err != nil {
		t.Error("starting over removed the data cache")
	}
	os.WriteFile(r.Path(rundir.WeightsFile+".tmp-123"), nil, 0o644)
	os.MkdirAll(filepath.Join(r.Dir, "checkpoints", "step-0000007.tmp-9"), 0o755)
	if err := r.Create(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{r.Path(rundir.WeightsFile + ".tmp-123"), filepath.Join(r.Dir, "checkpoints", "step-0000007.tmp-9")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("Create left the crash's temporary %s", p)
		}
	}
}

// TestOpenLM opens a language model's run and a checkpoint of it.
func TestOpenLM(t *testing.T) {
	t.Chdir(t.TempDir())
	run := filepath.Join("runs", "char")
	want := rundirtest.WriteLM(t, run, rundirtest.LMConfig("char"), nil, 1)
	m, err := open(run)
	if err != nil {
		t.Fatal(err)
	}
	ckpt := checkpoint(t, run, 10, m)
	for _, dir := range []string{run, ckpt} {
		m, err := open(dir)
		if err != nil {
			t.Fatalf("%q: %v", dir, err)
		}
		if m.LM == nil || m.Net != nil || m.Tgt.VocabSize() != 260 || m.Want("lm") != nil {
			t.Errorf("%q: not a language model of vocabulary 260", dir)
		}
		if !slices.Equal(m.LM.Params().W, want.Params().W) {
			t.Errorf("%q: weights differ from those saved", dir)
		}
	}
}

// TestSameTarget: models with their own source tokenizers but one target
// vocabulary form an ensemble; another target vocabulary is refused with
// both tokenizer files named.
func TestSameTarget(t *testing.T) {
	dir := t.TempDir()
	tgt, src2, other := rundirtest.Tokenizer(t, 300), rundirtest.Tokenizer(t, 280), rundirtest.Tokenizer(t, 290)
	cfg := rundirtest.Config("tiny", 20)
	var ms []*model
	for i, tok := range [][2]*corpora.Tokenizer{{tgt, tgt}, {src2, tgt}, {tgt, other}} {
		d := filepath.Join(dir, strconv.Itoa(i))
		rundirtest.WriteWith(t, d, cfg, tok[0], tok[1], 1)
		m, err := open(d)
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	if err := rundir.SameTarget(ms[:2]); err != nil {
		t.Errorf("own source tokenizers, one target vocabulary: %v", err)
	}
	err := rundir.SameTarget(ms)
	want := filepath.Join(dir, "0", rundir.TgtTokenizer) + " and " + filepath.Join(dir, "2", rundir.TgtTokenizer) +
		": target vocabularies differ (300 ids, not 290); an ensemble needs one target vocabulary"
	if err == nil || err.Error() != want {
		t.Errorf("another target vocabulary: %v\nwant %s", err, want)
	}
}
