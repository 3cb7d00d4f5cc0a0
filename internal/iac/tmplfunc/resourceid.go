package tmplfunc

import (
	"fmt"
	"strings"

	"github.com/awaf/awaf/internal/iac"
)

// The resource id functions: resourceId and its relatives. Parts the deployment
// decides (subscription, resource group, management group) become placeholders.

// idKind says which of the functions builds an id, i.e. what comes before the
// provider path.
type idKind int

const (
	groupID idKind = iota
	subscriptionID
	tenantID
	managementGroupID
	extensionID
)

// resourceID returns the function that builds ids of kind k. The arguments are
// optional scope parts, a type such as 'Microsoft.Network/virtualNetworks/subnets'
// and one name per type segment after the namespace (or names joined with '/').
func resourceID(k idKind) Func {
	return func(c Call) (*iac.Value, error) {
		id, err := buildID(c, k)
		if u, ok := err.(unknownName); ok {
			return refID(c, k, u.v), nil
		}
		if err != nil {
			return nil, err
		}
		return c.newString(id), nil
	}
}

func buildID(c Call, k idKind) (string, error) {
	strs := make([]string, len(c.Args))
	for i, a := range c.Args {
		switch a.Kind {
		case iac.String:
			strs[i] = a.Str
		case iac.Unknown:
			strs[i] = "" // decided below: a scope part becomes a placeholder
		default:
			strs[i] = ToText(a)
		}
	}
	typeAt := findType(strs, k)
	if typeAt < 0 {
		if u := FirstUnknown(c.Args); u != nil {
			return "", unknownName{u} // the type may be the unknown part
		}
		return "", fmt.Errorf("%s: expected a resource type such as 'Microsoft.Storage/storageAccounts'", c.Name)
	}
	var names []string
	for i, s := range strs[typeAt+1:] {
		if a := c.Args[typeAt+1+i]; a.IsUnknown() {
			return "", unknownName{a}
		}
		names = append(names, strings.Split(s, "/")...)
	}
	segs := strings.Split(strs[typeAt], "/")
	if len(segs)-1 != len(names) {
		return "", fmt.Errorf("%s: type %s needs %d name segment(s), got %d", c.Name, strs[typeAt], len(segs)-1, len(names))
	}
	scope, err := idScope(c, k, strs, typeAt)
	if err != nil {
		return "", err
	}
	return scope + ProviderPath(segs, names), nil
}

// findType is the index of the argument that names the resource type, or -1.
func findType(strs []string, k idKind) int {
	start := 0
	if k == extensionID {
		start = 1
	}
	for i := start; i < len(strs); i++ {
		if IsResourceType(strs[i]) {
			return i
		}
	}
	return -1
}

// idScope is what comes before "/providers/" in an id, from the arguments before
// the type.
func idScope(c Call, k idKind, strs []string, typeAt int) (string, error) {
	part := func(i int, placeholder string) string {
		if c.Args[i].IsUnknown() || strs[i] == "" {
			return placeholder
		}
		return strs[i]
	}
	switch k {
	case groupID:
		switch typeAt {
		case 1:
			return "/subscriptions/" + SubscriptionPlaceholder + "/resourceGroups/" + part(0, ResourceGroupPlaceholder), nil
		case 2:
			return "/subscriptions/" + part(0, SubscriptionPlaceholder) + "/resourceGroups/" + part(1, ResourceGroupPlaceholder), nil
		}
		return c.Scope, nil
	case subscriptionID:
		sub := SubscriptionPlaceholder
		if typeAt == 1 {
			sub = part(0, sub)
		}
		return "/subscriptions/" + sub, nil
	case managementGroupID:
		mg := "{managementGroup}"
		if typeAt == 1 {
			mg = part(0, mg)
		}
		return "/providers/Microsoft.Management/managementGroups/" + mg, nil
	case extensionID:
		if c.Args[0].IsUnknown() {
			return "", unknownName{c.Args[0]}
		}
		return strings.TrimSuffix(strs[0], "/"), nil
	}
	return "", nil
}

// ProviderPath is "/providers/Namespace/type/name/child/name..." from the segments of
// a type and one name per segment after the namespace.
func ProviderPath(typeSegs, names []string) string {
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

// IsResourceType reports whether s is "Namespace.Provider/type[/child...]".
func IsResourceType(s string) bool {
	slash := strings.IndexByte(s, '/')
	return slash > 0 && strings.Contains(s[:slash], ".") && !strings.HasPrefix(s, "/")
}

// unknownName reports an id that depends on an Unknown name; the function returns
// that Unknown rather than an error.
type unknownName struct{ v *iac.Value }

func (e unknownName) Error() string { return e.v.Why }

// refID is the value of an id whose name is the Unknown u. When u is the name of a
// declared resource (iac.Value.MarkName) and the id is of a top-level resource
// group type with that one name, the id is still unknown but names that resource,
// if it has the type (iac.TypedRef). The name itself is never returned as the id.
func refID(c Call, k idKind, u *iac.Value) *iac.Value {
	out := &iac.Value{Kind: iac.Unknown, Why: u.Why, Loc: u.Loc}
	owner := u.NameOf()
	if owner == "" || k != groupID || len(c.Args) < 2 || c.Args[len(c.Args)-1] != u {
		return out
	}
	typ, known, ok := c.Args[len(c.Args)-2].AsString()
	if !ok || !known || !IsResourceType(typ) || strings.Count(typ, "/") != 1 {
		return out
	}
	out.Str = iac.TypedRef(typ, owner)
	return out
}
