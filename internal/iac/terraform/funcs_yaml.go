package terraform

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"go.yaml.in/yaml/v3"
)

// yamldecode and yamlencode as Terraform defines them: YAML mappings become objects,
// sequences tuples, scalars strings, numbers, bools or null (see yamlScalar);
// encoding writes block style with strings double-quoted (literal style when they
// hold newlines), mapping keys in order and sequences not indented under their key.

// maxYAMLNodes bounds what one yamldecode call builds, so that aliases cannot
// expand a small document into a huge value.
const maxYAMLNodes = 100000

var yamlDecodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "src", Type: cty.String}},
	Type: func(args []cty.Value) (cty.Type, error) {
		if !args[0].IsKnown() {
			return cty.DynamicPseudoType, nil
		}
		v, err := yamlDecode(args[0].AsString())
		if err != nil {
			return cty.NilType, function.NewArgError(0, err)
		}
		return v.Type(), nil
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return yamlDecode(args[0].AsString())
	},
})

func yamlDecode(src string) (cty.Value, error) {
	dec := yaml.NewDecoder(strings.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return cty.NullVal(cty.DynamicPseudoType), nil
		}
		return cty.NilVal, fmt.Errorf("invalid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return cty.NilVal, errors.New("unexpected extra content after value: yamldecode reads one YAML document")
	}
	d := &yamlDecoder{}
	return d.value(&doc, 0)
}

type yamlDecoder struct {
	nodes int
}

func (d *yamlDecoder) value(n *yaml.Node, depth int) (cty.Value, error) {
	d.nodes++
	if d.nodes > maxYAMLNodes {
		return cty.NilVal, fmt.Errorf("document expands to more than %d values", maxYAMLNodes)
	}
	if depth > maxNesting {
		return cty.NilVal, fmt.Errorf("document nests deeper than %d levels", maxNesting)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return cty.NullVal(cty.DynamicPseudoType), nil
		}
		return d.value(n.Content[0], depth)
	case yaml.AliasNode:
		return d.value(n.Alias, depth+1)
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			return cty.EmptyTupleVal, nil
		}
		items := make([]cty.Value, len(n.Content))
		for i, c := range n.Content {
			v, err := d.value(c, depth+1)
			if err != nil {
				return cty.NilVal, err
			}
			items[i] = v
		}
		return cty.TupleVal(items), nil
	case yaml.MappingNode:
		attrs := map[string]cty.Value{}
		if err := d.mapping(n, attrs, depth); err != nil {
			return cty.NilVal, err
		}
		return cty.ObjectVal(attrs), nil
	case yaml.ScalarNode:
		return yamlScalar(n)
	}
	return cty.NilVal, fmt.Errorf("on line %d: unsupported YAML node", n.Line)
}

// mapping adds the pairs of n to attrs; merge keys (<<) add the pairs of the
// mappings they name without replacing keys set explicitly.
func (d *yamlDecoder) mapping(n *yaml.Node, attrs map[string]cty.Value, depth int) error {
	explicit := map[string]bool{}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			merges = append(merges, v)
			continue
		}
		kv, err := d.value(k, depth+1)
		if err != nil {
			return err
		}
		if !kv.Type().IsPrimitiveType() || kv.IsNull() {
			return fmt.Errorf("on line %d: a mapping key must be a string, number or bool", k.Line)
		}
		key := k.Value
		if kv.Type() == cty.Bool || kv.Type() == cty.Number {
			key = yamlKeyString(kv)
		}
		if explicit[key] {
			return fmt.Errorf("on line %d: duplicate mapping key %q", k.Line, key)
		}
		val, err := d.value(v, depth+1)
		if err != nil {
			return err
		}
		explicit[key] = true
		attrs[key] = val
	}
	for _, m := range merges {
		for m.Kind == yaml.AliasNode {
			m = m.Alias
		}
		srcs := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			srcs = m.Content
		}
		for _, src := range srcs {
			for src.Kind == yaml.AliasNode {
				src = src.Alias
			}
			if src.Kind != yaml.MappingNode {
				return fmt.Errorf("on line %d: a merge key needs a mapping or a list of mappings", src.Line)
			}
			merged := map[string]cty.Value{}
			if err := d.mapping(src, merged, depth+1); err != nil {
				return err
			}
			for k, v := range merged {
				if _, set := attrs[k]; !set {
					attrs[k] = v
				}
			}
		}
	}
	return nil
}

func yamlKeyString(v cty.Value) string {
	if v.Type() == cty.Bool {
		return strconv.FormatBool(v.True())
	}
	return v.AsBigFloat().Text('f', -1)
}

// yamlScalar resolves a scalar as Terraform's yamldecode does: plain scalars by
// YAML 1.1 rules for booleans (yes/no/on/off too) and nulls, decimal and 0b numbers,
// and timestamps (as RFC 3339 strings); quoted and block scalars are strings; an
// explicit tag is obeyed.
func yamlScalar(n *yaml.Node) (cty.Value, error) {
	s := n.Value
	if n.Style&yaml.TaggedStyle != 0 {
		return yamlTagged(n.ShortTag(), s, n.Line)
	}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return cty.StringVal(s), nil
	}
	if v, ok := yamlPlainWords[s]; ok {
		return v, nil
	}
	switch s {
	case ".nan", ".NaN", ".NAN":
		return cty.NilVal, fmt.Errorf("on line %d: floating point NaN is not supported", n.Line)
	}
	if s == "" {
		return cty.NullVal(cty.DynamicPseudoType), nil
	}
	switch c := s[0]; {
	case c == '.':
		if v, err := cty.ParseNumberVal(s); err == nil {
			return v, nil
		}
	case c == '+' || c == '-' || (c >= '0' && c <= '9'):
		if t, ok := yamlTimestamp(s); ok {
			return cty.StringVal(t.Format(time.RFC3339)), nil
		}
		plain := strings.ReplaceAll(s, "_", "")
		if v, err := cty.ParseNumberVal(plain); err == nil {
			return v, nil
		}
		if strings.HasPrefix(plain, "0b") || strings.HasPrefix(plain, "-0b") {
			return yamlTagged("!!int", s, n.Line)
		}
	}
	return cty.StringVal(s), nil
}

