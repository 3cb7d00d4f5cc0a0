package bicep

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// Limits on what one template may build, so hostile input cannot exhaust memory.
const (
	maxString = 1 << 20
	maxItems  = 100000
)

// maxCallDepth bounds user-defined function recursion and nested lambdas.
const maxCallDepth = 64

// locals is a chain of loop variables and lambda or function parameters.
type locals struct {
	name string
	val  *iac.Value
	next *locals
	// res marks the body of a resource: the resources nested in it are in scope by
	// their plain names there, for it and for every resource nested below it.
	res *resDecl
}

func (l *locals) lookup(name string) (*iac.Value, bool) {
	for ; l != nil; l = l.next {
		if l.res == nil && l.name == name {
			return l.val, true
		}
	}
	return nil, false
}

// nested finds a resource declared in the body of an enclosing resource.
func (l *locals) nested(name string) *resDecl {
	for ; l != nil; l = l.next {
		if l.res == nil {
			continue
		}
		for _, c := range l.res.children {
			if c.decl.Name == name {
				return c
			}
		}
	}
	return nil
}

func (l *locals) inside(rd *resDecl) *locals {
	if len(rd.children) == 0 {
		return l
	}
	return &locals{res: rd, next: l}
}

func (l *locals) with(name string, v *iac.Value) *locals {
	if name == "" {
		return l
	}
	return &locals{name: name, val: v, next: l}
}

type symKind uint8

const (
	symParam symKind = iota + 1
	symVar
	symResource
	symModule
	symNamespace // import * as ns
	symImported  // import {x} from: a var in another file
	symUnread    // imported from a registry module, which is not read
	symExported  // a variable imported from ARM JSON, or "import * as" of one: val is set
)

// symbol is a named declaration of a template, evaluated on first use.
type symbol struct {
	kind  symKind
	pos   Pos
	param *Param
	vr    *Var
	res   *resDecl
	mod   *modDecl
	other *env    // symNamespace, symImported
	imp   *Import // symUnread, symExported
	// jsonFuncs names the functions an ARM JSON file exports, for symExported
	// namespaces and for functions imported from one (which are not evaluated).
	jsonFuncs map[string]bool
	name      string
	state     uint8 // 0 new, 1 evaluating, 2 done
	val       *iac.Value
}

// env evaluates one template (one file with one set of parameter values).
type env struct {
	sc       *scanState
	file     *File
	path     string
	via      []awaf.Location
	idPrefix string // distinguishes symbolic ids of resources inside modules
	scope    string // targetScope
	inputs   map[string]*iac.Value
	inputSrc string // what supplied the inputs, for messages
	syms     map[string]*symbol
	funcs    map[string]*funcRef
	outputs  map[string]*Output
	outVals  map[string]*iac.Value
	resOrder []*resDecl // every resource declaration, parents before children
	modOrder []*modDecl
	stmtDecl map[Stmt]any // statement -> *resDecl or *modDecl, for emission order
	callDep  int
	// argStack holds the arguments of the built-in calls being evaluated, innermost
	// last, so that a call does not allocate a slice of its own (a slice handed to a
	// function of the shared table would escape). No function keeps its argument
	// slice, only the values in it.
	argStack []*iac.Value
	emitted  bool
	// parentEnv is the template that called this one as a module; cycles are found
	// by walking it.
	parentEnv *env
	depth     int
	// cond is the condition inherited from a conditional module call.
	cond *iac.Value
	// prefix overrides the deployment scope part of resource ids, for modules
	// deployed with scope: resourceGroup('other').
	prefix string
}

type funcRef struct {
	fn  *Func
	env *env
}

func (e *env) loc(p Pos) awaf.Location {
	return awaf.Location{File: e.path, Line: p.Line, Column: p.Col}
}

func (e *env) diag(sev iac.Severity, p Pos, format string, args ...any) {
	if e.sc.quiet > 0 {
		return
	}
	e.sc.diags = append(e.sc.diags, iac.Diagnostic{Severity: sev, Message: fmt.Sprintf(format, args...), Loc: e.loc(p)})
}

func (e *env) unknown(p Pos, format string, args ...any) *iac.Value {
	return iac.NewUnknown(fmt.Sprintf(format, args...), e.loc(p))
}

