package rules

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// Unresolved names an input a rule's outcome depends on that cannot be known before
// deployment, and where it is.
//
// Values that share a cause (the same parameter read by a thousand accounts) are one
// Unresolved: Count says how many there are and More gives a few further places, so
// that a finding stays small whatever the size of the scan.
type Unresolved struct {
	Why string        `json:"why"`
	Loc awaf.Location `json:"location"`
	// Count is the number of values with this cause when more than one.
	Count int `json:"count,omitempty"`
	// More gives up to maxExamples-1 further places of those values.
	More []awaf.Location `json:"more,omitempty"`
}

// maxExamples bounds the places an Unresolved names, maxCauses the distinct causes a
// finding lists: the causes past the first maxCauses-1 are folded into one entry.
const (
	maxExamples = 3
	maxCauses   = 4
)

// N is the number of values the Unresolved stands for.
func (u *Unresolved) N() int { return max(u.Count, 1) }

// String gives the cause with its count and places: "x is not known (p): 1,199
// values, e.g. a.json:98, b.json:293, c.json:4".
func (u *Unresolved) String() string { return string(u.appendTo(nil)) }

// appendTo appends String's text to b.
func (u *Unresolved) appendTo(b []byte) []byte {
	b = append(b, u.Why...)
	many := u.N() > 1
	if many {
		b = append(b, ": "...)
		b = append(b, thousands(u.N())...)
		b = append(b, " values"...)
	}
	places := 0
	for i := -1; i < len(u.More); i++ {
		l := u.Loc
		if i >= 0 {
			l = u.More[i]
		}
		if l.File == "" || l.Line <= 0 {
			continue
		}
		switch {
		case !many:
			b = append(b, " at "...)
		case places == 0:
			b = append(b, ", e.g. "...)
		default:
			b = append(b, ", "...)
		}
		b = append(b, l.File...)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(l.Line), 10)
		if places++; !many {
			break
		}
	}
	return b
}

// thousands writes n with comma separators.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// groupUnresolved folds the entries that share a Why into one, in order of first
// appearance, summing counts and keeping at most maxExamples places.
func groupUnresolved(list []Unresolved) []Unresolved {
	if len(list) < 2 {
		return list
	}
	at := make(map[string]int, len(list))
	out := make([]Unresolved, 0, len(list))
	for _, u := range list {
		i, ok := at[u.Why]
		if !ok {
			at[u.Why] = len(out)
			out = append(out, u)
			continue
		}
		g := &out[i]
		if len(g.More) == 0 && g.Count == 0 {
			g.More = nil // never share the backing array of an input entry
		}
		g.Count = g.N() + u.N()
		for _, l := range append([]awaf.Location{u.Loc}, u.More...) {
			if 1+len(g.More) >= maxExamples {
				break
			}
			if l != g.Loc && !slicesContains(g.More, l) {
				g.More = append(g.More[:len(g.More):len(g.More)], l)
			}
		}
	}
	if len(out) > maxCauses {
		rest := out[maxCauses-1:]
		agg := Unresolved{Why: fmt.Sprintf("%s other causes, the first: %s", thousands(len(rest)), rest[0].Why), Loc: rest[0].Loc}
		for _, u := range rest {
			agg.Count += u.N()
			for _, l := range append([]awaf.Location{u.Loc}, u.More...) {
				if 1+len(agg.More) < maxExamples && l != agg.Loc && !slicesContains(agg.More, l) {
					agg.More = append(agg.More, l)
				}
			}
		}
		out = append(out[:maxCauses-1:maxCauses-1], agg)
	}
	return out
}

func slicesContains(ls []awaf.Location, l awaf.Location) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}

