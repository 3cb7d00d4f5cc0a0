package arm

import (
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// Placeholders for the parts of a resource id that only the deployment knows. Ids
// built with them still identify the resource within the scanned code: a private
// endpoint's privateLinkServiceId and the account it points at get the same string.
const (
	subscriptionPlaceholder  = "{subscriptionId}"
	resourceGroupPlaceholder = "{resourceGroup}"
)

// call evaluates one function call. Functions that must not evaluate all their
// arguments (if, and, or, coalesce, lambdas) are handled before the others.
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
	case "map", "filter", "sort", "reduce", "toobject", "groupby", "mapvalues":
		return e.fnLambda(c, sc, loc)
	case "lambda":
		return nil, fmt.Errorf("lambda() can only be an argument of map, filter, sort, reduce or toObject")
	}
	if uf, ok := e.funcs[c.name]; ok {
		return e.userCall(uf, c, sc, loc)
	}
	args := make([]*iac.Value, len(c.args))
	for i, a := range c.args {
		v, err := e.eval(a, sc, loc)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	if !lenient[c.name] {
		for _, a := range args {
			if a.IsUnknown() {
				return a, nil
			}
		}
	}
	v, err := e.builtin(c, args, sc, loc)
	if err == nil && v != nil {
		// Values that double at each step (concat(v, v) through a chain of
		// variables) would otherwise exhaust memory.
		switch {
		case v.Kind == iac.String && len(v.Str) > maxStringLen:
			return nil, fmt.Errorf("%s: result longer than %d bytes", c.orig, maxStringLen)
		case v.Kind == iac.Array && len(v.Items) > maxArrayLen:
			return nil, fmt.Errorf("%s: result longer than %d items", c.orig, maxArrayLen)
		}
	}
	return v, err
}

// Limits on values built by expressions.
const (
	maxStringLen = 1 << 20
	maxArrayLen  = 100000
)

// lenient functions accept Unknown arguments themselves; every other function gives
// Unknown as soon as an argument is Unknown.
var lenient = map[string]bool{
	"createarray": true, "createobject": true, "array": true, "uniquestring": true,
	"guid": true, "equals": true, "contains": true, "reference": true, "list": true,
	"listkeys": true, "listsecrets": true, "listaccountsas": true, "listservicesas": true,
	"listconnectionstrings": true, "pickzones": true, "union": true, "concat": true,
	"length": true, "empty": true, "resourceid": true, "subscriptionresourceid": true,
	"extensionresourceid": true, "managementgroupresourceid": true, "tenantresourceid": true,
}

func argc(c *call, args []*iac.Value, lo, hi int) error {
	if len(args) < lo || (hi >= 0 && len(args) > hi) {
		switch {
		case lo == hi:
			return fmt.Errorf("%s expects %d argument(s), got %d", c.orig, lo, len(args))
		case hi < 0:
			return fmt.Errorf("%s expects at least %d argument(s), got %d", c.orig, lo, len(args))
		}
		return fmt.Errorf("%s expects %d to %d arguments, got %d", c.orig, lo, hi, len(args))
	}
	return nil
}

