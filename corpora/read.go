package corpora

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// ReadLines reads a text file into lines: gzip-compressed files (by their
// magic bytes) are decompressed, lines may be of any length, a trailing
// "\r" and a leading UTF-8 byte order mark are removed. Lines are not
// checked for valid UTF-8.
func ReadLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	if magic, _ := r.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		defer gz.Close()
		r = bufio.NewReaderSize(gz, 1<<16)
	}
	var lines []string
	for {
		line, err := r.ReadString('\n')
		if len(line) > 0 {
			line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
			if len(lines) == 0 {
				line = strings.TrimPrefix(line, "\uFEFF")
			}
			lines = append(lines, line)
		}
		if errors.Is(err, io.EOF) {
			return lines, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, len(lines)+1, err)
		}
	}
}

// Stats counts the pairs of one split that were read, dropped and kept.
type Stats struct {
	Read        int `json:"read"`
	Kept        int `json:"kept"`
	Empty       int `json:"empty"`        // a side is empty or only spaces
	InvalidUTF8 int `json:"invalid_utf8"` // skipped with skip_invalid_utf8
	Duplicate   int `json:"duplicate"`    // exact repeats of an earlier pair
	TooLong     int `json:"too_long"`     // a side longer than max_len tokens
	Ratio       int `json:"ratio"`        // length ratio above filter.max_ratio
}

// String is the one summary line of what was dropped.
func (s Stats) String() string {
	return fmt.Sprintf("%d pairs read, %d kept; dropped %d empty, %d invalid UTF-8, %d duplicate, %d longer than max_len, %d over max_ratio",
		s.Read, s.Kept, s.Empty, s.InvalidUTF8, s.Duplicate, s.TooLong, s.Ratio)
}

// ReadPairs reads an aligned parallel corpus: f.Src and f.Tgt line by line,
// or f.TSV (source and target in the first two tab-separated columns). Two
// files of different lengths are an error naming both counts. A line with
// invalid UTF-8 is an error with file:line, unless skipInvalid, when the
// pair is dropped and counted in st. Pairs with an empty side are dropped
// and counted. st.Read and st.Kept are set.
func ReadPairs(f Files, skipInvalid bool, st *Stats) ([]Pair, error) {
	src, tgt, srcName, tgtName, err := readSides(f)
	if err != nil {
		return nil, err
	}
	pairs := make([]Pair, 0, len(src))
	for i := range src {
		st.Read++
		bad := ""
		if !utf8.ValidString(src[i]) {
			bad = srcName
		} else if !utf8.ValidString(tgt[i]) {
			bad = tgtName
		}
		switch {
		case bad != "" && !skipInvalid:
			return nil, fmt.Errorf("%s:%d: invalid UTF-8 (fix the file, or set data.skip_invalid_utf8: true to skip such pairs)", bad, i+1)
		case bad != "":
			st.InvalidUTF8++
		case strings.TrimSpace(src[i]) == "" || strings.TrimSpace(tgt[i]) == "":
			st.Empty++
		default:
			pairs = append(pairs, Pair{src[i], tgt[i]})
		}
	}
	st.Kept = len(pairs)
	return pairs, nil
}

// ReadSides returns the source and target lines of f (two files, or the
// first two columns of a TSV) as ReadLines reads them, without cleaning.
func ReadSides(f Files) (src, tgt []string, err error) {
	src, tgt, _, _, err = readSides(f)
	return src, tgt, err
}

// readSides returns the source and target lines of f and the names to
// report them by.
func readSides(f Files) (src, tgt []string, srcName, tgtName string, err error) {
	if f.TSV != "" {
		src, tgt, err = readTSV(f.TSV)
		return src, tgt, f.TSV, f.TSV, err
	}
	if src, err = ReadLines(f.Src); err != nil {
		return
	}
	if tgt, err = ReadLines(f.Tgt); err != nil {
		return
	}
	if len(src) != len(tgt) {
		err = fmt.Errorf("%s has %d lines but %s has %d: the two sides must be aligned line by line", f.Src, len(src), f.Tgt, len(tgt))
	}
	return src, tgt, f.Src, f.Tgt, err
}

// readTSV splits each line of path at its tabs: column 1 is the source,
// column 2 the target, further columns are ignored.
func readTSV(path string) (src, tgt []string, err error) {
	lines, err := ReadLines(path)
	if err != nil {
		return nil, nil, err
	}
	src, tgt = make([]string, len(lines)), make([]string, len(lines))
	for i, l := range lines {
		s, rest, ok := strings.Cut(l, "\t")
		if !ok {
			return nil, nil, fmt.Errorf("%s:%d: no tab: a TSV line is source<TAB>target", path, i+1)
		}
		t, _, _ := strings.Cut(rest, "\t")
		src[i], tgt[i] = s, t
	}
	return src, tgt, nil
}

// Dedup drops exact repeats of earlier pairs, counting them in st.
func Dedup(pairs []Pair, st *Stats) []Pair {
	seen := make(map[Pair]bool, len(pairs))
	out := pairs[:0:0]
	for _, p := range pairs {
		if seen[p] {
			st.Duplicate++
			continue
		}
		seen[p] = true
		out = append(out, p)
	}
	st.Kept = len(out)
	return out
}