// Finding is the outcome of one rule on one resource.
type Finding struct {
	Rule     *Rule
	Status   Status
	Resource *iac.Resource
	// Loc points at the property the rule is about when the template declares it,
	// else at the resource.
	Loc     awaf.Location
	Message string
	// Unresolved lists what made an unknown outcome unknown. Findings whose causes
	// are the same shared facts share one slice: change it by copying, not in place.
	Unresolved []Unresolved
	// Workload names the workload the resource belongs to (Options.WorkloadOf).
	// A rule of scope workload reports on it once.
	Workload string
	// Suppression, when set, says why the finding is accepted: an inline comment,
	// resource metadata or a baseline entry. Evaluate leaves it nil.
	Suppression *Suppression
}

// Suppression records why a finding is not counted.
type Suppression struct {
	Kind    string        `json:"kind"` // "inline", "metadata" or "baseline"
	Reason  string        `json:"reason"`
	Expires string        `json:"expires,omitempty"`
	Loc     awaf.Location `json:"location"`
}

// Effective is the status a finding counts as: suppressed failures and unknowns
// count as Suppressed.
func (f *Finding) Effective() Status {
	if f.Suppression != nil {
		return Suppressed
	}
	return f.Status
}

// Options tune an evaluation.
type Options struct {
	// Profile, when known, lets rules that depend on the workload's criticality or data
	// sensitivity decide; without it they judge by the safer reading.
	Profile *awaf.Profile
	// Workers bounds parallel evaluation; 0 means GOMAXPROCS.
	Workers int
	// Evaluated, when set, is called after each resource is judged with the number
	// judged so far and the number to judge. It is called from several goroutines at
	// once and must be cheap.
	Evaluated func(done, total int)

	// WorkloadOf names the workload a resource belongs to. The workload facts
	// (workload.* in CEL) are gathered per workload and rules of scope workload are
	// judged once per workload. Nil: the whole scan is one workload, named "".
	WorkloadOf func(r *iac.Resource) string

	slow bool // judge every rule through CEL, for tests of the fast path
}

// ScopeWorkload is the Scope of a rule about the workload as a whole.
const ScopeWorkload = "workload"

// workloadBase offsets the unknown ids of the shared workload view from the ids of
// one resource's own values.
const workloadBase = 1 << 40

// Evaluate runs every rule of the catalog on every resource it selects. Resources
// marked Existing are linked but not judged: their properties are declared elsewhere.
// Findings come in resource order, then catalog order, whatever the parallelism.
func (c *Catalog) Evaluate(ctx context.Context, res []iac.Resource, opt Options) ([]Finding, error) {
	fs, err := c.Start(opt).Finish(ctx, res)
	if err != nil {
		return nil, err
	}
	return fs.Slice(), nil
}

// registry numbers the unknown values of one evaluation so that the unknown a CEL
// condition returns can be traced back to the values that caused it.
type registry struct {
	base  int64
	items []Unresolved
	// next is asked for ids this registry does not hold.
	next *registry
	// msgs caches the messages of unknown outcomes that depend only on this (shared)
	// registry's values, by unknownKey.
	msgs sync.Map
}

// sharedUnknown is what the findings of one unknownKey share.
type sharedUnknown struct {
	msg    string
	causes []Unresolved
}

// unknownKey names an unknown outcome that depends only on shared values.
type unknownKey struct {
	rule   *Rule
	export bool
	n      int
	ids    [4]int64
}

func (g *registry) add(why string, loc awaf.Location) ref.Val {
	g.items = append(g.items, Unresolved{Why: why, Loc: loc})
	return types.NewUnknown(g.base+int64(len(g.items)), nil)
}

func (g *registry) convert(v *iac.Value) any {
	return iac.ToGoFunc(v, func(u *iac.Value) any {
		why := u.Why
		if why == "" {
			why = "value not known before deployment"
		}
		return g.add(why, u.Loc)
	})
}

func (g *registry) lookup(id int64) (Unresolved, bool) {
	i := id - g.base - 1
	if i < 0 || i >= int64(len(g.items)) {
		if g.next != nil {
			return g.next.lookup(id)
		}
		return Unresolved{}, false
	}
	return g.items[i], true
}