func (e *evaluator) builtin(c *call, args []*iac.Value, sc *scope, loc awaf.Location) (*iac.Value, error) {
	str := func(i int) (string, error) {
		if args[i].Kind != iac.String {
			return "", fmt.Errorf("%s: argument %d must be a string, found %s", c.orig, i+1, args[i].Kind)
		}
		return args[i].Str, nil
	}
	num := func(i int) (float64, error) {
		n, _, ok := args[i].AsNumber()
		if !ok || args[i].Kind == iac.String && c.name != "int" {
			return 0, fmt.Errorf("%s: argument %d must be a number, found %s", c.orig, i+1, args[i].Kind)
		}
		return n, nil
	}
	S := func(s string) *iac.Value { return iac.NewString(s, loc) }
	N := func(n float64) *iac.Value { return iac.NewNumber(n, loc) }
	B := func(b bool) *iac.Value { return iac.NewBool(b, loc) }
	unknown := func(why string) *iac.Value { return iac.NewUnknown(why, loc) }

	switch c.name {
	case "parameters":
		if err := argc(c, args, 1, 1); err != nil {
			return nil, err
		}
		name, err := str(0)
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
	case "variables":
		if err := argc(c, args, 1, 1); err != nil {
			return nil, err
		}
		name, err := str(0)
		if err != nil {
			return nil, err
		}
		return e.variable(name, loc)
	case "true":
		return B(true), nil
	case "false":
		return B(false), nil
	case "null":
		return iac.NewNull(loc), nil
	case "concat":
		return fnConcat(c, args, loc)
	case "format":
		if err := argc(c, args, 1, -1); err != nil {
			return nil, err
		}
		f, err := str(0)
		if err != nil {
			return nil, err
		}
		for _, a := range args[1:] {
			if a.IsUnknown() {
				return a, nil
			}
		}
		s, err := dotnetFormat(f, args[1:])
		if err != nil {
			return nil, fmt.Errorf("format: %w", err)
		}
		return S(s), nil
	case "equals":
		if err := argc(c, args, 2, 2); err != nil {
			return nil, err
		}
		eq, known := iac.Equal(args[0], args[1])
		if !known {
			return unknownOf(args, loc), nil
		}
		return B(eq), nil
	case "not":
		if err := argc(c, args, 1, 1); err != nil {
			return nil, err
		}
		if args[0].Kind != iac.Bool {
			return nil, fmt.Errorf("not: expected a bool, found %s", args[0].Kind)
		}
		return B(!args[0].Bool), nil
	case "greater", "greaterorequals", "less", "lessorequals":
		if err := argc(c, args, 2, 2); err != nil {
			return nil, err
		}
		cmp, err := compare(args[0], args[1])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.orig, err)
		}
		switch c.name {
		case "greater":
			return B(cmp > 0), nil
		case "greaterorequals":
			return B(cmp >= 0), nil
		case "less":
			return B(cmp < 0), nil
		}
		return B(cmp <= 0), nil
	case "empty":
		if err := argc(c, args, 1, 1); err != nil {
			return nil, err
		}
		a := args[0]
		switch a.Kind {
		case iac.Unknown:
			return a, nil
		case iac.Null:
			return B(true), nil
		case iac.String:
			return B(a.Str == ""), nil
		case iac.Array:
			return B(len(a.Items) == 0), nil
		case iac.Object:
			return B(len(a.Keys) == 0), nil
		}
		return B(false), nil
	case "contains":
		if err := argc(c, args, 2, 2); err != nil {
			return nil, err
		}
		return fnContains(args[0], args[1], loc)
	case "length":
		if err := argc(c, args, 1, 1); err != nil {
			return nil, err
		}
		switch a := args[0]; a.Kind {
		case iac.Unknown:
			return a, nil
		case iac.String:
			return N(float64(len([]rune(a.Str)))), nil
		case iac.Array:
			return N(float64(len(a.Items))), nil
		case iac.Object:
			return N(float64(len(a.Keys))), nil
		}
		return nil, fmt.Errorf("length: expected a string, array or object, found %s", args[0].Kind)
	case "tolower", "toupper", "trim", "base64", "base64tostring", "base64tojson", "uricomponent", "uricomponenttostring":
		if err := argc(c, args, 1, 1); err != nil {
			return nil, err
		}
		s, err := str(0)
		if err != nil {
			return nil, err
		}
		switch c.name {
		case "tolower":
			return S(strings.ToLower(s)), nil
		case "toupper":
			return S(strings.ToUpper(s)), nil
		case "trim":
			return S(strings.TrimSpace(s)), nil
		case "base64":
			return S(base64.StdEncoding.EncodeToString([]byte(s))), nil
		case "uricomponent":
			return S(url.QueryEscape(s)), nil
		case "uricomponenttostring":
			u, err := url.QueryUnescape(s)
			if err != nil {
				return nil, fmt.Errorf("uriComponentToString: %w", err)
			}
			return S(u), nil
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.orig, err)
		}
		if c.name == "base64tojson" {
			return decodeJSONString(string(b), loc)
		}
		return S(string(b)), nil
	case "replace":
		if err := argc(c, args, 3, 3); err != nil {
			return nil, err
		}
		s, err := str(0)
		if err != nil {
			return nil, err
		}
		o, err := str(1)
		if err != nil {
			return nil, err
		}
		n, err := str(2)
		if err != nil {
			return nil, err
		}
		return S(strings.ReplaceAll(s, o, n)), nil
	case "substring":
		if err := argc(c, args, 2, 3); err != nil {
			return nil, err
		}
		s, err := str(0)
		if err != nil {
			return nil, err
		}
		start, err := num(1)
		if err != nil {
			return nil, err
		}
		r := []rune(s)
		n := float64(len(r)) - start
		if len(args) == 3 {
			if n, err = num(2); err != nil {
				return nil, err
			}
		}
		if start < 0 || n < 0 || int(start)+int(n) > len(r) {
			return nil, fmt.Errorf("substring: start %v and length %v fall outside %q", start, n, s)
		}
		return S(string(r[int(start) : int(start)+int(n)])), nil
	case "split":
		if err := argc(c, args, 2, 2); err != nil {
			return nil, err
		}
		s, err := str(0)
		if err != nil {
			return nil, err
		}
		var seps []string
		switch d := args[1]; d.Kind {
		case iac.String:
			seps = []string{d.Str}
		case iac.Array:
			for _, it := range d.Items {
				if it.Kind != iac.String {
					return nil, fmt.Errorf("split: delimiters must be strings")
				}
				seps = append(seps, it.Str)
			}
		default:
			return nil, fmt.Errorf("split: expected a string or array of delimiters")
		}
		parts := splitAny(s, seps)
		items := make([]*iac.Value, len(parts))
		for i, p := range parts {
			items[i] = S(p)
		}
		return iac.NewArray(loc, items...), nil
	case "join":
		if err := argc(c, args, 2, 2); err != nil {
			return nil, err
		}
		if args[0].Kind != iac.Array {
			return nil, fmt.Errorf("join: expected an array, found %s", args[0].Kind)
		}
		sep, err := str(1)
		if err != nil {
			return nil, err
		}
		parts := make([]string, len(args[0].Items))
		for i, it := range args[0].Items {
			if it.IsUnknown() {
				return it, nil
			}
			parts[i] = toText(it)
		}
		return S(strings.Join(parts, sep)), nil
	case "first", "last":
		if err := argc(c, args, 1, 1); err != nil {
			return nil, err
		}
		switch a := args[0]; a.Kind {
		case iac.String:
			r := []rune(a.Str)
			if len(r) == 0 {
				return S(""), nil
			}
			if c.name == "first" {
				return S(string(r[0])), nil
			}
			return S(string(r[len(r)-1])), nil
		case iac.Array:
			if len(a.Items) == 0 {
				return iac.NewNull(loc), nil
			}
			if c.name == "first" {
				return a.Items[0], nil
			}
			return a.Items[len(a.Items)-1], nil
		}
		return nil, fmt.Errorf("%s: expected a string or array, found %s", c.orig, args[0].Kind)
	case "indexof", "lastindexof":
		if err := argc(c, args, 2, 2); err != nil {
			return nil, err
		}
		if args[0].Kind == iac.Array {
			idx := -1
			for i, it := range args[0].Items {
				if eq, _ := iac.Equal(it, args[1]); eq {
					idx = i
					if c.name == "indexof" {
						break
					}
				}
			}
			return N(float64(idx)), nil
		}
		s, err := str(0)
		if err != nil {
			return nil, err
		}
		sub, err := str(1)
		if err != nil {
			return nil, err
		}
		// ARM compares case-insensitively here.
		s, sub = strings.ToLower(s), strings.ToLower(sub)
		i := strings.Index(s, sub)
		if c.name == "lastindexof" {
			i = strings.LastIndex(s, sub)
		}
		if i >= 0 {
			i = len([]rune(s[:i]))
		}
		return N(float64(i)), nil
	case "startswith", "endswith":
		if err := argc(c, args, 2, 2); err != nil {
			return nil, err
		}
		s, err := str(0)
		if err != nil {
			return nil, err
		}
		x, err := str(1)
		if err != nil {
			return nil, err
		}
		s, x = strings.ToLower(s), strings.ToLower(x)
		if c.name == "startswith" {
			return B(strings.HasPrefix(s, x)), nil
		}
		return B(strings.HasSuffix(s, x)), nil
	case "padleft":
		if err := argc(c, args, 2, 3); err != nil {
			return nil, err
		}
		s := toText(args[0])
		n, err := num(1)
		if err != nil {
			return nil, err
		}
		pad := " "
		if len(args) == 3 {
			if pad, err = str(2); err != nil || pad == "" {
				return nil, fmt.Errorf("padLeft: expected a padding character")
			}
		}
		if n > 10000 {
			return nil, fmt.Errorf("padLeft: width %v is above 10000", n)
		}
		if k := int(n) - len([]rune(s)); k > 0 {
			s = strings.Repeat(pad[:1], k) + s
		}
		return S(s), nil
	case "string":
		if err := argc(c, args, 1, 1); err != nil {
			return nil, err
		}
		if args[0].Kind == iac.String {
			return args[0], nil
		}
		return S(toText(args[0])), nil
	case "int":
		if err := argc(c, args, 1, 1); err != nil {
			return nil, err
		}
		n, err := num(0)
		if err != nil {
			return nil, err
		}
		return N(math.Trunc(n)), nil
	case "float":
		if err := argc(c, args, 1, 1); err != nil {
			return nil, err
		}
		n, _, ok := args[0].AsNumber()
		if !ok {
			return nil, fmt.Errorf("float: expected a number or numeric string")
		}
		return N(n), nil
	case "bool":
		if err := argc(c, args, 1, 1); err != nil {
			return nil, err
		}
		if args[0].Kind == iac.Number {
			return B(args[0].Number != 0), nil
		}
		b, _, ok := args[0].AsBool()
		if !ok {
			return nil, fmt.Errorf("bool: cannot convert %s", args[0])
		}
		return B(b), nil
	case "json":
		if err := argc(c, args, 1, 1); err != nil {
			return nil, err
		}
		s, err := str(0)
		if err != nil {
			return nil, err
		}
		return decodeJSONString(s, loc)
	case "createarray":
		return iac.NewArray(loc, args...), nil
	case "createobject":
		if len(args)%2 != 0 {
			return nil, fmt.Errorf("createObject expects name/value pairs, got %d arguments", len(args))
		}
		o := iac.NewObject(loc)
		for i := 0; i < len(args); i += 2 {
			if args[i].IsUnknown() {
				return args[i], nil
			}
			k, err := str(i)
			if err != nil {
				return nil, err
			}
			o.Set(k, args[i+1])
		}
		return o, nil
	case "array":
		if err := argc(c, args, 1, 1); err != nil {
			return nil, err
		}
		if args[0].Kind == iac.Array {
			return args[0], nil
		}
		return iac.NewArray(loc, args[0]), nil
	case "union", "intersection", "shallowmerge":
		return fnSetOp(c, args, loc)
	case "flatten":
		if err := argc(c, args, 1, 1); err != nil {
			return nil, err
		}
		if args[0].Kind != iac.Array {
			return nil, fmt.Errorf("flatten: expected an array")
		}
		var items []*iac.Value
		for _, it := range args[0].Items {
			if it.Kind == iac.Unknown {
				return it, nil
			}
			if it.Kind != iac.Array {
				return nil, fmt.Errorf("flatten: expected an array of arrays")
			}
			items = append(items, it.Items...)
		}
		return iac.NewArray(loc, items...), nil
	case "take", "skip":
		if err := argc(c, args, 2, 2); err != nil {
			return nil, err
		}
		n, err := num(1)
		if err != nil {
			return nil, err
		}
		k := int(n)
		switch a := args[0]; a.Kind {
		case iac.String:
			r := []rune(a.Str)
			k = max(0, min(k, len(r)))
			if c.name == "take" {
				return S(string(r[:k])), nil
			}
			return S(string(r[k:])), nil
		case iac.Array:
			k = max(0, min(k, len(a.Items)))
			if c.name == "take" {
				return iac.NewArray(loc, a.Items[:k]...), nil
			}
			return iac.NewArray(loc, a.Items[k:]...), nil
		}
		return nil, fmt.Errorf("%s: expected a string or array", c.orig)
	case "range":
		if err := argc(c, args, 2, 2); err != nil {
			return nil, err
		}
		start, err := num(0)
		if err != nil {
			return nil, err
		}
		n, err := num(1)
		if err != nil {
			return nil, err
		}
		if n < 0 || n > 10000 {
			return nil, fmt.Errorf("range: count %v must be between 0 and 10000", n)
		}
		items := make([]*iac.Value, int(n))
		for i := range items {
			items[i] = N(start + float64(i))
		}
		return iac.NewArray(loc, items...), nil
	case "min", "max":
		vals := args
		if len(args) == 1 && args[0].Kind == iac.Array {
			vals = args[0].Items
		}
		if len(vals) == 0 {
			return nil, fmt.Errorf("%s: expected at least one number", c.orig)
		}
		best := math.NaN()
		for _, v := range vals {
			if v.IsUnknown() {
				return v, nil
			}
			if v.Kind != iac.Number {
				return nil, fmt.Errorf("%s: expected numbers, found %s", c.orig, v.Kind)
			}
			if math.IsNaN(best) || (c.name == "min" && v.Number < best) || (c.name == "max" && v.Number > best) {
				best = v.Number
			}
		}
		return N(best), nil
	case "add", "sub", "mul", "div", "mod":
		if err := argc(c, args, 2, 2); err != nil {
			return nil, err
		}
		a, err := num(0)
		if err != nil {
			return nil, err
		}
		b, err := num(1)
		if err != nil {
			return nil, err
		}
		switch c.name {
		case "add":
			return N(a + b), nil
		case "sub":
			return N(a - b), nil
		case "mul":
			return N(a * b), nil
		}
		if b == 0 {
			return nil, fmt.Errorf("%s: division by zero", c.orig)
		}
		if c.name == "div" {
			return N(math.Trunc(a / b)), nil
		}
		return N(math.Mod(a, b)), nil
	case "resourceid", "subscriptionresourceid", "tenantresourceid", "extensionresourceid", "managementgroupresourceid":
		s, err := resourceIDFunc(c, args)
		if u, ok := err.(errUnknownName); ok {
			return u.v, nil
		}
		if err != nil {
			return nil, err
		}
		return S(s), nil
	case "resourcegroup":
		o := iac.NewObject(loc)
		o.Set("id", S("/subscriptions/"+subscriptionPlaceholder+"/resourceGroups/"+resourceGroupPlaceholder))
		o.Set("name", unknown("resourceGroup().name is known at deployment"))
		o.Set("type", S("Microsoft.Resources/resourceGroups"))
		o.Set("location", unknown("resourceGroup().location is known at deployment"))
		o.Set("managedBy", unknown("resourceGroup().managedBy is known at deployment"))
		o.Set("tags", unknown("resourceGroup().tags are known at deployment"))
		o.Set("properties", unknown("resourceGroup().properties are known at deployment"))
		return o, nil
	case "subscription":
		o := iac.NewObject(loc)
		o.Set("id", S("/subscriptions/"+subscriptionPlaceholder))
		o.Set("subscriptionId", unknown("subscription().subscriptionId is known at deployment"))
		o.Set("tenantId", unknown("subscription().tenantId is known at deployment"))
		o.Set("displayName", unknown("subscription().displayName is known at deployment"))
		return o, nil
	case "tenant":
		o := iac.NewObject(loc)
		o.Set("tenantId", unknown("tenant().tenantId is known at deployment"))
		o.Set("displayName", unknown("tenant().displayName is known at deployment"))
		return o, nil
	case "managementgroup":
		return unknown("managementGroup() is known at deployment"), nil
	case "deployment":
		o := iac.NewObject(loc)
		o.Set("name", unknown("deployment().name is known at deployment"))
		o.Set("location", unknown("deployment().location is known at deployment"))
		o.Set("properties", unknown("deployment().properties are known at deployment"))
		return o, nil
	case "environment":
		return unknown("environment() depends on the target cloud"), nil
	case "uniquestring":
		return S(placeholder("uniq-", args)[:13]), nil
	case "guid":
		h := placeholder("", args)
		h = (h + h + h + h)[:32]
		return S(h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]), nil
	case "newguid", "utcnow":
		return unknown(c.orig + "() is known at deployment"), nil
	case "datetimeadd":
		if err := argc(c, args, 2, 3); err != nil {
			return nil, err
		}
		base, err := str(0)
		if err != nil {
			return nil, err
		}
		dur, err := str(1)
		if err != nil {
			return nil, err
		}
		var format *string
		if len(args) == 3 {
			f, err := str(2)
			if err != nil {
				return nil, err
			}
			format = &f
		}
		out, err := DateTimeAdd(base, dur, format)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.orig, err)
		}
		return S(out), nil
	case "datetimetoepoch":
		if err := argc(c, args, 1, 1); err != nil {
			return nil, err
		}
		s, err := str(0)
		if err != nil {
			return nil, err
		}
		n, err := DateTimeToEpoch(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.orig, err)
		}
		return N(float64(n)), nil
	case "datetimefromepoch":
		if err := argc(c, args, 1, 1); err != nil {
			return nil, err
		}
		if args[0].Kind != iac.Number {
			return nil, fmt.Errorf("%s: argument 1 must be an integer, found %s", c.orig, args[0].Kind)
		}
		out, err := DateTimeFromEpoch(args[0].Number)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.orig, err)
		}
		return S(out), nil
	case "reference":
		if outs := e.deploymentOutputs(args); outs != nil {
			props := iac.NewObject(loc)
			props.Set("outputs", outs)
			if len(args) == 3 && strings.EqualFold(toText(args[2]), "full") {
				full := iac.NewObject(loc)
				full.Set("properties", props)
				return full, nil
			}
			return props, nil
		}
		return unknown(c.orig + "() is known after deployment"), nil
	case "pickzones", "listkeys", "list":
		return unknown(c.orig + "() is known after deployment"), nil
	case "items":
		if err := argc(c, args, 1, 1); err != nil {
			return nil, err
		}
		if args[0].Kind != iac.Object {
			return nil, fmt.Errorf("items: expected an object, found %s", args[0].Kind)
		}
		keys := append([]string(nil), args[0].Keys...)
		sort.Slice(keys, func(i, j int) bool { return strings.ToLower(keys[i]) < strings.ToLower(keys[j]) })
		items := make([]*iac.Value, len(keys))
		for i, k := range keys {
			o := iac.NewObject(loc)
			o.Set("key", S(k))
			o.Set("value", args[0].Fields[k])
			items[i] = o
		}
		return iac.NewArray(loc, items...), nil
	case "objectkeys":
		if err := argc(c, args, 1, 1); err != nil {
			return nil, err
		}
		if args[0].Kind != iac.Object {
			return nil, fmt.Errorf("objectKeys: expected an object")
		}
		items := make([]*iac.Value, len(args[0].Keys))
		for i, k := range args[0].Keys {
			items[i] = S(k)
		}
		return iac.NewArray(loc, items...), nil
	case "tryget":
		if err := argc(c, args, 2, -1); err != nil {
			return nil, err
		}
		cur := args[0]
		for _, k := range args[1:] {
			if cur.Kind == iac.Null {
				return cur, nil
			}
			if cur.Kind == iac.Array && k.Kind == iac.Number {
				if it := cur.Index(int(k.Number)); it != nil {
					cur = it
					continue
				}
				return iac.NewNull(loc), nil
			}
			f := cur.Field(toText(k))
			if f == nil || cur.Kind != iac.Object {
				return iac.NewNull(loc), nil
			}
			cur = f
		}
		return cur, nil
	case "parsecidr":
		if err := argc(c, args, 1, 1); err != nil {
			return nil, err
		}
		s, err := str(0)
		if err != nil {
			return nil, err
		}
		return fnParseCidr(s, loc)
	case "cidrsubnet", "cidrhost":
		if err := argc(c, args, 2, 3); err != nil {
			return nil, err
		}
		s, err := str(0)
		if err != nil {
			return nil, err
		}
		a, err := num(1)
		if err != nil {
			return nil, err
		}
		var out string
		if c.name == "cidrhost" {
			out, err = fnCidrHost(s, a)
		} else {
			if len(args) != 3 {
				return nil, fmt.Errorf("cidrSubnet expects 3 arguments")
			}
			b, nerr := num(2)
			if nerr != nil {
				return nil, nerr
			}
			out, err = fnCidrSubnet(s, a, b)
		}
		if err != nil {
			return nil, err
		}
		return S(out), nil
	case "uri":
		if err := argc(c, args, 2, 2); err != nil {
			return nil, err
		}
		base, err := str(0)
		if err != nil {
			return nil, err
		}
		rel, err := str(1)
		if err != nil {
			return nil, err
		}
		b, err := url.Parse(base)
		if err != nil {
			return nil, fmt.Errorf("uri: %w", err)
		}
		r, err := url.Parse(rel)
		if err != nil {
			return nil, fmt.Errorf("uri: %w", err)
		}
		return S(b.ResolveReference(r).String()), nil
	}
	if strings.HasPrefix(c.name, "list") {
		return unknown(c.orig + "() is known after deployment"), nil
	}
	return nil, errUnsupported{c.orig}
}

