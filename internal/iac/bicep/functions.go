package bicep

import (
	"encoding/base64"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/iac/tmplfunc"
)

// deployTime lists functions whose result depends on the deployment and is therefore
// unknown here. Values are the reason given.
var deployTime = map[string]string{
	"utcNow":                  "utcNow() is the deployment time",
	"newGuid":                 "newGuid() is random at deployment",
	"reference":               "reference() reads a deployed resource",
	"managementGroup":         "managementGroup() depends on the deployment scope",
	"pickZones":               "pickZones() depends on the region's zones",
	"listKeys":                "listKeys() reads secrets at deployment",
	"listSecrets":             "listSecrets() reads secrets at deployment",
	"getSecret":               "getSecret() reads Key Vault at deployment",
	"readEnvironmentVariable": "readEnvironmentVariable() reads the deploying machine",
	"externalInput":           "externalInput() is supplied at deployment",
	"deployer":                "deployer() is the identity running the deployment",
}

// lambdaFuncs take a lambda as their last argument.
var lambdaFuncs = map[string]bool{
	"filter": true, "map": true, "reduce": true, "sort": true, "toObject": true,
	"groupBy": true, "mapValues": true,
}

func (e *env) call(n *Call, loc *locals) *iac.Value {
	name := n.Name
	if n.Target != nil {
		if id, ok := n.Target.(*Ident); ok {
			if _, local := loc.lookup(id.Name); !local {
				sym, declared := e.syms[id.Name]
				switch {
				case !declared && (id.Name == "az" || id.Name == "sys"):
					return e.builtin(n, name, loc)
				case declared && sym.kind == symUnread:
					return e.unreadImport(sym)
				case declared && sym.kind == symExported && sym.jsonFuncs[name]:
					return e.jsonFunc(sym.imp, name)
				case declared && sym.kind == symNamespace:
					if fr, ok := sym.other.funcs[name]; ok {
						return e.callUser(n, fr, loc)
					}
					return e.typeError(n.P, "%s has no exported function %s", id.Name, name)
				}
			}
		}
		t := e.eval(n.Target, loc)
		if t.Kind == iac.Unknown {
			return t
		}
		if in, ok := e.sc.refs[t]; ok && in != nil {
			return e.unknown(n.P, "%s.%s() is only known at deployment", in.decl.key, name)
		}
		return e.unsupported(n.P, "method call ."+name+"()")
	}
	if fr, ok := e.funcs[name]; ok {
		return e.callUser(n, fr, loc)
	}
	if sym, ok := e.syms[name]; ok && sym.kind == symUnread {
		return e.unreadImport(sym)
	}
	return e.builtin(n, name, loc)
}

func (e *env) callUser(n *Call, fr *funcRef, loc *locals) *iac.Value {
	if len(n.Args) != len(fr.fn.Params) {
		return e.typeError(n.P, "%s takes %d arguments, not %d", fr.fn.Name, len(fr.fn.Params), len(n.Args))
	}
	if e.callDep >= maxCallDepth {
		return e.typeError(n.P, "function calls nested deeper than %d", maxCallDepth)
	}
	// A function sees only its own parameters and other functions.
	var fl *locals
	for i, p := range fr.fn.Params {
		fl = fl.with(p.Name, e.eval(n.Args[i], loc))
	}
	fr.env.callDep++
	defer func() { fr.env.callDep-- }()
	return fr.env.eval(fr.fn.Body, fl)
}

// lambda calls a lambda argument with values for its parameters.
func (e *env) lambda(n *Call, lam *Lambda, loc *locals, args ...*iac.Value) *iac.Value {
	l := loc
	for i, p := range lam.Params {
		if i < len(args) {
			l = l.with(p, args[i])
		}
	}
	return e.eval(lam.Body, l)
}

