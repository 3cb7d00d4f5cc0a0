package iac

// YAML documents read into the Value model, so that evidence read from YAML (CI
// pipelines, Azure Machine Learning specs, prompt front matter) carries the file, line
// and column of every value like the JSON front ends do.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/awaf/awaf"
)

// MaxYAMLNodes bounds the values one document may expand to, aliases included, so a
// "billion laughs" file cannot exhaust memory.
const MaxYAMLNodes = 200_000

// DecodeYAML reads the first YAML document of data. lineOffset is added to every line (for
// YAML embedded in a larger file, such as prompty front matter). An empty document
// gives a Null value.
func DecodeYAML(file string, data []byte, lineOffset int) (*Value, error) {
	var doc yaml.Node
	err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc)
	if errors.Is(err, io.EOF) {
		return NewNull(awaf.Location{File: file, Line: 1 + lineOffset, Column: 1}), nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: not valid YAML: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	c := &yamlConv{file: file, off: lineOffset}
	v, err := c.node(&doc, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return v, nil
}

type yamlConv struct {
	file  string
	off   int
	nodes int
}

func (c *yamlConv) loc(n *yaml.Node) awaf.Location {
	return awaf.Location{File: c.file, Line: n.Line + c.off, Column: n.Column}
}

func (c *yamlConv) node(n *yaml.Node, depth int) (*Value, error) {
	c.nodes++
	if c.nodes > MaxYAMLNodes {
		return nil, fmt.Errorf("more than %d values (aliases included); not read", MaxYAMLNodes)
	}
	if depth > MaxDepth {
		return nil, fmt.Errorf("line %d: nested more than %d levels", n.Line+c.off, MaxDepth)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return NewNull(c.loc(n)), nil
		}
		return c.node(n.Content[0], depth+1)
	case yaml.AliasNode:
		if n.Alias == nil {
			return NewNull(c.loc(n)), nil
		}
		return c.node(n.Alias, depth+1)
	case yaml.SequenceNode:
		arr := NewArray(c.loc(n))
		for _, it := range n.Content {
			v, err := c.node(it, depth+1)
			if err != nil {
				return nil, err
			}
			arr.Items = append(arr.Items, v)
		}
		return arr, nil
	case yaml.MappingNode:
		obj := NewObject(c.loc(n))
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.Tag == "!!merge" {
				m, err := c.node(val, depth+1)
				if err != nil {
					return nil, err
				}
				if m.Kind == Object {
					for _, mk := range m.Keys {
						if obj.Field(mk) == nil {
							obj.Set(mk, m.Fields[mk])
						}
					}
				}
				continue
			}
			v, err := c.node(val, depth+1)
			if err != nil {
				return nil, err
			}
			obj.Set(k.Value, v)
		}
		return obj, nil
	case yaml.ScalarNode:
		return c.scalar(n), nil
	}
	return NewNull(c.loc(n)), nil
}

func (c *yamlConv) scalar(n *yaml.Node) *Value {
	l := c.loc(n)
	switch n.ShortTag() {
	case "!!null":
		return NewNull(l)
	case "!!bool":
		var b bool
		if n.Decode(&b) == nil {
			return NewBool(b, l)
		}
	case "!!int", "!!float":
		if f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err == nil {
			return NewNumber(f, l)
		}
		var f float64
		if n.Decode(&f) == nil {
			return NewNumber(f, l)
		}
	}
	return NewString(n.Value, l)
}