func unknownOf(args []*iac.Value, loc awaf.Location) *iac.Value {
	for _, a := range args {
		if u := a.FirstUnknown(); u != nil {
			return u.At(loc)
		}
	}
	return iac.NewUnknown("unknown", loc)
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
		out := make([]*iac.Value, len(items))
		for i, it := range items {
			v, err := apply(it, iac.NewNumber(float64(i), loc))
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return iac.NewArray(loc, out...), nil
	case "filter":
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
	case "sort":
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
	case "reduce":
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
	case "toobject":
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
			o.Set(toText(k), val)
		}
		return o, nil
	case "mapvalues":
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
	return nil, errUnsupported{c.orig}
}

func fnConcat(c *call, args []*iac.Value, loc awaf.Location) (*iac.Value, error) {
	if len(args) == 0 {
		return iac.NewString("", loc), nil
	}
	for _, a := range args {
		if a.IsUnknown() {
			return a, nil
		}
	}
	if args[0].Kind == iac.Array {
		var items []*iac.Value
		for _, a := range args {
			switch a.Kind {
			case iac.Array:
				items = append(items, a.Items...)
			case iac.Null:
			default:
				return nil, fmt.Errorf("concat: cannot mix arrays and %s", a.Kind)
			}
		}
		return iac.NewArray(loc, items...), nil
	}
	var b strings.Builder
	for _, a := range args {
		if a.Kind == iac.Array || a.Kind == iac.Object {
			return nil, fmt.Errorf("concat: cannot mix strings and %s", a.Kind)
		}
		b.WriteString(toText(a))
	}
	return iac.NewString(b.String(), loc), nil
}

