package iac

import (
	"math"
	"strconv"
	"strings"

	"github.com/awaf/awaf"
)

// String names the kind as JSON would ("null", "bool", ...) plus "unknown".
func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Bool:
		return "bool"
	case Number:
		return "number"
	case String:
		return "string"
	case Array:
		return "array"
	case Object:
		return "object"
	case Unknown:
		return "unknown"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// NewNull returns a null value declared at loc.
func NewNull(loc awaf.Location) *Value { return &Value{Kind: Null, Loc: loc} }

// NewBool returns a boolean value declared at loc.
func NewBool(b bool, loc awaf.Location) *Value { return &Value{Kind: Bool, Bool: b, Loc: loc} }

// NewNumber returns a number declared at loc.
func NewNumber(n float64, loc awaf.Location) *Value {
	return &Value{Kind: Number, Number: n, Loc: loc}
}

// NewString returns a string declared at loc.
func NewString(s string, loc awaf.Location) *Value {
	return &Value{Kind: String, Str: s, Loc: loc}
}

// NewArray returns an array of items declared at loc.
func NewArray(loc awaf.Location, items ...*Value) *Value {
	if items == nil {
		items = []*Value{}
	}
	return &Value{Kind: Array, Items: items, Loc: loc}
}

// NewObject returns an empty object declared at loc; fill it with Set.
func NewObject(loc awaf.Location) *Value {
	return &Value{Kind: Object, Fields: map[string]*Value{}, Loc: loc}
}

// NewUnknown returns a value that cannot be known before deployment. why names the
// unresolved input, e.g. "parameter 'sku' has no value".
func NewUnknown(why string, loc awaf.Location) *Value {
	return &Value{Kind: Unknown, Why: why, Loc: loc}
}

// NewRef returns an Unknown whose value is not known before deployment but which
// identifies the resource whose Resource.ID is ref, such as the id of a resource
// whose name is generated at deployment. TypedRef gives a ref that names the
// resource only if it has a given type.
func NewRef(why, ref string, loc awaf.Location) *Value {
	return &Value{Kind: Unknown, Why: why, Str: ref, Loc: loc}
}

// namePrefix marks, in Str, an Unknown that is the name of a resource rather than
// an id: an existing declaration given it refers to that resource (Twins), but a
// link given it is still unresolved.
const namePrefix = "name:"

// TypedRef is a ref to the resource whose Resource.ID is id, valid only when that
// resource is of type typ (resourceId('<type>', name) with the name of a resource).
func TypedRef(typ, id string) string { return typ + "|" + id }

// Ref returns the resource an Unknown identifies: the Resource.ID, or a TypedRef,
// or "" when v is not such a value. Links between resources are resolved by it
// before their values.
func (v *Value) Ref() string {
	if v == nil || v.Kind != Unknown || strings.HasPrefix(v.Str, namePrefix) {
		return ""
	}
	return v.Str
}

// SplitRef splits a ref into the type it requires ("" for any) and the Resource.ID.
func SplitRef(ref string) (typ, id string) {
	if t, i, ok := strings.Cut(ref, "|"); ok {
		return t, i
	}
	return "", ref
}

// MarkName records on an Unknown name that it is the name of the resource whose
// Resource.ID is id, unless it already names one. Other Unknowns are left alone.
func (v *Value) MarkName(id string) {
	if v != nil && v.Kind == Unknown && v.Str == "" {
		v.Str = namePrefix + id
	}
}

// NameOf returns the Resource.ID of the resource an Unknown is the name of (see
// MarkName), or "".
func (v *Value) NameOf() string {
	if v == nil || v.Kind != Unknown {
		return ""
	}
	id, _ := strings.CutPrefix(v.Str, namePrefix)
	if id == v.Str {
		return ""
	}
	return id
}

// IsUnknown reports whether v itself is Unknown. A nil v is not unknown: it is absent.
func (v *Value) IsUnknown() bool { return v != nil && v.Kind == Unknown }

// HasUnknown reports whether v or anything inside it is Unknown.
func (v *Value) HasUnknown() bool { return v.FirstUnknown() != nil }

// FirstUnknown returns the first Unknown in v, depth first in source order, or nil.
func (v *Value) FirstUnknown() *Value {
	if v == nil {
		return nil
	}
	switch v.Kind {
	case Unknown:
		return v
	case Array:
		for _, it := range v.Items {
			if u := it.FirstUnknown(); u != nil {
				return u
			}
		}
	case Object:
		for _, k := range v.Keys {
			if u := v.Fields[k].FirstUnknown(); u != nil {
				return u
			}
		}
	}
	return nil
}