func (e *env) builtin(n *Call, name string, loc *locals) *iac.Value {
	at := e.loc(n.P)
	if why, ok := deployTime[name]; ok {
		for _, a := range n.Args {
			e.eval(a, loc)
		}
		return iac.NewUnknown(why, at)
	}
	if strings.HasPrefix(name, "list") {
		return iac.NewUnknown(name+"() reads the deployed resource", at)
	}
	if lambdaFuncs[name] {
		return e.lambdaBuiltin(n, name, loc)
	}
	base := len(e.argStack)
	e.argStack = slices.Grow(e.argStack, len(n.Args))[:base+len(n.Args)]
	args := e.argStack[base : base+len(n.Args) : base+len(n.Args)]
	defer func() {
		// Both the slice this call filled and the stack's array (a copy of it if a
		// nested call grew the stack) give up the values.
		clear(args)
		clear(e.argStack[base:])
		e.argStack = e.argStack[:base]
	}()
	for i, a := range n.Args {
		args[i] = e.eval(a, loc)
	}
	if v, ok := e.scoped(n, name, args, at); ok {
		return v
	}
	fn, ok := tmplfunc.ByName(name)
	if !ok || !fn.Bicep {
		e.diag("warning", n.P, "unsupported construct: function %s()", name)
		return iac.NewUnknown("function "+name+"() is not supported by the Bicep reader", at)
	}
	if u := tmplfunc.FirstUnknown(args); u != nil && !fn.Lenient {
		return u.At(at)
	}
	v, err := fn.Eval(tmplfunc.Call{Name: name, Args: args, Loc: at, Scope: e.scopePrefix()})
	if err != nil {
		return e.typeError(n.P, "%v", err)
	}
	if name == "range" {
		// range() is the one function that builds much from little.
		if e.sc.steps += len(v.Items); e.sc.steps > e.sc.maxSteps {
			return e.unknown(n.P, "evaluation budget exhausted")
		}
	}
	return v
}

// scoped evaluates the functions that depend on where and how the file is deployed
// or read: the scope objects, any() and the load*() functions. ok is false for
// every other function.
func (e *env) scoped(n *Call, name string, args []*iac.Value, at awaf.Location) (v *iac.Value, ok bool) {
	switch name {
	case "resourceGroup", "subscription":
		return e.scopeObject(name, args, at), true
	case "tenant":
		o := iac.NewObject(at)
		o.Set("tenantId", iac.NewUnknown("tenant() depends on the deployment", at))
		return o, true
	case "deployment":
		o := iac.NewObject(at)
		o.Set("name", iac.NewUnknown("deployment().name is chosen at deployment", at))
		o.Set("location", iac.NewUnknown("deployment().location is chosen at deployment", at))
		o.Set("properties", iac.NewUnknown("deployment() depends on the deployment", at))
		return o, true
	case "environment":
		return iac.NewUnknown("environment() depends on the Azure cloud deployed to", at), true
	case "loadTextContent", "loadJsonContent", "loadFileAsBase64", "loadYamlContent":
		return e.loadFile(n, name, args, at), true
	case "any":
		// any() only silences Bicep's type checker.
		if len(args) != 1 {
			return e.typeError(n.P, "any takes 1 argument(s), not %d", len(args)), true
		}
		if args[0].IsUnknown() {
			return args[0].At(at), true
		}
		return args[0], true
	}
	return nil, false
}

// scopeObject is resourceGroup() or subscription(): an object whose parts depend on
// where the template is deployed.
func (e *env) scopeObject(kind string, args []*iac.Value, at awaf.Location) *iac.Value {
	o := iac.NewObject(at)
	u := func(part string) *iac.Value {
		return iac.NewUnknown(fmt.Sprintf("%s().%s is only known at deployment", kind, part), at)
	}
	if kind == "resourceGroup" {
		o.Set("id", iac.NewString("/subscriptions/"+subPlaceholder+"/resourceGroups/"+rgPlaceholder, at))
		o.Set("type", iac.NewString("Microsoft.Resources/resourceGroups", at))
		if len(args) > 0 {
			o.Set("name", args[len(args)-1])
			if last := args[len(args)-1]; last.Kind == iac.String {
				sub := subPlaceholder
				if len(args) == 2 && args[0].Kind == iac.String {
					sub = args[0].Str
				}
				o.Set("id", iac.NewString("/subscriptions/"+sub+"/resourceGroups/"+last.Str, at))
			} else {
				o.Set("id", last)
			}
		} else {
			o.Set("name", u("name"))
		}
		o.Set("location", u("location"))
		o.Set("tags", u("tags"))
		o.Set("properties", u("properties"))
		return o
	}
	o.Set("id", iac.NewString("/subscriptions/"+subPlaceholder, at))
	o.Set("subscriptionId", u("subscriptionId"))
	o.Set("tenantId", u("tenantId"))
	o.Set("displayName", u("displayName"))
	return o
}

