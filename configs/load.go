package configs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Load reads the experiment file at path strictly: it starts from Default,
// decodes with unknown keys forbidden, names the run after the file when the
// file has no name, and validates. Every error carries path:line.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, path)
}

// Parse is Load on the contents data of the file named file.
func Parse(data []byte, file string) (*Config, error) {
	c, err := decode(data, file)
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// decode is Parse without validation.
func decode(data []byte, file string) (*Config, error) {
	c := Default()
	c.file = file
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(file, data, err)
	}
	c.root = &root
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && err != io.EOF {
		return nil, c.decodeError(err)
	}
	if c.Name == "" {
		c.Name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	return &c, nil
}

var (
	unknownRE = regexp.MustCompile(`^line (\d+): field (\S+) not found in type (\S+)$`)
	lineRE    = regexp.MustCompile(`(?s)^line (\d+): (.*)$`)
	yamlRE    = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)
	anchorRE  = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)
)

// yamlError writes one of yaml's own errors (syntax, unreadable input,
// aliases) as file:line: message. yaml.v3 says "yaml: line N: message" but
// leaves the line out when its marks are on the first line, when the input
// is unreadable (invalid UTF-8, a control character) and for an unknown
// anchor; those lines are found in data, else the error is placed on line 1.
func yamlError(file string, data []byte, err error) error {
	m := yamlRE.FindStringSubmatch(err.Error())
	if m == nil {
		return fmt.Errorf("%s:1: %w", file, err)
	}
	line, _ := strconv.Atoi(m[1])
	if line == 0 {
		line = 1
		if a := anchorRE.FindStringSubmatch(m[2]); a != nil {
			if i := bytes.Index(data, []byte("*"+a[1])); i >= 0 {
				line += bytes.Count(data[:i], []byte("\n"))
			}
		} else if i := unreadable(data); i >= 0 {
			line += bytes.Count(data[:i], []byte("\n"))
		}
	}
	return fmt.Errorf("%s:%d: %s", file, line, m[2])
}

// unreadable returns the offset of the first byte of data that is not
// valid UTF-8 or not a character YAML allows, or -1.
func unreadable(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		printable := r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0x7e || r == 0x85 ||
			r >= 0xa0 && r <= 0xd7ff || r >= 0xe000 && r <= 0xfffd || r >= 0x10000 && r <= 0x10ffff
		if r == utf8.RuneError && n <= 1 || !printable {
			return i
		}
		i += n
	}
	return -1
}

// decodeError rewrites yaml's errors as file:line: key.path: message, and
// lists the valid keys after an unknown one.
func (c *Config) decodeError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return yamlError(c.file, nil, err)
	}
	var errs []error
	for _, e := range te.Errors {
		errs = append(errs, errors.New(c.describe(e)))
	}
	return errors.Join(errs...)
}

// describe turns one of yaml's "line N: ..." messages into ours.
func (c *Config) describe(e string) string {
	if m := unknownRE.FindStringSubmatch(e); m != nil {
		line, _ := strconv.Atoi(m[1])
		path := findKey(c.root, line, m[2])
		parent := strings.Join(path[:max(len(path)-1, 0)], ".")
		keys := validKeys(reflect.TypeOf(*c), path[:max(len(path)-1, 0)])
		where := "top level"
		if parent != "" {
			where = parent
		}
		return fmt.Sprintf("%s:%d: %s: unknown key; valid keys in %s: %s",
			c.file, line, strings.Join(path, "."), where, strings.Join(keys, ", "))
	}
	if m := lineRE.FindStringSubmatch(e); m != nil {
		line, _ := strconv.Atoi(m[1])
		if path := findValue(c.root, line); path != nil {
			return fmt.Sprintf("%s:%d: %s: %s", c.file, line, strings.Join(path, "."), m[2])
		}
		return fmt.Sprintf("%s:%d: %s", c.file, line, m[2])
	}
	return c.file + ": " + e
}

// validKeys lists the yaml keys of the struct reached from t along path.
func validKeys(t reflect.Type, path []string) []string {
	for _, k := range path {
		f, ok := fieldByTag(t, k)
		if !ok {
			return nil
		}
		t = f.Type
	}
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		if tag := yamlName(t.Field(i)); tag != "" {
			keys = append(keys, tag)
		}
	}
	return keys
}

// fieldByTag finds the field of struct t (through pointers, slices, maps)
// whose yaml key is k.
func fieldByTag(t reflect.Type, k string) (reflect.StructField, bool) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return reflect.StructField{}, false
	}
	for i := 0; i < t.NumField(); i++ {
		if yamlName(t.Field(i)) == k {
			return t.Field(i), true
		}
	}
	return reflect.StructField{}, false
}

// yamlName is a field's yaml key, "" for unexported or skipped fields.
func yamlName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" {
		return ""
	}
	if name == "" {
		return strings.ToLower(f.Name)
	}
	return name
}
