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

// resourceObj is the CEL view of a resource (see resourceView for its keys). A map
// holding every part would be built for every resource a CEL rule judges; this reads a
// part when a condition asks for it. Unknown parts are registered when the view is
// made, in key order, so unknown ids (and the order reasons are listed in) do not
// depend on which rule asked first.
type resourceObj struct {
	r   *iac.Resource
	reg *registry
	// unk holds the registered unknowns of parts that are Unknown, by key index.
	unk [len(resourceKeys)]ref.Val
}

// resourceKeys are the keys of a resource view, in the order resourceView fills them.
var resourceKeys = [...]string{"type", "apiVersion", "source", "id", "name", "kind", "location",
	"sku", "identity", "tags", "properties", "zones", "scope", "parent"}

const keyProperties = 10

var (
	_ traits.Mapper = (*resourceObj)(nil)
)

func newResourceObj(r *iac.Resource, reg *registry) *resourceObj {
	o := &resourceObj{r: r, reg: reg}
	for k := 4; k <= 12; k++ {
		if v := o.part(k); v != nil && v.Kind == iac.Unknown {
			o.unk[k] = reg.val(v)
		}
	}
	if r.Existing {
		// A reference to a resource deployed elsewhere: its settings live there.
		o.unk[keyProperties] = reg.add(fmt.Sprintf("%s is declared as existing; its properties are set outside the scanned files", describe(r)), r.Loc)
	}
	return o
}

// part gives the iac Value behind key k (4 to 12), nil when absent.
func (o *resourceObj) part(k int) *iac.Value {
	r := o.r
	switch k {
	case 4:
		return r.Name
	case 5:
		return r.Kind
	case 6:
		return r.Location
	case 7:
		return r.SKU
	case 8:
		return r.Identity
	case 9:
		return r.Tags
	case 10:
		return r.Properties
	case 11:
		return r.Zones
	case 12:
		return r.Scope
	}
	return nil
}

// lookup gives the value of key k and whether the view has it.
func (o *resourceObj) lookup(k int) (ref.Val, bool) {
	r := o.r
	switch k {
	case 0:
		return types.String(r.Type), true
	case 1:
		return types.String(r.APIVersion), true
	case 2:
		return types.String(r.Source), true
	case 3:
		return types.String(r.ID), true
	case 13:
		if r.Parent == "" {
			return nil, false
		}
		return types.String(r.Parent), true
	}
	if u := o.unk[k]; u != nil {
		return u, true
	}
	v := o.part(k)
	if v == nil {
		return nil, false
	}
	return o.reg.val(v), true
}

func keyIndex(key string) int {
	for i, k := range resourceKeys {
		if k == key {
			return i
		}
	}
	return -1
}

// native is the view as the plain map resourceView built before, for equality and
// conversion.
func (o *resourceObj) native() ref.Val {
	m := make(map[string]any, len(resourceKeys))
	for i, k := range resourceKeys {
		if v, ok := o.lookup(i); ok {
			m[k] = v
		}
	}
	return types.DefaultTypeAdapter.NativeToValue(m)
}

func (o *resourceObj) ConvertToNative(t reflect.Type) (any, error) {
	return o.native().ConvertToNative(t)
}

func (o *resourceObj) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case types.MapType:
		return o
	case types.TypeType:
		return types.MapType
	}
	return types.NewErr("type conversion error from map to '%s'", t)
}

func (o *resourceObj) Equal(other ref.Val) ref.Val { return o.native().Equal(other) }
func (o *resourceObj) Type() ref.Type              { return types.MapType }
func (o *resourceObj) Value() any                  { return o }
func (o *resourceObj) String() string              { return describe(o.r) }

func (o *resourceObj) Size() ref.Val {
	n := 0
	for i := range resourceKeys {
		if _, ok := o.lookup(i); ok {
			n++
		}
	}
	return types.Int(n)
}

func (o *resourceObj) Contains(key ref.Val) ref.Val {
	_, found := o.Find(key)
	return types.Bool(found)
}

func (o *resourceObj) Get(key ref.Val) ref.Val {
	v, found := o.Find(key)
	if !found {
		return types.NewErr("no such key: %v", key)
	}
	return v
}

func (o *resourceObj) Find(key ref.Val) (ref.Val, bool) {
	if types.IsUnknownOrError(key) {
		return key, false
	}
	s, ok := key.(types.String)
	if !ok {
		return nil, false
	}
	k := keyIndex(string(s))
	if k < 0 {
		return nil, false
	}
	return o.lookup(k)
}

func (o *resourceObj) Iterator() traits.Iterator {
	var keys []ref.Val
	for i, k := range resourceKeys {
		if _, ok := o.lookup(i); ok {
			keys = append(keys, types.String(k))
		}
	}
	return types.NewRefValList(types.DefaultTypeAdapter, keys).Iterator()
}