// newEnv indexes the declarations of f. inputs are parameter values supplied by a
// caller, a .bicepparam file or a parameters JSON file.
func (sc *scanState) newEnv(f *File, inputs map[string]*iac.Value, via []awaf.Location, idPrefix string) *env {
	e := &env{
		sc: sc, file: f, path: f.Path, via: via, idPrefix: idPrefix, scope: "resourceGroup",
		inputs: inputs, syms: map[string]*symbol{}, funcs: map[string]*funcRef{},
		outputs: map[string]*Output{}, outVals: map[string]*iac.Value{},
		stmtDecl: map[Stmt]any{},
	}
	declare := func(name string, pos Pos, s *symbol) {
		if name == "" {
			return
		}
		if _, dup := e.syms[name]; dup {
			e.diag("error", pos, "%q is declared more than once", name)
			return
		}
		s.name, s.pos = name, pos
		e.syms[name] = s
	}
	for _, st := range f.Stmts {
		switch s := st.(type) {
		case *TargetScope:
			if lit, ok := s.Value.(*StringLit); ok {
				if v, ok := lit.literal(); ok {
					e.scope = v
				}
			}
		case *Param:
			declare(s.Name, s.P, &symbol{kind: symParam, param: s})
		case *Var:
			declare(s.Name, s.P, &symbol{kind: symVar, vr: s})
		case *Resource:
			rd := e.addResource(s, nil)
			e.stmtDecl[st] = rd
			declare(s.Name, s.P, &symbol{kind: symResource, res: rd})
		case *Module:
			md := &modDecl{decl: s}
			e.modOrder = append(e.modOrder, md)
			e.stmtDecl[st] = md
			declare(s.Name, s.P, &symbol{kind: symModule, mod: md})
		case *Output:
			e.outputs[s.Name] = s
		case *Func:
			e.funcs[s.Name] = &funcRef{fn: s, env: e}
		case *Import:
			e.importSymbols(s, declare)
		}
	}
	return e
}

// addResource records a resource declaration and, recursively, the resources nested
// in its body. Nested ones are reachable as parent::child.
func (e *env) addResource(r *Resource, parent *resDecl) *resDecl {
	rd := &resDecl{decl: r, parent: parent, key: r.Name}
	if parent != nil {
		rd.key = parent.key + "::" + r.Name
	}
	e.resOrder = append(e.resOrder, rd)
	if obj := bodyObject(r.Body); obj != nil {
		for _, p := range obj.Props {
			if p.Resource != nil {
				rd.children = append(rd.children, e.addResource(p.Resource, rd))
			}
		}
	}
	return rd
}

// bodyObject finds the object literal of a resource or module body through its loop
// and condition.
func bodyObject(x Expr) *ObjectLit {
	for {
		switch b := x.(type) {
		case *ObjectLit:
			return b
		case *IfExpr:
			x = b.Body
		case *ForExpr:
			x = b.Body
		default:
			return nil
		}
	}
}

func (e *env) importSymbols(s *Import, declare func(string, Pos, *symbol)) {
	if s.Keyword != "import" || !s.From {
		// "import 'az@1.0.0'", "extension", "provider": namespaces the evaluator
		// already knows (az, sys) or extensions whose resources it reads as usual.
		return
	}
	if strings.Contains(s.Path, ":") {
		// Registry imports mostly bring types, which evaluation does not need. A
		// variable or function from one is reported where it is used.
		if s.Wildcard != "" {
			declare(s.Wildcard, s.P, &symbol{kind: symUnread, imp: s})
		}
		for _, n := range s.Names {
			local := n.Name
			if n.Alias != "" {
				local = n.Alias
			}
			declare(local, n.P, &symbol{kind: symUnread, imp: s})
		}
		return
	}
	if strings.EqualFold(path.Ext(s.Path), ".json") {
		e.importJSON(s, declare)
		return
	}
	other := e.sc.importEnv(e, s)
	if other == nil {
		return
	}
	if s.Wildcard != "" {
		declare(s.Wildcard, s.P, &symbol{kind: symNamespace, other: other})
		return
	}
	for _, n := range s.Names {
		local := n.Name
		if n.Alias != "" {
			local = n.Alias
		}
		if fr, ok := other.funcs[n.Name]; ok {
			e.funcs[local] = fr
			continue
		}
		if sym, ok := other.syms[n.Name]; ok && sym.kind == symVar {
			declare(local, n.P, &symbol{kind: symImported, other: other, vr: sym.vr})
			continue
		}
		if !other.hasType(n.Name) {
			e.diag("warning", n.P, "%q is not declared in %s", n.Name, s.Path)
		}
	}
}

