package corpora

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	data := []byte(text)
	if strings.HasSuffix(name, ".gz") {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write(data)
		w.Close()
		data = b.Bytes()
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadLines(t *testing.T) {
	long := strings.Repeat("x", 200000) // over bufio.Scanner's 64 KiB limit
	tests := []struct {
		name, text string
		want       []string
	}{
		{"plain.txt", "a\nb\n", []string{"a", "b"}},
		{"nolastnewline.txt", "a\nb", []string{"a", "b"}},
		{"crlf.txt", "a\r\nb\r\n", []string{"a", "b"}},
		{"bom.txt", "\uFEFFa\nb\n", []string{"a", "b"}},
		{"long.txt", long + "\nz\n", []string{long, "z"}},
		{"empty-lines.txt", "\n\nc\n", []string{"", "", "c"}},
		{"zipped.gz", "\uFEFFп\r\nq\n", []string{"п", "q"}},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadLines(writeFile(t, dir, tt.name, tt.text))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("got %d lines %.40q, want %.40q", len(got), got, tt.want)
			}
		})
	}
}

func TestReadPairsErrors(t *testing.T) {
	dir := t.TempDir()
	en := writeFile(t, dir, "a.en", "one\ntwo\nthree\n")
	ru2 := writeFile(t, dir, "a.ru", "один\nдва\n")
	bad := writeFile(t, dir, "bad.ru", "один\nд\xffва\nтри\n")
	tsv := writeFile(t, dir, "a.tsv", "one\tодин\ttatoeba\nno tab here\n")
	tests := []struct {
		name string
		f    Files
		want string
	}{
		{"counts", Files{Src: en, Tgt: ru2}, "a.en has 3 lines but " + ru2 + " has 2"},
		{"utf8", Files{Src: en, Tgt: bad}, "bad.ru:2: invalid UTF-8"},
		{"tsv", Files{TSV: tsv}, "a.tsv:2: no tab"},
		{"missing", Files{Src: en, Tgt: filepath.Join(dir, "none.ru")}, "none.ru"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var st Stats
			_, err := ReadPairs(tt.f, false, &st)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestReadPairsDrops(t *testing.T) {
	dir := t.TempDir()
	en := writeFile(t, dir, "a.en", "one\n\ntwo\nthree\none\n")
	ru := writeFile(t, dir, "a.ru", "один\nпусто\nд\xffва\n  \nодин\n")
	var st Stats
	pairs, err := ReadPairs(Files{Src: en, Tgt: ru}, true, &st)
	if err != nil {
		t.Fatal(err)
	}
	pairs = Dedup(pairs, &st)
	want := Stats{Read: 5, Kept: 1, Empty: 2, InvalidUTF8: 1, Duplicate: 1}
	if st != want || len(pairs) != 1 {
		t.Errorf("stats %+v, want %+v", st, want)
	}
	if s := st.String(); !strings.Contains(s, "5 pairs read, 1 kept") || strings.Contains(s, "\n") {
		t.Errorf("summary %q", s)
	}
}

func TestFilterLength(t *testing.T) {
	d := &Dataset{
		Src: [][]int32{{5, 6}, make([]int32, 11), {5}, {5, 6, 7}},
		Tgt: [][]int32{{7}, {7}, {8, 8, 8, 8}, {9, 9}},
	}
	var st Stats
	d.FilterLength(10, 3, &st)
	if d.Len() != 2 || st.TooLong != 1 || st.Ratio != 1 || st.Kept != 2 {
		t.Errorf("kept %d, stats %+v", d.Len(), st)
	}
}
