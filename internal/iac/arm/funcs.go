package arm

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/iac/tmplfunc"
)

// call evaluates one function call. Functions that must not evaluate all their
// arguments (if, and, or, coalesce, lambdas) are handled before the others; the
// functions of package tmplfunc after the ones that read this template's scope.
func (e *evaluator) call(c *call, sc *scope, loc awaf.Location) (*iac.Value, error) {
	switch c.name {
	case "if":
		return e.fnIf(c, sc, loc)
	case "and", "or":
		return e.fnAndOr(c, sc, loc)
	case "coalesce":
		return e.fnCoalesce(c, sc, loc)
	case "copyindex":
		return e.fnCopyIndex(c, sc, loc)
	case "lambdavariables":
		return e.fnLambdaVariables(c, sc, loc)
	case "map", "filter", "sort", "reduce", "toobject", "groupby", "mapvalues":
		return e.fnLambda(c, sc, loc)
	case "lambda":
		return nil, fmt.Errorf("lambda() can only be an argument of map, filter, sort, reduce or toObject")
	}
	if uf, ok := e.funcs[c.name]; ok {
		return e.userCall(uf, c, sc, loc)
	}
	base := len(e.argStack)
	e.argStack = slices.Grow(e.argStack, len(c.args))[:base+len(c.args)]
	args := e.argStack[base : base+len(c.args) : base+len(c.args)]
	defer func() {
		// Both the slice this call filled and the stack's array (a copy of it if a
		// nested call grew the stack) give up the values.
		clear(args)
		clear(e.argStack[base:])
		e.argStack = e.argStack[:base]
	}()
	for i, a := range c.args {
		v, err := e.eval(a, sc, loc)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	if fn, ok := tmplfunc.Lookup(c.name); ok {
		if u := tmplfunc.FirstUnknown(args); u != nil && !fn.Lenient {
			return u, nil
		}
		return fn.Eval(tmplfunc.Call{Name: c.orig, Args: args, Loc: loc, Scope: tmplfunc.ResourceGroupScope})
	}
	if u := tmplfunc.FirstUnknown(args); u != nil && !deployedLenient(c.name) {
		return u, nil
	}
	v, err := e.scoped(c, args, sc, loc)
	if err == nil && v != nil {
		// A parameter or variable may hold what no function would be allowed to build.
		switch {
		case v.Kind == iac.String && len(v.Str) > tmplfunc.MaxString:
			return nil, fmt.Errorf("%s: result longer than %d bytes", c.orig, tmplfunc.MaxString)
		case v.Kind == iac.Array && len(v.Items) > tmplfunc.MaxItems:
			return nil, fmt.Errorf("%s: result longer than %d items", c.orig, tmplfunc.MaxItems)
		}
	}
	return v, err
}

// deployedLenient reports the functions of the deployment that take Unknown
// arguments: their result is unknown here whatever the arguments are.
func deployedLenient(name string) bool {
	switch name {
	case "reference", "pickzones", "list", "listkeys", "listsecrets", "listaccountsas",
		"listservicesas", "listconnectionstrings":
		return true
	}
	return false
}

// scoped evaluates the functions that read this template's parameters, variables
// and deployment, or whose value only the deployment knows.
func (e *evaluator) scoped(c *call, args []*iac.Value, sc *scope, loc awaf.Location) (*iac.Value, error) {
	unknown := func(why string) *iac.Value { return iac.NewUnknown(why, loc) }
	switch c.name {
	case "parameters":
		return e.fnParameters(c, args, sc)
	case "variables":
		name, err := oneString(c, args)
		if err != nil {
			return nil, err
		}
		return e.variable(name, loc)
	case "resourcegroup":
		return resourceGroupObject(loc), nil
	case "subscription":
		o := iac.NewObject(loc)
		o.Set("id", iac.NewString("/subscriptions/"+tmplfunc.SubscriptionPlaceholder, loc))
		o.Set("subscriptionId", unknown("subscription().subscriptionId is known at deployment"))
		o.Set("tenantId", unknown("subscription().tenantId is known at deployment"))
		o.Set("displayName", unknown("subscription().displayName is known at deployment"))
		return o, nil
	case "tenant":
		o := iac.NewObject(loc)
		o.Set("tenantId", unknown("tenant().tenantId is known at deployment"))
		o.Set("displayName", unknown("tenant().displayName is known at deployment"))
		return o, nil
	case "deployment":
		o := iac.NewObject(loc)
		o.Set("name", unknown("deployment().name is known at deployment"))
		o.Set("location", unknown("deployment().location is known at deployment"))
		o.Set("properties", unknown("deployment().properties are known at deployment"))
		return o, nil
	case "managementgroup":
		return unknown("managementGroup() is known at deployment"), nil
	case "environment":
		return unknown("environment() depends on the target cloud"), nil
	case "newguid", "utcnow":
		return unknown(c.orig + "() is known at deployment"), nil
	case "reference":
		return e.fnReference(c, args, loc), nil
	}
	if c.name == "pickzones" || strings.HasPrefix(c.name, "list") {
		return unknown(c.orig + "() is known after deployment"), nil
	}
	return nil, errUnsupported{c.orig}
}

// oneString is the single string argument of c.
func oneString(c *call, args []*iac.Value) (string, error) {
	if len(args) != 1 {
		return "", fmt.Errorf("%s expects 1 argument(s), got %d", c.orig, len(args))
	}
	if args[0].Kind != iac.String {
		return "", fmt.Errorf("%s: argument 1 must be a string, found %s", c.orig, args[0].Kind)
	}
	return args[0].Str, nil
}

// fnParameters is parameters(name): a user function's own parameter inside its body,
// the template's elsewhere.
func (e *evaluator) fnParameters(c *call, args []*iac.Value, sc *scope) (*iac.Value, error) {
	name, err := oneString(c, args)
	if err != nil {
		return nil, err
	}
	for s := sc; s != nil; s = s.up {
		if s.kind == funcParam && s.name == strings.ToLower(name) {
			return s.val, nil
		}
		if s.kind == funcBoundary {
			return nil, fmt.Errorf("function has no parameter %q", name)
		}
	}
	if v, ok := e.params[strings.ToLower(name)]; ok {
		return v, nil
	}
	return nil, fmt.Errorf("parameter %q is not declared", name)
}

func resourceGroupObject(loc awaf.Location) *iac.Value {
	o := iac.NewObject(loc)
	o.Set("id", iac.NewString(tmplfunc.ResourceGroupScope, loc))
	o.Set("name", iac.NewUnknown("resourceGroup().name is known at deployment", loc))
	o.Set("type", iac.NewString("Microsoft.Resources/resourceGroups", loc))
	o.Set("location", iac.NewUnknown("resourceGroup().location is known at deployment", loc))
	o.Set("managedBy", iac.NewUnknown("resourceGroup().managedBy is known at deployment", loc))
	o.Set("tags", iac.NewUnknown("resourceGroup().tags are known at deployment", loc))
	o.Set("properties", iac.NewUnknown("resourceGroup().properties are known at deployment", loc))
	return o
}

// fnReference is reference(): a nested deployment's outputs when the template holds
// the deployment, unknown otherwise.
func (e *evaluator) fnReference(c *call, args []*iac.Value, loc awaf.Location) *iac.Value {
	outs := e.deploymentOutputs(args)
	if outs == nil {
		return iac.NewUnknown(c.orig+"() is known after deployment", loc)
	}
	props := iac.NewObject(loc)
	props.Set("outputs", outs)
	if len(args) == 3 && strings.EqualFold(tmplfunc.ToText(args[2]), "full") {
		full := iac.NewObject(loc)
		full.Set("properties", props)
		return full
	}
	return props
}

func (e *evaluator) fnLambdaVariables(c *call, sc *scope, loc awaf.Location) (*iac.Value, error) {
	name, err := e.stringArg(c, 0, sc, loc)
	if err != nil {
		return nil, err
	}
	for s := sc; s != nil; s = s.up {
		if s.kind == lambdaScope && s.name == strings.ToLower(name) {
			return s.val, nil
		}
	}
	return nil, fmt.Errorf("lambda variable %q is not in scope", name)
}

func (e *evaluator) stringArg(c *call, i int, sc *scope, loc awaf.Location) (string, error) {
	if i >= len(c.args) {
		return "", fmt.Errorf("%s expects at least %d argument(s)", c.orig, i+1)
	}
	v, err := e.eval(c.args[i], sc, loc)
	if err != nil {
		return "", err
	}
	if v.Kind != iac.String {
		return "", fmt.Errorf("%s: argument %d must be a string", c.orig, i+1)
	}
	return v.Str, nil
}

func (e *evaluator) fnIf(c *call, sc *scope, loc awaf.Location) (*iac.Value, error) {
	if len(c.args) != 3 {
		return nil, fmt.Errorf("if expects 3 arguments, got %d", len(c.args))
	}
	cond, err := e.eval(c.args[0], sc, loc)
	if err != nil {
		return nil, err
	}
	if cond.IsUnknown() {
		a, errA := e.eval(c.args[1], sc, loc)
		b, errB := e.eval(c.args[2], sc, loc)
		if errA == nil && errB == nil {
			if eq, known := iac.Equal(a, b); eq && known {
				return a, nil
			}
		}
		return cond, nil
	}
	b, _, ok := cond.AsBool()
	if !ok || cond.Kind != iac.Bool {
		return nil, fmt.Errorf("if: the condition must be a bool, found %s", cond.Kind)
	}
	if b {
		return e.eval(c.args[1], sc, loc)
	}
	return e.eval(c.args[2], sc, loc)
}

func (e *evaluator) fnAndOr(c *call, sc *scope, loc awaf.Location) (*iac.Value, error) {
	if len(c.args) < 2 {
		return nil, fmt.Errorf("%s expects at least 2 arguments", c.orig)
	}
	isAnd := c.name == "and"
	var firstUnknown *iac.Value
	for i, a := range c.args {
		v, err := e.eval(a, sc, loc)
		if err != nil {
			return nil, err
		}
		if v.IsUnknown() {
			if firstUnknown == nil {
				firstUnknown = v
			}
			continue
		}
		if v.Kind != iac.Bool {
			return nil, fmt.Errorf("%s: argument %d must be a bool, found %s", c.orig, i+1, v.Kind)
		}
		// A decisive known argument settles it whatever the unknown ones are.
		if v.Bool != isAnd {
			return iac.NewBool(v.Bool, loc), nil
		}
	}
	if firstUnknown != nil {
		return firstUnknown, nil
	}
	return iac.NewBool(isAnd, loc), nil
}

func (e *evaluator) fnCoalesce(c *call, sc *scope, loc awaf.Location) (*iac.Value, error) {
	for _, a := range c.args {
		v, err := e.eval(a, sc, loc)
		if err != nil {
			return nil, err
		}
		if v.IsUnknown() {
			return v, nil // it might be null or not: the result is not knowable
		}
		if v.Kind != iac.Null {
			return v, nil
		}
	}
	return iac.NewNull(loc), nil
}

func (e *evaluator) fnCopyIndex(c *call, sc *scope, loc awaf.Location) (*iac.Value, error) {
	var name string
	offset := 0.0
	for _, a := range c.args {
		v, err := e.eval(a, sc, loc)
		if err != nil {
			return nil, err
		}
		switch v.Kind {
		case iac.String:
			name = strings.ToLower(v.Str)
		case iac.Number:
			offset = v.Number
		case iac.Unknown:
			return v, nil
		default:
			return nil, fmt.Errorf("copyIndex: unexpected argument %s", v)
		}
	}
	for s := sc; s != nil; s = s.up {
		if (name == "" && s.kind == resourceLoop) || (name != "" && (s.kind == copyScope || s.kind == resourceLoop) && s.name == name) {
			if s.val.IsUnknown() {
				return s.val, nil
			}
			return iac.NewNumber(s.val.Number+offset, loc), nil
		}
	}
	if name == "" {
		return nil, fmt.Errorf("copyIndex() used outside a copy loop")
	}
	return nil, fmt.Errorf("copyIndex('%s') used outside the copy loop %q", name, name)
}

func (e *evaluator) userCall(uf *userFunc, c *call, sc *scope, loc awaf.Location) (*iac.Value, error) {
	if len(c.args) != len(uf.params) {
		return nil, fmt.Errorf("function %s expects %d argument(s), got %d", uf.name, len(uf.params), len(c.args))
	}
	if uf.active {
		return nil, fmt.Errorf("function %s calls itself", uf.name)
	}
	inner := (&scope{}).with(funcBoundary, "", nil)
	for i, a := range c.args {
		v, err := e.eval(a, sc, loc)
		if err != nil {
			return nil, err
		}
		inner = inner.with(funcParam, uf.params[i], v)
	}
	uf.active = true
	defer func() { uf.active = false }()
	return e.tree(uf.output, inner), nil
}

// fnLambda handles the functions that take a lambda: map(arr, lambda('x', body)) etc.
func (e *evaluator) fnLambda(c *call, sc *scope, loc awaf.Location) (*iac.Value, error) {
	if len(c.args) < 2 {
		return nil, fmt.Errorf("%s expects an array and a lambda", c.orig)
	}
	in, err := e.eval(c.args[0], sc, loc)
	if err != nil {
		return nil, err
	}
	if in.IsUnknown() {
		return in, nil
	}
	lambdaArg := c.args[len(c.args)-1]
	if c.name == "reduce" {
		lambdaArg = c.args[2%len(c.args)]
	}
	lam, ok := lambdaArg.(*call)
	if !ok || lam.name != "lambda" || len(lam.args) < 2 {
		return nil, fmt.Errorf("%s: expected lambda(...) as its last argument", c.orig)
	}
	var names []string
	for _, a := range lam.args[:len(lam.args)-1] {
		s, ok := a.(*strLit)
		if !ok {
			return nil, fmt.Errorf("lambda: variable names must be string literals")
		}
		names = append(names, s.s)
	}
	body := lam.args[len(lam.args)-1]
	apply := func(vals ...*iac.Value) (*iac.Value, error) {
		s := sc
		for i, n := range names {
			if i < len(vals) {
				s = s.with(lambdaScope, n, vals[i])
			}
		}
		return e.eval(body, s, loc)
	}
	var items []*iac.Value
	switch in.Kind {
	case iac.Array:
		items = in.Items
	case iac.Object:
		if c.name != "mapvalues" {
			return nil, fmt.Errorf("%s: expected an array, found object", c.orig)
		}
	default:
		return nil, fmt.Errorf("%s: expected an array, found %s", c.orig, in.Kind)
	}
	switch c.name {
	case "map":
		return lambdaMap(items, apply, loc)
	case "filter":
		return lambdaFilter(items, apply, loc)
	case "sort":
		return lambdaSort(items, apply, loc)
	case "reduce":
		return e.lambdaReduce(c, items, apply, sc, loc)
	case "toobject":
		return e.lambdaToObject(c, items, apply, sc, loc)
	case "mapvalues":
		return lambdaMapValues(in, apply, loc)
	}
	return nil, errUnsupported{c.orig}
}

// applyFunc calls a lambda with values for its variables.
type applyFunc func(vals ...*iac.Value) (*iac.Value, error)

func lambdaMap(items []*iac.Value, apply applyFunc, loc awaf.Location) (*iac.Value, error) {
	out := make([]*iac.Value, len(items))
	for i, it := range items {
		v, err := apply(it, iac.NewNumber(float64(i), loc))
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return iac.NewArray(loc, out...), nil
}

func lambdaFilter(items []*iac.Value, apply applyFunc, loc awaf.Location) (*iac.Value, error) {
	var out []*iac.Value
	for i, it := range items {
		v, err := apply(it, iac.NewNumber(float64(i), loc))
		if err != nil {
			return nil, err
		}
		if v.IsUnknown() {
			return v, nil
		}
		if v.Truthy() {
			out = append(out, it)
		}
	}
	return iac.NewArray(loc, out...), nil
}

func lambdaSort(items []*iac.Value, apply applyFunc, loc awaf.Location) (*iac.Value, error) {
	out := append([]*iac.Value(nil), items...)
	var serr error
	sort.SliceStable(out, func(i, j int) bool {
		v, err := apply(out[i], out[j])
		if err != nil {
			serr = err
		}
		return v.Truthy()
	})
	return iac.NewArray(loc, out...), serr
}

func (e *evaluator) lambdaReduce(c *call, items []*iac.Value, apply applyFunc, sc *scope, loc awaf.Location) (*iac.Value, error) {
	if len(c.args) != 3 {
		return nil, fmt.Errorf("reduce expects an array, an initial value and a lambda")
	}
	acc, err := e.eval(c.args[1], sc, loc)
	if err != nil {
		return nil, err
	}
	for i, it := range items {
		if acc, err = apply(acc, it, iac.NewNumber(float64(i), loc)); err != nil {
			return nil, err
		}
	}
	return acc, nil
}

func (e *evaluator) lambdaToObject(c *call, items []*iac.Value, apply applyFunc, sc *scope, loc awaf.Location) (*iac.Value, error) {
	o := iac.NewObject(loc)
	for _, it := range items {
		k, err := apply(it)
		if err != nil {
			return nil, err
		}
		if k.IsUnknown() {
			return k, nil
		}
		val := it
		if len(c.args) == 3 {
			vl, ok := c.args[2].(*call)
			if ok && vl.name == "lambda" && len(vl.args) == 2 {
				vn, _ := vl.args[0].(*strLit)
				if vn != nil {
					if val, err = e.eval(vl.args[1], sc.with(lambdaScope, vn.s, it), loc); err != nil {
						return nil, err
					}
				}
			}
		}
		o.Set(tmplfunc.ToText(k), val)
	}
	return o, nil
}

func lambdaMapValues(in *iac.Value, apply applyFunc, loc awaf.Location) (*iac.Value, error) {
	o := iac.NewObject(loc)
	for _, k := range in.Keys {
		v, err := apply(in.Fields[k])
		if err != nil {
			return nil, err
		}
		o.Set(k, v)
	}
	return o, nil
}

// deploymentOutputs finds the outputs of a nested deployment that reference() names by
// deployment name, symbolic name or resource id.
func (e *evaluator) deploymentOutputs(args []*iac.Value) *iac.Value {
	if len(args) == 0 || e.deployments == nil {
		return nil
	}
	s, ok := plainString(args[0])
	if !ok {
		return nil
	}
	if id, found := e.symbols[strings.ToLower(s)]; found {
		s = id
	}
	if typ, name, ok := iac.ParseResourceID(s); ok {
		if !strings.EqualFold(typ, "Microsoft.Resources/deployments") {
			return nil
		}
		s = name
	}
	return e.deployments[strings.ToLower(s)]
}

// errUnsupported is a function this evaluator does not implement.
type errUnsupported struct{ name string }

func (e errUnsupported) Error() string { return "function " + e.name + " is not supported" }