func fnContains(container, item *iac.Value, loc awaf.Location) (*iac.Value, error) {
	if container.IsUnknown() {
		return container, nil
	}
	switch container.Kind {
	case iac.String:
		if item.IsUnknown() {
			return item, nil
		}
		return iac.NewBool(strings.Contains(container.Str, toText(item)), loc), nil
	case iac.Object:
		if item.IsUnknown() {
			return item, nil
		}
		return iac.NewBool(container.Field(toText(item)) != nil, loc), nil
	case iac.Array:
		var unk *iac.Value
		for _, it := range container.Items {
			eq, known := iac.Equal(it, item)
			if known && eq {
				return iac.NewBool(true, loc), nil
			}
			if !known && unk == nil {
				unk = unknownOf([]*iac.Value{it, item}, loc)
			}
		}
		if unk != nil {
			return unk, nil
		}
		return iac.NewBool(false, loc), nil
	case iac.Null:
		return iac.NewBool(false, loc), nil
	}
	return nil, fmt.Errorf("contains: expected a string, array or object, found %s", container.Kind)
}

// fnSetOp is union, intersection and shallowMerge. union merges objects deeply (later
// wins) and arrays without duplicates.
func fnSetOp(c *call, args []*iac.Value, loc awaf.Location) (*iac.Value, error) {
	if c.name == "shallowmerge" {
		if len(args) != 1 || args[0].Kind != iac.Array {
			return nil, fmt.Errorf("shallowMerge expects an array of objects")
		}
		args = args[0].Items
	}
	if len(args) == 0 {
		return nil, fmt.Errorf("%s expects at least one argument", c.orig)
	}
	for _, a := range args {
		if a.IsUnknown() {
			return a, nil
		}
	}
	switch args[0].Kind {
	case iac.Object:
		out := iac.NewObject(loc)
		for i, a := range args {
			if a.Kind != iac.Object {
				return nil, fmt.Errorf("%s: argument %d must be an object, found %s", c.orig, i+1, a.Kind)
			}
			if c.name == "intersection" && i > 0 {
				for _, k := range append([]string(nil), out.Keys...) {
					if eq, _ := iac.Equal(out.Field(k), a.Field(k)); !eq {
						out.Delete(k)
					}
				}
				continue
			}
			for _, k := range a.Keys {
				prev := out.Field(k)
				next := a.Fields[k]
				if c.name == "union" && prev != nil && prev.Kind == iac.Object && next.Kind == iac.Object {
					merged, _ := fnSetOp(c, []*iac.Value{prev, next}, next.Loc)
					out.Set(k, merged)
					continue
				}
				out.Set(k, next)
			}
		}
		return out, nil
	case iac.Array:
		var out []*iac.Value
		has := func(list []*iac.Value, v *iac.Value) bool {
			for _, x := range list {
				if eq, _ := iac.Equal(x, v); eq {
					return true
				}
			}
			return false
		}
		for i, a := range args {
			if a.Kind != iac.Array {
				return nil, fmt.Errorf("%s: argument %d must be an array, found %s", c.orig, i+1, a.Kind)
			}
			if c.name == "intersection" && i > 0 {
				var keep []*iac.Value
				for _, x := range out {
					if has(a.Items, x) {
						keep = append(keep, x)
					}
				}
				out = keep
				continue
			}
			for _, it := range a.Items {
				if !has(out, it) {
					out = append(out, it)
				}
			}
		}
		return iac.NewArray(loc, out...), nil
	}
	return nil, fmt.Errorf("%s: expected objects or arrays, found %s", c.orig, args[0].Kind)
}

