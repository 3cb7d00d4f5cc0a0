package terraform

import (
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
)

// parseJSONConfig reads a .tf.json file and translates it into the native syntax
// tree, so that the rest of the front end (evaluation, overrides, plan relocation)
// has one shape to walk. The translation follows Terraform's JSON syntax: blocks by
// the known block types and their labels, strings as templates where Terraform
// takes expressions, literal values where it does not (variable blocks, module
// source and version, descriptions), "//" properties in block bodies ignored.
// Every node keeps its place in the JSON file.
//
// JSON cannot tell a nested block from an argument whose value is an object: where
// Terraform asks the provider schema, this reads as blocks the names that the
// azurerm mapping table steps into (see jsonBlockNames), plus Terraform's own meta
// blocks; anything else stays an argument, which the mapping reads the same way.
func parseJSONConfig(src []byte, name string) (*hclsyntax.Body, hcl.Diagnostics) {
	root, diags := hcljson.ParseExpression(src, name)
	if root == nil || diags.HasErrors() {
		return nil, diags
	}
	rng := root.Range()
	out := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, SrcRange: rng, EndRange: hcl.Range{Filename: name, Start: rng.End, End: rng.End}}
	props, ok := objectProps(root)
	if !ok {
		return nil, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "a Terraform JSON file holds one JSON object, whose properties are block types",
			Subject: root.StartRange().Ptr()})
	}
	c := &jsonConv{}
	for _, p := range props {
		if p.name == "//" {
			continue
		}
		labels, known := topLevelLabels[p.name]
		if !known {
			// Native files get the same warning for an unknown block type.
			out.Blocks = append(out.Blocks, &hclsyntax.Block{Type: p.name, TypeRange: p.nameRng,
				Body: &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, SrcRange: p.value.Range()}})
			continue
		}
		kind := p.name
		c.blocks(kind, p.value, p.nameRng, labels, func(labels []string) bodyRule {
			return topBodyRule(kind, labels)
		}, &out.Blocks)
	}
	return out, append(diags, c.diags...)
}

// topLevelLabels gives the number of labels of each top-level block type.
var topLevelLabels = map[string]int{
	"terraform": 0, "provider": 1, "variable": 1, "locals": 0, "output": 1, "module": 1,
	"resource": 2, "data": 2, "moved": 0, "import": 0, "check": 1, "removed": 0,
}

// exprMode says how a JSON value maps onto an expression.
type exprMode int

const (
	asTemplate exprMode = iota // strings are templates (the general rule)
	asLiteral                  // strings are taken as written
	asExpr                     // strings hold one native expression (references, types, keywords)
)

// bodyRule describes one kind of block body: which properties are nested blocks
// (with their label counts and the rule of their bodies), and how arguments map.
type bodyRule struct {
	blocks  func(name string) (labels int, rule bodyRule, ok bool)
	mode    func(name string) exprMode
	skipAll bool // a body the scanner ignores: kept empty
	// resource type and block path, where `dynamic` blocks may appear
	resource  bool
	typ, path string
}

func templates(string) exprMode { return asTemplate }

func noBlocks(string) (int, bodyRule, bool) { return 0, bodyRule{}, false }

// topBodyRule is the rule of the body of a top-level block.
func topBodyRule(kind string, labels []string) bodyRule {
	switch kind {
	case "variable":
		return bodyRule{
			blocks: func(n string) (int, bodyRule, bool) {
				return 0, bodyRule{skipAll: true}, n == "validation"
			},
			mode: func(n string) exprMode {
				if n == "type" {
					return asExpr
				}
				return asLiteral
			},
		}
	case "locals":
		return bodyRule{blocks: noBlocks, mode: templates}
	case "output":
		return bodyRule{
			blocks: func(n string) (int, bodyRule, bool) {
				return 0, bodyRule{skipAll: true}, n == "precondition"
			},
			mode: func(n string) exprMode {
				switch n {
				case "description", "sensitive":
					return asLiteral
				case "depends_on":
					return asExpr
				}
				return asTemplate
			},
		}
	case "module":
		return bodyRule{blocks: noBlocks, mode: func(n string) exprMode {
			switch n {
			case "source", "version":
				return asLiteral
			case "depends_on", "providers":
				return asExpr
			}
			return asTemplate
		}}
	case "resource", "data":
		typ := ""
		if kind == "resource" && len(labels) > 0 {
			typ = labels[0]
		}
		return resourceBodyRule(typ, "")
	}
	return bodyRule{skipAll: true}
}

