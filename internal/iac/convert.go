package iac

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/awaf/awaf"
)

// Unresolved is how ToGo represents an Unknown value among plain Go values, so that a
// CEL evaluator (or any other consumer) can tell it apart from every JSON value.
type Unresolved struct {
	Why string
	Loc awaf.Location
}

// ToGo converts v to plain Go values: nil, bool, int64 (integral numbers), float64,
// string, []any and map[string]any. Unknown becomes Unresolved. A nil v gives nil.
func ToGo(v *Value) any {
	return ToGoFunc(v, func(u *Value) any { return Unresolved{Why: u.Why, Loc: u.Loc} })
}

// ToGoFunc is ToGo with the caller's own representation of Unknown values.
func ToGoFunc(v *Value, unknown func(*Value) any) any {
	if v == nil {
		return nil
	}
	switch v.Kind {
	case Null:
		return nil
	case Bool:
		return v.Bool
	case Number:
		if IsInteger(v.Number) && math.Abs(v.Number) < 1<<53 {
			return int64(v.Number)
		}
		return v.Number
	case String:
		return v.Str
	case Array:
		out := make([]any, len(v.Items))
		for i, it := range v.Items {
			out[i] = ToGoFunc(it, unknown)
		}
		return out
	case Object:
		out := make(map[string]any, len(v.Keys))
		for _, k := range v.Keys {
			out[k] = ToGoFunc(v.Fields[k], unknown)
		}
		return out
	case Unknown:
		return unknown(v)
	}
	return nil
}

// FromGo builds a Value from plain Go values as encoding/json produces them (nil,
// bool, float64, json.Number, int kinds, string, []any, map[string]any). Every value
// gets loc; map keys are sorted since Go maps have no order. Unresolved becomes Unknown.
func FromGo(x any, loc awaf.Location) *Value {
	switch t := x.(type) {
	case nil:
		return NewNull(loc)
	case *Value:
		return t
	case Unresolved:
		return NewUnknown(t.Why, loc)
	case bool:
		return NewBool(t, loc)
	case float64:
		return NewNumber(t, loc)
	case float32:
		return NewNumber(float64(t), loc)
	case int:
		return NewNumber(float64(t), loc)
	case int64:
		return NewNumber(float64(t), loc)
	case int32:
		return NewNumber(float64(t), loc)
	case uint64:
		return NewNumber(float64(t), loc)
	case json.Number:
		f, err := t.Float64()
		if err != nil {
			return NewString(t.String(), loc)
		}
		return NewNumber(f, loc)
	case string:
		return NewString(t, loc)
	case []any:
		items := make([]*Value, len(t))
		for i, it := range t {
			items[i] = FromGo(it, loc)
		}
		return NewArray(loc, items...)
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := NewObject(loc)
		for _, k := range keys {
			o.Set(k, FromGo(t[k], loc))
		}
		return o
	}
	return NewString(fmt.Sprint(x), loc)
}

// MarshalJSON writes v as plain JSON, keys in source order. An Unknown is written as
// {"$unknown": why} so that output never presents it as a real value.
func (v *Value) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	v.writeJSON(&b)
	return b.Bytes(), nil
}

// String renders v as compact JSON, for messages and tests.
func (v *Value) String() string {
	var b bytes.Buffer
	v.writeJSON(&b)
	return b.String()
}

