package terraform

import (
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/awaf/awaf"
)

type iacLoc = awaf.Location

var ctyString = cty.String

// why is a cty mark on an unknown value that says what made it unknown. Marks travel
// through operators and function calls, so the reason survives `lower(var.x)` or
// `"${azurerm_x.y.id}/sub"`.
type why string

// unknown is an unknown value of any type that carries its reason.
func unknown(format string, args ...any) cty.Value {
	return cty.DynamicVal.Mark(why(fmt.Sprintf(format, args...)))
}

// refTo marks an unknown id with the address of the resource it is the id of.
type refTo string

// refOf returns the address the refTo marks of v name, or "" when it carries none
// or several (an expression that combines the ids of different resources).
func refOf(v cty.Value) string {
	ref := ""
	for r := range cty.ValueMarksOfType[refTo](v) {
		if ref != "" && ref != string(r) {
			return ""
		}
		ref = string(r)
	}
	return ref
}

// whyOf returns the reasons marked on v, sorted and joined.
func whyOf(v cty.Value) string {
	// Most unknowns carry one reason: it is returned as is.
	var first string
	var all []string
	n := 0
	for w := range cty.ValueMarksOfType[why](v) {
		switch n {
		case 0:
			first = string(w)
		case 1:
			all = append(all, first, string(w))
		default:
			all = append(all, string(w))
		}
		n++
	}
	if n <= 1 {
		return first
	}
	sort.Strings(all)
	return strings.Join(all, "; ")
}

// instance is one instantiation of a module: the root, or one call (one per count or
// for_each key) with the caller's input values.
type instance struct {
	s      *rootScan
	mod    *module
	prefix string // address prefix, "" for the root or "module.app." / `module.app["a"].`
	vars   map[string]cty.Value
	via    []awaf.Location
	depth  int
	stack  []string // module directories from the root, for cycle detection

	cond     string   // why this module instance may not exist (unresolved count/for_each)
	rootDir  string   // the root module's directory, where .terraform/modules lives
	callPath []string // module call names from the root, for modules.json keys

	varObj   cty.Value // the object of vars, once built
	locals   map[string]cty.Value
	inLocals map[string]bool
	children map[string]cty.Value // module name -> outputs (object, tuple or map)
	inChild  map[string]bool
	res      map[string]*resourceState
	refs     map[string]cty.Value // resourceRef values by refKey
	dataVals map[string]map[string]cty.Value
	inData   map[string]bool
}

// resourceState holds the evaluated instances of one resource declaration.
type resourceState struct {
	decl      *resourceDecl
	busy      bool
	done      bool
	keyed     bool       // for_each
	counted   bool       // count
	unknownN  string     // count/for_each unresolvable: why
	instances []*resInst // in key order
}

// resInst is one instance of a resource: its address, iteration values, and the
// top-level arguments evaluated (used by references from other resources).
type resInst struct {
	addr  string
	key   cty.Value // cty.NilVal without count/for_each
	iter  map[string]cty.Value
	attrs map[string]cty.Value
	busy  bool
	done  bool
}

func newInstance(s *rootScan, mod *module, prefix string, vars map[string]cty.Value) *instance {
	return &instance{
		s: s, mod: mod, prefix: prefix, vars: vars,
		locals: map[string]cty.Value{}, inLocals: map[string]bool{},
		children: map[string]cty.Value{}, inChild: map[string]bool{},
		res:      map[string]*resourceState{},
		dataVals: map[string]map[string]cty.Value{},
		inData:   map[string]bool{},
	}
}

// eval evaluates expr in this module instance. iter holds each/count and dynamic block
// iterators. It never fails: what cannot be evaluated comes back unknown with a reason.
func (in *instance) eval(expr hcl.Expression, iter map[string]cty.Value) cty.Value {
	if v, ok := in.evalDirect(expr, iter); ok {
		return v
	}
	return in.evalInContext(expr, iter)
}