// resourceBodyRule is the rule of a resource body or of a nested block at path (""
// for the resource body itself) of a resource of type typ.
func resourceBodyRule(typ, path string) bodyRule {
	return bodyRule{
		resource: true, typ: typ, path: path,
		blocks: func(n string) (int, bodyRule, bool) {
			switch {
			case path == "" && n == "lifecycle":
				return 0, bodyRule{blocks: func(n string) (int, bodyRule, bool) {
					return 0, bodyRule{skipAll: true}, n == "precondition" || n == "postcondition"
				}, mode: func(n string) exprMode {
					if n == "ignore_changes" || n == "replace_triggered_by" {
						return asExpr
					}
					return asTemplate
				}}, true
			case path == "" && n == "provisioner":
				return 1, bodyRule{skipAll: true}, true
			case path == "" && (n == "connection" || n == "timeouts"):
				return 0, bodyRule{skipAll: true}, true
			case n == "dynamic":
				return 1, bodyRule{}, true // the rule depends on the label: see blocks
			case jsonBlockNames(typ)[joinPath(path, n)]:
				return 0, resourceBodyRule(typ, joinPath(path, n)), true
			}
			return 0, bodyRule{}, false
		},
		mode: func(n string) exprMode {
			if path == "" && (n == "depends_on" || n == "provider") {
				return asExpr
			}
			return asTemplate
		},
	}
}

// dynamicBodyRule is the rule of `dynamic "label"` inside a resource body or block.
func dynamicBodyRule(typ, path, label string) bodyRule {
	return bodyRule{
		blocks: func(n string) (int, bodyRule, bool) {
			return 0, resourceBodyRule(typ, joinPath(path, label)), n == "content"
		},
		mode: func(n string) exprMode {
			if n == "iterator" {
				return asExpr
			}
			return asTemplate
		},
	}
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// extraJSONBlocks are nested block names that the custom mappings read as lists of
// blocks, for every type.
var extraJSONBlocks = []string{"identity", "private_service_connection", "enabled_log", "log", "enabled_metric", "metric"}

// jsonBlockNames lists the dotted paths of nested blocks of typ that the mapping
// table steps into ("network_acls", "network_acls.virtual_network_rules").
func jsonBlockNames(typ string) map[string]bool {
	if m, ok := jsonBlockTable()[typ]; ok {
		return m
	}
	return jsonBlockTable()[""]
}

// jsonBlockTable holds jsonBlockNames for every mapped type, and under "" the names
// common to all types.
var jsonBlockTable = sync.OnceValue(func() map[string]map[string]bool {
	table := map[string]map[string]bool{}
	common := map[string]bool{}
	for _, n := range extraJSONBlocks {
		common[n] = true
	}
	table[""] = common
	for typ, tm := range typeMaps {
		out := map[string]bool{}
		for n := range common {
			out[n] = true
		}
		add := func(p string) {
			segs := strings.Split(strings.ReplaceAll(strings.TrimSuffix(p, "[]"), "[]", ""), ".")
			for i := 1; i < len(segs); i++ {
				out[strings.Join(segs[:i], ".")] = true
			}
		}
		for _, a := range tm.Attrs {
			// Only the steps before the last are blocks: "allowed_ips[]" is a list
			// argument, "geo_location[].location" steps into geo_location blocks.
			add(a.From)
		}
		for _, d := range tm.Defaults {
			for _, w := range strings.Split(d.When, "|") {
				add(w)
			}
		}
		table[typ] = out
	}
	return table
})

type jsonConv struct {
	diags hcl.Diagnostics
}

func (c *jsonConv) errorf(rng hcl.Range, format string, args ...any) {
	c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: fmt.Sprintf(format, args...), Subject: rng.Ptr()})
}

