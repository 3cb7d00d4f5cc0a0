package rules

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/overloads"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/awaf/awaf/internal/iac"
)

// Most catalog conditions compare resource properties, profile answers and workload
// facts with constants, or ask whether a linked resource or a list item meets such a
// comparison:
//
//	ieq(get(resource, "properties.publicNetworkAccess", "Enabled"), "Disabled")
//	!truthy(get(resource, "properties.allowSharedKeyAccess", true))
//	iin(profile.sensitivity, ["public", "internal"])
//	related.metricAlerts.exists(a, truthy(get(a, "properties.enabled", true)))
//
// Judging those through the CEL interpreter costs a converted view of the resource, an
// activation and the interpreter's frames for every resource. A fastExpr is the same
// expression compiled to Go. It answers when every resource value it reads is a known
// scalar (string, bool, number), a list or object of which only the size or the items
// are used, or absent. The profile and workload facts may be unknown: their unknowns
// are registered once per scan, so an outcome that depends on them carries those
// unknowns, merged as CEL merges them. Anything else (an unknown resource value, a
// value of a kind the comparison does not expect) sends the rule back to CEL, so every
// other unknown outcome and its reasons come from one place. TestFastPathMatchesCEL
// runs every rule fixture both ways.

type fastOp int

const (
	fastIeq       fastOp = iota // ieq(x, "c")
	fastIin                     // iin(x, ["a", "b"])
	fastIprefix                 // iprefix(x, "c")
	fastIcontains               // icontains(x, "c")
	fastNumCmp                  // num(x) OP 2.0
	fastSizeCmp                 // size(x) OP 0, x an operand or related.privateEndpoints
	fastTruthy                  // truthy(x)
	fastNe                      // x != "c"
	fastIn                      // x in ["a", "b"]
	fastBoolEq                  // x == true, x != false
	fastNot                     // !e
	fastAnd                     // e && e
	fastOr                      // e || e
	fastExists                  // list.exists(v, e)
	fastAll                     // list.all(v, e)
	fastHas                     // "c" in profile.f, "c" in get(workload, "f", {})
)

type fastExpr struct {
	op     fastOp
	get    *fastGet    // the value read, for comparisons and as the list of exists/all
	consts []string    // the string constants compared with
	sub    []*fastExpr // operands of !, && and ||; the body of exists and all
	lower  string      // consts[0] lower-cased, for iprefix and icontains
	cmp    string      // the comparison operator of num(), size() and == on booleans
	num    float64     // the number compared with
	b      bool        // the boolean compared with
	// link names the related list (linkPE, linkDiag, linkAlert) that size() counts or
	// exists/all range over; "" when get gives the value.
	link string
	// viaGet tells that a fastHas fact is read through get(), whose default (an
	// empty list or map) stands in for a missing field.
	viaGet bool
}

// fastSrc is where an operand comes from.
type fastSrc int

const (
	srcResource fastSrc = iota // get(resource, "head.rest", default)
	srcVar                     // get(v, "path", default), v bound by exists/all
	srcProfile                 // profile.field
	srcWorkload                // workload.field
)

// fastGet is one operand: a get() with a constant path and a constant default, or a
// field of the profile or workload facts.
type fastGet struct {
	src fastSrc
	// For srcVar: depth is the variable's index among those in scope (0 the outermost)
	// and varRes tells whether it ranges over related resources (read like resource)
	// or over the items of a list value (read with path).
	depth  int
	varRes bool
	head   string // lower-cased first segment, for resource-shaped reads
	rest   string // the remaining path, "" for the part itself
	// segs is rest split at its dots when it has no index or trailing dot, so that a
	// read walks fields without parsing the path again.
	segs  []string
	path  string // the whole path, for reads from a list item
	field string // the profile or workload field
	dflt  scalar
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

// fastVal is an outcome: a boolean, or an unknown (unk set) that comes only from the
// profile and workload facts.
type fastVal struct {
	b   bool
	unk *types.Unknown
}

// fastVar is a variable bound by exists or all while its body is judged.
type fastVar struct {
	res *iac.Resource // for related resources
	val *iac.Value    // for list items
}

// fastCtx is what a fast expression reads: the resource judged, its graph, the
// shared facts and the variables in scope.
type fastCtx struct {
	g        *graph
	i        int
	profile  map[string]any
	workload map[string]any
	// pending holds, by link kind, the unknown a related list with no known member
	// gives when links of that kind anywhere in the scan have unknown targets (see
	// relatedView); nil where the graph is not built.
	pending map[string]ref.Val
	vars    []fastVar
}

// maxFastDepth bounds nested exists/all; deeper ones go to CEL.
const maxFastDepth = 4

// scope lists the variables bound around a sub-expression, innermost last; res tells
// whether each ranges over related resources.
type scope []struct {
	name string
	res  bool
}

func (s scope) lookup(name string) (int, bool, bool) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i].name == name {
			return i, s[i].res, true
		}
	}
	return 0, false, false
}

