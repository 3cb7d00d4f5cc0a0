package rules

import (
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/awaf/awaf/internal/iac"
)

// graph links the resources of one scan: private endpoints to their targets,
// diagnostic settings and metric alerts to the resources they watch, children to
// their parents, accounts to the Key Vault and storage they reference. Links whose
// target is unknown before deployment are kept apart, so that a resource without a
// known link gets "unknown" rather than "no link".
type graph struct {
	res     []iac.Resource
	ltype   []string       // lower-cased types, computed once
	byID    map[string]int // lower-cased symbolic name, address or resource id
	byName  map[string]int // lower-cased "type|name"
	links   []links
	pending map[string][]*iac.Value // link kind -> unknown targets anywhere in the scan
	// typeAlerts lists metric alerts by their targetResourceType: an alert scoped to a
	// resource group or subscription watches every resource of that type in it.
	typeAlerts map[string][]int
	children   map[int][]int // parent -> children, in scan order
	// twin maps an existing declaration to the declared resource it refers to.
	twin map[int]int
}

type links struct {
	privateEndpoints   []int
	diagnosticSettings []int
	metricAlerts       []int
	parent             int // -1 when none is in the scan
}

// Link kinds, also the keys of the CEL "related" map.
const (
	linkPE    = "privateEndpoints"
	linkDiag  = "diagnosticSettings"
	linkAlert = "metricAlerts"
)

func newGraph(res []iac.Resource) *graph {
	g := &graph{
		res:        res,
		byID:       make(map[string]int, len(res)),
		byName:     make(map[string]int, len(res)),
		links:      make([]links, len(res)),
		ltype:      make([]string, len(res)),
		pending:    map[string][]*iac.Value{},
		typeAlerts: map[string][]int{},
		children:   map[int][]int{},
	}
	// A scan has few distinct types: lower-case each once.
	lower := map[string]string{}
	for i := range res {
		g.links[i].parent = -1
		lt, ok := lower[res[i].Type]
		if !ok {
			lt = strings.ToLower(res[i].Type)
			lower[res[i].Type] = lt
		}
		g.ltype[i] = lt
	}
	// Lower-casing ids and names is most of the work: do it on all cores, then fill
	// the maps in resource order (a later duplicate wins, as before).
	idKey := make([]string, len(res))
	nameKey := make([]string, len(res))
	named := make([]bool, len(res))
	parallel(len(res), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			r := &res[i]
			if r.ID != "" {
				idKey[i] = lowerASCII(r.ID)
			}
			if name, ok := r.NameString(); ok {
				nameKey[i], named[i] = lowerKey(g.ltype[i], name), true
			}
		}
	})
	// An existing declaration is a reference, not a second resource: a declared
	// resource with the same id or type and name wins its keys, whatever the order,
	// and the declaration resolves to it (twin).
	for _, existing := range []bool{true, false} {
		for i := range res {
			if res[i].Existing != existing {
				continue
			}
			if res[i].ID != "" {
				g.byID[idKey[i]] = i
			}
			if named[i] {
				g.byName[nameKey[i]] = i
			}
		}
	}
	for i := range res {
		if !res[i].Existing {
			continue
		}
		t := -1
		if named[i] {
			if j, ok := g.byName[nameKey[i]]; ok && !res[j].Existing {
				t = j
			}
		}
		if j, ok := g.byID[idKey[i]]; t < 0 && res[i].ID != "" && ok && !res[j].Existing {
			t = j
		}
		if ref := res[i].Name.NameOf(); t < 0 && ref != "" {
			// The name is not known, but which resource's name it is, is.
			if j, ok := g.byID[lowerASCII(ref)]; ok && !res[j].Existing && g.ltype[j] == g.ltype[i] {
				t = j
			}
		}
		if t >= 0 {
			if g.twin == nil {
				g.twin = map[int]int{}
			}
			g.twin[i] = t
		}
	}
	// Links are found on all cores and applied in resource order, so the lists come
	// out as a serial pass would make them.
	found := make([]linksFound, len(res))
	parallel(len(res), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			found[i] = g.link(i)
		}
	})
	for i := range found {
		g.apply(i, &found[i])
	}
	for i := range res {
		if p := g.links[i].parent; p >= 0 {
			g.children[p] = append(g.children[p], i)
		}
	}
	return g
}

