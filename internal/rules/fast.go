package rules

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/overloads"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/awaf/awaf/internal/iac"
)

// Most catalog conditions compare one resource property with constants:
//
//	ieq(get(resource, "properties.publicNetworkAccess", "Enabled"), "Disabled")
//	!truthy(get(resource, "properties.allowSharedKeyAccess", true))
//
// Judging those through the CEL interpreter costs a converted view of the resource, an
// activation and the interpreter's frames for every resource. A fastExpr is the same
// expression compiled to Go. It answers only when every value it reads is a known
// scalar (string, bool, number) or absent; anything else (an unknown, an object, a
// list) sends the rule back to CEL, so unknown outcomes and their reasons come from one
// place. TestFastPathMatchesCEL runs every rule fixture both ways.

type fastOp int

const (
	fastIeq       fastOp = iota // ieq(x, "c")
	fastIin                     // iin(x, ["a", "b"])
	fastIprefix                 // iprefix(x, "c")
	fastIcontains               // icontains(x, "c")
	fastNumCmp                  // num(x) OP 2.0
	fastSizeCmp                 // size(x) OP 0, x a get() or related.privateEndpoints
	fastTruthy                  // truthy(x)
	fastNe                      // x != "c"
	fastIn                      // x in ["a", "b"]
	fastNot                     // !e
	fastAnd                     // e && e
	fastOr                      // e || e
)

type fastExpr struct {
	op     fastOp
	get    *fastGet    // the property read, for comparisons; nil for related.privateEndpoints
	consts []string    // the string constants compared with
	sub    []*fastExpr // operands of !, && and ||
	lower  string      // consts[0] lower-cased, for iprefix and icontains
	cmp    string      // the comparison operator of num() and size()
	num    float64     // the number compared with
}

// fastGet is get(resource, "head.rest", default) on a part of the resource that is an
// iac Value.
type fastGet struct {
	head string // lower-cased first segment
	rest string // the remaining path, "" for the part itself
	dflt scalar
}

// scalar is a known value the fast path compares: a string, bool or number, or a list
// or object of which only the size is used.
type scalar struct {
	kind iac.Kind // iac.String, iac.Bool, iac.Number, iac.Array or iac.Object
	str  string
	b    bool
	f    float64
	n    int // items or keys of a list or object
}

// compileFast returns nil when the expression is not one of the shapes above.
func compileFast(ast *cel.Ast) *fastExpr {
	if ast == nil {
		return nil
	}
	return fastFrom(ast.NativeRep().Expr())
}

func fastFrom(e celast.Expr) *fastExpr {
	if e.Kind() != celast.CallKind {
		return nil
	}
	call := e.AsCall()
	if call.IsMemberFunction() {
		return nil
	}
	args := call.Args()
	switch fn := call.FunctionName(); fn {
	case operators.LogicalNot:
		if len(args) == 1 {
			if s := fastFrom(args[0]); s != nil {
				return &fastExpr{op: fastNot, sub: []*fastExpr{s}}
			}
		}
	case operators.LogicalAnd, operators.LogicalOr:
		if len(args) != 2 {
			return nil
		}
		a, b := fastFrom(args[0]), fastFrom(args[1])
		if a == nil || b == nil {
			return nil
		}
		op := fastAnd
		if fn == operators.LogicalOr {
			op = fastOr
		}
		return &fastExpr{op: op, sub: []*fastExpr{a, b}}
	case "truthy":
		if len(args) == 1 {
			if g := getFrom(args[0]); g != nil {
				return &fastExpr{op: fastTruthy, get: g}
			}
		}
	case operators.Greater, operators.GreaterEquals, operators.Less, operators.LessEquals, operators.Equals:
		if len(args) != 2 {
			return nil
		}
		return cmpFrom(fn, args[0], args[1])
	case "ieq", "iprefix", "icontains", operators.NotEquals:
		if len(args) != 2 {
			return nil
		}
		g := getFrom(args[0])
		c, ok := stringConst(args[1])
		if g == nil || !ok {
			return nil
		}
		if fn == operators.NotEquals {
			if e := cmpFrom(fn, args[0], args[1]); e != nil {
				return e
			}
		}
		op := map[string]fastOp{"ieq": fastIeq, "iprefix": fastIprefix, "icontains": fastIcontains, operators.NotEquals: fastNe}[fn]
		return &fastExpr{op: op, get: g, consts: []string{c}, lower: strings.ToLower(c)}
	case "iin", operators.In:
		if len(args) != 2 || args[1].Kind() != celast.ListKind {
			return nil
		}
		g := getFrom(args[0])
		if g == nil {
			return nil
		}
		list := args[1].AsList()
		if len(list.OptionalIndices()) > 0 {
			return nil
		}
		var cs []string
		for _, el := range list.Elements() {
			c, ok := stringConst(el)
			if !ok {
				return nil
			}
			cs = append(cs, c)
		}
		op := fastIin
		if fn == operators.In {
			op = fastIn
		}
		return &fastExpr{op: op, get: g, consts: cs}
	}
	return nil
}

