package arm

import (
	"errors"
	"fmt"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// evaluator evaluates the expressions of one template (or one inner-scoped nested
// template) against its parameters, variables and user-defined functions.
type evaluator struct {
	file     string
	params   map[string]*iac.Value // lower-case name -> value
	varsRaw  map[string]*iac.Value // lower-case name -> declaration
	varsDone map[string]*iac.Value
	varsBusy map[string]bool
	funcs    map[string]*userFunc // "ns.name", lower-case
	symbols  map[string]string    // languageVersion 2.0: symbolic name -> resource id
	// deployments holds the outputs of nested and linked deployments expanded so far,
	// by lower-case deployment name, for reference(...).outputs.
	deployments map[string]*iac.Value
	sink        *sink
	// argStack holds the arguments of the function calls being evaluated, innermost
	// last, so that a call does not allocate a slice of its own. No function keeps
	// its argument slice, only the values in it.
	argStack []*iac.Value
}

// sink collects diagnostics for a whole Expand call, without repeats, and caches parsed
// expressions, since copy loops evaluate the same text many times.
type sink struct {
	diags []iac.Diagnostic
	seen  map[diagKey]bool
	cache map[string]cached
	depth int // nested deployments being expanded
	steps int // expression nodes evaluated, bounded by maxSteps
	// instances counts resource copies expanded, deployments included, which copy
	// loops of nested deployments multiply.
	instances int
	truncated bool // the bound on resources was reached and reported
}

// maxSteps bounds the work one template may cause (lambdas over ranges can nest).
const maxSteps = 2_000_000

type diagKey struct {
	loc awaf.Location
	msg string
}

type cached struct {
	n   node
	err error
}

func newSink() *sink {
	return &sink{seen: map[diagKey]bool{}, cache: map[string]cached{}}
}

func (s *sink) add(sev iac.Severity, msg string, loc awaf.Location) {
	k := diagKey{loc, msg}
	if s.seen[k] {
		return
	}
	s.seen[k] = true
	s.diags = append(s.diags, iac.Diagnostic{Severity: sev, Message: msg, Loc: loc})
}

func (s *sink) errorf(loc awaf.Location, format string, args ...any) {
	s.add("error", fmt.Sprintf(format, args...), loc)
}

func (s *sink) warnf(loc awaf.Location, format string, args ...any) {
	s.add("warning", fmt.Sprintf(format, args...), loc)
}

type userFunc struct {
	name   string
	params []string // lower-case
	output *iac.Value
	active bool // being evaluated: a call to it now would recurse forever
}

// scope is a chain of names bound while evaluating: copy loop indexes, lambda
// variables and user-function parameters.
type scope struct {
	up   *scope
	kind scopeKind
	name string // lower-case
	val  *iac.Value
}

type scopeKind uint8

const (
	copyScope    scopeKind = iota // a copy loop; name is the loop name
	resourceLoop                  // the resource's own copy loop, copyIndex() without a name
	lambdaScope                   // lambda('x', ...) variable
	funcParam                     // user-defined function parameter
	funcBoundary                  // start of a user-defined function body
)

func (s *scope) with(kind scopeKind, name string, val *iac.Value) *scope {
	return &scope{up: s, kind: kind, name: strings.ToLower(name), val: val}
}

// tree evaluates a piece of template JSON: strings that are expressions are evaluated,
// objects with a property "copy" array get their property loops expanded.
func (e *evaluator) tree(v *iac.Value, sc *scope) *iac.Value {
	if v == nil {
		return nil
	}
	switch v.Kind {
	case iac.String:
		if isExpression(v.Str) {
			return e.exprString(v.Str, v.Loc, sc)
		}
		if len(v.Str) >= 2 && v.Str[0] == '[' && v.Str[1] == '[' {
			return iac.NewString(literal(v.Str), v.Loc)
		}
		return v
	case iac.Array:
		// Values without expressions are returned as they are, not copied: most of a
		// template is literal, and the model's values are never modified once built.
		var items []*iac.Value
		for i, it := range v.Items {
			r := e.tree(it, sc)
			if items == nil && r != it {
				items = make([]*iac.Value, len(v.Items))
				copy(items, v.Items[:i])
			}
			if items != nil {
				items[i] = r
			}
		}
		if items == nil {
			return v
		}
		return iac.NewArray(v.Loc, items...)
	case iac.Object:
		var out *iac.Value
		begin := func(upto int) {
			out = &iac.Value{Kind: iac.Object, Fields: make(map[string]*iac.Value, len(v.Keys)), Keys: make([]string, 0, len(v.Keys)), Loc: v.Loc}
			for _, k := range v.Keys[:upto] {
				out.Keys = append(out.Keys, k)
				out.Fields[k] = v.Fields[k]
			}
		}
		for i, k := range v.Keys {
			f := v.Fields[k]
			if f.Kind == iac.Array && len(k) == 4 && strings.EqualFold(k, "copy") && isPropertyCopy(f) {
				if out == nil {
					begin(i)
				}
				for _, spec := range f.Items {
					name, arr := e.propertyCopy(spec, sc)
					if name != "" {
						out.Set(name, arr)
					}
				}
				continue
			}
			key := k
			if k != "" && k[0] == '[' {
				if isExpression(k) {
					// ARM evaluates property names too, e.g. userAssignedIdentities keyed by id.
					kv := e.exprString(k, f.Loc, sc)
					s, known, ok := kv.AsString()
					switch {
					case !known:
						e.sink.warnf(f.Loc, "property name %s is unknown before deployment (%s); kept as written", k, kv.Why)
					case !ok || kv.Kind != iac.String:
						e.sink.errorf(f.Loc, "property name %s must evaluate to a string, found %s", k, kv.Kind)
					default:
						key = s
					}
				} else {
					key = literal(k)
				}
			}
			r := e.tree(f, sc)
			if out == nil && (r != f || key != k) {
				begin(i)
			}
			if out != nil {
				if _, dup := out.Fields[key]; !dup {
					out.Keys = append(out.Keys, key)
				}
				out.Fields[key] = r
			}
		}
		if out == nil {
			return v
		}
		return out
	}
	return v
}

func isPropertyCopy(v *iac.Value) bool {
	for _, it := range v.Items {
		if it.Kind != iac.Object || it.Field("name") == nil || it.Field("input") == nil {
			return false
		}
	}
	return len(v.Items) > 0
}

// propertyCopy expands {"name": n, "count": c, "input": x} into the array property n.
func (e *evaluator) propertyCopy(spec *iac.Value, sc *scope) (string, *iac.Value) {
	nameV := e.tree(spec.Field("name"), sc)
	name, known, ok := nameV.AsString()
	if !ok || !known {
		e.sink.errorf(spec.Loc, "property copy: expected a known string \"name\"")
		return "", nil
	}
	count, unknown := e.count(spec.Field("count"), sc, spec.Loc, "property copy '"+name+"'")
	if unknown != nil {
		item := e.tree(spec.Field("input"), sc.with(copyScope, name, unknown))
		return name, iac.NewArray(spec.Loc, item).At(spec.Loc)
	}
	items := make([]*iac.Value, 0, count)
	for i := 0; i < count; i++ {
		items = append(items, e.tree(spec.Field("input"), sc.with(copyScope, name, iac.NewNumber(float64(i), spec.Loc))))
	}
	return name, iac.NewArray(spec.Loc, items...)
}

// maxCopy is ARM's limit on the iterations of one copy loop.
const maxCopy = 800

// count evaluates a copy count. When it cannot be known, it returns an Unknown that the
// caller binds as the loop index, so one representative instance is still checked.
func (e *evaluator) count(v *iac.Value, sc *scope, at awaf.Location, what string) (int, *iac.Value) {
	if v == nil {
		e.sink.errorf(at, "%s: expected \"count\"", what)
		return 0, nil
	}
	c := e.tree(v, sc)
	if c.IsUnknown() {
		return 0, iac.NewUnknown(fmt.Sprintf("%s: count is unknown (%s)", what, c.Why), v.Loc)
	}
	n, known, ok := c.AsNumber()
	if !ok || !known || n < 0 || !iac.IsInteger(n) {
		e.sink.errorf(v.Loc, "%s: expected a whole number count, found %s", what, c)
		return 0, nil
	}
	if n > maxCopy {
		e.sink.errorf(v.Loc, "%s: count %v is above ARM's limit of %d; only %d expanded", what, n, maxCopy, maxCopy)
		n = maxCopy
	}
	return int(n), nil
}

// exprString evaluates "[...]" text found at loc. A broken expression gives a
// diagnostic and an Unknown saying so, so that nothing downstream treats it as a value.
func (e *evaluator) exprString(s string, loc awaf.Location, sc *scope) *iac.Value {
	src := s[1 : len(s)-1]
	c, ok := e.sink.cache[src]
	if !ok {
		n, err := parseExpr(src)
		c = cached{n, err}
		e.sink.cache[src] = c
	}
	if c.err != nil {
		at := loc
		if ee, ok := c.err.(*exprError); ok {
			at.Column += 2 + ee.Offset // the opening quote and '['
			e.sink.errorf(at, "invalid expression: %s", ee.Msg)
		} else {
			e.sink.errorf(at, "invalid expression: %v", c.err)
		}
		return iac.NewUnknown("invalid expression "+s, loc)
	}
	v, err := e.eval(c.n, sc, loc)
	if err != nil {
		var u errUnsupported
		if errors.As(err, &u) {
			// A gap in this evaluator, not a fault in the template.
			e.sink.warnf(loc, "%s: %v; the value is treated as unknown", s, err)
			return iac.NewUnknown(fmt.Sprintf("%s uses %s, which awaf does not evaluate", s, u.name), loc)
		}
		e.sink.errorf(loc, "%s: %v", s, err)
		return iac.NewUnknown(fmt.Sprintf("expression %s failed: %v", s, err), loc)
	}
	if v == nil {
		return iac.NewNull(loc)
	}
	if v.Loc == loc {
		return v
	}
	return v.At(loc)
}

func (e *evaluator) eval(n node, sc *scope, loc awaf.Location) (*iac.Value, error) {
	e.sink.steps++
	if e.sink.steps > maxSteps {
		return nil, fmt.Errorf("evaluation stopped after %d steps; the template does too much work to check", maxSteps)
	}
	switch n := n.(type) {
	case *strLit:
		return iac.NewString(n.s, loc), nil
	case *numLit:
		return iac.NewNumber(n.n, loc), nil
	case *call:
		return e.call(n, sc, loc)
	case *member:
		x, err := e.eval(n.x, sc, loc)
		if err != nil {
			return nil, err
		}
		return access(x, iac.NewString(n.name, loc), loc)
	case *index:
		x, err := e.eval(n.x, sc, loc)
		if err != nil {
			return nil, err
		}
		i, err := e.eval(n.idx, sc, loc)
		if err != nil {
			return nil, err
		}
		return access(x, i, loc)
	}
	return nil, fmt.Errorf("unknown expression node %T", n)
}

// access is x.name or x[i].
func access(x, key *iac.Value, loc awaf.Location) (*iac.Value, error) {
	if x.IsUnknown() {
		return x, nil
	}
	if key.IsUnknown() {
		return key, nil
	}
	switch x.Kind {
	case iac.Object:
		name, _, ok := key.AsString()
		if !ok || key.Kind != iac.String {
			return nil, fmt.Errorf("an object's property must be named by a string, not %s", key.Kind)
		}
		f := x.Field(name)
		if f == nil {
			return nil, fmt.Errorf("the object has no property %q", name)
		}
		return f, nil
	case iac.Array:
		if key.Kind != iac.Number || !iac.IsInteger(key.Number) {
			return nil, fmt.Errorf("an array index must be a whole number, not %s", key)
		}
		it := x.Index(int(key.Number))
		if it == nil {
			return nil, fmt.Errorf("index %v is out of range for an array of %d", key.Number, len(x.Items))
		}
		return it, nil
	case iac.Null:
		return nil, fmt.Errorf("cannot read %s of null", key)
	}
	return nil, fmt.Errorf("cannot read %s of a %s", key, x.Kind)
}

// variable returns the value of variables(name), evaluating it once.
func (e *evaluator) variable(name string, loc awaf.Location) (*iac.Value, error) {
	key := strings.ToLower(name)
	if v, ok := e.varsDone[key]; ok {
		return v, nil
	}
	raw, ok := e.varsRaw[key]
	if !ok {
		return nil, fmt.Errorf("variable %q is not declared", name)
	}
	if e.varsBusy[key] {
		return nil, fmt.Errorf("variable %q refers to itself", name)
	}
	e.varsBusy[key] = true
	var v *iac.Value
	if raw.Kind == iac.Object && raw.Field("$copyLoop") != nil {
		v = e.variableCopy(raw.Field("$copyLoop"), nil)
	} else {
		v = e.tree(raw, nil)
	}
	delete(e.varsBusy, key)
	e.varsDone[key] = v
	return v, nil
}

// variableCopy expands a variable copy loop {"name", "count", "input"}.
func (e *evaluator) variableCopy(spec *iac.Value, sc *scope) *iac.Value {
	name, _ := plainString(spec.Field("name"))
	count, unknown := e.count(spec.Field("count"), sc, spec.Loc, "variable copy '"+name+"'")
	if unknown != nil {
		return iac.NewUnknown(unknown.Why, spec.Loc)
	}
	items := make([]*iac.Value, 0, count)
	for i := 0; i < count; i++ {
		items = append(items, e.tree(spec.Field("input"), sc.with(copyScope, name, iac.NewNumber(float64(i), spec.Loc))))
	}
	return iac.NewArray(spec.Loc, items...)
}

// setVariables records the "variables" section. A "copy" array in it declares one
// variable per entry.
func (e *evaluator) setVariables(vars *iac.Value) {
	e.varsRaw = map[string]*iac.Value{}
	e.varsDone = map[string]*iac.Value{}
	e.varsBusy = map[string]bool{}
	if vars == nil {
		return
	}
	if vars.Kind != iac.Object {
		e.sink.errorf(vars.Loc, "\"variables\" must be an object, found %s", vars.Kind)
		return
	}
	for _, k := range vars.Keys {
		f := vars.Fields[k]
		if strings.EqualFold(k, "copy") && f.Kind == iac.Array {
			for _, spec := range f.Items {
				name, ok := plainString(spec.Field("name"))
				if !ok {
					e.sink.errorf(spec.Loc, "variable copy: expected a \"name\" string")
					continue
				}
				wrapped := iac.NewObject(spec.Loc)
				wrapped.Set("$copyLoop", spec)
				e.varsRaw[strings.ToLower(name)] = wrapped
			}
			continue
		}
		e.varsRaw[strings.ToLower(k)] = f
	}
}

// setFunctions records user-defined functions: [{"namespace", "members": {name: {...}}}].
func (e *evaluator) setFunctions(fns *iac.Value) {
	e.funcs = map[string]*userFunc{}
	if fns == nil {
		return
	}
	if fns.Kind != iac.Array {
		e.sink.errorf(fns.Loc, "\"functions\" must be an array, found %s", fns.Kind)
		return
	}
	for _, ns := range fns.Items {
		nsName, ok := plainString(ns.Field("namespace"))
		members := ns.Field("members")
		if !ok || members == nil || members.Kind != iac.Object {
			e.sink.errorf(ns.Loc, "a function namespace needs \"namespace\" and \"members\"")
			continue
		}
		for _, fname := range members.Keys {
			def := members.Fields[fname]
			uf := &userFunc{name: nsName + "." + fname, output: def.Get("output.value")}
			if uf.output == nil {
				e.sink.errorf(def.Loc, "function %s: expected \"output\" with a \"value\"", uf.name)
				continue
			}
			if ps := def.Field("parameters"); ps != nil && ps.Kind == iac.Array {
				for _, p := range ps.Items {
					pn, _ := plainString(p.Field("name"))
					uf.params = append(uf.params, strings.ToLower(pn))
				}
			}
			e.funcs[strings.ToLower(uf.name)] = uf
		}
	}
}

// plainString returns a known string value.
func plainString(v *iac.Value) (string, bool) {
	s, known, ok := v.AsString()
	return s, known && ok
}
