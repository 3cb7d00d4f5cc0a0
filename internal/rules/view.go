package rules

import (
	"fmt"
	"math"
	"reflect"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"

	"github.com/awaf/awaf/internal/iac"
)

// CEL reads resource values in place through these views instead of a converted copy:
// a scan of thousands of resources would otherwise build a Go map for every object of
// every resource, most of which no rule reads. Keys match case-insensitively, as ARM
// property names do, and an Unknown becomes a CEL unknown registered with its reason
// when (and only when) a condition touches it.

// val gives the CEL value of v; nil (absent) is null.
func (g *registry) val(v *iac.Value) ref.Val {
	if v == nil {
		return types.NullValue
	}
	switch v.Kind {
	case iac.Bool:
		return types.Bool(v.Bool)
	case iac.Number:
		if iac.IsInteger(v.Number) && math.Abs(v.Number) < 1<<53 {
			return types.Int(v.Number)
		}
		return types.Double(v.Number)
	case iac.String:
		return types.String(v.Str)
	case iac.Array:
		return &arrayView{v: v, reg: g}
	case iac.Object:
		return &objectView{v: v, reg: g}
	case iac.Unknown:
		why := v.Why
		if why == "" {
			why = "value not known before deployment"
		}
		return g.add(why, v.Loc)
	}
	return types.NullValue
}

// native converts a view to plain CEL values, for the rare operations (equality,
// concatenation, conversion) that need the whole value.
func (g *registry) native(v *iac.Value) ref.Val {
	return types.DefaultTypeAdapter.NativeToValue(g.convert(v))
}

type objectView struct {
	v   *iac.Value
	reg *registry
}

var (
	_ traits.Mapper = (*objectView)(nil)
	_ traits.Lister = (*arrayView)(nil)
)

func (o *objectView) ConvertToNative(t reflect.Type) (any, error) {
	return o.reg.native(o.v).ConvertToNative(t)
}

func (o *objectView) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case types.MapType:
		return o
	case types.TypeType:
		return types.MapType
	}
	return types.NewErr("type conversion error from map to '%s'", t)
}

func (o *objectView) Equal(other ref.Val) ref.Val { return o.reg.native(o.v).Equal(other) }
func (o *objectView) Type() ref.Type              { return types.MapType }
func (o *objectView) Value() any                  { return o }
func (o *objectView) Size() ref.Val               { return types.Int(len(o.v.Keys)) }

func (o *objectView) Contains(key ref.Val) ref.Val {
	_, found := o.Find(key)
	return types.Bool(found)
}

func (o *objectView) Get(key ref.Val) ref.Val {
	v, found := o.Find(key)
	if !found {
		return types.NewErr("no such key: %v", key)
	}
	return v
}

func (o *objectView) Find(key ref.Val) (ref.Val, bool) {
	if types.IsUnknownOrError(key) {
		return key, false
	}
	s, ok := key.(types.String)
	if !ok {
		return nil, false
	}
	f := o.v.Field(string(s))
	if f == nil {
		return nil, false
	}
	return o.reg.val(f), true
}

func (o *objectView) Iterator() traits.Iterator {
	keys := make([]ref.Val, len(o.v.Keys))
	for i, k := range o.v.Keys {
		keys[i] = types.String(k)
	}
	return types.NewRefValList(types.DefaultTypeAdapter, keys).Iterator()
}

type arrayView struct {
	v   *iac.Value
	reg *registry
}

func (a *arrayView) ConvertToNative(t reflect.Type) (any, error) {
	return a.reg.native(a.v).ConvertToNative(t)
}

func (a *arrayView) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case types.ListType:
		return a
	case types.TypeType:
		return types.ListType
	}
	return types.NewErr("type conversion error from list to '%s'", t)
}

func (a *arrayView) Equal(other ref.Val) ref.Val { return a.reg.native(a.v).Equal(other) }
func (a *arrayView) Type() ref.Type              { return types.ListType }
func (a *arrayView) Value() any                  { return a }
func (a *arrayView) Size() ref.Val               { return types.Int(len(a.v.Items)) }

func (a *arrayView) Add(other ref.Val) ref.Val {
	return a.reg.native(a.v).(traits.Adder).Add(other)
}

func (a *arrayView) Contains(elem ref.Val) ref.Val {
	var unk ref.Val
	for _, it := range a.v.Items {
		eq := a.reg.val(it).Equal(elem)
		if eq == types.True {
			return types.True
		}
		if types.IsUnknown(eq) {
			unk = eq
		}
	}
	if unk != nil {
		return unk
	}
	return types.False
}

func (a *arrayView) Get(index ref.Val) ref.Val {
	i, ok := index.(types.Int)
	if !ok {
		return types.ValOrErr(index, "unsupported index type '%s' in list", index.Type())
	}
	if i < 0 || int(i) >= len(a.v.Items) {
		return types.NewErr("index out of range in list: %d", i)
	}
	return a.reg.val(a.v.Items[i])
}

func (a *arrayView) Iterator() traits.Iterator {
	items := make([]ref.Val, len(a.v.Items))
	for i, it := range a.v.Items {
		items[i] = a.reg.val(it)
	}
	return types.NewRefValList(types.DefaultTypeAdapter, items).Iterator()
}

func (o *objectView) String() string { return fmt.Sprint(o.v) }
func (a *arrayView) String() string  { return fmt.Sprint(a.v) }