// literal gives a literal's value, nil for anything else.
func literal(e celast.Expr) ref.Val {
	if e.Kind() != celast.LiteralKind {
		return nil
	}
	return e.AsLiteral()
}

func stringConst(e celast.Expr) (string, bool) {
	if e.Kind() != celast.LiteralKind {
		return "", false
	}
	s, ok := e.AsLiteral().(types.String)
	return string(s), ok
}

// cmpFrom reads num(get(...)) OP double and size(get(...) or related.privateEndpoints)
// OP int.
func cmpFrom(fn string, left, right celast.Expr) *fastExpr {
	if left.Kind() != celast.CallKind {
		return nil
	}
	call := left.AsCall()
	if call.IsMemberFunction() || len(call.Args()) != 1 {
		return nil
	}
	arg := call.Args()[0]
	switch call.FunctionName() {
	case "num":
		d, ok := literal(right).(types.Double)
		g := getFrom(arg)
		if !ok || g == nil || math.IsNaN(float64(d)) {
			return nil
		}
		return &fastExpr{op: fastNumCmp, get: g, cmp: fn, num: float64(d)}
	case overloads.Size:
		n, ok := literal(right).(types.Int)
		if !ok {
			return nil
		}
		e := &fastExpr{op: fastSizeCmp, cmp: fn, num: float64(n)}
		if isRelatedPE(arg) {
			return e
		}
		if e.get = getFrom(arg); e.get == nil {
			return nil
		}
		return e
	}
	return nil
}

// isRelatedPE matches related.privateEndpoints.
func isRelatedPE(e celast.Expr) bool {
	if e.Kind() != celast.SelectKind {
		return false
	}
	sel := e.AsSelect()
	op := sel.Operand()
	return !sel.IsTestOnly() && sel.FieldName() == linkPE && op.Kind() == celast.IdentKind && op.AsIdent() == "related"
}

func compare(op string, a, b float64) bool {
	switch op {
	case operators.Greater:
		return a > b
	case operators.GreaterEquals:
		return a >= b
	case operators.Less:
		return a < b
	case operators.LessEquals:
		return a <= b
	case operators.Equals:
		return a == b
	}
	return a != b
}

// fastHeads are the parts of a resource view that hold iac Values (see resourceView).
var fastHeads = map[string]bool{"name": true, "kind": true, "location": true, "sku": true,
	"identity": true, "tags": true, "properties": true, "zones": true, "scope": true}

// getFrom reads get(resource, "path", default) with a constant path and a scalar
// constant default.
func getFrom(e celast.Expr) *fastGet {
	if e.Kind() != celast.CallKind {
		return nil
	}
	call := e.AsCall()
	args := call.Args()
	if call.IsMemberFunction() || call.FunctionName() != "get" || len(args) != 3 ||
		args[0].Kind() != celast.IdentKind || args[0].AsIdent() != "resource" {
		return nil
	}
	path, ok := stringConst(args[1])
	if !ok {
		return nil
	}
	var d scalar
	switch dk := args[2].Kind(); {
	case dk == celast.ListKind && args[2].AsList().Size() == 0:
		d = scalar{kind: iac.Array}
	case dk == celast.MapKind && args[2].AsMap().Size() == 0:
		d = scalar{kind: iac.Object}
	case dk != celast.LiteralKind:
		return nil
	}
	switch v := literal(args[2]).(type) {
	case nil:
		// an empty list or map, set above
	case types.String:
		d = scalar{kind: iac.String, str: string(v)}
	case types.Bool:
		d = scalar{kind: iac.Bool, b: bool(v)}
	case types.Int:
		d = scalar{kind: iac.Number, f: float64(v)}
	case types.Double:
		d = scalar{kind: iac.Number, f: float64(v)}
	default:
		return nil
	}
	head, rest, _ := strings.Cut(path, ".")
	// A head with an index, or an empty segment, walks differently in getPath.
	if strings.ContainsAny(head, "[]") || head == "" || (rest == "" && strings.HasSuffix(path, ".")) {
		return nil
	}
	if !fastHeads[strings.ToLower(head)] {
		return nil
	}
	return &fastGet{head: strings.ToLower(head), rest: rest, dflt: d}
}

