package main

import (
	"errors"
	"os"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestNeurons writes the page for a small text and parses it; the
// default layer is the top one and bad layers and cells are usage errors.
func TestNeurons(t *testing.T) {
	tinyLMRun(t)
	text := "First Citizen:\n\"Before we proceed (any further), hear me speak.\"\nÉtat.\n"
	if err := os.WriteFile("in.txt", []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{}, {"--layer", "0", "--cell", "3"}} {
		out, err := runViz(t, append([]string{"neurons", "--text", "in.txt", "--out", "page.html"}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		wantLayer := "layer 1" // LMConfig has 2 layers
		if len(args) > 0 {
			wantLayer = "layer 0"
		}
		if !strings.Contains(out, wantLayer) || !strings.Contains(out, "cell") {
			t.Errorf("%v: stdout %q", args, out)
		}
		f, err := os.Open("page.html")
		if err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !hasElement(doc, "table") || !hasElement(doc, "script") {
			t.Errorf("%v: the page lacks its table or script", args)
		}
	}
	for _, args := range [][]string{
		{"--layer", "2"}, {"--cell", "16"}, {"--cell", "-2"}, {},
	} {
		full := append([]string{"neurons", "--out", "p.html"}, args...)
		if len(args) > 0 {
			full = append(full, "--text", "in.txt")
		}
		var u usageError
		if _, err := runViz(t, full...); !errors.As(err, &u) {
			t.Errorf("%v: %v, want a usage error", full, err)
		}
	}
	if _, err := os.Stat("p.html"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed run left p.html behind: %v", err)
	}
}

// hasElement reports whether the tree under n has an element named tag.
func hasElement(n *html.Node, tag string) bool {
	if n.Type == html.ElementNode && n.Data == tag {
		return true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if hasElement(c, tag) {
			return true
		}
	}
	return false
}