func compare(a, b *iac.Value) (int, error) {
	switch {
	case a.Kind == iac.Number && b.Kind == iac.Number:
		switch {
		case a.Number < b.Number:
			return -1, nil
		case a.Number > b.Number:
			return 1, nil
		}
		return 0, nil
	case a.Kind == iac.String && b.Kind == iac.String:
		return strings.Compare(a.Str, b.Str), nil
	}
	return 0, fmt.Errorf("cannot compare %s with %s", a.Kind, b.Kind)
}

// toText renders a value the way ARM does when it needs a string.
func toText(v *iac.Value) string {
	switch v.Kind {
	case iac.String:
		return v.Str
	case iac.Number:
		if iac.IsInteger(v.Number) {
			return strconv.FormatInt(int64(v.Number), 10)
		}
		return strconv.FormatFloat(v.Number, 'g', -1, 64)
	case iac.Bool:
		if v.Bool {
			return "True"
		}
		return "False"
	case iac.Null:
		return ""
	}
	return v.String()
}

func splitAny(s string, seps []string) []string {
	var out []string
	for {
		best, bestLen := -1, 0
		for _, sep := range seps {
			if sep == "" {
				continue
			}
			if i := strings.Index(s, sep); i >= 0 && (best < 0 || i < best) {
				best, bestLen = i, len(sep)
			}
		}
		if best < 0 {
			return append(out, s)
		}
		out = append(out, s[:best])
		s = s[best+bestLen:]
	}
}

