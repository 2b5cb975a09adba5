package corpora

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseTokenizerJSON parses arbitrary bytes as a tokenizer.json.
// Property: no panic; a tokenizer that parses encodes any text into ids in
// [0, VocabSize) and decodes them without a panic. The seeds are small
// (the 3k-merge files in testdata slow the fuzzer to a few runs a second).
func FuzzParseTokenizerJSON(f *testing.F) {
	small := mustJSON(learnSmall(f, 300))
	f.Add(small)
	f.Add(bytes.Replace(small, []byte(`"added_tokens": []`), []byte(`"added_tokens": [{"id": 7, "content": "cat"}, {"id": 1, "content": "<s>"}]`), 1))
	f.Add(bytes.Replace(small, []byte(`"ignore_merges": false`), []byte(`"ignore_merges": true`), 1))
	f.Add(bytes.Replace(small, []byte(`"type": "BPE"`), []byte(`"type": "WordPiece"`), 1))
	f.Add([]byte(`{"model": {"type": "BPE", "vocab": {"<pad>": 0, "<s>": 0}, "merges": ["a b", ["c"], 3]}, "pre_tokenizer": {"type": "ByteLevel"}}`))
	f.Add([]byte(`{"model": {"type": "BPE", "vocab": {"a": -1}, "merges": [["a", "b"]]}, "pre_tokenizer": {"type": "ByteLevel"}}`))
	f.Add([]byte(`{"added_tokens": null, "normalizer": null, "model": null}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tok, err := ParseTokenizerJSON(data)
		if err != nil {
			return
		}
		for _, s := range []string{"the cat sat", "Привет, мир!", "<s> x </s>", "\xff\x00 a", ""} {
			ids := tok.Encode(s)
			for _, id := range ids {
				if id < 0 || int(id) >= tok.VocabSize() {
					t.Fatalf("Encode(%q) gave id %d outside [0, %d)", s, id, tok.VocabSize())
				}
			}
			tok.Decode(ids)
			tok.Pieces(ids)
		}
	})
}

// FuzzBPERoundTrip encodes arbitrary text with a tokenizer learned from
// smallLines. Property: Decode(Encode(s)) == s for every valid UTF-8 s
// (invalid UTF-8 too: the byte-level BPE gives back every byte).
func FuzzBPERoundTrip(f *testing.F) {
	tok := learnSmall(f, 400)
	for _, s := range smallLines {
		f.Add(s)
	}
	for _, s := range []string{"", " ", "\n", "\r\n", "\t \t", "\uFEFFbom", "a\x00b", "\xff\xfe", "don't 'll 's",
		"  leading and trailing  ", "🙂\u200d🙂", "<pad><unk>", strings.Repeat("ab ", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ids := tok.Encode(s)
		got, err := tok.Decode(ids)
		if err != nil {
			t.Fatalf("Decode(Encode(%q)): %v", s, err)
		}
		if got != s {
			t.Fatalf("Decode(Encode(%q)) = %q (pieces %q)", s, got, tok.Pieces(ids))
		}
	})
}

// FuzzDropoutRoundTrip encodes arbitrary text by BPE-dropout with a
// tokenizer learned from smallLines, at a rate from the fuzzer. Property:
// Decode gives s back byte for byte; at p = 0 the ids are Encode's, at
// p = 1 one symbol per byte.
func FuzzDropoutRoundTrip(f *testing.F) {
	tok := learnSmall(f, 400)
	for i, s := range append(append([]string{}, smallLines...), "", "\xff\xfe", "a\x00b", "  x  ", strings.Repeat("ab", 100)) {
		f.Add(s, uint8(i*37), uint64(i))
	}
	f.Fuzz(func(t *testing.T, s string, p8 uint8, seed uint64) {
		p := float64(p8) / 255
		ids := tok.EncodeDropout(s, p, rand.NewPCG(seed, 0))
		if got, err := tok.Decode(ids); err != nil || got != s {
			t.Fatalf("p=%g: Decode(EncodeDropout(%q)) = %q, %v", p, s, got, err)
		}
		if p == 0 && !slices.Equal(ids, tok.Encode(s)) {
			t.Fatalf("p=0: %v, Encode gives %v", ids, tok.Encode(s))
		}
		if p == 1 && len(ids) != len(s) {
			t.Fatalf("p=1: %d ids for %d bytes", len(ids), len(s))
		}
	})
}

// placeLineRE is how a line reader's error names its place: file:line.
var placeLineRE = regexp.MustCompile(`^(\S+):(\d+): `)

// FuzzReadPairs writes arbitrary bytes as a source and a target file (or,
// with tsv, the source bytes as one TSV file) and reads them as a parallel
// corpus. Property: no panic; the lines ReadLines returns are the file split
// at "\n" with one trailing "\r" and a leading BOM dropped; every kept pair
// is valid UTF-8 on both sides; an error about a line names file:line, and
// that line is at fault. Lines longer than the reader's 64 KiB buffer are
// TestReadLines' (a seed that size slows the fuzzer to a few runs a second).
func FuzzReadPairs(f *testing.F) {
	f.Add([]byte("a\nb\n"), []byte("x\ny\n"), false, false)
	f.Add([]byte("\uFEFFa\r\nb\r\n"), []byte("x\r\ny"), false, false)
	f.Add([]byte("a\n\xffb\n"), []byte("x\ny\n"), false, false)
	f.Add([]byte("a\n\xffb\n"), []byte("x\ny\n"), true, false)
	f.Add([]byte("a\x00b\n \n"), []byte("x\n\n"), false, false)
	f.Add([]byte("a\tx\nb\ty\tz\n"), []byte{}, false, true)
	f.Add([]byte("a\tx\nno tab\n"), []byte{}, false, true)
	f.Add([]byte("\x1f\x8b\x08\x00"), []byte("x"), false, false)
	gz := []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\x4b\xe4\x4a\xe2\x02\x00\x97\x2a\x57\x18\x04\x00\x00\x00") // gzip of "a\nb\n"
	f.Add(gz, []byte("x\ny"), false, false)
	f.Add(gz[:len(gz)-6], []byte("x\ny"), false, false)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, src, tgt []byte, skip, tsv bool) {
		var files Files
		if tsv {
			files.TSV = writeTemp(t, dir, "c.tsv", src)
		} else {
			files.Src, files.Tgt = writeTemp(t, dir, "c.src", src), writeTemp(t, dir, "c.tgt", tgt)
		}
		gzipped := len(src) > 1 && src[0] == 0x1f && src[1] == 0x8b || len(tgt) > 1 && tgt[0] == 0x1f && tgt[1] == 0x8b
		if !tsv && !gzipped {
			lines, err := ReadLines(files.Src)
			if err != nil {
				t.Fatalf("ReadLines: %v", err)
			}
			if want := splitLines(src); !slices.Equal(lines, want) {
				t.Fatalf("ReadLines = %q, want %q", lines, want)
			}
		}
		var st Stats
		pairs, err := ReadPairs(files, skip, &st)
		if err != nil {
			if gzipped {
				if !strings.HasPrefix(err.Error(), dir) {
					t.Fatalf("error %q does not name the file", err)
				}
				return
			}
			m := placeLineRE.FindStringSubmatch(err.Error())
			if m == nil {
				if strings.Contains(err.Error(), "must be aligned") {
					return
				}
				t.Fatalf("error %q does not name file:line", err)
			}
			var n int
			fmt.Sscan(m[2], &n)
			data := map[string][]byte{files.Src: src, files.Tgt: tgt, files.TSV: src}[m[1]]
			lines := splitLines(data)
			if n < 1 || n > len(lines) {
				t.Fatalf("error %q: %s has %d lines", err, m[1], len(lines))
			}
			bad, fault := lines[n-1], false
			switch {
			case strings.Contains(err.Error(), "invalid UTF-8"):
				fault = !utf8.ValidString(bad)
			case strings.Contains(err.Error(), "no tab"):
				fault = !strings.Contains(bad, "\t")
			}
			if !fault {
				t.Fatalf("error %q: line %d %q is fine", err, n, bad)
			}
			return
		}
		for _, p := range pairs {
			if !utf8.ValidString(p.Src) || !utf8.ValidString(p.Tgt) || strings.TrimSpace(p.Src) == "" || strings.TrimSpace(p.Tgt) == "" {
				t.Fatalf("kept pair %q", p)
			}
		}
		if st.Kept != len(pairs) || st.Read != st.Kept+st.Empty+st.InvalidUTF8 {
			t.Fatalf("stats %+v for %d pairs", st, len(pairs))
		}
	})
}

// FuzzReadText reads arbitrary bytes as a language model's text file.
// Property: no panic; the text comes back whole (less a leading BOM) when it
// is valid UTF-8, and otherwise the error names the line of the first
// invalid byte.
func FuzzReadText(f *testing.F) {
	f.Add([]byte("one\ntwo\n"))
	f.Add([]byte("\uFEFFbom\r\n"))
	f.Add([]byte("a\nb\n\xffc"))
	f.Add([]byte("\x00\x00\n\xc3"))
	f.Add([]byte("\x1f\x8b"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := writeTemp(t, dir, "text.txt", data)
		got, err := readText(path)
		if len(data) > 1 && data[0] == 0x1f && data[1] == 0x8b {
			return // gzip: its errors name the file
		}
		text := bytes.TrimPrefix(data, []byte("\uFEFF"))
		if utf8.Valid(text) {
			if err != nil || !bytes.Equal(got, text) {
				t.Fatalf("readText = %q, %v; want the text back", got, err)
			}
			return
		}
		i := 0
		for {
			r, n := utf8.DecodeRune(text[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		want := fmt.Sprintf("%s:%d: invalid UTF-8", path, 1+bytes.Count(text[:i], []byte("\n")))
		if err == nil || err.Error() != want {
			t.Fatalf("readText error %v, want %s", err, want)
		}
	})
}

// writeTemp writes data to dir/name and returns the path.
func writeTemp(t *testing.T, dir, name string, data []byte) string {
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// splitLines is what ReadLines should return for data.
func splitLines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	lines[0] = strings.TrimPrefix(lines[0], "\uFEFF")
	return lines
}