// importJSON declares the symbols imported from an ARM JSON template compiled from
// Bicep: its exported variables with their values; its exported types, which need
// nothing; its exported functions, which are reported where they are called.
func (e *env) importJSON(s *Import, declare func(string, Pos, *symbol)) {
	ex := e.sc.jsonExports(e, s)
	if ex == nil {
		return
	}
	if s.Wildcard != "" {
		sym := &symbol{kind: symExported, imp: s, jsonFuncs: ex.Functions, state: 2, val: ex.Object(e.loc(s.P))}
		declare(s.Wildcard, s.P, sym)
		return
	}
	for _, n := range s.Names {
		local := n.Name
		if n.Alias != "" {
			local = n.Alias
		}
		switch v, ok := ex.Variable(n.Name); {
		case ok:
			declare(local, n.P, &symbol{kind: symExported, imp: s, state: 2, val: v})
		case ex.Functions[n.Name]:
			declare(local, n.P, &symbol{kind: symUnread, imp: s, jsonFuncs: map[string]bool{n.Name: true}})
		case ex.Types[n.Name]:
		default:
			e.diag("warning", n.P, "%q is not exported by %s (a compiled Bicep file marks its exports in its metadata)", n.Name, s.Path)
		}
	}
}

// exportedVars is the value of "import * as ns" of this file: its @export()
// variables as the members of one object, so that ns.name reads them.
func (e *env) exportedVars(at awaf.Location) *iac.Value {
	o := iac.NewObject(at)
	for _, st := range e.file.Stmts {
		v, ok := st.(*Var)
		if !ok || !exported(v.Decorators) {
			continue
		}
		if sym := e.syms[v.Name]; sym != nil && sym.vr == v {
			o.Set(v.Name, e.symbolValue(sym))
		}
	}
	return o
}

func exported(decs []*Decorator) bool {
	for _, d := range decs {
		if d.Call.Name == "export" {
			return true
		}
	}
	return false
}

func (e *env) hasType(name string) bool {
	for _, st := range e.file.Stmts {
		if t, ok := st.(*TypeDecl); ok && t.Name == name {
			return true
		}
	}
	return false
}

// ---- symbol lookup ----

func (e *env) lookup(id *Ident, loc *locals) *iac.Value {
	if v, ok := loc.lookup(id.Name); ok {
		return v
	}
	if rd := loc.nested(id.Name); rd != nil {
		return e.resourceRefs(rd)
	}
	sym, ok := e.syms[id.Name]
	if !ok {
		switch id.Name {
		case "az", "sys":
			return e.unknown(id.P, "namespace %s used as a value", id.Name)
		}
		e.diag("error", id.P, "%q is not declared", id.Name)
		return e.unknown(id.P, "%q is not declared", id.Name)
	}
	return e.symbolValue(sym)
}

func (e *env) symbolValue(sym *symbol) *iac.Value {
	switch sym.state {
	case 2:
		return sym.val
	case 1:
		e.diag("error", sym.pos, "%q refers to itself", sym.name)
		return e.unknown(sym.pos, "%q refers to itself", sym.name)
	}
	sym.state = 1
	var v *iac.Value
	switch sym.kind {
	case symParam:
		v = e.paramValue(sym.param)
	case symVar:
		v = e.eval(sym.vr.Value, nil)
	case symImported:
		v = sym.other.symbolValue(sym.other.syms[sym.vr.Name])
	case symResource:
		v = e.resourceRefs(sym.res)
	case symModule:
		v = e.moduleValue(sym.mod)
	case symNamespace:
		v = sym.other.exportedVars(e.loc(sym.pos))
	case symUnread:
		v = e.unreadImport(sym)
	case symExported:
		v = sym.val
	}
	sym.val, sym.state = v, 2
	return v
}

// jsonFunc is a call of a function exported by an ARM JSON file: its body is an ARM
// expression, which the Bicep reader does not evaluate.
func (e *env) jsonFunc(imp *Import, name string) *iac.Value {
	e.diag("warning", imp.P, "unsupported construct: function %s imported from ARM JSON file %s is not evaluated", name, imp.Path)
	return e.unknown(imp.P, "function %s comes from ARM JSON file %s, which is not evaluated", name, imp.Path)
}

