package terraform

import (
	"fmt"
	"math/big"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/awaf/awaf/internal/iac"
)

// toValue converts an evaluated cty value into an iac.Value. expr is the expression
// that produced it: object and tuple constructors are walked alongside the value so
// that each element keeps its own line and column.
func toValue(v cty.Value, expr hcl.Expression) *iac.Value {
	return convertValue(v, expr, 0)
}

// maxDepth bounds nesting; deeper values are reported as unknown.
const maxDepth = 64

func convertValue(v cty.Value, expr hcl.Expression, depth int) *iac.Value {
	loc := locOf(expr.Range())
	if w, ok := expr.(*hclsyntax.TemplateWrapExpr); ok {
		expr = w.Wrapped
	}
	if !v.IsKnown() {
		u := &iac.Value{Kind: iac.Unknown, Why: orDefault(whyOf(v), "known only after apply"), Loc: loc}
		if isReference(expr) {
			// Only a plain reference (azurerm_x.y.id, module.m.id, x["k"].id) names
			// the resource itself; "${x.id}/blobServices/default" does not.
			u.Str = refOf(v)
		}
		return u
	}
	v, _ = v.Unmark()
	if v.IsNull() {
		return &iac.Value{Kind: iac.Null, Loc: loc}
	}
	if depth > maxDepth {
		return &iac.Value{Kind: iac.Unknown, Why: fmt.Sprintf("nested deeper than %d levels", maxDepth), Loc: loc}
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return &iac.Value{Kind: iac.String, Str: v.AsString(), Loc: loc}
	case ty == cty.Number:
		f, _ := v.AsBigFloat().Float64()
		return &iac.Value{Kind: iac.Number, Number: f, Loc: loc}
	case ty == cty.Bool:
		return &iac.Value{Kind: iac.Bool, Bool: v.True(), Loc: loc}
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		out := &iac.Value{Kind: iac.Array, Loc: loc, Items: []*iac.Value{}}
		var items []hclsyntax.Expression
		if t, ok := expr.(*hclsyntax.TupleConsExpr); ok && !ty.IsSetType() && len(t.Exprs) == v.LengthInt() {
			items = t.Exprs
		}
		i := 0
		for it := v.ElementIterator(); it.Next(); i++ {
			_, el := it.Element()
			var sub hcl.Expression = expr
			if items != nil {
				sub = items[i]
			}
			out.Items = append(out.Items, convertValue(el, sub, depth+1))
		}
		return out
	case ty.IsMapType() || ty.IsObjectType():
		out := &iac.Value{Kind: iac.Object, Loc: loc, Fields: map[string]*iac.Value{}}
		m := v.AsValueMap()
		if o, ok := expr.(*hclsyntax.ObjectConsExpr); ok {
			// Source order and per-item locations.
			for _, item := range o.Items {
				k, ok := objectKey(item.KeyExpr)
				if !ok {
					continue
				}
				el, ok := m[k]
				if !ok {
					continue
				}
				if _, seen := out.Fields[k]; !seen {
					out.Keys = append(out.Keys, k)
				}
				out.Fields[k] = convertValue(el, item.ValueExpr, depth+1)
			}
		}
		for it := v.ElementIterator(); it.Next(); {
			kv, el := it.Element()
			k := kv.AsString()
			if _, done := out.Fields[k]; done {
				continue
			}
			out.Keys = append(out.Keys, k)
			out.Fields[k] = convertValue(el, expr, depth+1)
		}
		return out
	}
	return &iac.Value{Kind: iac.Unknown, Why: "value of type " + ty.FriendlyName() + " is not supported", Loc: loc}
}

// objectKey returns the literal key of an object constructor item: a bare word, a
// quoted string, or an expression that needs no variables.
func objectKey(e hclsyntax.Expression) (string, bool) {
	if k := hcl.ExprAsKeyword(e); k != "" {
		return k, true
	}
	v, diags := e.Value(nil)
	if diags.HasErrors() {
		return "", false
	}
	v, _ = v.Unmark()
	if !v.IsKnown() || v.IsNull() {
		return "", false
	}
	if v.Type() == cty.Number {
		return v.AsBigFloat().Text('f', -1), true
	}
	if v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}

// fromJSON converts a decoded JSON value (plan values) into an iac.Value; every value
// gets loc.
func fromJSON(x any, loc iacLoc, depth int) *iac.Value {
	if depth > maxDepth {
		return &iac.Value{Kind: iac.Unknown, Why: fmt.Sprintf("nested deeper than %d levels", maxDepth), Loc: loc}
	}
	switch t := x.(type) {
	case nil:
		return &iac.Value{Kind: iac.Null, Loc: loc}
	case bool:
		return &iac.Value{Kind: iac.Bool, Bool: t, Loc: loc}
	case float64:
		return &iac.Value{Kind: iac.Number, Number: t, Loc: loc}
	case string:
		return &iac.Value{Kind: iac.String, Str: t, Loc: loc}
	case []any:
		out := &iac.Value{Kind: iac.Array, Items: make([]*iac.Value, 0, len(t)), Loc: loc}
		for _, el := range t {
			out.Items = append(out.Items, fromJSON(el, loc, depth+1))
		}
		return out
	case map[string]any:
		out := &iac.Value{Kind: iac.Object, Fields: make(map[string]*iac.Value, len(t)), Loc: loc}
		for _, k := range sortedKeys(t) {
			out.Keys = append(out.Keys, k)
			out.Fields[k] = fromJSON(t[k], loc, depth+1)
		}
		return out
	case interface{ String() string }: // json.Number
		f, _, err := big.ParseFloat(t.String(), 10, 64, big.ToNearestEven)
		if err == nil {
			n, _ := f.Float64()
			return &iac.Value{Kind: iac.Number, Number: n, Loc: loc}
		}
	}
	return &iac.Value{Kind: iac.Unknown, Why: fmt.Sprintf("unsupported JSON value %T", x), Loc: loc}
}

// isReference reports whether expr is a traversal (possibly indexed), not a template,
// call or operation built on one.
func isReference(expr hcl.Expression) bool {
	switch e := expr.(type) {
	case *hclsyntax.ScopeTraversalExpr, *hclsyntax.RelativeTraversalExpr:
		return true
	case *hclsyntax.IndexExpr:
		return isReference(e.Collection)
	case *hclsyntax.ParenthesesExpr:
		return isReference(e.Expression)
	}
	return false
}