// resourceView gives the CEL view of a resource, with the keys type, apiVersion,
// source and id always, name, kind, location, sku, identity, tags, properties, zones
// and scope when set, and parent when the resource has one. The properties of an
// existing resource are an unknown.
func resourceView(r *iac.Resource, reg *registry) *resourceObj {
	return newResourceObj(r, reg)
}

// pendingView registers, once per evaluation, the unknown each link kind gives a
// resource with no known link of that kind: the links anywhere in the scan whose target
// is unknown, grouped by cause.
func (g *graph) pendingView(reg *registry) map[string]ref.Val {
	m := map[string]ref.Val{}
	kinds := make([]string, 0, len(g.pending))
	for kind := range g.pending {
		kinds = append(kinds, kind)
	}
	sort.Strings(kinds) // ids in a fixed order, for reproducible messages
	for _, kind := range kinds {
		ps := g.pending[kind]
		if len(ps) == 0 {
			continue
		}
		list := make([]Unresolved, len(ps))
		for j, p := range ps {
			why := p.Why
			if why == "" {
				why = "target not known before deployment"
			}
			list[j] = Unresolved{Why: fmt.Sprintf("a %s link whose target is not known before deployment (%s)", kindNoun(kind), why), Loc: p.Loc}
		}
		m[kind] = reg.addAll(list)
	}
	return m
}

// describe names a resource for messages: its type and name when known, else its id.
func describe(r *iac.Resource) string {
	if name, ok := r.NameString(); ok {
		return fmt.Sprintf("%s '%s'", r.Type, name)
	}
	if r.ID != "" {
		return fmt.Sprintf("%s '%s'", r.Type, r.ID)
	}
	return r.Type
}

// workloadView precomputes the facts that span the scan, so that a rule on one
// resource reads them in constant time.
//
//	types          lower-cased type -> number of resources
//	contentSafety  a Content Safety (or multi-service AI Services) account is declared
//	aiRegions      distinct regions of OpenAI and AI Services accounts
//
// Each becomes unknown when an unknown kind or location could change its answer.
func workloadView(res []iac.Resource, idx []int, reg *registry) map[string]any {
	byType := map[string]int64{} // as written; a scan has few distinct types
	var safety any = false
	var safetyUnknown []*iac.Value
	var regions []any
	seen := map[string]bool{}
	var regionUnknown []*iac.Value
	for _, i := range idx {
		r := &res[i]
		byType[r.Type]++
		if !strings.EqualFold(r.Type, "microsoft.cognitiveservices/accounts") {
			continue
		}
		kind, known, _ := r.Kind.AsString()
		if !known {
			safetyUnknown = append(safetyUnknown, r.Kind)
		} else if strings.EqualFold(kind, "ContentSafety") || strings.EqualFold(kind, "AIServices") {
			safety = true
		}
		if !known || strings.EqualFold(kind, "OpenAI") || strings.EqualFold(kind, "AIServices") {
			loc, lknown, ok := r.Location.AsString()
			switch {
			case !lknown:
				regionUnknown = append(regionUnknown, r.Location)
			case ok && !seen[normRegion(loc)]:
				seen[normRegion(loc)] = true
				regions = append(regions, loc)
			}
		}
	}
	counts := map[string]any{}
	for t, n := range byType {
		lt := strings.ToLower(t)
		m, _ := counts[lt].(int64)
		counts[lt] = m + n
	}
	if safety == false && len(safetyUnknown) > 0 {
		safety = reg.merge("the kind of an AI account", safetyUnknown)
	}
	var aiRegions any = regions
	if regions == nil {
		aiRegions = []any{}
	}
	if len(regions) < 2 && len(regionUnknown) > 0 {
		aiRegions = reg.merge("the region of an AI account", regionUnknown)
	}
	return map[string]any{"types": counts, "contentSafety": safety, "aiRegions": aiRegions}
}