func (e *env) unreadImport(sym *symbol) *iac.Value {
	if sym.jsonFuncs != nil {
		return e.jsonFunc(sym.imp, sym.name)
	}
	e.diag("warning", sym.imp.P, "unresolved registry module %s: %s is imported from it and not read", sym.imp.Path, sym.name)
	return e.unknown(sym.pos, "%s comes from registry module %s, which is not read", sym.name, sym.imp.Path)
}

// coerce converts a string supplied for a bool or int parameter, as parameter files
// written by tools often carry them, to the declared type.
func coerce(v *iac.Value, t *TypeExpr) *iac.Value {
	if v.Kind != iac.String || t == nil {
		return v
	}
	switch strings.TrimSuffix(t.Text, "?") {
	case "bool":
		switch strings.ToLower(strings.TrimSpace(v.Str)) {
		case "true":
			return iac.NewBool(true, v.Loc)
		case "false":
			return iac.NewBool(false, v.Loc)
		}
	case "int":
		if n, err := strconv.ParseInt(strings.TrimSpace(v.Str), 10, 64); err == nil {
			return iac.NewNumber(float64(n), v.Loc)
		}
	}
	return v
}

func (e *env) paramValue(p *Param) *iac.Value {
	// A null value counts as no value: the default applies, as ARM does it.
	if v, ok := e.inputs[p.Name]; ok && (v.Kind != iac.Null || p.Default == nil) {
		return coerce(v, p.Type)
	}
	if p.Default != nil {
		return e.eval(p.Default, nil)
	}
	if p.Type != nil && p.Type.Nullable {
		return iac.NewNull(e.loc(p.P))
	}
	why := fmt.Sprintf("parameter '%s' has no value", p.Name)
	if e.inputSrc != "" {
		why = fmt.Sprintf("parameter '%s' has no default and %s gives no value", p.Name, e.inputSrc)
	}
	return iac.NewUnknown(why, e.loc(p.P))
}

// ---- expressions ----

func (e *env) eval(x Expr, loc *locals) *iac.Value {
	e.sc.steps++
	if (e.sc.exhausted || e.sc.steps > e.sc.maxSteps) && x != nil {
		if !e.sc.exhausted {
			e.sc.exhausted = true
			e.diag("error", x.Start(), "evaluation stopped after %d steps; the rest of the scan is unknown", e.sc.maxSteps)
		}
		return e.unknown(x.Start(), "evaluation budget exhausted")
	}
	if e.sc.steps%1024 == 0 {
		if err := e.sc.ctx.Err(); err != nil {
			return iac.NewUnknown("scan cancelled", awaf.Location{File: e.path})
		}
	}
	switch n := x.(type) {
	case nil:
		return iac.NewNull(awaf.Location{File: e.path})
	case *StringLit:
		return e.evalString(n, loc)
	case *IntLit:
		return iac.NewNumber(float64(n.Value), e.loc(n.P))
	case *BoolLit:
		return iac.NewBool(n.Value, e.loc(n.P))
	case *NullLit:
		return iac.NewNull(e.loc(n.P))
	case *Ident:
		return e.lookup(n, loc)
	case *Paren:
		return e.eval(n.X, loc)
	case *ArrayLit:
		a := iac.NewArray(e.loc(n.P))
		for _, it := range n.Items {
			if sp, ok := it.(*Spread); ok {
				v := e.eval(sp.X, loc)
				switch v.Kind {
				case iac.Array:
					if len(a.Items)+len(v.Items) > maxItems {
						return e.typeError(sp.P, "array longer than %d items", maxItems)
					}
					a.Items = append(a.Items, v.Items...)
				case iac.Unknown:
					return v
				default:
					return e.typeError(sp.P, "spread in an array needs an array, not %s", v.Kind)
				}
				continue
			}
			a.Items = append(a.Items, e.eval(it, loc))
		}
		return a
	case *ObjectLit:
		return e.evalObject(n, loc, nil)
	case *Member:
		return e.member(e.eval(n.X, loc), n.Name, n.Safe, n.P, n.X)
	case *Index:
		return e.index(n, loc)
	case *Call:
		return e.call(n, loc)
	case *Ternary:
		c := e.eval(n.Cond, loc)
		switch c.Kind {
		case iac.Bool:
			if c.Bool {
				return e.eval(n.Then, loc)
			}
			return e.eval(n.Else, loc)
		case iac.Unknown:
			// Both branches agreeing settles it; a branch that may never run must
			// not raise diagnostics.
			e.sc.quiet++
			a, b := e.eval(n.Then, loc), e.eval(n.Else, loc)
			e.sc.quiet--
			if eq, known := iac.Equal(a, b); eq && known {
				return a
			}
			return c.At(e.loc(n.P))
		}
		return e.typeError(n.P, "condition of '?:' is %s, not a bool", c.Kind)
	case *Binary:
		return e.binary(n, loc)
	case *Unary:
		v := e.eval(n.X, loc)
		if v.Kind == iac.Unknown {
			return v
		}
		switch n.Op {
		case "!":
			if v.Kind == iac.Bool {
				return iac.NewBool(!v.Bool, e.loc(n.P))
			}
		case "-":
			if v.Kind == iac.Number {
				return iac.NewNumber(-v.Number, e.loc(n.P))
			}
		case "+":
			if v.Kind == iac.Number {
				return v
			}
		}
		return e.typeError(n.P, "operator %s cannot apply to %s", n.Op, v.Kind)
	case *NonNull:
		return e.eval(n.X, loc)
	case *ResourceAccess:
		return e.resourceAccess(n, loc)
	case *Lambda:
		return e.unsupported(n.P, "a lambda outside a function argument")
	case *IfExpr, *ForExpr:
		if f, ok := n.(*ForExpr); ok {
			return e.forValues(f, loc)
		}
		return e.unsupported(n.Start(), "an 'if' body outside a resource or module")
	case *Spread:
		return e.unsupported(n.P, "a spread outside an array or object")
	case *BadExpr:
		return e.unknown(n.P, "syntax error")
	}
	return e.unsupported(x.Start(), fmt.Sprintf("expression %T", x))
}