// loadFile reads a file next to the template at scan time, as Bicep does at build time.
func (e *env) loadFile(n *Call, name string, args []*iac.Value, at awaf.Location) *iac.Value {
	if len(args) == 0 || args[0].Kind != iac.String {
		return e.typeError(n.P, "%s() needs a file path", name)
	}
	p := resolvePath(e.path, args[0].Str)
	if !fs.ValidPath(p) {
		e.diag("warning", n.P, "%s(): %s is outside the scanned directory tree", name, args[0].Str)
		return iac.NewUnknown(fmt.Sprintf("%s(): %s is outside the scanned tree", name, args[0].Str), at)
	}
	data, err := fs.ReadFile(e.sc.fsys, p)
	if err != nil {
		e.diag("warning", n.P, "%s(): %v", name, err)
		return iac.NewUnknown(fmt.Sprintf("%s(): cannot read %s", name, args[0].Str), at)
	}
	switch name {
	case "loadTextContent":
		return iac.NewString(string(data), at)
	case "loadFileAsBase64":
		return iac.NewString(base64.StdEncoding.EncodeToString(data), at)
	case "loadJsonContent":
		v, err := iac.DecodeJSON(p, data)
		if err != nil {
			e.diag("error", n.P, "loadJsonContent(): %v", err)
			return iac.NewUnknown("loadJsonContent(): "+err.Error(), at)
		}
		if len(args) > 1 && args[1].Kind == iac.String && args[1].Str != "" {
			if sub := v.Get(strings.TrimPrefix(strings.TrimPrefix(args[1].Str, "$"), ".")); sub != nil {
				return sub
			}
			return iac.NewUnknown("loadJsonContent(): path "+args[1].Str+" not found", at)
		}
		return v
	}
	e.diag("warning", n.P, "unsupported construct: function %s()", name)
	return iac.NewUnknown(name+"() is not supported by the Bicep reader", at)
}

func objectItems(o *iac.Value) *iac.Value {
	out := iac.NewArray(o.Loc)
	for _, k := range o.Keys {
		it := iac.NewObject(o.Fields[k].Loc)
		it.Set("key", iac.NewString(k, o.Loc))
		it.Set("value", o.Fields[k])
		out.Items = append(out.Items, it)
	}
	return out
}

// lambdaBuiltin runs the functions that take a lambda.
func (e *env) lambdaBuiltin(n *Call, name string, loc *locals) *iac.Value {
	at := e.loc(n.P)
	if len(n.Args) < 2 {
		return e.typeError(n.P, "%s() needs a collection and a lambda", name)
	}
	lam, ok := n.Args[len(n.Args)-1].(*Lambda)
	if !ok {
		return e.unsupported(n.P, name+"() whose last argument is not a lambda")
	}
	if e.callDep >= maxCallDepth {
		return e.typeError(n.P, "lambdas nested deeper than %d", maxCallDepth)
	}
	e.callDep++
	defer func() { e.callDep-- }()
	coll := e.eval(n.Args[0], loc)
	if coll.Kind == iac.Unknown {
		return coll.At(at)
	}
	l := lambdaCall{e: e, n: n, lam: lam, loc: loc, at: at}
	if name == "mapValues" {
		if coll.Kind != iac.Object {
			return e.typeError(n.P, "mapValues() needs an object")
		}
		return l.mapValues(coll)
	}
	if coll.Kind != iac.Array {
		return e.typeError(n.P, "%s() needs an array, not %s", name, coll.Kind)
	}
	if e.sc.exhausted {
		return e.unknown(n.P, "evaluation budget exhausted")
	}
	switch name {
	case "filter":
		return l.filter(coll.Items)
	case "map":
		return l.mapItems(coll.Items)
	case "reduce":
		if len(n.Args) != 3 {
			return e.typeError(n.P, "reduce() needs an array, an initial value and a lambda")
		}
		return l.reduce(coll.Items, e.eval(n.Args[1], loc))
	case "sort":
		return l.sort(coll.Items)
	case "toObject":
		return l.toObject(coll.Items)
	case "groupBy":
		return l.groupBy(coll.Items)
	}
	return e.unsupported(n.P, "function "+name+"()")
}