// blocks unpacks the value of a block-type property: one object per label level
// (or an array of such objects), then the body object, or an array of bodies.
func (c *jsonConv) blocks(typ string, v hcl.Expression, typeRng hcl.Range, nLabels int, rule func(labels []string) bodyRule, out *hclsyntax.Blocks) {
	var walk func(v hcl.Expression, labels []string, lrngs []hcl.Range)
	walk = func(v hcl.Expression, labels []string, lrngs []hcl.Range) {
		if len(labels) < nLabels {
			props, ok := objectProps(v)
			if !ok {
				c.errorf(v.Range(), "%s block: a JSON object is required here, whose property names are the block's labels", typ)
				return
			}
			for _, p := range props {
				walk(p.value, append(append([]string(nil), labels...), p.name), append(append([]hcl.Range(nil), lrngs...), p.nameRng))
			}
			return
		}
		hdr := typeRng
		if len(lrngs) > 0 {
			hdr = lrngs[len(lrngs)-1]
		}
		if items, ok := jsonItems(v); ok {
			for _, it := range items {
				if _, ok := jsonProps(it); !ok {
					c.errorf(it.Range(), "%s block: a JSON object is required here, holding the block's arguments", typ)
					continue
				}
				h := hdr
				if len(labels) == 0 {
					h = it.StartRange()
				}
				*out = append(*out, c.block(typ, labels, lrngs, h, it, rule(labels)))
			}
			return
		}
		if _, ok := jsonProps(v); ok {
			*out = append(*out, c.block(typ, labels, lrngs, hdr, v, rule(labels)))
			return
		}
		if isJSONNull(v) {
			return
		}
		c.errorf(v.Range(), "%s block: a JSON object or an array of objects is required here", typ)
	}
	walk(v, nil, nil)
}

func (c *jsonConv) block(typ string, labels []string, lrngs []hcl.Range, hdr hcl.Range, v hcl.Expression, rule bodyRule) *hclsyntax.Block {
	// The header is the last label's key (or the type's key, or the element of an
	// array of unlabeled blocks): DefRange, where the block is reported, starts
	// at TypeRange and ends with the last label.
	b := &hclsyntax.Block{Type: typ, Labels: labels, TypeRange: hdr, LabelRanges: lrngs, OpenBraceRange: v.StartRange()}
	b.Body = c.body(v, rule)
	return b
}

// body translates a JSON object holding a block body.
func (c *jsonConv) body(v hcl.Expression, rule bodyRule) *hclsyntax.Body {
	out := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, SrcRange: v.Range(), EndRange: v.Range()}
	if rule.skipAll {
		return out
	}
	props, _ := jsonProps(v)
	for _, p := range props {
		if p.name == "//" {
			continue
		}
		if n, sub, ok := rule.blocks(p.name); ok && (isBlockValue(p.value) || isJSONNull(p.value)) {
			if p.name == "dynamic" && rule.resource {
				c.blocks(p.name, p.value, p.nameRng, n, func(labels []string) bodyRule {
					return dynamicBodyRule(rule.typ, rule.path, labels[0])
				}, &out.Blocks)
				continue
			}
			c.blocks(p.name, p.value, p.nameRng, n, func([]string) bodyRule { return sub }, &out.Blocks)
			continue
		}
		if prev, dup := out.Attributes[p.name]; dup {
			c.errorf(p.nameRng, "argument %q is also set at %s", p.name, rangeString(prev.NameRange))
			continue
		}
		out.Attributes[p.name] = &hclsyntax.Attribute{
			Name:      p.name,
			Expr:      c.expr(p.value, rule.mode(p.name)),
			SrcRange:  hcl.RangeBetween(p.nameRng, p.value.Range()),
			NameRange: p.nameRng,
		}
	}
	return out
}

// isBlockValue reports whether v can stand for blocks: an object, or an array of
// objects (maybe empty). Anything else is read as an argument.
func isBlockValue(v hcl.Expression) bool {
	if _, ok := jsonProps(v); ok {
		return true
	}
	items, ok := jsonItems(v)
	if !ok {
		return false
	}
	for _, it := range items {
		if _, ok := jsonProps(it); !ok {
			return false
		}
	}
	return true
}

type jsonProp struct {
	name    string
	nameRng hcl.Range
	value   hcl.Expression
}

// jsonProps returns the properties of a JSON object in source order.
func jsonProps(v hcl.Expression) ([]jsonProp, bool) {
	m, ok := v.(interface{ ExprMap() []hcl.KeyValuePair })
	if !ok {
		return nil, false
	}
	kvs := m.ExprMap()
	if kvs == nil {
		return nil, false
	}
	out := make([]jsonProp, 0, len(kvs))
	for _, kv := range kvs {
		k, _ := kv.Key.Value(nil)
		if k.Type() != cty.String {
			continue
		}
		out = append(out, jsonProp{name: k.AsString(), nameRng: kv.Key.Range(), value: kv.Value})
	}
	return out, true
}