func (e *env) unsupported(p Pos, what string) *iac.Value {
	e.diag("warning", p, "unsupported construct: %s", what)
	return e.unknown(p, "unsupported construct: %s", what)
}

func (e *env) typeError(p Pos, format string, args ...any) *iac.Value {
	msg := fmt.Sprintf(format, args...)
	e.diag("error", p, "%s", msg)
	return e.unknown(p, "%s", msg)
}

func (e *env) evalString(n *StringLit, loc *locals) *iac.Value {
	if len(n.Exprs) == 0 {
		return iac.NewString(n.Parts[0], e.loc(n.P))
	}
	var b strings.Builder
	b.WriteString(n.Parts[0])
	for i, x := range n.Exprs {
		v := e.eval(x, loc)
		if v.Kind == iac.Unknown {
			return iac.NewUnknown(v.Why, e.loc(n.P))
		}
		if u := v.FirstUnknown(); u != nil {
			return iac.NewUnknown(u.Why, e.loc(n.P))
		}
		b.WriteString(toText(v))
		b.WriteString(n.Parts[i+1])
		if b.Len() > maxString {
			return e.typeError(n.P, "string longer than %d bytes", maxString)
		}
	}
	return iac.NewString(b.String(), e.loc(n.P))
}

// toText renders a value as string interpolation does.
func toText(v *iac.Value) string {
	switch v.Kind {
	case iac.String:
		return v.Str
	case iac.Number:
		return strconv.FormatFloat(v.Number, 'f', -1, 64)
	case iac.Bool:
		return strconv.FormatBool(v.Bool)
	case iac.Null:
		return ""
	}
	return v.String()
}

// evalObject evaluates an object literal. Nested resource declarations are left out;
// skip names keys the caller handles itself.
func (e *env) evalObject(n *ObjectLit, loc *locals, skip map[string]bool) *iac.Value {
	o := iac.NewObject(e.loc(n.P))
	for _, p := range n.Props {
		switch {
		case p.Resource != nil:
			continue
		case p.Spread != nil:
			v := e.eval(p.Spread, loc)
			switch v.Kind {
			case iac.Object:
				for _, k := range v.Keys {
					o.Set(k, v.Fields[k])
				}
			case iac.Unknown:
				o.Set("...", v)
				e.diag("warning", p.P, "spread of an unknown object: its properties cannot be read (%s)", v.Why)
			default:
				e.typeError(p.P, "spread in an object needs an object, not %s", v.Kind)
			}
			continue
		}
		key := p.Key
		if p.KeyExpr != nil {
			kv := e.eval(p.KeyExpr, loc)
			if kv.Kind != iac.String {
				e.diag("warning", p.P, "object key cannot be evaluated: %s", kv.Why)
				continue
			}
			key = kv.Str
		}
		if skip[key] {
			continue
		}
		o.Set(key, e.eval(p.Value, loc))
	}
	return o
}

