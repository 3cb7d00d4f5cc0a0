package tmplfunc

import (
	"fmt"
	"sort"
	"strings"

	"github.com/awaf/awaf/internal/iac"
)

// The object functions, the literals ARM writes as functions, and conversions.

func trueFunc(c Call) (*iac.Value, error)  { return c.newBool(true), nil }
func falseFunc(c Call) (*iac.Value, error) { return c.newBool(false), nil }
func null(c Call) (*iac.Value, error)      { return iac.NewNull(c.Loc), nil }

func createObject(c Call) (*iac.Value, error) {
	if len(c.Args)%2 != 0 {
		return nil, fmt.Errorf("createObject expects name/value pairs, got %d arguments", len(c.Args))
	}
	o := iac.NewObject(c.Loc)
	for i := 0; i < len(c.Args); i += 2 {
		if c.Args[i].IsUnknown() {
			return c.Args[i], nil
		}
		k, err := c.str(i)
		if err != nil {
			return nil, err
		}
		o.Set(k, c.Args[i+1])
	}
	return o, nil
}

// items lists an object's members as {key, value} objects, keys in alphabetical
// order as ARM gives them.
func items(c Call) (*iac.Value, error) {
	o := c.Args[0]
	if o.Kind != iac.Object {
		return nil, fmt.Errorf("items: expected an object, found %s", o.Kind)
	}
	keys := append([]string(nil), o.Keys...)
	sort.Slice(keys, func(i, j int) bool { return strings.ToLower(keys[i]) < strings.ToLower(keys[j]) })
	out := make([]*iac.Value, len(keys))
	for i, k := range keys {
		it := iac.NewObject(c.Loc)
		it.Set("key", c.newString(k))
		it.Set("value", o.Fields[k])
		out[i] = it
	}
	return iac.NewArray(c.Loc, out...), nil
}

func objectKeys(c Call) (*iac.Value, error) {
	o := c.Args[0]
	if o.Kind != iac.Object {
		return nil, fmt.Errorf("objectKeys: expected an object")
	}
	keys := make([]*iac.Value, len(o.Keys))
	for i, k := range o.Keys {
		keys[i] = c.newString(k)
	}
	return iac.NewArray(c.Loc, keys...), nil
}

// shallowMerge merges an array of objects, later members replacing earlier ones.
func shallowMerge(c Call) (*iac.Value, error) {
	if len(c.Args) != 1 || c.Args[0].Kind != iac.Array {
		return nil, fmt.Errorf("shallowMerge expects an array of objects")
	}
	out := iac.NewObject(c.Loc)
	for i, o := range c.Args[0].Items {
		switch o.Kind {
		case iac.Unknown:
			return o, nil
		case iac.Object:
		default:
			return nil, fmt.Errorf("%s: item %d must be an object, found %s", c.Name, i+1, o.Kind)
		}
		for _, k := range o.Keys {
			out.Set(k, o.Fields[k])
		}
	}
	return out, nil
}

// tryGet follows keys and indexes, giving null where a step is missing.
func tryGet(c Call) (*iac.Value, error) {
	cur := c.Args[0]
	for _, k := range c.Args[1:] {
		if cur.Kind == iac.Null {
			return cur, nil
		}
		if cur.Kind == iac.Array && k.Kind == iac.Number {
			if it := cur.Index(int(k.Number)); it != nil {
				cur = it
				continue
			}
			return iac.NewNull(c.Loc), nil
		}
		f := cur.Field(ToText(k))
		if f == nil || cur.Kind != iac.Object {
			return iac.NewNull(c.Loc), nil
		}
		cur = f
	}
	return cur, nil
}

// coalesce is the first argument that is not null. Front ends that can skip
// evaluating the rest do so themselves.
func coalesce(c Call) (*iac.Value, error) {
	for _, a := range c.Args {
		if a.IsUnknown() || a.Kind != iac.Null {
			return a, nil
		}
	}
	return iac.NewNull(c.Loc), nil
}

func equals(c Call) (*iac.Value, error) {
	eq, known := iac.Equal(c.Args[0], c.Args[1])
	if !known {
		return unknownOf(c.Args, c.Loc), nil
	}
	return c.newBool(eq), nil
}

func not(c Call) (*iac.Value, error) {
	if c.Args[0].Kind != iac.Bool {
		return nil, fmt.Errorf("not: expected a bool, found %s", c.Args[0].Kind)
	}
	return c.newBool(!c.Args[0].Bool), nil
}

// boolFunc is bool(): numbers are true when not zero; strings "true" and "false" in
// any case.
func boolFunc(c Call) (*iac.Value, error) {
	if c.Args[0].Kind == iac.Number {
		return c.newBool(c.Args[0].Number != 0), nil
	}
	b, _, ok := c.Args[0].AsBool()
	if !ok {
		return nil, fmt.Errorf("bool: cannot convert %s", c.Args[0])
	}
	return c.newBool(b), nil
}

func jsonFunc(c Call) (*iac.Value, error) {
	s, err := c.str1()
	if err != nil {
		return nil, err
	}
	return decodeJSON(s, c.Loc)
}
