package terraform

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/awaf/awaf/internal/iac"
)

// mapResource turns the Terraform-shaped object of one resource instance into an ARM
// resource. It returns false for types it does not know.
func mapResource(tfType string, tf *iac.Value, loc iacLoc) (iac.Resource, bool) {
	if tfType == "azapi_resource" {
		return mapAzAPI(tf, loc)
	}
	tm, ok := typeMaps[tfType]
	if !ok {
		return iac.Resource{}, false
	}
	arm := iac.NewObject(loc)
	applyAttrs(tm.Attrs, tf, arm)
	for _, d := range tm.Defaults {
		applyDefault(d, tf, arm, loc)
	}
	if tm.Custom != nil {
		tm.Custom(tf, arm, loc)
	}
	if tm.Kind != "" && arm.Field("kind") == nil {
		arm.Set("kind", iac.NewString(tm.Kind, loc))
	}
	if tm.ParentAttr != "" {
		parentName(arm, tf.Field(tm.ParentAttr))
	}
	if tm.ParentNameAttr != "" {
		childName(arm, tf.Field(tm.ParentNameAttr), arm.Field("name"))
	}
	return armResource(tm.ARMType, "", arm, loc), true
}

// mapped reports whether the mapping table (or azapi_resource) turns tfType into
// an ARM resource.
func mapped(tfType string) bool {
	_, ok := typeMaps[tfType]
	return ok || tfType == "azapi_resource"
}

// unmapped is what a resource of a type the mapping table does not know becomes: it
// is listed under its Terraform type and name, and no rule reads it.
func unmapped(tfType string, tf *iac.Value, loc iacLoc) iac.Resource {
	return iac.Resource{Type: tfType, Name: tf.Field("name"), Properties: iac.NewObject(loc), Loc: loc}
}

// unmappedDiag is the one informational diagnostic per unmapped type.
func unmappedDiag(tfType string, loc iacLoc) iac.Diagnostic {
	return iac.Diagnostic{Severity: iac.DiagInfo, Loc: loc,
		Message: fmt.Sprintf("%s: no rules read this type yet; its resources are listed but not checked", tfType)}
}

// applyAttrs runs the attribute table of a type.
func applyAttrs(attrs []attrMap, tf, arm *iac.Value) {
	for _, m := range attrs {
		if i := strings.Index(m.From, "[]"); i >= 0 {
			applyList(m, tf, arm, i)
			continue
		}
		v := getTF(tf, m.From)
		if v = applyConv(v, m.Conv); v != nil {
			setPath(arm, m.To, v)
		}
	}
}

// applyConv applies c to a declared value. Unknown values pass through: a transform
// cannot know more than its input.
func applyConv(v *iac.Value, c conv) *iac.Value {
	switch {
	case v == nil || v.Kind == iac.Null:
		return nil
	case v.Kind == iac.Unknown || c == nil:
		return v
	}
	return c(v)
}

// applyList maps each element of a Terraform list onto the element with the same
// index of an ARM array.
func applyList(m attrMap, tf, arm *iac.Value, i int) {
	listPath, rest := m.From[:i], strings.TrimPrefix(m.From[i+2:], ".")
	j := strings.Index(m.To, "[]")
	if j < 0 {
		return
	}
	arrPath, toRest := m.To[:j], strings.TrimPrefix(m.To[j+2:], ".")
	list := getTF(tf, listPath)
	switch {
	case list == nil || list.Kind == iac.Null:
		return
	case list.Kind == iac.Unknown:
		if arm.Get(arrPath) == nil {
			setPath(arm, arrPath, list)
		}
		return
	case list.Kind == iac.String:
		// azurerm 3.x wrote some lists (ip_range_filter) as comma-separated strings.
		var items []*iac.Value
		for _, part := range strings.Split(list.Str, ",") {
			if part = strings.TrimSpace(part); part != "" {
				items = append(items, iac.NewString(part, list.Loc))
			}
		}
		list = iac.NewArray(list.Loc, items...)
	case list.Kind != iac.Array:
		return
	}
	for k, item := range list.Items {
		v := item
		if rest != "" {
			if item.Kind == iac.Unknown {
				v = item
			} else {
				v = getTF(item, rest)
			}
		}
		if v = applyConv(v, m.Conv); v == nil {
			continue
		}
		setIndexed(arm, arrPath, k, toRest, v, list.Loc)
	}
}

// getTF reads a Terraform path. Stepping into a nested block (a list) reads its
// single instance. An Unknown on the way is returned as is.
func getTF(tf *iac.Value, p string) *iac.Value {
	cur := tf
	for rest, more := p, true; more; {
		var seg string
		seg, rest, more = strings.Cut(rest, ".")
		if cur.Kind == iac.Array {
			cur = first(cur)
			if cur == nil {
				return nil
			}
		}
		switch cur.Kind {
		case iac.Unknown:
			return cur
		case iac.Object:
			cur = cur.Fields[seg]
			if cur == nil {
				return nil
			}
		default:
			return nil
		}
	}
	return cur
}

// setPath sets a dotted ARM path, creating objects on the way with v's location. It
// does not overwrite a value that is not an object on the way.
func setPath(root *iac.Value, p string, v *iac.Value) {
	cur := root
	for {
		seg, rest, more := strings.Cut(p, ".")
		if !more {
			cur.Set(seg, v)
			return
		}
		p = rest
		next := cur.Field(seg)
		if next == nil {
			next = iac.NewObject(v.Loc)
			cur.Set(seg, next)
		}
		if next.Kind != iac.Object {
			return
		}
		cur = next
	}
}