func (e *env) member(x *iac.Value, name string, safe bool, p Pos, src Expr) *iac.Value {
	switch x.Kind {
	case iac.Unknown:
		return x
	case iac.Null:
		// a.?b.c: a safe access short-circuits the rest of its chain.
		if safe || safeChain(src) {
			return iac.NewNull(e.loc(p))
		}
		return e.typeError(p, "cannot read property %q of null", name)
	case iac.Object:
		if inst := e.sc.refs[x]; inst != nil {
			if v := x.Field(name); v != nil {
				return v
			}
			return inst.runtime(e, name, p)
		}
		if v := x.Field(name); v != nil {
			return v
		}
		if safe {
			return iac.NewNull(e.loc(p))
		}
		if u := x.Field("..."); u != nil && u.Kind == iac.Unknown {
			return u
		}
		e.diag("warning", p, "property %q is not declared in the object", name)
		return e.unknown(p, "property %q is not declared", name)
	}
	if safe {
		return iac.NewNull(e.loc(p))
	}
	return e.typeError(p, "cannot read property %q of %s", name, x.Kind)
}

// safeChain reports whether an access chain holds a safe access (.? or [?]).
func safeChain(x Expr) bool {
	for {
		switch n := x.(type) {
		case *Member:
			if n.Safe {
				return true
			}
			x = n.X
		case *Index:
			if n.Safe {
				return true
			}
			x = n.X
		case *NonNull:
			x = n.X
		default:
			return false
		}
	}
}

func (e *env) index(n *Index, loc *locals) *iac.Value {
	x := e.eval(n.X, loc)
	i := e.eval(n.Index, loc)
	if x.Kind == iac.Unknown {
		return x
	}
	if i.Kind == iac.Unknown {
		return i
	}
	switch x.Kind {
	case iac.Array:
		if i.Kind != iac.Number {
			return e.typeError(n.P, "array index must be an int, not %s", i.Kind)
		}
		k := int(i.Number)
		if k < 0 || k >= len(x.Items) {
			if n.Safe {
				return iac.NewNull(e.loc(n.P))
			}
			return e.typeError(n.P, "index %d out of range (length %d)", k, len(x.Items))
		}
		return x.Items[k]
	case iac.Object:
		if i.Kind != iac.String {
			return e.typeError(n.P, "object key must be a string, not %s", i.Kind)
		}
		return e.member(x, i.Str, n.Safe, n.P, n.X)
	case iac.Null:
		if n.Safe || safeChain(n.X) {
			return iac.NewNull(e.loc(n.P))
		}
	}
	return e.typeError(n.P, "cannot index %s", x.Kind)
}

