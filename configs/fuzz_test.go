package configs

import (
	"os"
	"regexp"
	"testing"
)

// placeRE is the start each of a loading error's problems must have: the file
// with a line number, the file alone (a validation problem with a key the
// file does not set), or the --set at fault.
var placeRE = regexp.MustCompile(`^(x\.yaml:\d+: |x\.yaml: [a-z_][a-z0-9_.\[\]]*: |--set )`)

// FuzzLoadWithSets decodes arbitrary YAML, applies one --set and validates,
// as LoadWithSets does. Property: no panic, and an error places each of its
// problems at the file (with its line when the file has one) or at the set.
func FuzzLoadWithSets(f *testing.F) {
	shipped, _ := os.ReadFile("numbers-en-ru.yaml")
	f.Add(shipped, "training.max_steps=200")
	f.Add([]byte("data: {synthetic: numbers-en-ru}\n"), "model.encoder.cell=lstm")
	f.Add([]byte("data:\n  synthetic: numbers-en-ru\n  tokenizer:\n    vocab_sise: 300\n"), "data.test.refs=[a, b]")
	f.Add([]byte("data:\n  max_len: lots\n"), "data.max_len=lots")
	f.Add([]byte("data:\n  train: {src: a.en}\n"), "nosuch.key=1")
	f.Add([]byte("name: ../x\nmodel: [1, 2]\n"), "=")
	f.Add([]byte("a: b: c\n\t- x"), "name=")
	f.Add([]byte("&a [*a]\n"), "training=[1]")
	f.Fuzz(func(t *testing.T, data []byte, set string) {
		c, err := decode(data, "x.yaml")
		if err == nil {
			if set != "" {
				err = c.Set(set)
			}
			if err == nil {
				err = c.Validate()
			}
		}
		if err == nil {
			return
		}
		for _, e := range flatten(err) {
			if !placeRE.MatchString(e.Error()) {
				t.Fatalf("problem %q does not name x.yaml or the --set; whole error:\n%v", e, err)
			}
		}
	})
}