func normRegion(s string) string { return strings.ReplaceAll(strings.ToLower(s), " ", "") }

// merge registers several unknown values as one CEL unknown. Values that share a
// cause are registered once, with their count and a few places.
func (g *registry) merge(what string, vs []*iac.Value) ref.Val {
	list := make([]Unresolved, len(vs))
	for i, v := range vs {
		list[i] = Unresolved{Why: fmt.Sprintf("%s is not known before deployment (%s)", what, v.Why), Loc: v.Loc}
	}
	return g.addAll(list)
}

// addAll registers a list of unknown values, grouped by cause, as one CEL unknown.
func (g *registry) addAll(list []Unresolved) *types.Unknown {
	var unk *types.Unknown
	for _, u := range groupUnresolved(list) {
		g.items = append(g.items, u)
		unk = types.MergeUnknowns(unk, types.NewUnknown(g.base+int64(len(g.items)), nil))
	}
	return unk
}

// profileView gives the workload profile. Without one, criticality and sensitivity
// are unknowns: a rule that needs them says so instead of assuming.
func profileView(p *awaf.Profile, reg *registry) map[string]any {
	missing := func(what string) any {
		return reg.add(fmt.Sprintf("the workload's %s is not known (give an answers file with a profile: --answers)", what), awaf.Location{})
	}
	m := map[string]any{"known": p != nil, "kinds": []any{}, "components": []any{}}
	str := func(key, val string) {
		if val == "" {
			m[key] = missing(key)
		} else {
			m[key] = val
		}
	}
	if p == nil {
		p = &awaf.Profile{}
	}
	str("criticality", string(p.Criticality))
	str("sensitivity", string(p.Sensitivity))
	str("exposure", string(p.Exposure))
	kinds := make([]any, len(p.Kinds))
	for i, k := range p.Kinds {
		kinds[i] = string(k)
	}
	comps := make([]any, len(p.Components))
	for i, c := range p.Components {
		comps[i] = string(c)
	}
	m["kinds"], m["components"] = kinds, comps
	return m
}

// relatedView gives the resources linked to resource i. A link list with no known
// member but with links anywhere in the scan whose target is unknown becomes an
// unknown itself (pending, by link kind): one of those may point here.
func (g *graph) relatedView(i int, reg *registry, pending map[string]ref.Val) map[string]any {
	l := g.links[i]
	r := &g.res[i]
	m := map[string]any{}
	list := func(kind string, idx []int) {
		if len(idx) == 0 && pending[kind] != nil {
			m[kind] = pending[kind]
			return
		}
		out := make([]any, len(idx))
		for j, k := range idx {
			out[j] = resourceView(&g.res[k], reg)
		}
		m[kind] = out
	}
	list(linkPE, l.privateEndpoints)
	if len(l.diagnosticSettings) == 0 && r.Source == iac.SourceExport {
		// Resource Graph and az resource list do not return diagnostic settings, so an
		// export without them says nothing about whether they exist.
		m[linkDiag] = reg.add("diagnostic settings are not part of Resource Graph or az resource exports; check them with az monitor diagnostic-settings list", r.Loc)
	} else {
		list(linkDiag, l.diagnosticSettings)
	}
	list(linkAlert, g.alertsOf(i))
	switch {
	case l.parent >= 0:
		m["parent"] = resourceView(&g.res[l.parent], reg)
		sib := make([]any, 0, len(g.children[l.parent]))
		for _, k := range g.children[l.parent] {
			if k == i {
				continue
			}
			c := &g.res[k]
			e := map[string]any{"type": c.Type}
			if name, known, ok := c.Name.AsString(); !known {
				e["name"] = reg.add(fmt.Sprintf("the name of %s is not known before deployment (%s)", c.Type, c.Name.Why), c.Name.Loc)
			} else if ok {
				e["name"] = name[strings.LastIndexByte(name, '/')+1:]
			}
			sib = append(sib, e)
		}
		m["siblings"] = sib
	case strings.Count(r.Type, "/") >= 2:
		why := fmt.Sprintf("the parent of %s is not declared in the scanned files", describe(r))
		m["parent"] = reg.add(why, r.Loc)
		m["siblings"] = reg.add(why, r.Loc)
	}
	m["keyVault"] = g.refView(reg, "Key Vault", g.vaultFor,
		r.Properties.Get("encryption.keyVaultProperties.keyVaultUri"),
		r.Properties.Get("encryption.keyVaultProperties.keyVaultArmId"),
		r.Properties.Get("keyVaultKeyUri"),
		r.Properties.Get("keyVault"))
	m["storageAccount"] = g.refView(reg, "storage account", g.resolveValue, r.Properties.Get("storageAccount"))
	return m
}