func (e *env) binary(n *Binary, loc *locals) *iac.Value {
	l := e.eval(n.L, loc)
	at := e.loc(n.P)
	// Short-circuit operators decide on the left side alone when they can.
	switch n.Op {
	case "&&", "||":
		if l.Kind == iac.Bool && l.Bool == (n.Op == "||") {
			return iac.NewBool(l.Bool, at)
		}
		r := e.eval(n.R, loc)
		if r.Kind == iac.Bool && r.Bool == (n.Op == "||") && l.Kind == iac.Unknown {
			return iac.NewBool(r.Bool, at)
		}
		if l.Kind == iac.Unknown {
			return l
		}
		if r.Kind == iac.Unknown {
			return r
		}
		if l.Kind != iac.Bool || r.Kind != iac.Bool {
			return e.typeError(n.P, "operator %s needs bools, not %s and %s", n.Op, l.Kind, r.Kind)
		}
		return iac.NewBool(r.Bool, at)
	case "??":
		if l.Kind == iac.Unknown {
			return l
		}
		if l.Kind != iac.Null {
			return l
		}
		return e.eval(n.R, loc)
	}
	r := e.eval(n.R, loc)
	if l.Kind == iac.Unknown {
		return l
	}
	if r.Kind == iac.Unknown {
		return r
	}
	switch n.Op {
	case "==", "!=":
		eq, known := iac.Equal(l, r)
		if !known {
			u := l.FirstUnknown()
			if u == nil {
				u = r.FirstUnknown()
			}
			return iac.NewUnknown(u.Why, at)
		}
		return iac.NewBool(eq == (n.Op == "=="), at)
	case "=~", "!~":
		if l.Kind != iac.String || r.Kind != iac.String {
			return e.typeError(n.P, "operator %s needs strings", n.Op)
		}
		return iac.NewBool(strings.EqualFold(l.Str, r.Str) == (n.Op == "=~"), at)
	case "<", "<=", ">", ">=":
		var c int
		switch {
		case l.Kind == iac.Number && r.Kind == iac.Number:
			c = cmpFloat(l.Number, r.Number)
		case l.Kind == iac.String && r.Kind == iac.String:
			c = strings.Compare(l.Str, r.Str)
		default:
			return e.typeError(n.P, "operator %s cannot compare %s and %s", n.Op, l.Kind, r.Kind)
		}
		var b bool
		switch n.Op {
		case "<":
			b = c < 0
		case "<=":
			b = c <= 0
		case ">":
			b = c > 0
		default:
			b = c >= 0
		}
		return iac.NewBool(b, at)
	case "+", "-", "*", "/", "%":
		if l.Kind != iac.Number || r.Kind != iac.Number {
			return e.typeError(n.P, "operator %s needs ints, not %s and %s", n.Op, l.Kind, r.Kind)
		}
		a, b := int64(l.Number), int64(r.Number)
		var v int64
		switch n.Op {
		case "+":
			v = a + b
		case "-":
			v = a - b
		case "*":
			v = a * b
		case "/", "%":
			if b == 0 {
				return e.typeError(n.P, "division by zero")
			}
			if n.Op == "/" {
				v = a / b
			} else {
				v = a % b
			}
		}
		return iac.NewNumber(float64(v), at)
	}
	return e.unsupported(n.P, "operator "+n.Op)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// forValues evaluates a for-expression used as a value (a variable or property
// array): one item per element.
func (e *env) forValues(f *ForExpr, loc *locals) *iac.Value {
	iter := e.eval(f.Iter, loc)
	at := e.loc(f.P)
	if iter.Kind == iac.Unknown {
		return iac.NewUnknown(iter.Why, at)
	}
	items, ok := loopItems(iter)
	if !ok {
		return e.typeError(f.P, "for loop needs an array, not %s", iter.Kind)
	}
	out := iac.NewArray(at)
	for i, it := range items {
		if e.sc.exhausted {
			break
		}
		l := loc.with(f.Item, it).with(f.Index, iac.NewNumber(float64(i), at))
		body := f.Body
		if c, ok := body.(*IfExpr); ok {
			cv := e.eval(c.Cond, l)
			if cv.Kind == iac.Unknown {
				return iac.NewUnknown(cv.Why, at)
			}
			if cv.Kind != iac.Bool || !cv.Bool {
				continue
			}
			body = c.Body
		}
		out.Items = append(out.Items, e.eval(body, l))
	}
	return out
}

// loopItems returns what a for loop iterates over. Bicep loops over arrays; an object
// iterates as items() would give it.
func loopItems(v *iac.Value) ([]*iac.Value, bool) {
	switch v.Kind {
	case iac.Array:
		return v.Items, true
	case iac.Object:
		return objectItems(v).Items, true
	}
	return nil, false
}

func (e *env) resourceAccess(n *ResourceAccess, loc *locals) *iac.Value {
	// Build the key "a::b::c" from the chain.
	var names []string
	var x Expr = n
	for {
		ra, ok := x.(*ResourceAccess)
		if !ok {
			break
		}
		names = append([]string{ra.Name}, names...)
		x = ra.X
	}
	id, ok := x.(*Ident)
	if !ok {
		return e.unsupported(n.P, "'::' after an expression that is not a resource name")
	}
	key := id.Name + "::" + strings.Join(names, "::")
	for _, rd := range e.resOrder {
		if rd.key == key {
			return e.resourceRefs(rd)
		}
	}
	return e.typeError(n.P, "no nested resource %s", key)
}

// resolvePath joins a path written in file (relative to it) into a clean slash path.
func resolvePath(file, rel string) string {
	if strings.HasPrefix(rel, "/") {
		return path.Clean(strings.TrimPrefix(rel, "/"))
	}
	return path.Join(path.Dir(file), rel)
}