// fastFrom returns nil when the expression is not made of the shapes above.
func fastFrom(e celast.Expr, sc scope) *fastExpr {
	if e.Kind() == celast.ComprehensionKind {
		return comprehensionFrom(e.AsComprehension(), sc)
	}
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
			if s := fastFrom(args[0], sc); s != nil {
				return &fastExpr{op: fastNot, sub: []*fastExpr{s}}
			}
		}
	case operators.LogicalAnd, operators.LogicalOr:
		if len(args) != 2 {
			return nil
		}
		a, b := fastFrom(args[0], sc), fastFrom(args[1], sc)
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
			if g := operandFrom(args[0], sc); g != nil {
				return &fastExpr{op: fastTruthy, get: g}
			}
		}
	case operators.Greater, operators.GreaterEquals, operators.Less, operators.LessEquals, operators.Equals:
		if len(args) != 2 {
			return nil
		}
		return cmpFrom(fn, args[0], args[1], sc)
	case "ieq", "iprefix", "icontains", operators.NotEquals:
		if len(args) != 2 {
			return nil
		}
		if fn == operators.NotEquals {
			if e := cmpFrom(fn, args[0], args[1], sc); e != nil {
				return e
			}
		}
		g := operandFrom(args[0], sc)
		c, ok := stringConst(args[1])
		if g == nil || !ok {
			return nil
		}
		op := map[string]fastOp{"ieq": fastIeq, "iprefix": fastIprefix, "icontains": fastIcontains, operators.NotEquals: fastNe}[fn]
		return &fastExpr{op: op, get: g, consts: []string{c}, lower: strings.ToLower(c)}
	case "iin", operators.In:
		if fn == operators.In && len(args) == 2 && args[1].Kind() != celast.ListKind {
			return hasFrom(args[0], args[1], sc)
		}
		if len(args) != 2 || args[1].Kind() != celast.ListKind {
			return nil
		}
		g := operandFrom(args[0], sc)
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

// hasFrom reads "c" in X, X being a list or map fact of the profile or workload:
// profile.f, workload.f, or get(profile or workload, "f", [] or {}).
func hasFrom(elem, coll celast.Expr, sc scope) *fastExpr {
	c, ok := stringConst(elem)
	if !ok {
		return nil
	}
	if g := operandFrom(coll, sc); g != nil && (g.src == srcProfile || g.src == srcWorkload) {
		return &fastExpr{op: fastHas, get: g, consts: []string{c}}
	}
	if coll.Kind() != celast.CallKind {
		return nil
	}
	call := coll.AsCall()
	args := call.Args()
	if call.IsMemberFunction() || call.FunctionName() != "get" || len(args) != 3 || args[0].Kind() != celast.IdentKind {
		return nil
	}
	name := args[0].AsIdent()
	if _, _, bound := sc.lookup(name); bound || (name != "profile" && name != "workload") {
		return nil
	}
	field, ok := stringConst(args[1])
	if !ok || field == "" || strings.ContainsAny(field, ".[") || !emptyCollection(args[2]) {
		return nil
	}
	g := &fastGet{src: srcProfile, field: field}
	if name == "workload" {
		g.src = srcWorkload
	}
	return &fastExpr{op: fastHas, get: g, consts: []string{c}, viaGet: true}
}

// emptyCollection tells whether e is the literal [] or {}.
func emptyCollection(e celast.Expr) bool {
	switch e.Kind() {
	case celast.ListKind:
		return len(e.AsList().Elements()) == 0
	case celast.MapKind:
		return len(e.AsMap().Entries()) == 0
	}
	return false
}