// read resolves the property as getPath does over the resource view; ok is false when
// the value is not a known scalar or absent.
func (g *fastGet) read(r *iac.Resource) (scalar, bool) {
	var v *iac.Value
	switch g.head {
	case "name":
		v = r.Name
	case "kind":
		v = r.Kind
	case "location":
		v = r.Location
	case "sku":
		v = r.SKU
	case "identity":
		v = r.Identity
	case "tags":
		v = r.Tags
	case "properties":
		v = r.Properties
	case "zones":
		v = r.Zones
	case "scope":
		v = r.Scope
	}
	if v == nil {
		return g.dflt, true
	}
	if g.rest != "" {
		switch v.Kind {
		case iac.Object, iac.Array:
			v = v.Get(g.rest)
		case iac.Unknown:
			return scalar{}, false
		default:
			// A scalar or null has no fields: getPath gives the default.
			return g.dflt, true
		}
		if v == nil {
			return g.dflt, true
		}
	}
	switch v.Kind {
	case iac.Null:
		return g.dflt, true
	case iac.String:
		return scalar{kind: iac.String, str: v.Str}, true
	case iac.Bool:
		return scalar{kind: iac.Bool, b: v.Bool}, true
	case iac.Number:
		if math.IsNaN(v.Number) {
			return scalar{}, false
		}
		return scalar{kind: iac.Number, f: v.Number}, true
	case iac.Array:
		return scalar{kind: iac.Array, n: len(v.Items)}, true
	case iac.Object:
		return scalar{kind: iac.Object, n: len(v.Keys)}, true
	}
	return scalar{}, false
}

// eval gives the expression's value on resource i of the graph; ok false sends the
// rule to CEL.
func (e *fastExpr) eval(g *graph, i int) (result, ok bool) {
	switch e.op {
	case fastNot:
		v, ok := e.sub[0].eval(g, i)
		return !v, ok
	case fastAnd, fastOr:
		a, ok := e.sub[0].eval(g, i)
		if !ok {
			return false, false
		}
		b, ok := e.sub[1].eval(g, i)
		if !ok {
			return false, false
		}
		if e.op == fastAnd {
			return a && b, true
		}
		return a || b, true
	case fastSizeCmp:
		if e.get == nil {
			// As relatedView has it: no endpoint in the scan, but one whose target is
			// unknown, is an unknown list.
			pe := g.links[i].privateEndpoints
			if len(pe) == 0 && len(g.pending[linkPE]) > 0 {
				return false, false
			}
			return compare(e.cmp, float64(len(pe)), e.num), true
		}
	}
	x, ok := e.get.read(&g.res[i])
	if !ok {
		return false, false
	}
	switch e.op {
	case fastTruthy:
		switch x.kind {
		case iac.Bool:
			return x.b, true
		case iac.String:
			return strings.EqualFold(x.str, "true"), true
		}
		return false, true
	case fastIeq:
		return x.kind == iac.String && strings.EqualFold(x.str, e.consts[0]), true
	case fastIcontains:
		return x.kind == iac.String && strings.Contains(strings.ToLower(x.str), e.lower), true
	case fastNumCmp:
		// num() as the CEL function has it: numbers, and strings that parse; anything
		// else is an error, which CEL reports.
		f := x.f
		switch x.kind {
		case iac.Number:
		case iac.String:
			var err error
			if f, err = strconv.ParseFloat(strings.TrimSpace(x.str), 64); err != nil || math.IsNaN(f) {
				return false, false
			}
		default:
			return false, false
		}
		return compare(e.cmp, f, e.num), true
	case fastSizeCmp:
		var n int
		switch x.kind {
		case iac.Array, iac.Object:
			n = x.n
		case iac.String:
			n = utf8.RuneCountInString(x.str)
		default:
			return false, false
		}
		return compare(e.cmp, float64(n), e.num), true
	case fastIprefix:
		return x.kind == iac.String && strings.HasPrefix(strings.ToLower(x.str), e.lower), true
	case fastIin:
		if x.kind != iac.String {
			return false, true
		}
		for _, c := range e.consts {
			if strings.EqualFold(x.str, c) {
				return true, true
			}
		}
		return false, true
	case fastNe, fastIn:
		// Equality across kinds is left to CEL.
		if x.kind != iac.String {
			return false, false
		}
		if e.op == fastNe {
			return x.str != e.consts[0], true
		}
		for _, c := range e.consts {
			if x.str == c {
				return true, true
			}
		}
		return false, true
	}
	return false, false
}
