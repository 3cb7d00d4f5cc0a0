package terraform

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/awaf/awaf/internal/iac"
)

// bodyValue turns a resource body into an object in Terraform's own shape: arguments
// by name, nested blocks as arrays of objects (as in plan JSON), so that one mapping
// table serves both .tf sources and plans. top holds the already evaluated top-level
// arguments, or nil for nested bodies.
func (in *instance) bodyValue(b *hclsyntax.Body, iter map[string]cty.Value, top map[string]cty.Value) *iac.Value {
	names := in.s.attrNames(b)
	n := len(names) + len(b.Blocks)
	out := &iac.Value{Kind: iac.Object, Fields: make(map[string]*iac.Value, n), Loc: locOf(b.SrcRange)}
	if n > 0 {
		out.Keys = make([]string, 0, n)
	}
	for _, name := range names {
		if metaArgs[name] && top != nil {
			continue
		}
		a := b.Attributes[name]
		var expr hclsyntax.Expression = a.Expr
		v, ok := top[name]
		if call, isCall := expr.(*hclsyntax.FunctionCallExpr); isCall && name == "body" && call.Name == "jsonencode" && len(call.Args) == 1 {
			// azapi 1.x bodies: read the object inside jsonencode so that each
			// property keeps its own line.
			expr, ok = call.Args[0], false
		}
		if !ok {
			v = in.eval(expr, iter)
		}
		out.Keys = append(out.Keys, name)
		out.Fields[name] = toValue(v, expr)
	}
	add := func(typ string, v *iac.Value, rng hcl.Range) {
		list, ok := out.Fields[typ]
		if !ok {
			list = &iac.Value{Kind: iac.Array, Items: []*iac.Value{}, Loc: locOf(rng)}
			out.Fields[typ] = list
			out.Keys = append(out.Keys, typ)
		}
		if v != nil {
			list.Items = append(list.Items, v)
		}
	}
	for _, blk := range b.Blocks {
		switch {
		case metaBlocks[blk.Type]:
		case blk.Type == "dynamic" && len(blk.Labels) == 1:
			in.dynamicBlock(blk, iter, add)
		default:
			item := in.bodyValue(blk.Body, iter, nil)
			item.Loc = locOf(blk.DefRange())
			add(blk.Type, item, blk.DefRange())
		}
	}
	return out
}

// dynamicBlock expands `dynamic "x" { for_each = ...; content { ... } }`. When
// for_each cannot be resolved, the blocks are unknown: one Unknown item stands for
// them, so rules see "unknown", never an empty list.
func (in *instance) dynamicBlock(blk *hclsyntax.Block, iter map[string]cty.Value, add func(string, *iac.Value, hcl.Range)) {
	typ := blk.Labels[0]
	itName := typ
	if a, ok := blk.Body.Attributes["iterator"]; ok {
		if k := hcl.ExprAsKeyword(a.Expr); k != "" {
			itName = k
		}
	}
	var content *hclsyntax.Body
	for _, c := range blk.Body.Blocks {
		if c.Type == "content" {
			content = c.Body
		}
	}
	fe, ok := blk.Body.Attributes["for_each"]
	if !ok || content == nil {
		in.s.warn(blk.DefRange(), "dynamic block needs for_each and a content block")
		return
	}
	marked := in.eval(fe.Expr, iter)
	v, _ := marked.Unmark()
	if !v.IsWhollyKnown() || v.IsNull() || !v.CanIterateElements() {
		add(typ, &iac.Value{Kind: iac.Unknown, Why: orDefault(whyOf(marked), "for_each of dynamic block "+typ+" cannot be resolved"), Loc: locOf(fe.Expr.Range())}, blk.DefRange())
		return
	}
	add(typ, nil, blk.DefRange())
	for it := v.ElementIterator(); it.Next(); {
		k, el := it.Element()
		if v.Type().IsSetType() {
			// A set's elements are their own keys, as in Terraform.
			k = el
		}
		sub := make(map[string]cty.Value, len(iter)+1)
		for n, x := range iter {
			sub[n] = x
		}
		sub[itName] = cty.ObjectVal(map[string]cty.Value{"key": k, "value": el})
		item := in.bodyValue(content, sub, nil)
		item.Loc = locOf(blk.DefRange())
		add(typ, item, blk.DefRange())
	}
}