// lowerASCII is strings.ToLower with one allocation and no per-byte writes for ASCII.
func lowerASCII(s string) string {
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return strings.ToLower(s)
		}
		upper = upper || ('A' <= c && c <= 'Z')
	}
	if !upper {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return unsafe.String(&b[0], len(b))
}

// lowerKey gives ltype + "|" + lowerASCII(name) in one allocation for ASCII names.
func lowerKey(ltype, name string) string {
	for i := 0; i < len(name); i++ {
		if name[i] >= utf8.RuneSelf {
			return ltype + "|" + strings.ToLower(name)
		}
	}
	b := make([]byte, 0, len(ltype)+1+len(name))
	b = append(b, ltype...)
	b = append(b, '|')
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return unsafe.String(&b[0], len(b))
}

// parallel runs fn over [0, n) in one contiguous chunk per core; small n stay on the
// calling goroutine.
func parallel(n int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < 2000 || workers < 2 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	step := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += step {
		wg.Go(func() { fn(lo, min(lo+step, n)) })
	}
	wg.Wait()
}

// resolve finds the resource a reference names: a resource id (with or without
// placeholders), a symbolic name or Terraform address, optionally ending in ".id".
func (g *graph) resolve(ref string) (int, bool) {
	low := strings.ToLower(strings.TrimSpace(ref))
	if low == "" {
		return -1, false
	}
	if i, ok := g.byID[low]; ok {
		return g.canon(i), true
	}
	if i, ok := g.byID[strings.TrimSuffix(low, ".id")]; ok {
		return g.canon(i), true
	}
	if typ, name, ok := iac.ParseResourceID(ref); ok {
		if i, ok := g.byName[strings.ToLower(typ)+"|"+strings.ToLower(name)]; ok {
			return g.canon(i), true
		}
	}
	return -1, false
}

// canon gives the declared resource an existing declaration refers to, or i.
func (g *graph) canon(i int) int {
	if t, ok := g.twin[i]; ok {
		return t
	}
	return i
}

// linkTarget finds the resource a link value names: by the reference the front
// end carried on it (a symbolic name, a Terraform address), else by its string value.
// unresolved is true when the value or the reference cannot tell which resource it
// is before deployment: an unknown without a reference, or an existing declaration
// with an unknown name that matches no declared resource.
func (g *graph) linkTarget(v *iac.Value) (t int, found, unresolved bool) {
	if ref := v.Ref(); ref != "" {
		typ, id := iac.SplitRef(ref)
		t, found = g.resolve(id)
		if found && typ != "" && !strings.EqualFold(g.res[t].Type, typ) {
			found = false // resourceId() of another type with the same name
		}
	} else if v.IsUnknown() {
		return -1, false, true
	} else if s, _, ok := v.AsString(); ok {
		t, found = g.resolve(s)
	}
	if found && g.res[t].Existing {
		// resolve already gave the twin of an existing declaration that has one.
		if _, named := g.res[t].NameString(); !named {
			return -1, false, true
		}
	}
	if !found && v.IsUnknown() {
		return -1, false, true
	}
	return t, found, false
}

// linksFound is what link finds for one resource: the resources it points at (as a
// private endpoint, a diagnostic setting or a metric alert), the links whose target
// is unknown, the resource type an alert watches, and its parent.
type linksFound struct {
	edges     []linkEdge
	pending   []linkPending
	alertType string // lower-cased targetResourceType of a metric alert
	typed     bool   // whether alertType was read
	parent    int
}

type linkEdge struct {
	kind string
	to   int
}

type linkPending struct {
	kind string
	ref  *iac.Value
}

// apply adds what link found for resource i to the graph.
func (g *graph) apply(i int, f *linksFound) {
	for _, e := range f.edges {
		switch e.kind {
		case linkPE:
			g.links[e.to].privateEndpoints = append(g.links[e.to].privateEndpoints, i)
		case linkDiag:
			g.links[e.to].diagnosticSettings = append(g.links[e.to].diagnosticSettings, i)
		case linkAlert:
			g.links[e.to].metricAlerts = append(g.links[e.to].metricAlerts, i)
		}
	}
	for _, p := range f.pending {
		g.pending[p.kind] = append(g.pending[p.kind], p.ref)
	}
	if f.typed {
		g.typeAlerts[f.alertType] = append(g.typeAlerts[f.alertType], i)
	}
	g.links[i].parent = f.parent
}