func decodeJSONString(s string, loc awaf.Location) (*iac.Value, error) {
	v, err := iac.DecodeJSON(loc.File, []byte(s))
	if err != nil {
		return nil, fmt.Errorf("json: the string is not valid JSON: %v", err)
	}
	return relocate(v, loc), nil
}

// relocate moves a value built from expression text to the expression's place.
func relocate(v *iac.Value, loc awaf.Location) *iac.Value {
	v.Loc = loc
	for _, it := range v.Items {
		relocate(it, loc)
	}
	for _, f := range v.Fields {
		relocate(f, loc)
	}
	return v
}

// placeholder is a stable stand-in for uniqueString and guid: the same arguments give
// the same text, as with the real functions, but nobody mistakes it for a real value.
func placeholder(prefix string, args []*iac.Value) string {
	h := fnv.New64a()
	for _, a := range args {
		if a.IsUnknown() {
			h.Write([]byte("?" + a.Why))
		} else {
			h.Write([]byte(toText(a)))
		}
		h.Write([]byte{0})
	}
	return fmt.Sprintf("%s%016x", prefix, h.Sum64())
}

// dotnetFormat implements the composite format strings ARM's format() takes:
// "{0}", "{1:D3}", "{0,-5}", with "{{" and "}}" for braces.
func dotnetFormat(f string, args []*iac.Value) (string, error) {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		ch := f[i]
		if ch == '}' {
			if i+1 < len(f) && f[i+1] == '}' {
				i++
			}
			b.WriteByte('}')
			continue
		}
		if ch != '{' {
			b.WriteByte(ch)
			continue
		}
		if i+1 < len(f) && f[i+1] == '{' {
			b.WriteByte('{')
			i++
			continue
		}
		end := strings.IndexByte(f[i:], '}')
		if end < 0 {
			return "", fmt.Errorf("unclosed '{' in format string %q", f)
		}
		spec := f[i+1 : i+end]
		i += end
		var align, format string
		if k := strings.IndexByte(spec, ':'); k >= 0 {
			spec, format = spec[:k], spec[k+1:]
		}
		if k := strings.IndexByte(spec, ','); k >= 0 {
			spec, align = spec[:k], strings.TrimSpace(spec[k+1:])
		}
		n, err := strconv.Atoi(strings.TrimSpace(spec))
		if err != nil || n < 0 {
			return "", fmt.Errorf("bad placeholder {%s} in %q", spec, f)
		}
		if n >= len(args) {
			return "", fmt.Errorf("placeholder {%d} has no argument", n)
		}
		s := formatOne(args[n], format)
		if align != "" {
			w, err := strconv.Atoi(align)
			if err == nil {
				for len(s) < abs(w) {
					if w > 0 {
						s = " " + s
					} else {
						s += " "
					}
				}
			}
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

func formatOne(v *iac.Value, format string) string {
	if v.Kind == iac.Number && format != "" {
		width, _ := strconv.Atoi(format[1:])
		switch format[0] {
		case 'D', 'd':
			return fmt.Sprintf("%0*d", width, int64(v.Number))
		case 'X':
			return fmt.Sprintf("%0*X", width, int64(v.Number))
		case 'x':
			return fmt.Sprintf("%0*x", width, int64(v.Number))
		case 'N', 'n', 'F', 'f':
			return strconv.FormatFloat(v.Number, 'f', width, 64)
		}
	}
	return toText(v)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// resourceIDFunc builds the ids resourceId() and its relatives return. Parts the
// deployment decides (subscription, resource group) become placeholders.
func resourceIDFunc(c *call, args []*iac.Value) (string, error) {
	strs := make([]string, len(args))
	for i, a := range args {
		switch a.Kind {
		case iac.String:
			strs[i] = a.Str
		case iac.Unknown:
			strs[i] = "" // decided below: a scope part becomes a placeholder
		default:
			strs[i] = toText(a)
		}
	}
	typeAt := -1
	start := 0
	if c.name == "extensionresourceid" {
		start = 1
	}
	for i := start; i < len(strs); i++ {
		if looksLikeType(strs[i]) {
			typeAt = i
			break
		}
	}
	if typeAt < 0 {
		for _, a := range args {
			if a.IsUnknown() {
				return "", errUnknownName{a} // the type may be the unknown part
			}
		}
		return "", fmt.Errorf("%s: expected a resource type such as 'Microsoft.Storage/storageAccounts'", c.orig)
	}
	names := []string{}
	for i, s := range strs[typeAt+1:] {
		if args[typeAt+1+i].IsUnknown() {
			return "", errUnknownName{args[typeAt+1+i]}
		}
		names = append(names, strings.Split(s, "/")...)
	}
	segs := strings.Split(strs[typeAt], "/")
	if len(segs)-1 != len(names) {
		return "", fmt.Errorf("%s: type %s needs %d name segment(s), got %d", c.orig, strs[typeAt], len(segs)-1, len(names))
	}
	tail := providerPath(segs, names)
	scopePart := func(i int, ph string) string {
		if args[i].IsUnknown() || strs[i] == "" {
			return ph
		}
		return strs[i]
	}
	switch c.name {
	case "resourceid":
		sub, rg := subscriptionPlaceholder, resourceGroupPlaceholder
		switch typeAt {
		case 1:
			rg = scopePart(0, rg)
		case 2:
			sub, rg = scopePart(0, sub), scopePart(1, rg)
		}
		return "/subscriptions/" + sub + "/resourceGroups/" + rg + tail, nil
	case "subscriptionresourceid":
		sub := subscriptionPlaceholder
		if typeAt == 1 {
			sub = scopePart(0, sub)
		}
		return "/subscriptions/" + sub + tail, nil
	case "managementgroupresourceid":
		mg := "{managementGroup}"
		if typeAt == 1 {
			mg = scopePart(0, mg)
		}
		return "/providers/Microsoft.Management/managementGroups/" + mg + tail, nil
	case "extensionresourceid":
		if len(args) == 0 || args[0].IsUnknown() {
			if len(args) > 0 {
				return "", errUnknownName{args[0]}
			}
			return "", fmt.Errorf("extensionResourceId needs a resource id")
		}
		return strings.TrimSuffix(strs[0], "/") + tail, nil
	}
	return tail, nil
}

func providerPath(typeSegs, names []string) string {
	var b strings.Builder
	b.WriteString("/providers/")
	b.WriteString(typeSegs[0])
	for i, n := range names {
		b.WriteByte('/')
		b.WriteString(typeSegs[i+1])
		b.WriteByte('/')
		b.WriteString(n)
	}
	return b.String()
}

// looksLikeType reports whether s is "Namespace.Provider/type[/child...]".
func looksLikeType(s string) bool {
	slash := strings.IndexByte(s, '/')
	return slash > 0 && strings.Contains(s[:slash], ".") && !strings.HasPrefix(s, "/")
}

// errUnknownName reports a resource id that depends on an unknown name; call sites turn
// it into that Unknown rather than an error.
type errUnknownName struct{ v *iac.Value }

func (e errUnknownName) Error() string { return e.v.Why }

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