// setIndexed sets element k of the ARM array at arrPath (created when missing), or a
// path inside that element.
func setIndexed(root *iac.Value, arrPath string, k int, rest string, v *iac.Value, listLoc iacLoc) {
	arr := root.Get(arrPath)
	if arr == nil {
		arr = iac.NewArray(listLoc)
		setPath(root, arrPath, arr)
		if root.Get(arrPath) != arr {
			return
		}
	}
	if arr.Kind != iac.Array {
		return
	}
	for len(arr.Items) <= k {
		arr.Items = append(arr.Items, iac.NewObject(v.Loc))
	}
	if rest == "" {
		arr.Items[k] = v
		return
	}
	if arr.Items[k].Kind != iac.Object {
		return
	}
	setPath(arr.Items[k], rest, v)
}

func applyDefault(d providerDefault, tf, arm *iac.Value, loc iacLoc) {
	if d.When != "" {
		for _, w := range strings.Split(d.When, "|") {
			if v := getTF(tf, w); v != nil && v.Kind != iac.Null {
				return
			}
		}
	}
	if d.Requires != "" {
		v := getTF(tf, d.Requires)
		if v == nil || v.Kind == iac.Null || v.Kind == iac.Unknown {
			return
		}
		loc = v.Loc
	}
	if arm.Get(d.To) != nil {
		return
	}
	setPath(arm, d.To, iac.FromGo(d.Value, loc))
}

// parentName prefixes a child resource's name with its parent's name, read from the
// parent id argument.
func parentName(arm, parentID *iac.Value) {
	name := arm.Field("name")
	if name == nil || parentID == nil || parentID.Kind == iac.Null {
		return
	}
	switch {
	case name.Kind == iac.Unknown:
	case parentID.Kind == iac.Unknown:
		arm.Set("name", iac.NewUnknown("parent id: "+parentID.Why, name.Loc))
	case parentID.Kind == iac.String && name.Kind == iac.String:
		if _, pn, ok := iac.ParseResourceID(parentID.Str); ok {
			arm.Set("name", iac.NewString(pn+"/"+name.Str, name.Loc))
			return
		}
		arm.Set("name", iac.NewString(lastSegment(parentID).Str+"/"+name.Str, name.Loc))
	}
}

// armResource splits an ARM-shaped object into a Resource.
func armResource(typ, apiVersion string, arm *iac.Value, loc iacLoc) iac.Resource {
	r := iac.Resource{
		Type:       typ,
		APIVersion: apiVersion,
		Name:       arm.Field("name"),
		Kind:       arm.Field("kind"),
		Location:   arm.Field("location"),
		SKU:        arm.Field("sku"),
		Identity:   arm.Field("identity"),
		Tags:       arm.Field("tags"),
		Zones:      arm.Field("zones"),
		Scope:      arm.Field("scope"),
		Properties: arm.Field("properties"),
		Loc:        loc,
	}
	if r.Properties == nil {
		r.Properties = iac.NewObject(loc)
	}
	return r
}

// mapAzAPI reads an azapi_resource, whose body is already ARM-shaped.
func mapAzAPI(tf *iac.Value, loc iacLoc) (iac.Resource, bool) {
	tv := tf.Field("type")
	typ, known, ok := tv.AsString()
	if !ok || !known {
		return iac.Resource{}, false
	}
	typ, apiVersion, _ := strings.Cut(typ, "@")
	arm := iac.NewObject(loc)
	body := tf.Field("body")
	if body != nil && body.Kind == iac.String {
		// azapi 1.x takes jsonencode(...) output; its string is decoded here.
		var x any
		if err := json.Unmarshal([]byte(body.Str), &x); err == nil {
			body = iac.FromGo(x, body.Loc)
		}
	}
	if body != nil && body.Kind == iac.Object {
		for _, k := range body.Keys {
			arm.Set(k, body.Fields[k])
		}
	} else if body != nil && body.Kind == iac.Unknown {
		arm.Set("properties", iac.NewUnknown("body: "+body.Why, body.Loc))
	}
	for _, f := range []string{"name", "location", "tags"} {
		if v := tf.Field(f); v != nil && v.Kind != iac.Null {
			arm.Set(f, v)
		}
	}
	if v := tf.Field("identity"); v != nil && v.Kind != iac.Null {
		if id := applyConv(v, identityConv); id != nil {
			arm.Set("identity", id)
		}
	}
	parent := tf.Field("parent_id")
	switch {
	case isExtensionType(typ):
		if parent != nil && parent.Kind != iac.Null {
			arm.Set("scope", parent)
		}
	case strings.Count(typ, "/") >= 2:
		parentName(arm, parent)
	}
	return armResource(typ, apiVersion, arm, loc), true
}

// isExtensionType reports ARM types that attach to another resource through scope.
func isExtensionType(typ string) bool {
	switch strings.ToLower(typ) {
	case "microsoft.insights/diagnosticsettings", "microsoft.authorization/roleassignments",
		"microsoft.authorization/locks", "microsoft.authorization/policyassignments":
		return true
	}
	return false
}