// has judges a fastHas: CEL's in over the fact's list (equal strings) or map (a key).
func (e *fastExpr) has(c *fastCtx) (fastVal, bool) {
	m := c.profile
	if e.get.src == srcWorkload {
		m = c.workload
	}
	v, found := m[e.get.field]
	if !found && e.viaGet {
		// get() looks a key up exactly, then without regard to case.
		for k, x := range m {
			if strings.EqualFold(k, e.get.field) {
				v, found = x, true
				break
			}
		}
	}
	switch {
	case !found && !e.viaGet:
		return fastVal{}, false // a CEL error: no such key
	case !found || v == nil:
		return fastVal{}, true // get's default: an empty list or map
	}
	switch x := v.(type) {
	case *types.Unknown:
		return fastVal{unk: x}, true
	case []any:
		for _, it := range x {
			if s, ok := it.(string); ok && s == e.consts[0] {
				return fastVal{b: true}, true
			}
		}
		return fastVal{}, true
	case map[string]any:
		_, in := x[e.consts[0]]
		return fastVal{b: in}, true
	}
	return fastVal{}, false
}

// comprehensionFrom recognises the expansions of the exists and all macros: an
// accumulator starting at false (true) that each step ORs (ANDs) with the body.
func comprehensionFrom(c celast.ComprehensionExpr, sc scope) *fastExpr {
	if c.HasIterVar2() || len(sc) >= maxFastDepth {
		return nil
	}
	init, ok := literal(c.AccuInit()).(types.Bool)
	step, result, cond := c.LoopStep(), c.Result(), c.LoopCondition()
	if !ok || step.Kind() != celast.CallKind || result.Kind() != celast.IdentKind ||
		result.AsIdent() != c.AccuVar() || cond.Kind() != celast.CallKind ||
		cond.AsCall().FunctionName() != operators.NotStrictlyFalse {
		return nil
	}
	sc0 := step.AsCall()
	sargs := sc0.Args()
	if len(sargs) != 2 || sargs[0].Kind() != celast.IdentKind || sargs[0].AsIdent() != c.AccuVar() {
		return nil
	}
	var op fastOp
	switch {
	case !bool(init) && sc0.FunctionName() == operators.LogicalOr:
		op = fastExists
	case bool(init) && sc0.FunctionName() == operators.LogicalAnd:
		op = fastAll
	default:
		return nil
	}
	e := &fastExpr{op: op}
	if link, ok := relatedList(c.IterRange(), sc); ok {
		e.link = link
	} else if e.get = getFrom(c.IterRange(), sc); e.get == nil {
		return nil
	}
	inner := append(scope{}, sc...)
	inner = append(inner, struct {
		name string
		res  bool
	}{c.IterVar(), e.link != ""})
	body := fastFrom(sargs[1], inner)
	if body == nil {
		return nil
	}
	e.sub = []*fastExpr{body}
	return e
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

// cmpFrom reads num(x) OP double, size(x or a related list) OP int, and x == bool or
// x != bool.
func cmpFrom(fn string, left, right celast.Expr, sc scope) *fastExpr {
	if b, ok := literal(right).(types.Bool); ok && (fn == operators.Equals || fn == operators.NotEquals) {
		if g := operandFrom(left, sc); g != nil {
			return &fastExpr{op: fastBoolEq, get: g, cmp: fn, b: bool(b)}
		}
		return nil
	}
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
		g := operandFrom(arg, sc)
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
		if link, ok := relatedList(arg, sc); ok {
			e.link = link
			return e
		}
		if e.get = operandFrom(arg, sc); e.get == nil {
			return nil
		}
		return e
	}
	return nil
}