// evalInContext is eval through expr.Value with the variables expr refers to.
func (in *instance) evalInContext(expr hcl.Expression, iter map[string]cty.Value) cty.Value {
	// One context serves every expression of the root module: nothing evaluated
	// while an expression's value is taken (functions, traversals) evaluates
	// another, and no value holds on to it.
	ctx := &in.s.ctx
	ctx.Variables = in.variablesFor(expr, iter)
	ctx.Functions = in.s.funcs
	v, diags := expr.Value(ctx)
	// The value holds nothing of the map: it serves the next expression.
	in.s.putVars(ctx.Variables)
	ctx.Variables = nil
	if diags.HasErrors() {
		d := diags.Errs()[0].(*hcl.Diagnostic)
		if d.Summary == "Unsupported attribute" && refersToResource(expr) {
			// A computed attribute reached through a splat or a whole-resource
			// value: Terraform knows it only after apply.
			return unknown("%s refers to an attribute known only after apply", rangeString(expr.Range()))
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		in.s.warn(expr.Range(), msg)
		return unknown("%s at %s", msg, rangeString(expr.Range()))
	}
	return v
}

// evalDirect takes the value of the commonest expressions without an evaluation
// context: a literal, a quoted string, a tuple of such, a traversal of var, local or
// an iterator (var.location, local.tags, each.value.model), and an attribute of a
// resource of the module (azurerm_x.y[0].id). The value is the one expr.Value
// gives with the variables variablesFor builds; anything else, and any traversal
// that meets an error, is left to evalInContext (ok false).
func (in *instance) evalDirect(expr hcl.Expression, iter map[string]cty.Value) (cty.Value, bool) {
	return in.direct(expr, iter, true)
}

// direct is evalDirect; top tells whether expr is the whole expression.
// variablesFor reads the resources an expression refers to after everything else
// it refers to, so a resource is read directly only when it is the whole
// expression, and evaluation happens in the same order either way.
func (in *instance) direct(expr hcl.Expression, iter map[string]cty.Value, top bool) (cty.Value, bool) {
	switch e := expr.(type) {
	case *hclsyntax.LiteralValueExpr:
		return e.Val, true
	case *hclsyntax.TemplateWrapExpr:
		// "${x}" is the value of x itself.
		return in.direct(e.Wrapped, iter, top)
	case *hclsyntax.TemplateExpr:
		return in.templateDirect(e, iter)
	case *hclsyntax.TupleConsExpr:
		vals := make([]cty.Value, len(e.Exprs))
		for i, x := range e.Exprs {
			v, ok := in.direct(x, iter, false)
			if !ok {
				return cty.NilVal, false
			}
			vals[i] = v
		}
		return cty.TupleVal(vals), true
	case *hclsyntax.ScopeTraversalExpr:
		tr := e.Traversal
		if len(tr) < 2 {
			return cty.NilVal, false
		}
		root, ok := tr[0].(hcl.TraverseRoot)
		if !ok {
			return cty.NilVal, false
		}
		var (
			v    cty.Value
			rest hcl.Traversal
		)
		if iv, ok := iter[root.Name]; ok {
			v, rest = iv, tr[1:]
		} else {
			name, ok := stepName(tr, 1)
			if !ok || !isASCII(name) {
				return cty.NilVal, false
			}
			switch root.Name {
			case "var":
				// variablesFor passes var as the object of every variable;
				// reading name from it gives the variable's value.
				var declared bool
				if v, declared = in.vars[name]; !declared {
					return cty.NilVal, false
				}
			case "local":
				// variablesFor passes local as an object of the locals read;
				// reading name from it gives the local's value.
				v = in.local(name)
			case "module", "count", "each", "path", "terraform", "data", "self":
				return cty.NilVal, false
			default:
				// A resource of the module: variablesFor passes its type as an
				// object of the resources read, each with the attributes read.
				if !top || !isASCII(root.Name) {
					return cty.NilVal, false
				}
				addr := root.Name + "." + name
				if _, declared := in.mod.byAddr[addr]; !declared {
					return cty.NilVal, false
				}
				attr, ok := attrAfterResource(tr)
				if !ok {
					attr = allAttrs
				}
				v = in.resourceRef(addr, map[string]bool{attr: true})
			}
			rest = tr[2:]
		}
		if len(rest) == 0 {
			return v, true
		}
		out, diags := rest.TraverseRel(v)
		if len(diags) > 0 {
			return cty.NilVal, false
		}
		return out, true
	}
	return cty.NilVal, false
}

// templateDirect is the value of a template whose parts evalDirect takes and
// whose values are known, not null and unmarked, such as "text" or
// "oai-${count.index}": the parts converted to strings and joined, as
// TemplateExpr.Value gives it. Any other template is left to eval.
func (in *instance) templateDirect(e *hclsyntax.TemplateExpr, iter map[string]cty.Value) (cty.Value, bool) {
	if len(e.Parts) == 1 {
		// "text": the literal part is the value.
		if lit, ok := e.Parts[0].(*hclsyntax.LiteralValueExpr); ok {
			v := lit.Val
			if v.Type() == cty.String && v.IsKnown() && !v.IsNull() && !v.IsMarked() {
				return v, true
			}
			return cty.NilVal, false
		}
	}
	var buf strings.Builder
	for _, part := range e.Parts {
		v, ok := in.direct(part, iter, false)
		if !ok || v.IsMarked() || !v.IsKnown() || v.IsNull() {
			return cty.NilVal, false
		}
		switch v.Type() {
		case cty.String:
			buf.WriteString(v.AsString())
		case cty.Number:
			// As cty's conversion to string writes it.
			f := v.AsBigFloat()
			if i, acc := f.Int64(); acc == big.Exact && (i != 0 || !f.Signbit()) {
				buf.WriteString(strconv.FormatInt(i, 10))
			} else {
				buf.WriteString(f.Text('f', -1))
			}
		case cty.Bool:
			if v.True() {
				buf.WriteString("true")
			} else {
				buf.WriteString("false")
			}
		default:
			return cty.NilVal, false
		}
	}
	return cty.StringVal(buf.String()), true
}

// isASCII reports whether s is plain ASCII, which cty's attribute names keep as
// written.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func rangeString(r hcl.Range) string {
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
}

