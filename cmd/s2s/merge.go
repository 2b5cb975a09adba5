package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/s2s-nmt/s2s/internal/atomicfile"
	"github.com/s2s-nmt/s2s/shard"
	"github.com/urfave/cli/v2"
)

func newMergeCommand() *cli.Command {
	var out string
	return &cli.Command{
		Name:      "merge",
		Usage:     "join the shards that s2s translate --shard wrote into one file",
		ArgsUsage: "DIR",
		Description: "Checks that DIR holds all N manifests part-IIIII-of-NNNNN.json, that they agree on the input,\n" +
			"the model and the settings, and that each output matches its SHA-256; then concatenates the\n" +
			"outputs in order into -o FILE, atomically, renumbering n-best sentence indices to global ones,\n" +
			"and checks the total line count against the input's when the input is still there.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "output `FILE`, written atomically", Required: true, Destination: &out},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("merge takes one directory, the -o DIR of s2s translate --shard")
			}
			return runMerge(c.Args().First(), out, c.App.ErrWriter)
		},
	}
}

// partRE matches a shard manifest's name.
var partRE = regexp.MustCompile(`^part-(\d{5,})-of-(\d{5,})\.json$`)

// runMerge does s2s merge.
func runMerge(dir, out string, log io.Writer) error {
	mans, err := readManifests(dir)
	if err != nil {
		return err
	}
	f, err := atomicfile.Create(out, 0o644)
	if err != nil {
		return err
	}
	defer f.Abort()
	bw := bufio.NewWriterSize(f, 1<<16)
	nbest := mans[0].Settings["nbest"] != "0"
	total := 0
	for _, m := range mans {
		if err := appendShard(bw, dir, m, total, nbest); err != nil {
			return err
		}
		total += m.Lines
	}
	if err := checkInputLines(mans[0].Input, total); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := f.Commit(); err != nil {
		return err
	}
	fmt.Fprintf(log, "merged %d shards, %d lines, into %s\n", len(mans), total, out)
	return nil
}

// readManifests reads dir's N manifests, in order, and checks that all
// exist, agree and cover the input.
func readManifests(dir string) ([]shard.Manifest, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	n := -1
	for _, e := range entries {
		if m := partRE.FindStringSubmatch(e.Name()); m != nil {
			k, _ := strconv.Atoi(m[2])
			if n >= 0 && k != n {
				return nil, fmt.Errorf("%s holds shards of %d and of %d: merge one job at a time", dir, n, k)
			}
			n = k
		}
	}
	if n < 1 {
		return nil, fmt.Errorf("%s holds no shard manifest part-IIIII-of-NNNNN.json", dir)
	}
	mans := make([]shard.Manifest, n)
	var missing []int
	for i := range mans {
		err := shard.ReadJSON(filepath.Join(dir, shard.ManifestName(i, n)), &mans[i])
		if errors.Is(err, fs.ErrNotExist) {
			missing = append(missing, i)
			continue
		}
		if err != nil {
			return nil, err
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: shards %v of %d are missing (no manifest): translate them with --shard I/%d", dir, missing, n, n)
	}
	var end int64
	for i, m := range mans {
		name := shard.ManifestName(i, n)
		if d := m.Job.Diff(mans[0].Job); d != "" {
			return nil, fmt.Errorf("%s: shard %d/%d differs from shard 0/%d: %s", name, i, n, n, d)
		}
		if m.Shard != i || m.Shards != n || m.Start != end || m.End < m.Start || m.Output != shard.Name(i, n) {
			return nil, fmt.Errorf("%s: shard %d/%d bytes [%d, %d) into %s, want shard %d/%d from byte %d into %s",
				name, m.Shard, m.Shards, m.Start, m.End, m.Output, i, n, end, shard.Name(i, n))
		}
		end = m.End
	}
	if end != mans[0].Input.Size {
		return nil, fmt.Errorf("%s: the shards end at byte %d of the input's %d", dir, end, mans[0].Input.Size)
	}
	return mans, nil
}

// appendShard checks shard m's output against its manifest and appends
// it to w, adding first to each n-best index when nbest is set.
func appendShard(w io.Writer, dir string, m shard.Manifest, first int, nbest bool) error {
	path := filepath.Join(dir, m.Output)
	sum, err := hashPrefix(path, -1)
	if err != nil {
		return fmt.Errorf("shard %d/%d: %w", m.Shard, m.Shards, err)
	}
	if sum != m.SHA256 {
		return fmt.Errorf("shard %d/%d: %s has SHA-256 %.12s…, not the manifest's %.12s…: it was changed after it was written",
			m.Shard, m.Shards, path, sum, m.SHA256)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !nbest {
		if k := bytes.Count(b, []byte{'\n'}); k != m.Lines {
			return fmt.Errorf("shard %d/%d: %s has %d lines, the manifest %d", m.Shard, m.Shards, path, k, m.Lines)
		}
		_, err := w.Write(b)
		return err
	}
	for len(b) > 0 {
		line := b
		if k := bytes.IndexByte(b, '\n'); k >= 0 {
			line = b[:k+1]
		}
		b = b[len(line):]
		num, rest, ok := bytes.Cut(line, []byte(" ||| "))
		k, err := strconv.Atoi(string(num))
		if !ok || err != nil || k < 0 || k >= m.Lines {
			return fmt.Errorf("shard %d/%d: %s: %q is not an n-best line of one of its %d sentences", m.Shard, m.Shards, path, line, m.Lines)
		}
		if _, err := fmt.Fprintf(w, "%d ||| %s", first+k, rest); err != nil {
			return err
		}
	}
	return nil
}

// checkInputLines checks, when the input is still there unchanged, that
// it has lines lines.
func checkInputLines(in shard.Input, lines int) error {
	f, err := os.Open(in.Path)
	if err != nil {
		return nil // the input may live elsewhere by now; the manifests vouch for it
	}
	defer f.Close()
	n, err := shard.CountLines(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return err
	}
	if n != lines {
		return fmt.Errorf("%s has %d lines, the shards %d", in.Path, n, lines)
	}
	return nil
}
