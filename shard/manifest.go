package shard

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/s2s-nmt/s2s/internal/atomicfile"
)

// Name returns the base name of shard i of n's output,
// "part-00003-of-00008.txt".
func Name(i, n int) string { return fmt.Sprintf("part-%05d-of-%05d.txt", i, n) }

// ManifestName returns the base name of shard i of n's manifest,
// "part-00003-of-00008.json".
func ManifestName(i, n int) string { return fmt.Sprintf("part-%05d-of-%05d.json", i, n) }

// Input identifies an input file: a rerun or a merge that finds another
// size or modification time is looking at another file.
type Input struct {
	Path    string `json:"path"`
	Size    int64  `json:"size"`
	ModTime string `json:"mod_time"` // RFC 3339 with nanoseconds, UTC
}

// Job is what every shard of one translation shares: the input, the
// model's identity and the settings that shape the output.
type Job struct {
	Input    Input             `json:"input"`
	Model    string            `json:"model"`
	Settings map[string]string `json:"settings"`
}

// Diff names the first difference between j (what was recorded) and
// want (this invocation), or returns "" when they are equal.
func (j Job) Diff(want Job) string {
	switch {
	case j.Input.Path != want.Input.Path:
		return fmt.Sprintf("input path %q, not %q", j.Input.Path, want.Input.Path)
	case j.Input.Size != want.Input.Size:
		return fmt.Sprintf("input %s size %d bytes, not %d", want.Input.Path, j.Input.Size, want.Input.Size)
	case j.Input.ModTime != want.Input.ModTime:
		return fmt.Sprintf("input %s modified %s, not %s", want.Input.Path, j.Input.ModTime, want.Input.ModTime)
	case j.Model != want.Model:
		return fmt.Sprintf("model identity %.12s…, not %.12s…", j.Model, want.Model)
	}
	keys := make([]string, 0, len(j.Settings)+len(want.Settings))
	for k := range j.Settings {
		keys = append(keys, k)
	}
	for k := range want.Settings {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		if a, b := j.Settings[k], want.Settings[k]; a != b {
			return fmt.Sprintf("setting %s %q, not %q", k, a, b)
		}
	}
	return ""
}

// Manifest records a finished shard. It is written after the output, so
// its presence means the output is complete.
type Manifest struct {
	Job
	Shard  int   `json:"shard"`
	Shards int   `json:"shards"`
	Start  int64 `json:"start"` // the input's bytes [Start, End)
	End    int64 `json:"end"`
	Lines  int   `json:"lines"` // input lines in the shard
	// Resumed is the input line the worker that published the output
	// started at (0, or the line count of the commit it resumed from);
	// it translated Lines - Resumed lines itself.
	Resumed int    `json:"resumed"`
	Output  string `json:"output"` // the output's base name
	Bytes   int64  `json:"bytes"`  // the output's size
	SHA256  string `json:"sha256"` // the output's hex SHA-256
}

// Write writes m as dir/ManifestName atomically.
func (m *Manifest) Write(dir string) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, ManifestName(m.Shard, m.Shards)), append(b, '\n'), 0o644)
}

// ReadJSON decodes the JSON file path strictly into v.
func ReadJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Parse parses a shard flag "I/N" (0 ≤ I < N); "auto/N" takes I from
// index, the value of JOB_COMPLETION_INDEX in a Kubernetes Indexed Job.
func Parse(spec, index string) (i, n int, err error) {
	si, sn, ok := strings.Cut(spec, "/")
	if !ok {
		return 0, 0, fmt.Errorf("--shard %q: want I/N or auto/N", spec)
	}
	if _, err := fmt.Sscan(sn, &n); err != nil || n < 1 || fmt.Sprint(n) != sn {
		return 0, 0, fmt.Errorf("--shard %q: N must be a whole number ≥ 1", spec)
	}
	if si == "auto" {
		if index == "" {
			return 0, 0, fmt.Errorf("--shard auto/%d: JOB_COMPLETION_INDEX is not set (Kubernetes sets it in an Indexed Job)", n)
		}
		si = index
	}
	if _, err := fmt.Sscan(si, &i); err != nil || fmt.Sprint(i) != si || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("--shard %q: I %q must be a whole number with 0 ≤ I < %d", spec, si, n)
	}
	return i, n, nil
}
