package configs

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
)

// section is one yaml-tagged field of Config, by key and address.
type section struct {
	key string
	ptr any
}

// sections lists Config's sections in field order.
func (c *Config) sections() []section {
	v := reflect.ValueOf(c).Elem()
	var out []section
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if name := yamlName(f); name != "" && f.Type.Kind() == reflect.Struct {
			out = append(out, section{name, v.Field(i).Addr().Interface()})
		}
	}
	return out
}

// Validate checks every section and returns all problems joined, each as
// file:line: key.path: problem (the line when the file sets the key).
func (c *Config) Validate() error {
	var errs []error
	if why := validName(c.Name); why != "" {
		errs = append(errs, c.at("name", why))
	}
	for _, s := range c.sections() {
		v, ok := s.ptr.(interface{ Validate() error })
		if !ok {
			continue
		}
		for _, e := range flatten(v.Validate()) {
			var f interface {
				Field() string
				Problem() string
			}
			if errors.As(e, &f) {
				errs = append(errs, c.at(s.key+"."+f.Field(), f.Problem()))
			} else {
				errs = append(errs, c.at(s.key, e.Error()))
			}
		}
	}
	return errors.Join(errs...)
}

// CheckFiles checks that every file the config names exists.
func (c *Config) CheckFiles() error {
	var errs []error
	for _, s := range c.sections() {
		p, ok := s.ptr.(interface{ Paths() map[string]string })
		if !ok {
			continue
		}
		paths := p.Paths()
		keys := make([]string, 0, len(paths))
		for k := range paths {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if _, err := os.Stat(paths[k]); err != nil {
				errs = append(errs, c.at(s.key+"."+k, fmt.Sprintf("%s: no such file (paths are relative to the working directory)", paths[k])))
			}
		}
	}
	return errors.Join(errs...)
}

// at places a problem at key's line in the config file.
func (c *Config) at(key, problem string) error {
	if kv, ok := c.sets[stripIndex(key)]; ok {
		return fmt.Errorf("--set %s: %s", kv, problem)
	}
	place := c.file
	if line := lineOf(c.root, stripIndex(key)); line > 0 {
		place = fmt.Sprintf("%s:%d", c.file, line)
	}
	if place == "" {
		return fmt.Errorf("%s: %s", key, problem)
	}
	return fmt.Errorf("%s: %s: %s", place, key, problem)
}

// stripIndex drops a trailing [i] so that list items find their key's line.
func stripIndex(key string) string {
	if i := strings.LastIndex(key, "["); i > 0 && strings.HasSuffix(key, "]") {
		return key[:i]
	}
	return key
}

// flatten undoes errors.Join.
func flatten(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}