// variablesFor builds only the variables expr refers to, evaluating locals, module
// outputs and other resources on demand. Evaluating on demand gives locals their
// dependency order for free and finds cycles through the busy flags.
func (in *instance) variablesFor(expr hcl.Expression, iter map[string]cty.Value) map[string]cty.Value {
	trs := expr.Variables()
	if len(trs) == 0 {
		return nil
	}
	vars := in.s.takeVars()
	var nested map[string]map[string]cty.Value
	put := func(root, name string, v cty.Value) {
		if nested == nil {
			nested = map[string]map[string]cty.Value{}
		}
		if nested[root] == nil {
			nested[root] = map[string]cty.Value{}
		}
		nested[root][name] = v
	}
	var resAttrs map[string]map[string]bool  // "type.name" -> attributes read
	var dataAttrs map[string]map[string]bool // data "type.name" -> attributes read
	// var.NAME references of declared variables read the instance's object of all
	// its variables: only the named attributes can be read through such
	// references, so the value is the one an object of just those gives.
	wholeVar := in.allVarsNamed(trs, iter)
	for _, tr := range trs {
		root := tr.RootName()
		if v, ok := iter[root]; ok {
			vars[root] = v
			continue
		}
		name, ok := stepName(tr, 1)
		switch root {
		case "var":
			if wholeVar {
				vars[root] = in.varObject()
				continue
			}
			if !ok {
				continue
			}
			if v, ok := in.vars[name]; ok {
				put(root, name, v)
			} else {
				put(root, name, unknown("variable %q is not declared in %s", name, in.mod.dir))
			}
		case "local":
			if ok {
				put(root, name, in.local(name))
			}
		case "module":
			if ok {
				put(root, name, in.moduleOutputs(name))
			}
		case "count", "each":
			vars[root] = unknown("%s is used outside a resource with %s", root, map[string]string{"count": "count", "each": "for_each"}[root])
		case "path":
			if ok {
				switch name {
				case "module":
					put(root, name, cty.StringVal(in.mod.dir))
				default:
					put(root, name, unknown("path.%s depends on where Terraform runs", name))
				}
			}
		case "terraform":
			if ok {
				put(root, name, unknown("terraform.%s is set when Terraform runs", name))
			}
		case "data":
			typ, ok1 := stepName(tr, 1)
			nm, ok2 := stepName(tr, 2)
			if ok1 && ok2 {
				key := typ + "." + nm
				if dataAttrs == nil {
					dataAttrs = map[string]map[string]bool{}
				}
				if dataAttrs[key] == nil {
					dataAttrs[key] = map[string]bool{}
				}
				if attr, ok := stepName(tr, 3); ok {
					dataAttrs[key][attr] = true
				} else {
					dataAttrs[key][allAttrs] = true
				}
			}
		case "self":
			vars[root] = unknown("self is known only after apply")
		default:
			if !ok {
				continue
			}
			addr := root + "." + name
			if _, declared := in.mod.byAddr[addr]; !declared {
				put(root, name, unknown("%s%s is not declared in %s", in.prefix, addr, in.mod.dir))
				continue
			}
			if resAttrs == nil {
				resAttrs = map[string]map[string]bool{}
			}
			if resAttrs[addr] == nil {
				resAttrs[addr] = map[string]bool{}
			}
			if attr, ok := attrAfterResource(tr); ok {
				resAttrs[addr][attr] = true
			} else {
				// A splat or the whole resource: pass every argument set in
				// configuration, and the id.
				resAttrs[addr][allAttrs] = true
			}
		}
	}
	for addr, attrs := range resAttrs {
		typ, name, _ := strings.Cut(addr, ".")
		put(typ, name, in.resourceRef(addr, attrs))
	}
	if len(dataAttrs) > 0 {
		byType := map[string]map[string]cty.Value{}
		for key, attrs := range dataAttrs {
			typ, name, _ := strings.Cut(key, ".")
			if byType[typ] == nil {
				byType[typ] = map[string]cty.Value{}
			}
			byType[typ][name] = in.dataRef(typ, name, attrs)
		}
		for typ, m := range byType {
			put("data", typ, cty.ObjectVal(m))
		}
	}
	for root, m := range nested {
		vars[root] = cty.ObjectVal(m)
	}
	return vars
}