func (v *Value) writeJSON(b *bytes.Buffer) {
	if v == nil {
		b.WriteString("null")
		return
	}
	switch v.Kind {
	case Null:
		b.WriteString("null")
	case Bool:
		b.WriteString(strconv.FormatBool(v.Bool))
	case Number:
		if math.IsInf(v.Number, 0) || math.IsNaN(v.Number) {
			b.WriteString("null")
			return
		}
		if IsInteger(v.Number) && math.Abs(v.Number) < 1e15 {
			// Whole numbers such as epoch seconds read as written, not 1.7e+09.
			b.WriteString(strconv.FormatFloat(v.Number, 'f', -1, 64))
			return
		}
		b.WriteString(strconv.FormatFloat(v.Number, 'g', -1, 64))
	case String:
		writeJSONString(b, v.Str)
	case Array:
		b.WriteByte('[')
		for i, it := range v.Items {
			if i > 0 {
				b.WriteByte(',')
			}
			it.writeJSON(b)
		}
		b.WriteByte(']')
	case Object:
		b.WriteByte('{')
		for i, k := range v.Keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			v.Fields[k].writeJSON(b)
		}
		b.WriteByte('}')
	case Unknown:
		b.WriteString(`{"$unknown":`)
		writeJSONString(b, v.Why)
		b.WriteByte('}')
	}
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s) // a string always marshals
	b.Write(enc)
}

// ToGo gives the resource as one plain Go map in ARM shape (type, apiVersion, name,
// kind, location, sku, identity, tags, properties, zones, scope, metadata, condition,
// dependsOn, parent, id, source, existing), for rule conditions. Absent parts are left
// out.
func (r *Resource) ToGo() map[string]any {
	m := map[string]any{
		"type":       r.Type,
		"apiVersion": r.APIVersion,
		"source":     string(r.Source),
		"id":         r.ID,
		"existing":   r.Existing,
	}
	put := func(k string, v *Value) {
		if v != nil {
			m[k] = ToGo(v)
		}
	}
	put("name", r.Name)
	put("kind", r.Kind)
	put("location", r.Location)
	put("sku", r.SKU)
	put("identity", r.Identity)
	put("tags", r.Tags)
	put("properties", r.Properties)
	put("zones", r.Zones)
	put("scope", r.Scope)
	put("metadata", r.Metadata)
	put("condition", r.Condition)
	if r.Parent != "" {
		m["parent"] = r.Parent
	}
	deps := make([]any, len(r.DependsOn))
	for i, d := range r.DependsOn {
		deps[i] = d
	}
	m["dependsOn"] = deps
	return m
}

// NameString returns the resource's full name when known, else "" and false.
func (r *Resource) NameString() (string, bool) {
	s, known, ok := r.Name.AsString()
	return s, known && ok
}

// ParseResourceID splits an ARM resource id into its resource type and full name:
// "/subscriptions/s/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/a/deployments/d"
// gives "Microsoft.CognitiveServices/accounts/deployments" and "a/d". Extension
// resources (".../providers/X/y/z/providers/Microsoft.Insights/diagnosticSettings/n")
// give the last provider's type and name. Ids with placeholders such as
// "{subscriptionId}" parse too, since only the part after "providers" matters.
func ParseResourceID(id string) (typ, name string, ok bool) {
	parts := strings.Split(strings.Trim(id, "/"), "/")
	last := -1
	for i, p := range parts {
		if strings.EqualFold(p, "providers") && i+1 < len(parts) {
			last = i
		}
	}
	if last < 0 {
		return "", "", false
	}
	rest := parts[last+1:]
	if len(rest) < 3 || len(rest)%2 == 0 {
		return "", "", false
	}
	types := []string{rest[0]}
	var names []string
	for i := 1; i+1 < len(rest); i += 2 {
		types = append(types, rest[i])
		names = append(names, rest[i+1])
	}
	return strings.Join(types, "/"), strings.Join(names, "/"), true
}

// DiagnosticFromError turns a decoding error into a Diagnostic placed where the error
// happened, or at the top of file when the error carries no place.
func DiagnosticFromError(file string, err error) Diagnostic {
	var se *SyntaxError
	if errors.As(err, &se) {
		return Diagnostic{Severity: DiagError, Message: se.Msg, Loc: se.Loc}
	}
	return Diagnostic{Severity: DiagError, Message: err.Error(), Loc: awaf.Location{File: file, Line: 1, Column: 1}}
}

// SameType compares two resource types case-insensitively, as ARM does.
func SameType(a, b string) bool { return strings.EqualFold(a, b) }
