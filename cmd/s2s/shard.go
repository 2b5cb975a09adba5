package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/s2s-nmt/s2s/internal/atomicfile"
	"github.com/s2s-nmt/s2s/shard"
	"github.com/s2s-nmt/s2s/translate"
)

// inputError marks input that can never succeed: missing or unreadable,
// gzip-compressed (exit code 3, "do not retry").
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

// defaultCommitEvery is how many input lines a shard worker translates
// between commits.
const defaultCommitEvery = 5000

// afterShardCommit, when set, runs after every commit of a shard worker
// (tests stop a worker there).
var afterShardCommit func()

// shardCommit is a worker's progress through its shard: the first Offset
// bytes of the input (Lines lines) are translated into the first Bytes
// bytes of its partial file, whose SHA-256 is SHA256. It is written
// atomically after the partial file is synced, so a rerun can trust it.
type shardCommit struct {
	shard.Job
	Start   int64  `json:"start"`
	End     int64  `json:"end"`
	Partial string `json:"partial"` // base name, in the output directory
	Offset  int64  `json:"offset"`
	Lines   int    `json:"lines"`
	Bytes   int64  `json:"bytes"`
	SHA256  string `json:"sha256"`
}

// shardSettings returns the settings that shape a shard's output, as
// recorded in its manifest. The batch size and threads do not change it.
func shardSettings(a translateArgs, o translate.Options) map[string]string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	s := map[string]string{
		"mode":  map[translate.Mode]string{translate.Beam: "beam", translate.Greedy: "greedy", translate.Sample: "sample"}[o.Mode],
		"alpha": f(o.Alpha), "max_len_ratio": f(o.MaxLenRatio), "max_len_extra": strconv.Itoa(o.MaxLenExtra),
		"nbest": strconv.Itoa(a.nbest), "alignments": a.alignments, "scores": strconv.FormatBool(a.scores),
	}
	if o.Mode == translate.Beam {
		s["beam"] = strconv.Itoa(o.Beam)
	}
	if o.LengthPenalty == translate.GNMT {
		s["length_penalty"] = string(o.LengthPenalty) // absent: Marian's, as before the option existed
	}
	if a.precision == string(translate.Int8) {
		s["precision"] = a.precision // absent: fp32, as before the option existed
	}
	return s
}

// openShardInput opens a shard worker's input and returns it with the
// identity recorded in manifests. A missing, unreadable or gzip file is
// an inputError.
func openShardInput(path string) (*os.File, shard.Input, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, shard.Input{}, inputError{err}
	}
	info, err := f.Stat()
	if err == nil && !info.Mode().IsRegular() {
		err = fmt.Errorf("%s is not a regular file: --shard needs a file it can seek in", path)
	}
	if err == nil {
		err = shard.CheckPlain(f)
	}
	if err != nil {
		f.Close()
		return nil, shard.Input{}, inputError{fmt.Errorf("%s: %w", path, err)}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		f.Close()
		return nil, shard.Input{}, err
	}
	return f, shard.Input{Path: abs, Size: info.Size(), ModTime: info.ModTime().UTC().Format(time.RFC3339Nano)}, nil
}

// shardWorker translates one shard of a file into a directory.
type shardWorker struct {
	job    shard.Job
	rng    shard.Range
	in     *os.File
	dir    string
	every  int
	stream *translate.Stream[float32]
	log    io.Writer
}

// prefix returns the base name shared by the shard's partial and commit
// files, ".part-00003-of-00008".
func (w *shardWorker) prefix() string {
	return "." + strings.TrimSuffix(shard.Name(w.rng.Index, w.rng.Count), ".txt")
}