// Set adds or replaces key in an object, keeping the first position of the key. A key
// that differs from an existing one only by case replaces it, as ARM property names
// are case-insensitive.
func (v *Value) Set(key string, val *Value) {
	if v.Fields == nil {
		v.Fields = map[string]*Value{}
	}
	if _, ok := v.Fields[key]; ok {
		v.Fields[key] = val
		return
	}
	for i, k := range v.Keys {
		if strings.EqualFold(k, key) {
			delete(v.Fields, k)
			v.Keys[i] = key
			v.Fields[key] = val
			return
		}
	}
	v.Keys = append(v.Keys, key)
	v.Fields[key] = val
}

// Delete removes key (case-insensitively) from an object.
func (v *Value) Delete(key string) {
	if v == nil || v.Kind != Object {
		return
	}
	for i, k := range v.Keys {
		if strings.EqualFold(k, key) {
			delete(v.Fields, k)
			v.Keys = append(v.Keys[:i:i], v.Keys[i+1:]...)
			return
		}
	}
}

// Field returns the member named key of an object, matching case-insensitively as ARM
// does, or nil when v is not an object or has no such member.
func (v *Value) Field(key string) *Value {
	if v == nil || v.Kind != Object {
		return nil
	}
	// Objects are small and rules often ask for keys that are absent: scanning the
	// keys (a length check for most) is cheaper than hashing, and a miss then costs no
	// map access at all.
	for _, k := range v.Keys {
		if k == key {
			return v.Fields[k]
		}
	}
	for _, k := range v.Keys {
		if strings.EqualFold(k, key) {
			return v.Fields[k]
		}
	}
	return nil
}

// FieldKey is Field that also returns the key as the source spelled it.
func (v *Value) FieldKey(key string) (string, *Value) {
	if v == nil || v.Kind != Object {
		return "", nil
	}
	if f, ok := v.Fields[key]; ok {
		return key, f
	}
	for _, k := range v.Keys {
		if strings.EqualFold(k, key) {
			return k, v.Fields[k]
		}
	}
	return "", nil
}

// Index returns item i of an array, or nil when out of range or not an array.
func (v *Value) Index(i int) *Value {
	if v == nil || v.Kind != Array || i < 0 || i >= len(v.Items) {
		return nil
	}
	return v.Items[i]
}

// Get follows a dotted path such as "properties.networkAcls.defaultAction" or
// "properties.ipRules[0].value". Names match case-insensitively. It returns nil when a
// step is missing. When a step passes through an Unknown it returns that Unknown, so a
// caller can tell "not declared" (nil) from "not knowable yet" (Unknown).
func (v *Value) Get(path string) *Value {
	cur := v
	for path != "" && cur != nil {
		if cur.Kind == Unknown {
			return cur
		}
		var seg string
		if path[0] == '[' {
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return nil
			}
			n, err := strconv.Atoi(path[1:end])
			if err != nil {
				return nil
			}
			cur = cur.Index(n)
			path = strings.TrimPrefix(path[end+1:], ".")
			continue
		}
		cut := strings.IndexAny(path, ".[")
		if cut < 0 {
			seg, path = path, ""
		} else {
			seg = path[:cut]
			if path[cut] == '.' {
				path = path[cut+1:]
			} else {
				path = path[cut:]
			}
		}
		cur = cur.Field(seg)
	}
	return cur
}

// AsString returns the string in v. ok is false when v is absent or not a string;
// known is false when v is Unknown (then ok is true: a value is there, unresolved).
func (v *Value) AsString() (s string, known, ok bool) {
	switch {
	case v == nil:
		return "", true, false
	case v.Kind == Unknown:
		return "", false, true
	case v.Kind == String:
		return v.Str, true, true
	}
	return "", true, false
}

// AsBool is AsString for booleans. The strings "true" and "false" (any case) count as
// booleans, since parameter files and exports often carry them that way.
func (v *Value) AsBool() (b bool, known, ok bool) {
	switch {
	case v == nil:
		return false, true, false
	case v.Kind == Unknown:
		return false, false, true
	case v.Kind == Bool:
		return v.Bool, true, true
	case v.Kind == String:
		if strings.EqualFold(v.Str, "true") {
			return true, true, true
		}
		if strings.EqualFold(v.Str, "false") {
			return false, true, true
		}
	}
	return false, true, false
}