// alertsOf gives the metric alerts that watch resource i: those scoped to it and
// those scoped to a group or subscription for its type, in scan order.
func (g *graph) alertsOf(i int) []int {
	alerts := g.links[i].metricAlerts
	if byType := g.typeAlerts[g.ltype[i]]; len(byType) > 0 {
		alerts = append([]int(nil), alerts...)
		for _, k := range byType {
			if !contains(alerts, k) {
				alerts = append(alerts, k)
			}
		}
		sort.Ints(alerts)
	}
	return alerts
}

func (g *graph) resolveValue(v *iac.Value) (int, bool) {
	if v.Ref() != "" {
		t, found, _ := g.linkTarget(v)
		return t, found
	}
	s, known, ok := v.AsString()
	if !ok || !known {
		return -1, false
	}
	return g.resolve(s)
}

// refView resolves the first declared reference among refs: the resource's view when
// it is in the scan, an unknown when the reference or the resource is not knowable
// from the scanned files, nil when nothing is referenced.
func (g *graph) refView(reg *registry, noun string, find func(*iac.Value) (int, bool), refs ...*iac.Value) any {
	for _, v := range refs {
		if v == nil || v.Kind == iac.Null {
			continue
		}
		if v.IsUnknown() && v.Ref() != "" {
			if k, ok := find(v); ok {
				return resourceView(&g.res[k], reg)
			}
		}
		if v.IsUnknown() {
			return reg.add(fmt.Sprintf("the %s reference is not known before deployment (%s)", noun, v.Why), v.Loc)
		}
		if k, ok := find(v); ok {
			return resourceView(&g.res[k], reg)
		}
		s, _, _ := v.AsString()
		return reg.add(fmt.Sprintf("the %s %q is not declared in the scanned files", noun, s), v.Loc)
	}
	return nil
}

