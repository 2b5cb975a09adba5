package configs

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// LoadWithSets is Load with command-line overrides applied before
// validation: each set is "key.path=value", the value in YAML syntax
// (training.max_steps=200, model.encoder.cell=lstm, data.test.refs=[a, b]).
// An unknown key names the valid keys at its level; a value of the wrong
// type names the set.
func LoadWithSets(path string, sets []string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := decode(data, path)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, s := range sets {
		if err := c.Set(s); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Set applies one "key.path=value" override without validating. Its
// errors start with "--set key.path=value: ", the set quoted when it spans
// lines so that the message keeps to one.
func (c *Config) Set(set string) error {
	kv := set
	if strings.ContainsAny(kv, "\n\r") {
		kv = strconv.Quote(kv)
	}
	key, val, ok := strings.Cut(set, "=")
	if !ok || key == "" {
		return fmt.Errorf("--set %s: write KEY=VALUE, e.g. --set training.max_steps=200", kv)
	}
	v := reflect.ValueOf(c).Elem()
	path := strings.Split(key, ".")
	for i, k := range path {
		f, ok := fieldByTag(v.Type(), k)
		if !ok || v.Kind() != reflect.Struct {
			where := strings.Join(path[:i], ".")
			if where == "" {
				where = "top level"
			}
			return fmt.Errorf("--set %s: unknown key %s; valid keys in %s: %s", kv, strings.Join(path[:i+1], "."), where,
				strings.Join(validKeys(reflect.TypeOf(*c), path[:i]), ", "))
		}
		v = v.FieldByIndex(f.Index)
	}
	if err := yaml.Unmarshal([]byte(val), v.Addr().Interface()); err != nil {
		return fmt.Errorf("--set %s: %s", kv, strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n  line 1: "))
	}
	if c.sets == nil {
		c.sets = map[string]string{}
	}
	c.sets[key] = kv
	return nil
}