// AsNumber is AsString for numbers. Numeric strings count as numbers.
func (v *Value) AsNumber() (n float64, known, ok bool) {
	switch {
	case v == nil:
		return 0, true, false
	case v.Kind == Unknown:
		return 0, false, true
	case v.Kind == Number:
		return v.Number, true, true
	case v.Kind == String:
		f, err := strconv.ParseFloat(strings.TrimSpace(v.Str), 64)
		if err == nil {
			return f, true, true
		}
	}
	return 0, true, false
}

// Truthy reports whether v is a known true boolean.
func (v *Value) Truthy() bool {
	b, known, ok := v.AsBool()
	return ok && known && b
}

// Clone returns a deep copy of v.
func (v *Value) Clone() *Value {
	if v == nil {
		return nil
	}
	c := *v
	switch v.Kind {
	case Array:
		c.Items = make([]*Value, len(v.Items))
		for i, it := range v.Items {
			c.Items[i] = it.Clone()
		}
	case Object:
		c.Keys = append([]string(nil), v.Keys...)
		c.Fields = make(map[string]*Value, len(v.Fields))
		for k, f := range v.Fields {
			c.Fields[k] = f.Clone()
		}
	}
	return &c
}

// At returns a shallow copy of v placed at loc; children keep their own locations.
func (v *Value) At(loc awaf.Location) *Value {
	if v == nil {
		return nil
	}
	c := *v
	c.Loc = loc
	return &c
}

// Equal compares two values deeply: strings exactly, object keys case-insensitively.
// known is false when the answer depends on an Unknown.
func Equal(a, b *Value) (equal, known bool) {
	if a == nil || b == nil {
		return a == b, true
	}
	if a.Kind == Unknown || b.Kind == Unknown {
		return false, false
	}
	if a.Kind != b.Kind {
		return false, true
	}
	switch a.Kind {
	case Null:
		return true, true
	case Bool:
		return a.Bool == b.Bool, true
	case Number:
		return a.Number == b.Number, true
	case String:
		return a.Str == b.Str, true
	case Array:
		if len(a.Items) != len(b.Items) {
			return false, true
		}
		allKnown := true
		for i := range a.Items {
			eq, kn := Equal(a.Items[i], b.Items[i])
			if kn && !eq {
				return false, true
			}
			allKnown = allKnown && kn
		}
		return allKnown, allKnown
	case Object:
		if len(a.Keys) != len(b.Keys) {
			return false, true
		}
		allKnown := true
		for _, k := range a.Keys {
			bf := b.Field(k)
			if bf == nil {
				return false, true
			}
			eq, kn := Equal(a.Fields[k], bf)
			if kn && !eq {
				return false, true
			}
			allKnown = allKnown && kn
		}
		return allKnown, allKnown
	}
	return false, true
}

// IsInteger reports whether a number has no fractional part and fits in an int64.
func IsInteger(f float64) bool {
	return f == math.Trunc(f) && f >= math.MinInt64 && f <= math.MaxInt64
}

// WithoutNulls returns v with object members whose value is null removed, at every
// depth (array items stay). ARM treats a property set to null as not set, and
// templates use null() to leave a property out, so front ends apply this to resource
// bodies. v itself is not modified; unchanged subtrees are shared.
func (v *Value) WithoutNulls() *Value {
	if v == nil || v.Kind == Null {
		return nil
	}
	switch v.Kind {
	case Array:
		var items []*Value
		for i, it := range v.Items {
			r := it
			if it != nil && it.Kind != Null {
				r = it.WithoutNulls()
			}
			if items == nil && r != it {
				items = append(make([]*Value, 0, len(v.Items)), v.Items[:i]...)
			}
			if items != nil {
				items = append(items, r)
			}
		}
		if items == nil {
			return v
		}
		c := *v
		c.Items = items
		return &c
	case Object:
		var out *Value
		for i, k := range v.Keys {
			f := v.Fields[k]
			r := f.WithoutNulls()
			if out == nil && r != f {
				out = &Value{Kind: Object, Fields: make(map[string]*Value, len(v.Keys)), Keys: make([]string, 0, len(v.Keys)), Loc: v.Loc}
				for _, pk := range v.Keys[:i] {
					out.Keys = append(out.Keys, pk)
					out.Fields[pk] = v.Fields[pk]
				}
			}
			if out != nil && r != nil {
				out.Keys = append(out.Keys, k)
				out.Fields[k] = r
			}
		}
		if out == nil {
			return v
		}
		return out
	}
	return v
}
