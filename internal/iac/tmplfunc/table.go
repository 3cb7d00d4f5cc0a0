// Package tmplfunc is the one library of ARM template functions, shared by the ARM
// JSON and the Bicep front ends: a table from function name to a small Go function
// over evaluated iac.Values. Bicep compiles to ARM and its functions run in ARM's
// runtime, so one implementation gives both front ends the same results.
//
// The front ends keep what depends on their own evaluation: functions that must not
// evaluate all their arguments (if, and, or, the lambda functions), functions that
// read the template's scope (parameters, variables, copyIndex, resourceGroup,
// deployment, reference, list*), and file loading. Everything else is here, in files
// by family: string.go, array.go, object.go, numeric.go, datetime.go, cidr.go and
// resourceid.go.
package tmplfunc

import (
	"fmt"
	"sort"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// Limits on values a function may build, so that values doubling at each step
// (concat(v, v) through a chain of variables) cannot exhaust memory.
const (
	MaxString = 1 << 20
	MaxItems  = 100000
)

// Placeholders for the parts of a resource id that only the deployment knows. Ids
// built with them still identify the resource within the scanned code: a private
// endpoint's privateLinkServiceId and the account it points at get the same string.
const (
	SubscriptionPlaceholder  = "{subscriptionId}"
	ResourceGroupPlaceholder = "{resourceGroup}"
)

// ResourceGroupScope is the id prefix of a resource group deployment, the scope the
// resourceId() function fills in when a template gives no subscription or group.
const ResourceGroupScope = "/subscriptions/" + SubscriptionPlaceholder + "/resourceGroups/" + ResourceGroupPlaceholder

// Call is one call of a template function, its arguments evaluated.
type Call struct {
	// Name is the function's name as the template wrote it, for messages.
	Name string
	// Args may be reused by the caller once the function returns: functions keep the
	// values, never the slice.
	Args []*iac.Value
	// Loc is where the call is; values the function builds are placed there.
	Loc awaf.Location
	// Scope is the id prefix of the deployment scope (ResourceGroupScope for a
	// resource group deployment, "/subscriptions/{subscriptionId}" for a
	// subscription one, "" for a tenant or management group one).
	Scope string
}

// Func is a template function.
type Func func(c Call) (*iac.Value, error)

// Spec is one entry of the table.
type Spec struct {
	// Name is the documented spelling, e.g. "toLower". ARM matches it in any case,
	// Bicep only as written.
	Name string
	// Min and Max bound the argument count; Max < 0 means no upper bound.
	Min, Max int
	Fn       Func
	// Lenient functions take Unknown arguments themselves. For any other, the front
	// end gives the first Unknown argument as the result without calling Fn.
	Lenient bool
	// Bicep is true when Bicep offers the function under the same name. Bicep has
	// operators and literals where ARM has add(), greater(), createArray(), true(),...
	Bicep bool
}

// spec builds a table entry.
func spec(name string, min, max int, fn Func) *Spec {
	return &Spec{Name: name, Min: min, Max: max, Fn: fn, Bicep: true}
}

// armOnly marks a function Bicep writes as an operator or literal.
func (s *Spec) armOnly() *Spec { s.Bicep = false; return s }

// lenient marks a function that handles Unknown arguments itself.
func (s *Spec) lenient() *Spec { s.Lenient = true; return s }

// variadic is the Max of functions without an upper bound on their arguments.
const variadic = -1

// table is every shared function, keyed by its lower-case name; byName keys the same
// entries by their documented spelling.
var table, byName = func() (map[string]*Spec, map[string]*Spec) {
	specs := []*Spec{
		// string.go
		spec("base64", 1, 1, base64Func),
		spec("base64ToJson", 1, 1, base64ToJSON),
		spec("base64ToString", 1, 1, base64ToString),
		spec("concat", 0, variadic, concat).lenient(),
		spec("endsWith", 2, 2, endsWith),
		spec("format", 1, variadic, format),
		spec("guid", 0, variadic, guid).lenient(),
		spec("indexOf", 2, 2, indexOf),
		spec("join", 2, 2, join),
		spec("lastIndexOf", 2, 2, lastIndexOf),
		spec("padLeft", 2, 3, padLeft),
		spec("replace", 3, 3, replace),
		spec("split", 2, 2, split),
		spec("startsWith", 2, 2, startsWith),
		spec("string", 1, 1, stringFunc),
		spec("substring", 2, 3, substring),
		spec("toLower", 1, 1, toLower),
		spec("toUpper", 1, 1, toUpper),
		spec("trim", 1, 1, trim),
		spec("uniqueString", 0, variadic, uniqueString).lenient(),
		spec("uri", 2, 2, uri),
		spec("uriComponent", 1, 1, uriComponent),
		spec("uriComponentToString", 1, 1, uriComponentToString),
		// array.go
		spec("array", 1, 1, array),
		spec("contains", 2, 2, contains).lenient(),
		spec("createArray", 0, variadic, createArray).lenient().armOnly(),
		spec("empty", 1, 1, empty).lenient(),
		spec("first", 1, 1, first),
		spec("flatten", 1, 1, flatten),
		spec("intersection", 0, variadic, intersection),
		spec("last", 1, 1, last),
		spec("length", 1, 1, length).lenient(),
		spec("range", 2, 2, rangeFunc),
		spec("skip", 2, 2, skip),
		spec("take", 2, 2, take),
		spec("union", 0, variadic, union).lenient(),
		// object.go
		spec("bool", 1, 1, boolFunc),
		spec("coalesce", 0, variadic, coalesce).lenient(),
		spec("createObject", 0, variadic, createObject).lenient().armOnly(),
		spec("equals", 2, 2, equals).lenient(),
		spec("false", 0, variadic, falseFunc).armOnly(),
		spec("items", 1, 1, items),
		spec("json", 1, 1, jsonFunc),
		spec("not", 1, 1, not).armOnly(),
		spec("null", 0, variadic, null).armOnly(),
		spec("objectKeys", 1, 1, objectKeys),
		spec("shallowMerge", 0, variadic, shallowMerge),
		spec("true", 0, variadic, trueFunc).armOnly(),
		spec("tryGet", 2, variadic, tryGet),
		// numeric.go
		spec("add", 2, 2, add).armOnly(),
		spec("div", 2, 2, div).armOnly(),
		spec("float", 1, 1, float).armOnly(),
		spec("greater", 2, 2, greater).armOnly(),
		spec("greaterOrEquals", 2, 2, greaterOrEquals).armOnly(),
		spec("int", 1, 1, intFunc),
		spec("less", 2, 2, less).armOnly(),
		spec("lessOrEquals", 2, 2, lessOrEquals).armOnly(),
		spec("max", 0, variadic, maxFunc),
		spec("min", 0, variadic, minFunc),
		spec("mod", 2, 2, mod).armOnly(),
		spec("mul", 2, 2, mul).armOnly(),
		spec("sub", 2, 2, sub).armOnly(),
		// datetime.go
		spec("dateTimeAdd", 2, 3, dateTimeAdd),
		spec("dateTimeFromEpoch", 1, 1, dateTimeFromEpoch),
		spec("dateTimeToEpoch", 1, 1, dateTimeToEpoch),
		// cidr.go
		spec("cidrHost", 2, 2, cidrHost),
		spec("cidrSubnet", 2, 3, cidrSubnet),
		spec("parseCidr", 1, 1, parseCidr),
		// resourceid.go
		spec("extensionResourceId", 0, variadic, resourceID(extensionID)).lenient(),
		spec("managementGroupResourceId", 0, variadic, resourceID(managementGroupID)).lenient(),
		spec("resourceId", 0, variadic, resourceID(groupID)).lenient(),
		spec("subscriptionResourceId", 0, variadic, resourceID(subscriptionID)).lenient(),
		spec("tenantResourceId", 0, variadic, resourceID(tenantID)).lenient(),
	}
	t := make(map[string]*Spec, len(specs))
	exact := make(map[string]*Spec, len(specs))
	for _, s := range specs {
		t[strings.ToLower(s.Name)] = s
		exact[s.Name] = s
	}
	return t, exact
}()

// Lookup finds a function by its lower-case name, as ARM matches names.
func Lookup(lower string) (*Spec, bool) {
	s, ok := table[lower]
	return s, ok
}

// ByName finds a function by its documented spelling only ("toLower", not
// "tolower"), as Bicep matches names.
func ByName(name string) (*Spec, bool) {
	s, ok := byName[name]
	return s, ok
}

// Specs lists the table in name order.
func Specs() []*Spec {
	out := make([]*Spec, 0, len(table))
	for _, s := range table {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Eval checks the argument count, calls the function and bounds its result. The
// front end has already dealt with Unknown arguments of functions that are not
// Lenient.
func (s *Spec) Eval(c Call) (*iac.Value, error) {
	if n := len(c.Args); n < s.Min || (s.Max >= 0 && n > s.Max) {
		switch {
		case s.Min == s.Max:
			return nil, fmt.Errorf("%s expects %d argument(s), got %d", c.Name, s.Min, n)
		case s.Max < 0:
			return nil, fmt.Errorf("%s expects at least %d argument(s), got %d", c.Name, s.Min, n)
		}
		return nil, fmt.Errorf("%s expects %d to %d arguments, got %d", c.Name, s.Min, s.Max, n)
	}
	v, err := s.Fn(c)
	if err != nil || v == nil {
		return v, err
	}
	switch {
	case v.Kind == iac.String && len(v.Str) > MaxString:
		return nil, c.tooLong()
	case v.Kind == iac.Array && len(v.Items) > MaxItems:
		return nil, fmt.Errorf("%s: result longer than %d items", c.Name, MaxItems)
	}
	return v, nil
}

// FirstUnknown returns the first argument that is itself Unknown, or nil.
func FirstUnknown(args []*iac.Value) *iac.Value {
	for _, a := range args {
		if a.IsUnknown() {
			return a
		}
	}
	return nil
}

func (c Call) tooLong() error {
	return fmt.Errorf("%s: result longer than %d bytes", c.Name, MaxString)
}

// str is argument i as a string.
func (c Call) str(i int) (string, error) {
	if a := c.Args[i]; a.Kind != iac.String {
		return "", fmt.Errorf("%s: argument %d must be a string, found %s", c.Name, i+1, a.Kind)
	}
	return c.Args[i].Str, nil
}

// num is argument i as a number; only int() takes numeric strings.
func (c Call) num(i int) (float64, error) {
	n, _, ok := c.Args[i].AsNumber()
	if !ok || c.Args[i].Kind == iac.String {
		return 0, fmt.Errorf("%s: argument %d must be a number, found %s", c.Name, i+1, c.Args[i].Kind)
	}
	return n, nil
}

func (c Call) str1() (string, error) { return c.str(0) }

func (c Call) newString(s string) *iac.Value  { return iac.NewString(s, c.Loc) }
func (c Call) newNumber(n float64) *iac.Value { return iac.NewNumber(n, c.Loc) }
func (c Call) newBool(b bool) *iac.Value      { return iac.NewBool(b, c.Loc) }