// relatedList matches related.privateEndpoints, related.diagnosticSettings and
// related.metricAlerts (with "related" not rebound by a macro variable).
func relatedList(e celast.Expr, sc scope) (string, bool) {
	if e.Kind() == celast.CallKind {
		// get(related, "metricAlerts", []) reads what related.metricAlerts does: the
		// related view always holds the three lists.
		call := e.AsCall()
		args := call.Args()
		if call.IsMemberFunction() || call.FunctionName() != "get" || len(args) != 3 ||
			args[0].Kind() != celast.IdentKind || args[0].AsIdent() != "related" || !emptyCollection(args[2]) {
			return "", false
		}
		if _, _, bound := sc.lookup("related"); bound {
			return "", false
		}
		switch f, _ := stringConst(args[1]); f {
		case linkPE, linkDiag, linkAlert:
			return f, true
		}
		return "", false
	}
	if e.Kind() != celast.SelectKind {
		return "", false
	}
	sel := e.AsSelect()
	op := sel.Operand()
	if sel.IsTestOnly() || op.Kind() != celast.IdentKind || op.AsIdent() != "related" {
		return "", false
	}
	if _, _, bound := sc.lookup("related"); bound {
		return "", false
	}
	switch f := sel.FieldName(); f {
	case linkPE, linkDiag, linkAlert:
		return f, true
	}
	return "", false
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

// operandFrom reads a get() (see getFrom) or profile.field / workload.field.
func operandFrom(e celast.Expr, sc scope) *fastGet {
	if e.Kind() == celast.SelectKind {
		sel := e.AsSelect()
		op := sel.Operand()
		if sel.IsTestOnly() || op.Kind() != celast.IdentKind {
			return nil
		}
		name := op.AsIdent()
		if _, _, bound := sc.lookup(name); bound {
			return nil
		}
		switch name {
		case "profile":
			return &fastGet{src: srcProfile, field: sel.FieldName()}
		case "workload":
			return &fastGet{src: srcWorkload, field: sel.FieldName()}
		}
		return nil
	}
	return getFrom(e, sc)
}

// getFrom reads get(x, "path", default) with a constant path and a scalar (or empty
// list or map) constant default, x being resource or a variable bound by exists/all.
func getFrom(e celast.Expr, sc scope) *fastGet {
	if e.Kind() != celast.CallKind {
		return nil
	}
	call := e.AsCall()
	args := call.Args()
	if call.IsMemberFunction() || call.FunctionName() != "get" || len(args) != 3 ||
		args[0].Kind() != celast.IdentKind {
		return nil
	}
	g := &fastGet{src: srcResource}
	if depth, res, bound := sc.lookup(args[0].AsIdent()); bound {
		g.src, g.depth, g.varRes = srcVar, depth, res
	} else if args[0].AsIdent() != "resource" {
		return nil
	}
	path, ok := stringConst(args[1])
	if !ok || path == "" {
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
	g.dflt = d
	if g.src == srcVar && !g.varRes {
		// A list item is read with the whole path, as getPath reads a value view.
		g.path = path
		return g
	}
	head, rest, _ := strings.Cut(path, ".")
	// A head with an index, or an empty segment, walks differently in getPath.
	if strings.ContainsAny(head, "[]") || head == "" || (rest == "" && strings.HasSuffix(path, ".")) {
		return nil
	}
	if !fastHeads[strings.ToLower(head)] {
		return nil
	}
	g.head, g.rest = strings.ToLower(head), rest
	if rest != "" && !strings.ContainsAny(rest, "[]") && !strings.HasSuffix(rest, ".") {
		g.segs = strings.Split(rest, ".")
	}
	return g
}

// at reads rest from v (an object or array) as Value.Get does.
func (g *fastGet) at(v *iac.Value) *iac.Value {
	if g.segs == nil {
		return v.Get(g.rest)
	}
	for _, s := range g.segs {
		if v == nil || v.Kind == iac.Unknown {
			return v
		}
		v = v.Field(s)
	}
	return v
}

// read gives the operand's value. An unknown profile or workload fact comes back as
// unk; ok is false when the value is anything the fast path leaves to CEL.
func (g *fastGet) read(c *fastCtx) (x scalar, unk *types.Unknown, ok bool) {
	switch g.src {
	case srcResource:
		x, ok = g.readResource(&c.g.res[c.i])
		return x, nil, ok
	case srcVar:
		b := c.vars[g.depth]
		if g.varRes {
			if b.res.Existing && g.head == "properties" {
				return scalar{}, nil, false // an unknown in the CEL view
			}
			x, ok = g.readResource(b.res)
			return x, nil, ok
		}
		v := b.val
		if v.Kind == iac.Unknown {
			return scalar{}, nil, false
		}
		x, ok = g.scalarOf(v.Get(g.path))
		return x, nil, ok
	case srcProfile:
		return factOf(c.profile, g.field)
	case srcWorkload:
		return factOf(c.workload, g.field)
	}
	return scalar{}, nil, false
}

// factOf reads a field of the profile or workload view as CEL would see it.
func factOf(m map[string]any, field string) (scalar, *types.Unknown, bool) {
	v, found := m[field]
	if !found {
		return scalar{}, nil, false // a CEL error: no such key
	}
	switch x := v.(type) {
	case *types.Unknown:
		return scalar{}, x, true
	case string:
		return scalar{kind: iac.String, str: x}, nil, true
	case bool:
		return scalar{kind: iac.Bool, b: x}, nil, true
	case []any:
		return scalar{kind: iac.Array, n: len(x)}, nil, true
	case map[string]any:
		return scalar{kind: iac.Object, n: len(x)}, nil, true
	}
	return scalar{}, nil, false
}

// readResource resolves the property as getPath does over the resource view; ok is
// false when the value is not a known scalar, list or object, or absent.
func (g *fastGet) readResource(r *iac.Resource) (scalar, bool) {
	v := partOf(r, g.head)
	if v == nil {
		return g.dflt, true
	}
	if g.rest != "" {
		switch v.Kind {
		case iac.Object, iac.Array:
			v = g.at(v)
		case iac.Unknown:
			return scalar{}, false
		default:
			// A scalar or null has no fields: getPath gives the default.
			return g.dflt, true
		}
	}
	return g.scalarOf(v)
}

// partOf gives the resource part a lower-cased head names.
func partOf(r *iac.Resource, head string) *iac.Value {
	switch head {
	case "name":
		return r.Name
	case "kind":
		return r.Kind
	case "location":
		return r.Location
	case "sku":
		return r.SKU
	case "identity":
		return r.Identity
	case "tags":
		return r.Tags
	case "properties":
		return r.Properties
	case "zones":
		return r.Zones
	case "scope":
		return r.Scope
	}
	return nil
}

// scalarOf converts a value read; absent and null give the default.
func (g *fastGet) scalarOf(v *iac.Value) (scalar, bool) {
	if v == nil {
		return g.dflt, true
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

// items gives the list a get() operand of exists/all ranges over: nil for an absent
// one (the default, an empty list); ok is false for anything else.
func (g *fastGet) items(c *fastCtx) ([]*iac.Value, bool) {
	var v *iac.Value
	switch g.src {
	case srcResource, srcVar:
		if g.src == srcVar && !g.varRes {
			b := c.vars[g.depth].val
			if b.Kind == iac.Unknown {
				return nil, false
			}
			v = b.Get(g.path)
		} else {
			r := &c.g.res[c.i]
			if g.src == srcVar {
				r = c.vars[g.depth].res
				if r.Existing && g.head == "properties" {
					return nil, false
				}
			}
			if v = partOf(r, g.head); v != nil && g.rest != "" {
				switch v.Kind {
				case iac.Object, iac.Array:
					v = g.at(v)
				case iac.Unknown:
					return nil, false
				default:
					v = nil // a scalar has no fields: the default
				}
			}
		}
	default:
		return nil, false
	}
	if v == nil || v.Kind == iac.Null {
		if g.dflt.kind == iac.Array {
			return nil, true
		}
		return nil, false
	}
	if v.Kind != iac.Array {
		return nil, false
	}
	return v.Items, true
}

// related gives the resources of a related list as relatedView has them. When
// relatedView gives the scan's pending unknown for the list instead, unk is that
// unknown (registered once per scan, like the workload facts); ok is false for any
// other unknown (CEL then explains it).
func (c *fastCtx) related(kind string) (idx []int, unk *types.Unknown, ok bool) {
	g, i := c.g, c.i
	switch kind {
	case linkPE:
		idx = g.links[i].privateEndpoints
	case linkDiag:
		idx = g.links[i].diagnosticSettings
		if len(idx) == 0 && g.res[i].Source == iac.SourceExport {
			return nil, nil, false
		}
	case linkAlert:
		idx = g.alertsOf(i)
	}
	if len(idx) == 0 && len(g.pending[kind]) > 0 {
		if u, isUnk := c.pending[kind].(*types.Unknown); isUnk {
			return nil, u, true
		}
		return nil, nil, false
	}
	return idx, nil, true
}

// eval gives the expression's value on the context's resource; ok false sends the
// rule to CEL.
func (e *fastExpr) eval(c *fastCtx) (fastVal, bool) {
	switch e.op {
	case fastNot:
		v, ok := e.sub[0].eval(c)
		if v.unk == nil {
			v.b = !v.b
		}
		return v, ok
	case fastAnd, fastOr:
		// As CEL: a false (true) side decides an && (||) whatever the other; two
		// unknown sides merge their unknowns.
		decisive := e.op == fastOr
		a, ok := e.sub[0].eval(c)
		if !ok {
			return fastVal{}, false
		}
		if a.unk == nil && a.b == decisive {
			return a, true
		}
		b, ok := e.sub[1].eval(c)
		if !ok {
			return fastVal{}, false
		}
		switch {
		case b.unk == nil && b.b == decisive:
			return b, true
		case a.unk != nil:
			return fastVal{unk: types.MergeUnknowns(a.unk, b.unk)}, true
		}
		return b, true
	case fastExists, fastAll:
		return e.evalLoop(c)
	case fastHas:
		return e.has(c)
	case fastSizeCmp:
		if e.link != "" {
			idx, unk, ok := c.related(e.link)
			if !ok || unk != nil {
				// size() of an unknown list is that unknown, and so is the comparison.
				return fastVal{unk: unk}, ok
			}
			return fastVal{b: compare(e.cmp, float64(len(idx)), e.num)}, true
		}
	}
	x, unk, ok := e.get.read(c)
	if !ok {
		return fastVal{}, false
	}
	if unk != nil {
		// Every function and operator here gives an unknown for an unknown argument.
		return fastVal{unk: unk}, true
	}
	b, ok := e.test(x)
	return fastVal{b: b}, ok
}

// evalLoop judges exists and all: true (false) as soon as one item's body is, else
// the merged unknowns of the bodies that were unknown, else false (true).
func (e *fastExpr) evalLoop(c *fastCtx) (fastVal, bool) {
	decisive := e.op == fastExists
	var unk *types.Unknown
	judge := func(v fastVar) (done bool, out fastVal, ok bool) {
		c.vars = append(c.vars, v)
		r, ok := e.sub[0].eval(c)
		c.vars = c.vars[:len(c.vars)-1]
		switch {
		case !ok:
			return true, fastVal{}, false
		case r.unk != nil:
			unk = types.MergeUnknowns(unk, r.unk)
		case r.b == decisive:
			return true, r, true
		}
		return false, fastVal{}, true
	}
	if e.link != "" {
		idx, lunk, ok := c.related(e.link)
		if !ok || lunk != nil {
			// A macro over an unknown list gives that unknown.
			return fastVal{unk: lunk}, ok
		}
		for _, k := range idx {
			if done, out, ok := judge(fastVar{res: &c.g.res[k]}); done {
				return out, ok
			}
		}
	} else {
		items, ok := e.get.items(c)
		if !ok {
			return fastVal{}, false
		}
		for _, it := range items {
			if done, out, ok := judge(fastVar{val: it}); done {
				return out, ok
			}
		}
	}
	if unk != nil {
		return fastVal{unk: unk}, true
	}
	return fastVal{b: !decisive}, true
}

// test applies a comparison to a known operand; ok false leaves it to CEL.
func (e *fastExpr) test(x scalar) (result, ok bool) {
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
		return x.kind == iac.String && strings.Contains(lowerASCII(x.str), e.lower), true
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
		return x.kind == iac.String && hasLowerPrefix(x.str, e.lower), true
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
	case fastBoolEq:
		// Equality across kinds is left to CEL.
		if x.kind != iac.Bool {
			return false, false
		}
		return (x.b == e.b) == (e.cmp == operators.Equals), true
	case fastNe, fastIn:
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

// hasLowerPrefix reports whether strings.ToLower(s) starts with prefix (lower-case),
// without building the lower-cased string when s is ASCII.
func hasLowerPrefix(s, prefix string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.HasPrefix(strings.ToLower(s), prefix)
		}
	}
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}
