package tmplfunc

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/awaf/awaf/internal/iac"
)

// The array functions, and those that take strings, arrays and objects alike.

// array wraps a value that is not an array. An Unknown stays unknown: it may be an
// array already.
func array(c Call) (*iac.Value, error) {
	if c.Args[0].Kind == iac.Array {
		return c.Args[0], nil
	}
	return iac.NewArray(c.Loc, c.Args[0]), nil
}

// createArray copies its arguments: a front end may reuse the argument slice.
func createArray(c Call) (*iac.Value, error) {
	return iac.NewArray(c.Loc, slices.Clone(c.Args)...), nil
}

// contains looks for a substring, an object key (case-insensitively) or an array item.
func contains(c Call) (*iac.Value, error) {
	container, item := c.Args[0], c.Args[1]
	if container.IsUnknown() {
		return container, nil
	}
	switch container.Kind {
	case iac.String:
		if item.IsUnknown() {
			return item, nil
		}
		return c.newBool(strings.Contains(container.Str, ToText(item))), nil
	case iac.Object:
		if item.IsUnknown() {
			return item, nil
		}
		return c.newBool(container.Field(ToText(item)) != nil), nil
	case iac.Array:
		var unk *iac.Value
		for _, it := range container.Items {
			eq, known := iac.Equal(it, item)
			if known && eq {
				return c.newBool(true), nil
			}
			if !known && unk == nil {
				unk = unknownOf([]*iac.Value{it, item}, c.Loc)
			}
		}
		if unk != nil {
			return unk, nil
		}
		return c.newBool(false), nil
	case iac.Null:
		return c.newBool(false), nil
	}
	return nil, fmt.Errorf("contains: expected a string, array or object, found %s", container.Kind)
}

func empty(c Call) (*iac.Value, error) {
	switch a := c.Args[0]; a.Kind {
	case iac.Unknown:
		return a, nil
	case iac.Null:
		return c.newBool(true), nil
	case iac.String:
		return c.newBool(a.Str == ""), nil
	case iac.Array:
		return c.newBool(len(a.Items) == 0), nil
	case iac.Object:
		return c.newBool(len(a.Keys) == 0), nil
	}
	return c.newBool(false), nil
}

// length counts characters, items or members.
func length(c Call) (*iac.Value, error) {
	switch a := c.Args[0]; a.Kind {
	case iac.Unknown:
		return a, nil
	case iac.String:
		return c.newNumber(float64(utf8.RuneCountInString(a.Str))), nil
	case iac.Array:
		return c.newNumber(float64(len(a.Items))), nil
	case iac.Object:
		return c.newNumber(float64(len(a.Keys))), nil
	}
	return nil, fmt.Errorf("length: expected a string, array or object, found %s", c.Args[0].Kind)
}

func first(c Call) (*iac.Value, error) { return end(c, true) }
func last(c Call) (*iac.Value, error)  { return end(c, false) }

// end is the first or last character of a string or item of an array.
func end(c Call, first bool) (*iac.Value, error) {
	switch a := c.Args[0]; a.Kind {
	case iac.String:
		r := []rune(a.Str)
		switch {
		case len(r) == 0:
			return c.newString(""), nil
		case first:
			return c.newString(string(r[0])), nil
		}
		return c.newString(string(r[len(r)-1])), nil
	case iac.Array:
		switch {
		case len(a.Items) == 0:
			return iac.NewNull(c.Loc), nil
		case first:
			return a.Items[0], nil
		}
		return a.Items[len(a.Items)-1], nil
	}
	return nil, fmt.Errorf("%s: expected a string or array, found %s", c.Name, c.Args[0].Kind)
}

func take(c Call) (*iac.Value, error) { return cut(c, true) }
func skip(c Call) (*iac.Value, error) { return cut(c, false) }

// cut is take or skip on a string (in characters) or an array.
func cut(c Call, take bool) (*iac.Value, error) {
	n, err := c.num(1)
	if err != nil {
		return nil, err
	}
	switch a := c.Args[0]; a.Kind {
	case iac.String:
		r := []rune(a.Str)
		k := clampCount(n, len(r))
		if take {
			return c.newString(string(r[:k])), nil
		}
		return c.newString(string(r[k:])), nil
	case iac.Array:
		k := clampCount(n, len(a.Items))
		if take {
			return iac.NewArray(c.Loc, slices.Clone(a.Items[:k])...), nil
		}
		return iac.NewArray(c.Loc, slices.Clone(a.Items[k:])...), nil
	}
	return nil, fmt.Errorf("%s: expected a string or array", c.Name)
}

// clampCount is n as a count within [0, size].
func clampCount(n float64, size int) int {
	switch {
	case n <= 0:
		return 0
	case n >= float64(size):
		return size
	}
	return int(n)
}

