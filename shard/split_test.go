package shard

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestBounds: for each file and shard count, the shards are consecutive,
// cover the file, start at line starts, and their lines concatenated are
// the file's lines, each in exactly one shard.
func TestBounds(t *testing.T) {
	long := strings.Repeat("x", 1<<20)
	files := map[string]string{
		"empty":          "",
		"one line":       "a\n",
		"fewer lines":    "a\nb\n",
		"unterminated":   "a\nbb\nccc",
		"crlf":           "one\r\ntwo\r\nthree\r\n",
		"empty lines":    "\n\n\n\n\n",
		"1 MB line":      "a\n" + long + "\nb\n",
		"1 MB last line": "a\n" + long,
	}
	for name, text := range files {
		for _, n := range []int{1, 2, 3, 4, 7, 16} {
			r := strings.NewReader(text)
			var lines []string
			prev := int64(0)
			for i := range n {
				g, err := Bounds(r, int64(len(text)), i, n)
				if err != nil {
					t.Fatalf("%s %d/%d: %v", name, i, n, err)
				}
				if g.Start != prev || g.End < g.Start || (g.Start > 0 && g.Start < int64(len(text)) && text[g.Start-1] != '\n') {
					t.Fatalf("%s %d/%d: [%d, %d) after %d", name, i, n, g.Start, g.End, prev)
				}
				prev = g.End
				part := text[g.Start:g.End]
				if k, _ := CountLines(strings.NewReader(part)); part != "" {
					got := strings.Split(strings.TrimSuffix(part, "\n"), "\n")
					if len(got) != k {
						t.Fatalf("%s %d/%d: CountLines %d, split %d", name, i, n, k, len(got))
					}
					lines = append(lines, got...)
				}
			}
			if prev != int64(len(text)) {
				t.Fatalf("%s /%d: shards end at %d of %d", name, n, prev, len(text))
			}
			var want []string
			if text != "" {
				want = strings.Split(strings.TrimSuffix(text, "\n"), "\n")
			}
			if strings.Join(lines, "\n") != strings.Join(want, "\n") || len(lines) != len(want) {
				t.Fatalf("%s /%d: %d lines from the shards, want %d", name, n, len(lines), len(want))
			}
		}
	}
}

func TestCheckPlain(t *testing.T) {
	if err := CheckPlain(bytes.NewReader([]byte{0x1f, 0x8b, 8, 0})); !errors.Is(err, ErrGzip) {
		t.Errorf("gzip: %v", err)
	}
	for _, s := range []string{"", "a", "hello\n"} {
		if err := CheckPlain(strings.NewReader(s)); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		spec, env string
		i, n      int
		ok        bool
	}{
		{"0/4", "", 0, 4, true}, {"3/4", "", 3, 4, true}, {"auto/4", "2", 2, 4, true},
		{"4/4", "", 0, 0, false}, {"-1/4", "", 0, 0, false}, {"auto/4", "", 0, 0, false},
		{"auto/4", "4", 0, 0, false}, {"1", "", 0, 0, false}, {"1/0", "", 0, 0, false}, {"a/b", "", 0, 0, false},
	} {
		i, n, err := Parse(tc.spec, tc.env)
		if (err == nil) != tc.ok || i != tc.i || n != tc.n {
			t.Errorf("Parse(%q, %q) = %d, %d, %v", tc.spec, tc.env, i, n, err)
		}
	}
}

func TestDiff(t *testing.T) {
	a := Job{Input: Input{Path: "in", Size: 3, ModTime: "t"}, Model: "m", Settings: map[string]string{"beam": "5"}}
	b := a
	b.Settings = map[string]string{"beam": "4"}
	if d := a.Diff(a); d != "" {
		t.Errorf("equal: %q", d)
	}
	if d := a.Diff(b); !strings.Contains(d, "beam") {
		t.Errorf("beam differs: %q", d)
	}
	b = a
	b.Model = "other"
	if d := a.Diff(b); !strings.Contains(d, "model") {
		t.Errorf("model differs: %q", d)
	}
}