// objectProps is jsonProps for a label level, which may also be an array of objects.
func objectProps(v hcl.Expression) ([]jsonProp, bool) {
	if props, ok := jsonProps(v); ok {
		return props, true
	}
	items, ok := jsonItems(v)
	if !ok {
		return nil, false
	}
	var out []jsonProp
	for _, it := range items {
		props, ok := jsonProps(it)
		if !ok {
			return nil, false
		}
		out = append(out, props...)
	}
	return out, true
}

func jsonItems(v hcl.Expression) ([]hcl.Expression, bool) {
	l, ok := v.(interface{ ExprList() []hcl.Expression })
	if !ok {
		return nil, false
	}
	items := l.ExprList()
	return items, items != nil
}

func isJSONNull(v hcl.Expression) bool {
	val, diags := v.Value(nil)
	return !diags.HasErrors() && val.IsNull()
}

// expr translates a JSON value into a native expression with the same places.
func (c *jsonConv) expr(v hcl.Expression, mode exprMode) hclsyntax.Expression {
	rng := v.Range()
	if items, ok := jsonItems(v); ok {
		t := &hclsyntax.TupleConsExpr{SrcRange: rng, OpenRange: v.StartRange()}
		for _, it := range items {
			t.Exprs = append(t.Exprs, c.expr(it, mode))
		}
		return t
	}
	if props, ok := jsonProps(v); ok {
		o := &hclsyntax.ObjectConsExpr{SrcRange: rng, OpenRange: v.StartRange()}
		for _, p := range props {
			key := c.expr(&jsonKey{name: p.name, rng: p.nameRng}, keyMode(mode))
			o.Items = append(o.Items, hclsyntax.ObjectConsItem{
				KeyExpr:   &hclsyntax.ObjectConsKeyExpr{Wrapped: key},
				ValueExpr: c.expr(p.value, mode),
			})
		}
		return o
	}
	val, diags := v.Value(nil)
	if diags.HasErrors() {
		return &hclsyntax.LiteralValueExpr{Val: cty.DynamicVal, SrcRange: rng}
	}
	if val.Type() != cty.String || mode == asLiteral {
		return &hclsyntax.LiteralValueExpr{Val: val, SrcRange: rng}
	}
	s := val.AsString()
	// Inside the quotes; as in HCL's own JSON reader, escapes before an
	// interpolation shift its columns.
	start := hcl.Pos{Line: rng.Start.Line, Column: rng.Start.Column + 1, Byte: rng.Start.Byte + 1}
	if mode == asExpr {
		e, d := hclsyntax.ParseExpression([]byte(s), rng.Filename, start)
		if d.HasErrors() {
			c.diags = append(c.diags, d...)
			return &hclsyntax.LiteralValueExpr{Val: cty.DynamicVal, SrcRange: rng}
		}
		return e
	}
	if !strings.Contains(s, "${") && !strings.Contains(s, "%{") {
		return &hclsyntax.LiteralValueExpr{Val: val, SrcRange: rng}
	}
	e, d := hclsyntax.ParseTemplate([]byte(s), rng.Filename, start)
	if d.HasErrors() {
		c.diags = append(c.diags, d...)
		return &hclsyntax.LiteralValueExpr{Val: cty.DynamicVal, SrcRange: rng}
	}
	switch t := e.(type) {
	case *hclsyntax.TemplateWrapExpr:
		t.SrcRange = rng
	case *hclsyntax.TemplateExpr:
		t.SrcRange = rng
	}
	return e
}

// keyMode is the mode of object keys: templates stay templates (Terraform allows
// interpolation in keys); everything else is a plain string.
func keyMode(m exprMode) exprMode {
	if m == asTemplate {
		return asTemplate
	}
	return asLiteral
}

// jsonKey is an object key as an expression, so that expr can translate it.
type jsonKey struct {
	name string
	rng  hcl.Range
}

func (k *jsonKey) Value(*hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	return cty.StringVal(k.name), nil
}
func (k *jsonKey) Variables() []hcl.Traversal { return nil }
func (k *jsonKey) Range() hcl.Range           { return k.rng }
func (k *jsonKey) StartRange() hcl.Range      { return k.rng }