// run translates the shard, resuming from the furthest valid commit, and
// publishes it unless it is already done.
func (w *shardWorker) run() error {
	i, n := w.rng.Index, w.rng.Count
	manPath := filepath.Join(w.dir, shard.ManifestName(i, n))
	var done shard.Manifest
	if err := shard.ReadJSON(manPath, &done); err == nil {
		if d := done.Job.Diff(w.job); d != "" {
			return fmt.Errorf("shard %d/%d is already done in %s with another job: %s; "+
				"remove %s and its output, or use another output directory", i, n, w.dir, d, manPath)
		}
		fmt.Fprintf(w.log, "shard %d/%d is already done: %s\n", i, n, manPath)
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(w.dir, 0o755); err != nil {
		return err
	}
	var suffix [4]byte
	rand.Read(suffix[:])
	unique := fmt.Sprintf("%s.%d-%s", w.prefix(), os.Getpid(), hex.EncodeToString(suffix[:]))
	c := shardCommit{Job: w.job, Start: w.rng.Start, End: w.rng.End, Partial: unique + ".partial", Offset: w.rng.Start}
	partPath, commitPath := filepath.Join(w.dir, c.Partial), filepath.Join(w.dir, unique+".commit.json")
	part, err := os.OpenFile(partPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer part.Close()
	h := sha256.New()
	if from, ok := w.resumable(); ok {
		if err := copyPrefix(part, h, filepath.Join(w.dir, from.Partial), from.Bytes); err != nil {
			return err
		}
		c.Offset, c.Lines, c.Bytes = from.Offset, from.Lines, from.Bytes
		fmt.Fprintf(w.log, "shard %d/%d: resuming at line %d (byte %d) from %s\n", i, n, c.Lines, c.Offset, from.Partial)
	}
	resumed := c.Lines
	if err := w.translate(&c, part, h, commitPath); err != nil {
		return err
	}
	if err := part.Close(); err != nil {
		return err
	}
	m := shard.Manifest{Job: w.job, Shard: i, Shards: n, Start: w.rng.Start, End: w.rng.End, Lines: c.Lines,
		Resumed: resumed, Output: shard.Name(i, n), Bytes: c.Bytes, SHA256: c.SHA256}
	if err := w.publish(&m, partPath); err != nil {
		return err
	}
	os.Remove(commitPath)
	os.Remove(partPath)
	return nil
}

// translate translates the input from c.Offset to the shard's end into
// part (hashing into h), committing every w.every lines.
func (w *shardWorker) translate(c *shardCommit, part *os.File, h hash.Hash, commitPath string) error {
	br := bufio.NewReaderSize(io.NewSectionReader(w.in, c.Offset, w.rng.End-c.Offset), 1<<16)
	out := io.MultiWriter(part, h)
	c.SHA256 = hex.EncodeToString(h.Sum(nil))
	for c.Offset < w.rng.End {
		var chunk bytes.Buffer
		lines := 0
		for lines < w.every {
			line, err := br.ReadBytes('\n')
			chunk.Write(line)
			if len(line) > 0 {
				lines++
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return inputError{fmt.Errorf("%s: %w", w.job.Input.Path, err)}
			}
		}
		if lines == 0 {
			return fmt.Errorf("%s: ended at byte %d, before the shard's end %d: the file changed", w.job.Input.Path, c.Offset, w.rng.End)
		}
		w.stream.Input.First = c.Lines
		cw := &countWriter{w: out}
		if err := w.stream.Run(bytes.NewReader(chunk.Bytes()), cw); err != nil {
			return err
		}
		if err := part.Sync(); err != nil {
			return err
		}
		c.Offset += int64(chunk.Len())
		c.Lines += lines
		c.Bytes += cw.n
		c.SHA256 = hex.EncodeToString(h.Sum(nil))
		if err := writeJSON(commitPath, c); err != nil {
			return err
		}
		if afterShardCommit != nil {
			afterShardCommit()
		}
	}
	return nil
}

// resumable returns the commit, of any worker on this shard and job,
// that got furthest and whose partial file still holds what it recorded.
func (w *shardWorker) resumable() (shardCommit, bool) {
	paths, _ := filepath.Glob(filepath.Join(w.dir, w.prefix()+".*.commit.json"))
	var best shardCommit
	found := false
	for _, p := range paths {
		var c shardCommit
		if shard.ReadJSON(p, &c) != nil || c.Job.Diff(w.job) != "" || c.Start != w.rng.Start || c.End != w.rng.End ||
			c.Offset <= w.rng.Start || (found && c.Offset <= best.Offset) {
			continue
		}
		if sum, err := hashPrefix(filepath.Join(w.dir, c.Partial), c.Bytes); err != nil || sum != c.SHA256 {
			continue
		}
		best, found = c, true
	}
	return best, found
}

// publish makes partPath the shard's output exclusively: the first worker
// to link it wins. A worker that finds the output there checks that it
// equals its own and exits as done. The manifest is written last.
func (w *shardWorker) publish(m *shard.Manifest, partPath string) error {
	outPath := filepath.Join(w.dir, m.Output)
	err := os.Link(partPath, outPath)
	if err == nil {
		if err := syncDir(w.dir); err != nil {
			return err
		}
		fmt.Fprintf(w.log, "shard %d/%d: %d lines (%d translated here, from line %d) into %s\n",
			m.Shard, m.Shards, m.Lines, m.Lines-m.Resumed, m.Resumed, outPath)
		return m.Write(w.dir)
	}
	if !errors.Is(err, fs.ErrExist) {
		return err
	}
	sum, err := hashPrefix(outPath, -1)
	if err != nil {
		return err
	}
	if sum != m.SHA256 {
		return fmt.Errorf("shard %d/%d: another worker published %s, and it differs from this worker's translation (SHA-256 %.12s…, not %.12s…)",
			m.Shard, m.Shards, outPath, sum, m.SHA256)
	}
	var theirs shard.Manifest
	if shard.ReadJSON(filepath.Join(w.dir, shard.ManifestName(m.Shard, m.Shards)), &theirs) == nil {
		if d := theirs.Job.Diff(m.Job); d != "" || theirs.SHA256 != m.SHA256 {
			return fmt.Errorf("shard %d/%d: another worker's manifest differs: %s", m.Shard, m.Shards, d)
		}
	} else if err := m.Write(w.dir); err != nil {
		return err
	}
	fmt.Fprintf(w.log, "shard %d/%d: another worker published it first; its output equals this one's\n", m.Shard, m.Shards)
	return nil
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// hashPrefix returns the hex SHA-256 of the first n bytes of path (all of
// it when n < 0); a file shorter than n is an error.
func hashPrefix(path string, n int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	var r io.Reader = f
	if n >= 0 {
		r = io.LimitReader(f, n)
	}
	k, err := io.Copy(h, r)
	if err != nil {
		return "", err
	}
	if n >= 0 && k != n {
		return "", fmt.Errorf("%s: %d bytes, fewer than %d", path, k, n)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// copyPrefix copies the first n bytes of path into dst and h.
func copyPrefix(dst io.Writer, h hash.Hash, path string, n int64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.CopyN(io.MultiWriter(dst, h), f, n)
	return err
}

// writeJSON writes v as indented JSON to path atomically.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(b, '\n'), 0o644)
}

// syncDir fsyncs a directory so that a link made in it is durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}