// yamlPlainWords are the plain scalars with a meaning of their own.
var yamlPlainWords = func() map[string]cty.Value {
	m := map[string]cty.Value{}
	for _, w := range []string{"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"} {
		m[w] = cty.True
	}
	for _, w := range []string{"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"} {
		m[w] = cty.False
	}
	for _, w := range []string{"~", "null", "Null", "NULL"} {
		m[w] = cty.NullVal(cty.DynamicPseudoType)
	}
	for _, w := range []string{".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"} {
		m[w] = cty.PositiveInfinity
	}
	for _, w := range []string{"-.inf", "-.Inf", "-.INF"} {
		m[w] = cty.NegativeInfinity
	}
	return m
}()

func yamlTagged(tag, s string, line int) (cty.Value, error) {
	bad := func() (cty.Value, error) {
		return cty.NilVal, fmt.Errorf("on line %d: cannot parse %q as %s", line, s, tag)
	}
	switch tag {
	case "!!str":
		return cty.StringVal(s), nil
	case "!!binary":
		if _, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), "")); err != nil {
			return cty.NilVal, fmt.Errorf("on line %d: cannot parse %q as %s: not valid base64", line, s, tag)
		}
		return cty.StringVal(s), nil
	case "!!null":
		return cty.NullVal(cty.DynamicPseudoType), nil
	case "!!bool":
		if v, ok := yamlPlainWords[s]; ok && v.Type() == cty.Bool {
			return v, nil
		}
		return bad()
	case "!!int", "!!float":
		plain := strings.ReplaceAll(s, "_", "")
		if v, err := cty.ParseNumberVal(plain); err == nil {
			return v, nil
		}
		neg := strings.HasPrefix(plain, "-")
		digits := strings.TrimLeft(plain, "+-")
		base := 0
		if strings.HasPrefix(digits, "0b") {
			base, digits = 2, digits[2:]
		}
		var i big.Int
		if _, ok := i.SetString(digits, base); !ok {
			return bad()
		}
		if neg {
			i.Neg(&i)
		}
		return cty.NumberVal(new(big.Float).SetInt(&i)), nil
	case "!!timestamp":
		if t, ok := yamlTimestamp(s); ok {
			return cty.StringVal(t.Format(time.RFC3339)), nil
		}
		return bad()
	}
	return cty.NilVal, fmt.Errorf("on line %d: unsupported tag %q", line, tag)
}

// yamlTimestamp parses the timestamp forms YAML defines that Go's time package
// reads: a date, or a date and time with or without a zone.
func yamlTimestamp(s string) (time.Time, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return time.Time{}, false
	}
	for _, layout := range []string{"2006-1-2T15:4:5.999999999Z07:00", "2006-1-2t15:4:5.999999999Z07:00", "2006-1-2 15:4:5.999999999", "2006-1-2"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

var yamlEncodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowNull: true, AllowDynamicType: true}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if !args[0].IsWhollyKnown() {
			return cty.UnknownVal(cty.String), nil
		}
		s, err := yamlEncode(args[0])
		if err != nil {
			return cty.NilVal, err
		}
		return cty.StringVal(s), nil
	},
})

func yamlEncode(v cty.Value) (string, error) {
	n, err := yamlNode(v, 0)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	enc.CompactSeqIndent()
	if err := enc.Encode(n); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return buf.String(), nil
}

func yamlNode(v cty.Value, depth int) (*yaml.Node, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("value nests deeper than %d levels", maxDepth)
	}
	v, _ = v.Unmark()
	if v.IsNull() {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v.AsString(), Style: yaml.DoubleQuotedStyle}
		if strings.Contains(n.Value, "\n") {
			n.Style = yaml.LiteralStyle
		}
		return n, nil
	case ty == cty.Number:
		bf := v.AsBigFloat()
		if bf.IsInf() {
			if bf.Sign() < 0 {
				return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: "-.inf"}, nil
			}
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: ".inf"}, nil
		}
		tag := "!!float"
		if bf.IsInt() {
			tag = "!!int"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: bf.Text('f', -1)}, nil
	case ty == cty.Bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v.True())}, nil
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		if v.LengthInt() == 0 {
			n.Style = yaml.FlowStyle
		}
		for it := v.ElementIterator(); it.Next(); {
			_, el := it.Element()
			c, err := yamlNode(el, depth+1)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, c)
		}
		return n, nil
	case ty.IsMapType() || ty.IsObjectType():
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		if v.LengthInt() == 0 {
			n.Style = yaml.FlowStyle
		}
		// cty iterates map and object keys in lexical order.
		for it := v.ElementIterator(); it.Next(); {
			k, el := it.Element()
			c, err := yamlNode(el, depth+1)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k.AsString(), Style: yaml.DoubleQuotedStyle}, c)
		}
		return n, nil
	}
	return nil, fmt.Errorf("cannot encode a value of type %s as YAML", ty.FriendlyName())
}