// lambdaCall is one call of a function that takes a lambda.
type lambdaCall struct {
	e   *env
	n   *Call
	lam *Lambda
	loc *locals
	at  awaf.Location
}

func (l lambdaCall) apply(args ...*iac.Value) *iac.Value {
	return l.e.lambda(l.n, l.lam, l.loc, args...)
}

func (l lambdaCall) index(i int) *iac.Value { return iac.NewNumber(float64(i), l.at) }

func (l lambdaCall) mapValues(o *iac.Value) *iac.Value {
	out := iac.NewObject(l.at)
	for _, k := range o.Keys {
		out.Set(k, l.apply(o.Fields[k]))
	}
	return out
}

func (l lambdaCall) filter(items []*iac.Value) *iac.Value {
	out := iac.NewArray(l.at)
	for i, it := range items {
		keep := l.apply(it, l.index(i))
		if keep.Kind == iac.Unknown {
			return keep.At(l.at)
		}
		if keep.Kind == iac.Bool && keep.Bool {
			out.Items = append(out.Items, it)
		}
	}
	return out
}

func (l lambdaCall) mapItems(items []*iac.Value) *iac.Value {
	out := iac.NewArray(l.at)
	for i, it := range items {
		out.Items = append(out.Items, l.apply(it, l.index(i)))
	}
	return out
}

func (l lambdaCall) reduce(items []*iac.Value, acc *iac.Value) *iac.Value {
	for i, it := range items {
		acc = l.apply(acc, it, l.index(i))
	}
	return acc
}

// sort orders items stably by the lambda, which says whether a comes before b.
func (l lambdaCall) sort(items []*iac.Value) *iac.Value {
	items = slices.Clone(items)
	var unknown *iac.Value
	slices.SortStableFunc(items, func(a, b *iac.Value) int {
		less := l.apply(a, b)
		if less.Kind == iac.Unknown {
			unknown = less
			return 0
		}
		if less.Kind == iac.Bool && less.Bool {
			return -1
		}
		if again := l.apply(b, a); again.Kind == iac.Bool && again.Bool {
			return 1
		}
		return 0
	})
	if unknown != nil {
		return unknown.At(l.at)
	}
	return iac.NewArray(l.at, items...)
}

// toObject is toObject(array, keyLambda[, valueLambda]).
func (l lambdaCall) toObject(items []*iac.Value) *iac.Value {
	keys, values := l, lambdaCall{}
	if len(l.n.Args) == 3 {
		if k, ok := l.n.Args[1].(*Lambda); ok {
			keys.lam, values = k, l
		}
	}
	out := iac.NewObject(l.at)
	for _, it := range items {
		k := keys.apply(it)
		if k.Kind != iac.String {
			return iac.NewUnknown("toObject(): key not known", l.at)
		}
		v := it
		if values.lam != nil {
			v = values.apply(it)
		}
		out.Set(k.Str, v)
	}
	return out
}

func (l lambdaCall) groupBy(items []*iac.Value) *iac.Value {
	out := iac.NewObject(l.at)
	for _, it := range items {
		k := l.apply(it)
		if k.Kind != iac.String {
			return iac.NewUnknown("groupBy(): key not known", l.at)
		}
		g := out.Field(k.Str)
		if g == nil {
			g = iac.NewArray(l.at)
			out.Set(k.Str, g)
		}
		g.Items = append(g.Items, it)
	}
	return out
}