// target records that resource i (a PE, a setting, an alert) points at ref.
func (g *graph) target(f *linksFound, kind string, i int, ref *iac.Value) {
	if ref == nil {
		return
	}
	t, found, unresolved := g.linkTarget(ref)
	if unresolved {
		f.pending = append(f.pending, linkPending{kind, ref})
		return
	}
	if !found || t == i {
		return
	}
	f.edges = append(f.edges, linkEdge{kind, t})
}

// link finds the links of resource i; it only reads the graph's indexes, so it runs
// on many resources at once.
func (g *graph) link(i int) (f linksFound) {
	f.parent = -1
	r := &g.res[i]
	typ := g.ltype[i]
	switch {
	case typ == "microsoft.network/privateendpoints":
		for _, list := range []string{"privateLinkServiceConnections", "manualPrivateLinkServiceConnections"} {
			conns := r.Properties.Get(list)
			if conns.IsUnknown() {
				f.pending = append(f.pending, linkPending{linkPE, conns})
				continue
			}
			if conns == nil || conns.Kind != iac.Array {
				continue
			}
			for _, c := range conns.Items {
				g.target(&f, linkPE, i, c.Get("properties.privateLinkServiceId"))
			}
		}
	case typ == "microsoft.insights/diagnosticsettings":
		switch {
		case r.Scope != nil:
			g.target(&f, linkDiag, i, r.Scope)
		case r.Parent != "":
			g.target(&f, linkDiag, i, iac.NewString(r.Parent, r.Loc))
		default:
			// Without a scope the setting applies to the deployment's scope (a
			// subscription or resource group), not to one resource.
		}
	case strings.HasSuffix(typ, "/providers/diagnosticsettings"):
		// Older nested form: type "<type>/providers/diagnosticSettings", name
		// "<name>/Microsoft.Insights/<setting>".
		if name, ok := r.NameString(); ok {
			lname := strings.ToLower(name)
			if cut := strings.Index(lname, "/microsoft.insights/"); cut > 0 {
				key := strings.TrimSuffix(typ, "/providers/diagnosticsettings") + "|" + lname[:cut]
				if t, ok := g.byName[key]; ok {
					f.edges = append(f.edges, linkEdge{linkDiag, t})
				}
			}
		}
	case typ == "microsoft.insights/metricalerts":
		scopes := r.Properties.Get("scopes")
		if scopes.IsUnknown() {
			f.pending = append(f.pending, linkPending{linkAlert, scopes})
		} else if scopes != nil && scopes.Kind == iac.Array {
			for _, s := range scopes.Items {
				g.target(&f, linkAlert, i, s)
			}
		}
		if t, _, ok := r.Properties.Get("targetResourceType").AsString(); ok {
			f.alertType, f.typed = strings.ToLower(t), true
		}
	}
	// Child resources: parent by symbolic name, or by the name prefix and the type.
	if r.Parent != "" {
		if p, ok := g.resolve(r.Parent); ok && p != i {
			f.parent = p
			return f
		}
	}
	if cut := strings.LastIndexByte(r.Type, '/'); cut > 0 && strings.Count(r.Type, "/") >= 2 {
		if name, ok := r.NameString(); ok {
			if n := strings.LastIndexByte(name, '/'); n > 0 {
				if p, ok := g.byName[strings.ToLower(r.Type[:cut])+"|"+strings.ToLower(name[:n])]; ok {
					f.parent = p
				}
			}
		}
	}
	return f
}

// vaultFor finds the Key Vault a key URI (https://name.vault.azure.net/keys/...) or a
// vault resource id names.
func (g *graph) vaultFor(v *iac.Value) (int, bool) {
	if v.Ref() != "" {
		t, found, _ := g.linkTarget(v)
		return t, found
	}
	s, known, ok := v.AsString()
	if !ok || !known {
		return -1, false
	}
	if i, ok := g.resolve(s); ok {
		return i, true
	}
	host := strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(s), "https://"), "http://")
	if cut := strings.IndexByte(host, '.'); cut > 0 {
		if i, ok := g.byName["microsoft.keyvault/vaults|"+host[:cut]]; ok {
			return i, true
		}
	}
	return -1, false
}