func kindNoun(kind string) string {
	switch kind {
	case linkPE:
		return "private endpoint"
	case linkDiag:
		return "diagnostic setting"
	}
	return "metric alert"
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// evalResource judges resource i by the rules of its type at the positions only
// lists (every rule when only is nil), appends the findings to out and, when at is
// not nil, each one's position to *at. linked tells whether the graph and the
// workload view are built; without them (a Session judging a unit as it is read) the
// CEL view's related and workload are empty, and only rules that read neither run.
func (c *Catalog) evalResource(g *graph, i int, shared map[string]any, wreg *registry, slow, linked bool, only []uint16, out []Finding, at *[]uint16) []Finding {
	r := &g.res[i]
	byType := c.byType[g.ltype[i]]
	// One activation serves every rule on the resource that needs CEL, built on first
	// use: a resource whose rules all take the fast path never gets a view. The linked
	// resources are only gathered when a rule for this type reads them.
	var reg *registry
	var vars interpreter.Activation
	cel := func() (interpreter.Activation, *registry) {
		if vars != nil {
			return vars, reg
		}
		reg = &registry{}
		var related any = map[string]any{}
		if linked && c.related[g.ltype[i]] {
			pending, _ := shared["pending"].(map[string]ref.Val)
			related = g.relatedView(i, reg, pending)
		}
		var err error
		vars, err = interpreter.NewActivation(map[string]any{
			"resource": resourceView(r, reg),
			"related":  related,
			"workload": shared["workload"],
			"profile":  shared["profile"],
		})
		if err != nil {
			panic(err) // a map activation cannot fail
		}
		return vars, reg
	}
	var vars0 [maxFastDepth]fastVar
	fc := &fastCtx{g: g, i: i, vars: vars0[:0]}
	fc.profile, _ = shared["profile"].(map[string]any)
	fc.workload, _ = shared["workload"].(map[string]any)
	if linked {
		fc.pending, _ = shared["pending"].(map[string]ref.Val)
	}
	judge := func(j int) {
		if f, ok := byType[j].eval(fc, cel, wreg, slow); ok {
			out = append(out, f)
			if at != nil {
				*at = append(*at, uint16(j))
			}
		}
	}
	if only == nil {
		for j := range byType {
			judge(j)
		}
	} else {
		for _, j := range only {
			judge(int(j))
		}
	}
	return out
}

// eval runs one rule; ok is false when the rule's When excludes the resource. cel
// gives the activation for the CEL programs; slow skips the fast path (for tests).
func (rule *Rule) eval(fc *fastCtx, cel func() (interpreter.Activation, *registry), wreg *registry, slow bool) (Finding, bool) {
	r := &fc.g.res[fc.i]
	f := Finding{Rule: rule, Resource: r, Loc: r.Loc}
	var out ref.Val
	var err error
	if v, selected, ok := rule.evalFast(fc, slow); ok {
		if !selected {
			return f, false
		}
		if v.unk != nil {
			return rule.unknown(f, noRegistry, wreg, v.unk, nil), true
		}
		out = types.Bool(v.b)
	} else if u := rule.fastUnknown(fc, slow); u != nil {
		// What CEL would give: the one unknown value, registered as its view does.
		reg := &registry{}
		return rule.unknown(f, reg, wreg, reg.val(u), nil), true
	} else if gated, gerr := rule.gated.get(); gated != nil || gerr != nil {
		vars, reg := cel()
		if gerr != nil {
			return rule.unknown(f, reg, wreg, nil, gerr), true
		}
		out, _, err = gated.Eval(vars)
		switch {
		case err != nil || types.IsUnknown(out):
			return rule.unknown(f, reg, wreg, out, err), true
		case out == types.Int(2):
			return f, false
		case out == types.Int(1):
			out = types.True
		default:
			out = types.False
		}
	} else if prg, perr := rule.condition.get(); perr != nil {
		err = perr
	} else {
		vars, _ := cel()
		out, _, err = prg.Eval(vars)
	}
	var at *iac.Value
	if rule.Path != "" {
		if at = rule.propertyAt(r); at != nil && at.Loc.Line > 0 {
			f.Loc = at.Loc
		}
	}
	switch {
	case err != nil || types.IsUnknown(out):
		_, reg := cel()
		return rule.unknown(f, reg, wreg, out, err), true
	case out == types.True:
		f.Status = Pass
		f.Message = rule.Title
	default:
		f.Status = Fail
		f.Message = rule.failMessage(at)
	}
	if r.Condition.IsUnknown() {
		f.Message += fmt.Sprintf(" (applies if the resource is deployed; its condition is not known before deployment: %s)", r.Condition.Why)
	}
	return f, true
}

// evalFast judges the rule in Go when its expressions allow; ok false means CEL must.
// A When that is known false settles the rule even when its condition needs CEL.
func (rule *Rule) evalFast(fc *fastCtx, slow bool) (v fastVal, selected, ok bool) {
	if slow || (rule.fastCond == nil && rule.fastWhen == nil) || fc.g.res[fc.i].Existing {
		return fastVal{}, false, false
	}
	if rule.fastWhen != nil {
		w, ok := rule.fastWhen.eval(fc)
		switch {
		case !ok:
			return fastVal{}, false, false
		case w.unk != nil:
			// An unknown When makes the outcome unknown, as the gated program has it.
			return w, true, true
		case !w.b:
			return fastVal{}, false, true
		}
	}
	if rule.fastCond == nil {
		return fastVal{}, true, false
	}
	v, ok = rule.fastCond.eval(fc)
	return v, true, ok
}

// fastUnknown gives the unknown resource value that makes the rule's outcome unknown
// when the fast path left the rule to CEL for that reason alone: the When (if any)
// known and true, and a condition that is, possibly negated, one comparison of one
// resource property, or such a comparison || a known false (&& a known true), with
// the property, an object or list on its way, or its part Unknown. CEL gives that
// value's unknown unchanged (its functions are strict, false || x and true && x are
// x), so the finding is made here from the same cause, without the resource's CEL
// views. Nil otherwise.
func (rule *Rule) fastUnknown(fc *fastCtx, slow bool) *iac.Value {
	r := &fc.g.res[fc.i]
	if slow || rule.fastCond == nil || r.Existing || (rule.When != "" && rule.fastWhen == nil) {
		return nil
	}
	e := rule.fastCond
	for e.op == fastNot {
		e = e.sub[0]
	}
	v := unknownOperand(e, r)
	if v == nil && (e.op == fastOr || e.op == fastAnd) && len(e.sub) == 2 {
		for k := range 2 {
			known, other := e.sub[k], e.sub[1-k]
			if v = unknownOperand(other, r); v == nil {
				continue
			}
			if x, ok := known.eval(fc); !ok || x.unk != nil || x.b != (e.op == fastAnd) {
				v = nil
			}
			break
		}
	}
	if v == nil {
		return nil
	}
	if rule.fastWhen != nil {
		if w, ok := rule.fastWhen.eval(fc); !ok || w.unk != nil || !w.b {
			return nil
		}
	}
	return v
}

// unknownOperand gives, for a comparison (possibly negated) of one resource property,
// the Unknown value that property reads as: itself, an object or list on its way, or
// its part. Nil for any other expression or value.
func unknownOperand(e *fastExpr, r *iac.Resource) *iac.Value {
	for e.op == fastNot {
		e = e.sub[0]
	}
	switch e.op {
	case fastIeq, fastIin, fastIprefix, fastIcontains, fastNumCmp, fastSizeCmp, fastTruthy, fastNe, fastIn, fastBoolEq:
	default:
		return nil
	}
	g := e.get
	if g == nil || g.src != srcResource || e.link != "" {
		return nil
	}
	v := partOf(r, g.head)
	if v != nil && g.rest != "" {
		v = v.Get(g.rest)
	}
	if v == nil || v.Kind != iac.Unknown {
		return nil
	}
	return v
}

// noRegistry stands for a resource's own registry when an outcome's unknowns all come
// from the shared workload and profile views.
var noRegistry = &registry{}

// failMessage gives the message of a failure; at is the rule's property (nil when
// not set). Both variants are built once per rule.
func (rule *Rule) failMessage(at *iac.Value) string {
	rule.msgOnce.Do(func() {
		rule.failSet = rule.Message
		if rule.failSet == "" {
			rule.failSet = "Not met: " + rule.Title
		}
		rule.failUnset = rule.failSet
		if rule.Path != "" {
			rule.failUnset += fmt.Sprintf(" (%s is not set; the platform default is %s: %s)", rule.Path, rule.Default.Value, rule.Default.Meaning)
		}
	})
	if at == nil {
		return rule.failUnset
	}
	return rule.failSet
}

func (rule *Rule) unknown(f Finding, reg, wreg *registry, out ref.Val, err error) Finding {
	f.Status = Unknown
	if rule.Path != "" {
		if v := rule.propertyAt(f.Resource); v != nil && v.Loc.Line > 0 {
			f.Loc = v.Loc
		}
	}
	var key unknownKey
	if u, ok := out.(*types.Unknown); ok {
		ids := u.IDs()
		// An outcome whose unknowns all come from the shared views reads the same on
		// every resource of a source kind: its causes and message are made once per
		// evaluation and shared by its findings (read-only: see Finding.Unresolved).
		shared := err == nil && len(ids) > 0 && len(ids) <= len(key.ids)
		for k := 0; shared && k < len(ids); k++ {
			if _, ok := reg.lookup(ids[k]); ok {
				shared = false
			} else if _, ok := wreg.lookup(ids[k]); !ok {
				shared = false
			}
			key.ids[k] = ids[k]
		}
		if shared {
			key.rule, key.export, key.n = rule, f.Resource.Source == iac.SourceExport, len(ids)
			if m, ok := wreg.msgs.Load(key); ok {
				made := m.(*sharedUnknown)
				f.Message, f.Unresolved = made.msg, made.causes
				return f
			}
		}
		f.Unresolved = make([]Unresolved, 0, len(ids))
		for _, id := range ids {
			if x, ok := reg.lookup(id); ok {
				f.Unresolved = append(f.Unresolved, x)
			} else if x, ok := wreg.lookup(id); ok {
				f.Unresolved = append(f.Unresolved, x)
			}
		}
		f.Unresolved = groupUnresolved(f.Unresolved)
		if shared && len(f.Unresolved) > 0 {
			defer func() { wreg.msgs.Store(key, &sharedUnknown{msg: f.Message, causes: slices.Clip(f.Unresolved)}) }()
		}
	}
	if err != nil {
		f.Unresolved = append(f.Unresolved, Unresolved{Why: "the rule could not be evaluated: " + err.Error(), Loc: f.Loc})
	}
	if len(f.Unresolved) == 0 {
		f.Unresolved = []Unresolved{{Why: "a value the rule reads is not known before deployment", Loc: f.Loc}}
	}
	f.Unresolved = groupUnresolved(f.Unresolved)
	// "Unknown: <lead>: <cause>; <cause> — <title>", built in one buffer: a large
	// scan has hundreds of thousands of unknowns.
	var buf [512]byte
	b := append(buf[:0], "Unknown: "...)
	if f.Resource.Source == iac.SourceExport {
		b = append(b, "could not be determined from the export: "...)
	} else {
		b = append(b, "could not be resolved before deployment: "...)
	}
	for i := range f.Unresolved {
		if i > 0 {
			b = append(b, "; "...)
		}
		b = f.Unresolved[i].appendTo(b)
	}
	b = append(b, " — "...)
	b = append(b, rule.Title...)
	f.Message = string(b)
	return f
}

// propertyAt reads the rule's path ("properties.x.y", "sku.name", "identity.type")
// from the resource's parts; nil when the rule has none or it is not declared.
func (rule *Rule) propertyAt(r *iac.Resource) *iac.Value {
	p := rule.pathGet
	if p == nil {
		return nil
	}
	v := partOf(r, p.head)
	if v == nil || p.rest == "" {
		return v
	}
	return p.at(v)
}

// pathReader compiles a rule path for propertyAt; nil when its head is not one of
// the resource parts a path may name.
func pathReader(path string) *fastGet {
	head, rest, _ := strings.Cut(path, ".")
	switch h := strings.ToLower(head); h {
	case "properties", "sku", "identity", "tags", "kind", "location", "zones":
		g := &fastGet{head: h, rest: rest}
		if rest != "" && !strings.ContainsAny(rest, "[]") && !strings.HasSuffix(rest, ".") {
			g.segs = strings.Split(rest, ".")
		}
		return g
	}
	return nil
}
