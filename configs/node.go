package configs

import (
	"strconv"

	"gopkg.in/yaml.v3"
)

// walk calls fn for every mapping key in the document with its key path,
// the key node and the value node; fn returns false to stop.
func walk(n *yaml.Node, path []string, fn func(path []string, k, v *yaml.Node) bool) bool {
	if n == nil {
		return true
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if !walk(c, path, fn) {
				return false
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := append(append([]string(nil), path...), k.Value)
			if !fn(p, k, v) || !walk(v, p, fn) {
				return false
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := append([]string(nil), path...)
			if len(p) > 0 {
				p[len(p)-1] += "[" + strconv.Itoa(i) + "]"
			}
			if !walk(c, p, fn) {
				return false
			}
		}
	}
	return true
}

// findKey returns the path of the key named name on line, or [name].
func findKey(root *yaml.Node, line int, name string) []string {
	found := []string{name}
	walk(root, nil, func(p []string, k, _ *yaml.Node) bool {
		if k.Line == line && k.Value == name {
			found = p
			return false
		}
		return true
	})
	return found
}

// findValue returns the path of the first key whose scalar value is on line.
func findValue(root *yaml.Node, line int) []string {
	var found []string
	walk(root, nil, func(p []string, _, v *yaml.Node) bool {
		if v.Kind == yaml.ScalarNode && v.Line == line {
			found = p
			return false
		}
		return true
	})
	return found
}

// lineOf returns the line of the key at path ("data.tokenizer.vocab_size"),
// or 0 when the file does not set it.
func lineOf(root *yaml.Node, path string) int {
	line := 0
	walk(root, nil, func(p []string, k, _ *yaml.Node) bool {
		if joinPath(p) == path {
			line = k.Line
			return false
		}
		return true
	})
	return line
}

func joinPath(p []string) string {
	s := ""
	for i, k := range p {
		if i > 0 {
			s += "."
		}
		s += k
	}
	return s
}
