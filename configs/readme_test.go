package configs

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// configKey is one settable key of Config: its dotted path and the value
// Default gives it.
type configKey struct {
	path string
	def  reflect.Value
}

// leafKeys walks v (a struct) by its yaml tags and returns every key that
// holds a value rather than a section, in field order, under prefix.
func leafKeys(prefix string, v reflect.Value) []configKey {
	var out []configKey
	for i := 0; i < v.NumField(); i++ {
		name := yamlName(v.Type().Field(i))
		if name == "" {
			continue
		}
		if prefix != "" {
			name = prefix + "." + name
		}
		if f := v.Field(i); f.Kind() == reflect.Struct {
			out = append(out, leafKeys(name, f)...)
		} else {
			out = append(out, configKey{name, f})
		}
	}
	return out
}

// readmeRow matches a table row of README.md that documents a key: the
// first cell is the key in backticks, the third its default.
var readmeRow = regexp.MustCompile("^\\|\\s*`([a-z0-9_.]+)`\\s*\\|[^|]*\\|([^|]*)\\|")

// TestReadmeDocumentsEveryKey fails for every key of Config that
// configs/README.md does not mention, as `data.tokenizer.vocab_size` in
// backticks, so that the README cannot fall behind the structs.
func TestReadmeDocumentsEveryKey(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	keys := leafKeys("", reflect.ValueOf(Default()))
	if len(keys) < 40 {
		t.Fatalf("found only %d keys; is the walk broken?", len(keys))
	}
	for _, k := range keys {
		if !strings.Contains(string(readme), "`"+k.path+"`") {
			t.Errorf("configs/README.md does not document `%s`", k.path)
		}
	}
}

// TestReadmeDefaults checks the default column of README.md's key tables
// against Default: where the cell holds a value in backticks, it must decode
// (as YAML) to what Default gives the key. Prose defaults ("the file's base
// name") are not checked. Rows naming no key of Config fail too.
func TestReadmeDefaults(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]reflect.Value{}
	for _, k := range leafKeys("", reflect.ValueOf(Default())) {
		byPath[k.path] = k.def
	}
	rows := 0
	for i, line := range strings.Split(string(readme), "\n") {
		m := readmeRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		rows++
		def, ok := byPath[m[1]]
		if !ok {
			t.Errorf("README.md:%d: `%s` is not a key of configs.Config", i+1, m[1])
			continue
		}
		lit := regexp.MustCompile("`([^`]*)`").FindStringSubmatch(m[2])
		if lit == nil {
			continue
		}
		got := reflect.New(def.Type())
		if err := yaml.Unmarshal([]byte(lit[1]), got.Interface()); err != nil {
			t.Errorf("README.md:%d: %s: default `%s` does not decode: %v", i+1, m[1], lit[1], err)
			continue
		}
		if g := got.Elem(); !(empty(g) && empty(def)) && !reflect.DeepEqual(g.Interface(), def.Interface()) {
			t.Errorf("README.md:%d: %s: README says default `%s`, Default() gives %v", i+1, m[1], lit[1], def.Interface())
		}
	}
	if rows == 0 {
		t.Fatal("no key rows found in README.md")
	}
}

// empty reports whether v is its type's zero value or an empty list, so
// that `[]` in the README matches a nil slice.
func empty(v reflect.Value) bool {
	return v.IsZero() || (v.Kind() == reflect.Slice && v.Len() == 0)
}