// allVarsNamed reports whether every reference to var in trs names a declared
// variable, var.NAME (and iter does not hide var).
func (in *instance) allVarsNamed(trs []hcl.Traversal, iter map[string]cty.Value) bool {
	if _, ok := iter["var"]; ok {
		return false
	}
	found := false
	for _, tr := range trs {
		if tr.RootName() != "var" {
			continue
		}
		name, ok := stepName(tr, 1)
		if !ok {
			return false
		}
		if _, ok := in.vars[name]; !ok {
			return false
		}
		found = true
	}
	return found
}

// varObject is the object of every variable of the instance, built once.
func (in *instance) varObject() cty.Value {
	if in.varObj == cty.NilVal {
		in.varObj = cty.ObjectVal(in.vars)
	}
	return in.varObj
}

// dataRef is the value of a reference to a data source. Its arguments are known, and
// so is the id of an existing azurerm resource looked up by name and resource group;
// everything else is read during plan.
func (in *instance) dataRef(typ, name string, read map[string]bool) cty.Value {
	later := func() cty.Value { return unknown("data source data.%s.%s is read during plan", typ, name) }
	body, ok := in.mod.data[typ+"."+name]
	if !ok || read[allAttrs] {
		return later()
	}
	key := "data." + typ + "." + name
	if in.inData[key] {
		return unknown("data.%s.%s refers to itself", typ, name)
	}
	attrs, ok := in.dataVals[key]
	if !ok {
		in.inData[key] = true
		attrs = map[string]cty.Value{}
		for n, a := range body.Attributes {
			if !metaArgs[n] {
				attrs[n] = in.eval(a.Expr, nil)
			}
		}
		in.inData[key] = false
		in.dataVals[key] = attrs
	}
	obj := map[string]cty.Value{}
	for a := range read {
		v, set := attrs[a]
		switch {
		case a == "id":
			if id, ok := armID(typ, func(x string) (string, bool) { return knownString(attrs[x]) }); ok {
				obj[a] = cty.StringVal(id)
			} else {
				obj[a] = later()
			}
		case set:
			obj[a] = v
		default:
			obj[a] = later()
		}
	}
	return cty.ObjectVal(obj)
}

// stepName returns the attribute name of traversal step i (root is step 0).
func stepName(tr hcl.Traversal, i int) (string, bool) {
	if len(tr) <= i {
		return "", false
	}
	if a, ok := tr[i].(hcl.TraverseAttr); ok {
		return a.Name, true
	}
	return "", false
}

// attrAfterResource returns the attribute read from a resource reference:
// "id" in azurerm_x.y.id and in azurerm_x.y[0].id or azurerm_x.y["k"].id.
func attrAfterResource(tr hcl.Traversal) (string, bool) {
	i := 2
	if len(tr) > i {
		if _, ok := tr[i].(hcl.TraverseIndex); ok {
			i++
		}
	}
	return stepName(tr, i)
}

func (in *instance) local(name string) cty.Value {
	if v, ok := in.locals[name]; ok {
		return v
	}
	a, ok := in.mod.locals[name]
	if !ok {
		return unknown("local.%s is not defined in %s", name, in.mod.dir)
	}
	if in.inLocals[name] {
		in.s.warn(a.NameRange, fmt.Sprintf("local.%s refers to itself through other locals", name))
		return unknown("local.%s is part of a reference cycle", name)
	}
	in.inLocals[name] = true
	v := in.eval(a.Expr, nil)
	in.inLocals[name] = false
	in.locals[name] = v
	return v
}

// inputValue converts a variable's value to its declared type, applying optional
// attribute defaults; when the conversion fails the value is kept as written.
func inputValue(v *variable, val cty.Value) cty.Value {
	if v == nil || v.typ == nil || val.IsNull() {
		return val
	}
	ty, defaults, diags := typeexpr.TypeConstraintWithDefaults(v.typ)
	if diags.HasErrors() {
		return val
	}
	if defaults != nil {
		val = defaults.Apply(val)
	}
	if out, err := convert.Convert(val, ty); err == nil {
		return out
	}
	return val
}

// allAttrs marks a reference that reads the whole resource object.
const allAttrs = "\x00all"

// refersToResource reports whether expr refers to a managed resource.
func refersToResource(expr hcl.Expression) bool {
	for _, tr := range expr.Variables() {
		switch tr.RootName() {
		case "var", "local", "module", "data", "each", "count", "path", "terraform", "self":
		default:
			return true
		}
	}
	return false
}