func flatten(c Call) (*iac.Value, error) {
	if c.Args[0].Kind != iac.Array {
		return nil, fmt.Errorf("flatten: expected an array")
	}
	var items []*iac.Value
	for _, it := range c.Args[0].Items {
		if it.Kind == iac.Unknown {
			return it, nil
		}
		if it.Kind != iac.Array {
			return nil, fmt.Errorf("flatten: expected an array of arrays")
		}
		items = append(items, it.Items...)
		if len(items) > MaxItems {
			return nil, fmt.Errorf("%s: result longer than %d items", c.Name, MaxItems)
		}
	}
	return iac.NewArray(c.Loc, items...), nil
}

// rangeFunc is range(start, count); ARM allows at most 10000 items.
func rangeFunc(c Call) (*iac.Value, error) {
	start, err := c.num(0)
	if err != nil {
		return nil, err
	}
	n, err := c.num(1)
	if err != nil {
		return nil, err
	}
	if n < 0 || n > 10000 {
		return nil, fmt.Errorf("range: count %v must be between 0 and 10000", n)
	}
	items := make([]*iac.Value, int(n))
	for i := range items {
		items[i] = c.newNumber(start + float64(i))
	}
	return iac.NewArray(c.Loc, items...), nil
}

// union merges objects deeply (later wins) or arrays without duplicates.
func union(c Call) (*iac.Value, error) {
	if len(c.Args) == 0 {
		return nil, c.noArguments()
	}
	if u := FirstUnknown(c.Args); u != nil {
		return u, nil
	}
	switch c.Args[0].Kind {
	case iac.Object:
		out := iac.NewObject(c.Loc)
		for i, a := range c.Args {
			if a.Kind != iac.Object {
				return nil, c.mixed(i, "an object", a)
			}
			mergeInto(out, a)
		}
		return out, nil
	case iac.Array:
		var out []*iac.Value
		for i, a := range c.Args {
			if a.Kind != iac.Array {
				return nil, c.mixed(i, "an array", a)
			}
			for _, it := range a.Items {
				if !has(out, it) {
					out = append(out, it)
				}
			}
		}
		return iac.NewArray(c.Loc, out...), nil
	}
	return nil, fmt.Errorf("%s: expected objects or arrays, found %s", c.Name, c.Args[0].Kind)
}

// mergeInto sets src's members on dst, merging objects found on both sides.
func mergeInto(dst, src *iac.Value) {
	for _, k := range src.Keys {
		prev, next := dst.Field(k), src.Fields[k]
		if prev != nil && prev.Kind == iac.Object && next.Kind == iac.Object {
			merged := iac.NewObject(next.Loc)
			mergeInto(merged, prev)
			mergeInto(merged, next)
			dst.Set(k, merged)
			continue
		}
		dst.Set(k, next)
	}
}

// intersection keeps the members or items every argument has.
func intersection(c Call) (*iac.Value, error) {
	if len(c.Args) == 0 {
		return nil, c.noArguments()
	}
	switch c.Args[0].Kind {
	case iac.Object:
		out := iac.NewObject(c.Loc)
		for i, a := range c.Args {
			if a.Kind != iac.Object {
				return nil, c.mixed(i, "an object", a)
			}
		}
		for _, k := range c.Args[0].Keys {
			if inAll(c.Args[1:], func(o *iac.Value) bool { eq, _ := iac.Equal(o.Field(k), c.Args[0].Fields[k]); return eq }) {
				out.Set(k, c.Args[0].Fields[k])
			}
		}
		return out, nil
	case iac.Array:
		var out []*iac.Value
		for i, a := range c.Args {
			if a.Kind != iac.Array {
				return nil, c.mixed(i, "an array", a)
			}
		}
		for _, it := range c.Args[0].Items {
			if !has(out, it) && inAll(c.Args[1:], func(a *iac.Value) bool { return has(a.Items, it) }) {
				out = append(out, it)
			}
		}
		return iac.NewArray(c.Loc, out...), nil
	}
	return nil, fmt.Errorf("%s: expected objects or arrays, found %s", c.Name, c.Args[0].Kind)
}

func inAll(vs []*iac.Value, ok func(*iac.Value) bool) bool {
	for _, v := range vs {
		if !ok(v) {
			return false
		}
	}
	return true
}

// has reports whether list holds an item equal to v.
func has(list []*iac.Value, v *iac.Value) bool {
	for _, x := range list {
		if eq, _ := iac.Equal(x, v); eq {
			return true
		}
	}
	return false
}

func (c Call) noArguments() error {
	return fmt.Errorf("%s expects at least one argument", c.Name)
}

func (c Call) mixed(i int, want string, a *iac.Value) error {
	return fmt.Errorf("%s: argument %d must be %s, found %s", c.Name, i+1, want, a.Kind)
}
