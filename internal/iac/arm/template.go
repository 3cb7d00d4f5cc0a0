// Package arm reads Azure Resource Manager JSON templates and parameter files into the
// iac resource model. It evaluates template expressions ("[...]" strings, the date
// functions included), expands copy loops, honours conditions, follows nested inline
// deployments and linked templates named by templateLink.relativePath inside the
// scanned files, and reads languageVersion 2.0 symbolic resources. What only a
// deployment can know (a parameter without a value, utcNow(), reference(), list*())
// stays Unknown with the reason; links to URIs and template specs are reported, not
// fetched.
package arm

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/iac/tmplfunc"
)

// maxNesting bounds nested deployments within one template.
const maxNesting = 16

// Expand evaluates one template and returns its resources. params holds parameter
// values already evaluated, by name (any case); a declared parameter missing from it
// takes its defaultValue, else becomes Unknown. Bicep uses this for registry modules
// held in the local module cache as ARM JSON. Errors in the template become
// diagnostics; Expand returns whatever it could read.
func Expand(ctx context.Context, file string, data []byte, params map[string]*iac.Value) ([]iac.Resource, []iac.Diagnostic) {
	root, err := iac.DecodeJSON(file, data)
	if err != nil {
		return nil, []iac.Diagnostic{iac.DiagnosticFromError(file, err)}
	}
	return ExpandValue(ctx, root, params)
}

// ExpandValue is Expand for a template already decoded (with locations).
func ExpandValue(ctx context.Context, root *iac.Value, params map[string]*iac.Value) ([]iac.Resource, []iac.Diagnostic) {
	return expandWith(ctx, root, params, nil)
}

// ExpandFS is Expand for a template inside fsys at the slash path file: linked
// templates with a relativePath are read from fsys too.
func ExpandFS(ctx context.Context, fsys fs.FS, file string, data []byte, params map[string]*iac.Value) ([]iac.Resource, []iac.Diagnostic) {
	res, diags, _ := expandFS(ctx, fsys, file, data, params, nil)
	return res, diags
}

// expandFS also returns the linked templates it read, so that Scan does not report
// them a second time on their own.
func expandFS(ctx context.Context, fsys fs.FS, file string, data []byte, params map[string]*iac.Value, sink iac.Sink) ([]iac.Resource, []iac.Diagnostic, []string) {
	var root *iac.Value
	var lazy *iac.Deferred
	var err error
	if sink != nil && len(data) >= deferFrom {
		// A large template's resources are decoded, expanded and handed to the sink
		// a few at a time (see expander.flush), so memory holds the file's bytes and
		// what the sink keeps, not the whole file as values.
		root, lazy, err = iac.DecodeJSONDeferred(file, data, "resources")
	} else {
		root, err = iac.DecodeJSON(file, data)
	}
	if err != nil {
		return nil, []iac.Diagnostic{iac.DiagnosticFromError(file, err)}, nil
	}
	var loaded []string
	x := &expander{ctx: ctx, file: root.Loc.File, sink: newSink(), lazy: lazy, keep: sink, load: func(p string) ([]byte, error) {
		d, diag := readFile(fsys, p)
		if diag != nil {
			return nil, fmt.Errorf("%s", diag.Message)
		}
		loaded = append(loaded, p)
		return d, nil
	}}
	r := x.evaluate(root, params)
	return x.flush(r.Resources, true), r.Diagnostics, loaded
}

// deferFrom is the size from which a template's resources are decoded one at a time
// and handed to the sink in chunks of flushEvery or more; smaller templates are
// decoded whole and handed over as one unit. Variables so tests can lower them.
var (
	deferFrom  = 1 << 20
	flushEvery = 512
)

func expandWith(ctx context.Context, root *iac.Value, params map[string]*iac.Value, load func(string) ([]byte, error)) ([]iac.Resource, []iac.Diagnostic) {
	r := evaluate(ctx, root, params, load)
	return r.Resources, r.Diagnostics
}

// Result is everything Evaluate reads from a template.
type Result struct {
	Resources   []iac.Resource
	Diagnostics []iac.Diagnostic
	// Outputs is the template's "outputs" evaluated, shaped as reference() of a
	// deployment gives them: {"name": {"type": "string", "value": ...}}.
	Outputs *iac.Value
}

// Evaluate is Expand that also evaluates the template's outputs, for callers that
// use a template as a module (Bicep registry modules from the local cache).
func Evaluate(ctx context.Context, file string, data []byte, params map[string]*iac.Value) Result {
	root, err := iac.DecodeJSON(file, data)
	if err != nil {
		return Result{Diagnostics: []iac.Diagnostic{iac.DiagnosticFromError(file, err)}, Outputs: iac.NewObject(awaf.Location{File: file, Line: 1, Column: 1})}
	}
	return evaluate(ctx, root, params, nil)
}

func evaluate(ctx context.Context, root *iac.Value, params map[string]*iac.Value, load func(string) ([]byte, error)) Result {
	x := &expander{ctx: ctx, file: root.Loc.File, sink: newSink(), load: load}
	return x.evaluate(root, params)
}

func (x *expander) evaluate(root *iac.Value, params map[string]*iac.Value) Result {
	if root.Kind != iac.Object {
		x.sink.errorf(root.Loc, "expected a template object, found %s", root.Kind)
		return Result{Diagnostics: x.sink.diags, Outputs: iac.NewObject(root.Loc)}
	}
	ev := x.template(root, params, nil, nil)
	outs := x.outputs(ev, root)
	return Result{Resources: x.out, Diagnostics: x.sink.diags, Outputs: outs}
}

type expander struct {
	ctx  context.Context
	file string
	sink *sink
	out  []iac.Resource
	// load reads a linked template by slash path; nil when there is no file tree.
	load func(path string) ([]byte, error)
	// linkedFiles holds the linked templates decoded so far, by path.
	linkedFiles map[string]*iac.Value
	// lazy, when set, holds the root template's resources, decoded one at a time;
	// keep then receives the expanded resources in chunks as they are made
	// (flush): out[:kept] are what it kept, dropped counts what it did not.
	lazy          *iac.Deferred
	keep          iac.Sink
	kept, dropped int
}

// made is the number of resources expanded so far, kept or not.
func (x *expander) made() int { return len(x.out) + x.dropped }

// flush hands the resources made since the last flush to the sink and keeps what it
// keeps; with all set, whatever is left (the end of the expansion). Without a sink
// it keeps everything.
func (x *expander) flush(out []iac.Resource, all bool) []iac.Resource {
	if x.keep == nil || (!all && len(out)-x.kept < flushEvery) {
		return out
	}
	n := len(out) - x.kept
	kept := x.keep.Keep(out[x.kept:])
	out = append(out[:x.kept], kept...)
	x.dropped += n - len(kept)
	x.kept = len(out)
	return out
}

// parentInfo is what a nested child resource inherits.
type parentInfo struct {
	typ       string
	name      *iac.Value
	id        string
	condition *iac.Value
}

// template expands one template. outer is the evaluator of the enclosing template for a
// nested deployment evaluated in "outer" scope; nil otherwise.
func (x *expander) template(t *iac.Value, params map[string]*iac.Value, outer *evaluator, via []awaf.Location) *evaluator {
	ev := outer
	if ev == nil {
		ev = &evaluator{file: x.file, sink: x.sink, symbols: map[string]string{}, deployments: map[string]*iac.Value{}}
		ev.setFunctions(t.Field("functions"))
		ev.params = x.bindParams(ev, t, params)
		ev.setVariables(t.Field("variables"))
	}
	start := len(x.out)
	res := t.Field("resources")
	switch {
	case res == nil:
	case x.lazy != nil && res == x.lazy.Array:
		// The root template's resources, one at a time. Between two of them every
		// resource made so far is final (a deployment sets its resources'
		// condition when it ends), so they go to the sink in chunks. Symbolic
		// names, which rewrite dependsOn and scope after the loop, come only from
		// a nested template of languageVersion 2.0 here: from the first one on,
		// nothing more is handed over before the end.
		for i := range x.lazy.Len() {
			if x.ctx.Err() != nil {
				return ev
			}
			x.resource(ev, "", x.lazy.Item(i), nil, nil, via)
			if len(ev.symbols) == 0 {
				x.out = x.flush(x.out, false)
			}
		}
	case res.Kind == iac.Array:
		for _, r := range res.Items {
			if x.ctx.Err() != nil {
				return ev
			}
			x.resource(ev, "", r, nil, nil, via)
		}
	case res.Kind == iac.Object: // languageVersion 2.0: symbolic names
		for _, sym := range res.Keys {
			if x.ctx.Err() != nil {
				return ev
			}
			x.resource(ev, sym, res.Fields[sym], nil, nil, via)
		}
	default:
		x.sink.errorf(res.Loc, "\"resources\" must be an array (or an object keyed by symbolic name), found %s", res.Kind)
	}
	// Symbolic names in dependsOn and scope become resource ids once all are known.
	for i := start; i < len(x.out); i++ {
		r := &x.out[i]
		for j, d := range r.DependsOn {
			if id, ok := ev.symbols[strings.ToLower(d)]; ok {
				r.DependsOn[j] = id
			}
		}
		if s, known, ok := r.Scope.AsString(); ok && known {
			if id, found := ev.symbols[strings.ToLower(s)]; found {
				r.Scope = iac.NewString(id, r.Scope.Loc)
			}
		}
	}
	return ev
}

// outputs evaluates a template's "outputs" as reference(deployment).outputs gives
// them: {name: {"type": t, "value": v}}.
func (x *expander) outputs(ev *evaluator, t *iac.Value) *iac.Value {
	outs := t.Field("outputs")
	result := iac.NewObject(t.Loc)
	if outs == nil || outs.Kind != iac.Object {
		return result
	}
	for _, name := range outs.Keys {
		o := outs.Fields[name]
		entry := iac.NewObject(o.Loc)
		if typ := o.Field("type"); typ != nil {
			entry.Set("type", typ)
		}
		switch {
		case o.Field("copy") != nil:
			spec := o.Field("copy")
			count, unknown := ev.count(spec.Field("count"), nil, spec.Loc, "output copy '"+name+"'")
			if unknown != nil {
				entry.Set("value", unknown)
				break
			}
			items := make([]*iac.Value, count)
			for i := range items {
				// copyIndex() without a name refers to the output's own loop.
				items[i] = ev.tree(spec.Field("input"), (*scope)(nil).with(resourceLoop, "", iac.NewNumber(float64(i), spec.Loc)))
			}
			entry.Set("value", iac.NewArray(spec.Loc, items...))
		case o.Field("value") != nil:
			entry.Set("value", ev.tree(o.Field("value"), nil))
		default:
			entry.Set("value", iac.NewUnknown(fmt.Sprintf("output '%s' has no value", name), o.Loc))
		}
		result.Set(name, entry)
	}
	return result
}

func (x *expander) bindParams(ev *evaluator, t *iac.Value, given map[string]*iac.Value) map[string]*iac.Value {
	decl := t.Field("parameters")
	out := map[string]*iac.Value{}
	ev.params = out // defaults may refer to parameters declared before them
	givenLower := make(map[string]*iac.Value, len(given))
	for k, v := range given {
		givenLower[strings.ToLower(k)] = v
	}
	if decl != nil && decl.Kind != iac.Object {
		x.sink.errorf(decl.Loc, "\"parameters\" must be an object, found %s", decl.Kind)
		decl = nil
	}
	if decl != nil {
		for _, name := range decl.Keys {
			p := decl.Fields[name]
			key := strings.ToLower(name)
			if v, ok := givenLower[key]; ok {
				delete(givenLower, key)
				// A null value means "not given": ARM then uses the default, and
				// modules that pass optional values through rely on it.
				if v != nil && v.Kind != iac.Null {
					out[key] = v
					continue
				}
			}
			if p.Kind != iac.Object {
				x.sink.errorf(p.Loc, "parameter %q: expected an object with \"type\"", name)
				out[key] = iac.NewUnknown(fmt.Sprintf("parameter '%s' is malformed", name), p.Loc)
				continue
			}
			if def := p.Field("defaultValue"); def != nil {
				out[key] = ev.tree(def, nil)
				continue
			}
			if p.Field("nullable").Truthy() {
				out[key] = iac.NewNull(p.Loc)
				continue
			}
			out[key] = iac.NewUnknown(fmt.Sprintf("parameter '%s' has no value", name), p.Loc)
		}
	}
	extra := make([]string, 0, len(givenLower))
	for k := range givenLower {
		extra = append(extra, k)
	}
	sort.Strings(extra)
	for _, k := range extra {
		x.sink.warnf(t.Loc, "parameter %q is given a value but the template does not declare it", k)
	}
	return out
}

// resource expands one resource declaration, its copy loop and its nested children.
func (x *expander) resource(ev *evaluator, sym string, r *iac.Value, parent *parentInfo, sc *scope, via []awaf.Location) {
	if r == nil || r.Kind != iac.Object {
		at := awaf.Location{File: x.file}
		if r != nil {
			at = r.Loc
		}
		x.sink.errorf(at, "expected a resource object, found %s", kindOf(r))
		return
	}
	cp := r.Field("copy")
	if cp == nil {
		x.instance(ev, sym, r, parent, sc, via)
		return
	}
	if cp.Kind != iac.Object {
		x.sink.errorf(cp.Loc, "resource \"copy\" must be an object with \"name\" and \"count\", found %s", cp.Kind)
		return
	}
	loopName, _ := plainString(ev.tree(cp.Field("name"), sc))
	if loopName == "" {
		x.sink.errorf(cp.Loc, "resource copy: expected a \"name\"")
	}
	count, unknown := ev.count(cp.Field("count"), sc, cp.Loc, "copy '"+loopName+"'")
	if unknown != nil {
		// One representative instance, marked as maybe not deployed at all.
		x.instance(ev, sym, r, parent, sc.with(resourceLoop, loopName, unknown), via)
		return
	}
	for i := 0; i < count; i++ {
		if x.ctx.Err() != nil {
			return
		}
		x.instance(ev, sym, r, parent, sc.with(resourceLoop, loopName, iac.NewNumber(float64(i), cp.Loc)), via)
	}
}

// maxResources bounds the resources one expansion produces: copy loops of nested and
// linked deployments multiply. A variable so tests can lower it.
var maxResources = 200000

func (x *expander) instance(ev *evaluator, sym string, r *iac.Value, parent *parentInfo, sc *scope, via []awaf.Location) {
	if x.sink.instances++; x.made() >= maxResources || x.sink.instances > 4*maxResources {
		if !x.sink.truncated {
			x.sink.truncated = true
			x.sink.errorf(r.Loc, "more than %d resources (or %d resource copies); the rest are not read", maxResources, 4*maxResources)
		}
		return
	}
	var condition *iac.Value
	if parent != nil {
		condition = parent.condition
	}
	f := fieldsOf(r)
	if c := f[fCondition]; c != nil {
		v := ev.tree(c, sc)
		b, known, ok := v.AsBool()
		switch {
		case !known:
			condition = v
		case !ok:
			x.sink.errorf(c.Loc, "\"condition\" must be a bool, found %s", v.Kind)
		case !b:
			return
		}
	}
	// A copy loop whose count is unknown may deploy nothing.
	for s := sc; s != nil; s = s.up {
		if s.kind == resourceLoop && s.val.IsUnknown() && condition == nil {
			condition = s.val
		}
	}
	typV := ev.tree(f[fType], sc)
	typ, ok := plainString(typV)
	if !ok || typ == "" {
		x.sink.errorf(r.Loc, "resource: expected a \"type\" string such as \"Microsoft.Storage/storageAccounts\"")
		return
	}
	nameV := ev.tree(f[fName], sc)
	if nameV == nil {
		x.sink.errorf(r.Loc, "resource %s: expected a \"name\"", typ)
		return
	}
	if parent != nil && !tmplfunc.IsResourceType(typ) {
		typ = parent.typ + "/" + typ
		nameV = joinName(parent.name, nameV)
	}
	res := iac.Resource{
		Type:      typ,
		Name:      nameV,
		Loc:       r.Loc,
		Via:       via,
		Source:    iac.SourceARM,
		Condition: condition,
		Existing:  f[fExisting].Truthy(),
	}
	if av, ok := plainString(ev.tree(f[fAPIVersion], sc)); ok {
		res.APIVersion = av
	}
	// Old-style extension resources: "Microsoft.CognitiveServices/accounts/providers/
	// diagnosticSettings" named "acct/Microsoft.Insights/diag".
	if i := strings.Index(strings.ToLower(typ), "/providers/"); i > 0 {
		x.legacyExtension(&res, typ[:i], typ[i+len("/providers/"):])
	}
	if strings.EqualFold(res.Type, "Microsoft.Resources/deployments") {
		start := len(x.out)
		// Whatever a deployment that may not happen deploys may not happen either.
		defer func() {
			for i := start; i < len(x.out); i++ {
				if x.out[i].Condition == nil {
					x.out[i].Condition = condition
				}
			}
		}()
		if props := f[fProperties]; props != nil && props.Field("template") != nil {
			x.nested(ev, r, props, sc, via)
			if sym != "" {
				ev.symbols[strings.ToLower(sym)] = resourceID(res.Type, res.Name, r.Loc)
			}
			return
		}
		if link := r.Get("properties.templateLink"); link != nil {
			x.linked(ev, sym, r, link, sc, via)
			return
		}
	}
	// A member set to null is a member not set, for ARM as for the rules.
	body := func(i int) *iac.Value { return ev.tree(f[i], sc).WithoutNulls() }
	res.Kind = body(fKind)
	res.Location = body(fLocation)
	res.SKU = body(fSKU)
	res.Identity = body(fIdentity)
	res.Tags = body(fTags)
	res.Properties = body(fProperties)
	res.Zones = body(fZones)
	res.Metadata = body(fMetadata)
	if s := f[fScope]; s != nil {
		res.Scope = normalizeScope(ev.tree(s, sc)).WithoutNulls()
	}
	res.ID = resourceID(res.Type, res.Name, r.Loc)
	if scopeID, ok := plainString(res.Scope); ok && strings.HasPrefix(scopeID, "/") && strings.HasPrefix(res.ID, "/") {
		// An extension resource's id hangs off the resource it extends.
		res.ID = strings.TrimSuffix(scopeID, "/") + res.ID[strings.Index(res.ID, "/providers/"):]
	}
	if sc != nil && res.ID[0] != '/' {
		res.ID += "#" + strconv.Itoa(x.made())
	}
	if parent != nil {
		res.Parent = parent.id
	} else if p := parentID(res.Type, res.Name); p != "" {
		res.Parent = p
	}
	if deps := ev.tree(f[fDependsOn], sc); deps != nil && deps.Kind == iac.Array {
		for _, d := range deps.Items {
			if s, ok := plainString(d); ok {
				res.DependsOn = append(res.DependsOn, normalizeDependency(s))
			}
		}
	}
	if sym != "" {
		ev.symbols[strings.ToLower(sym)] = res.ID
	}
	x.out = append(x.out, res)
	if children := f[fResources]; children != nil {
		if children.Kind != iac.Array {
			x.sink.errorf(children.Loc, "child \"resources\" must be an array, found %s", children.Kind)
			return
		}
		p := &parentInfo{typ: res.Type, name: res.Name, id: res.ID, condition: condition}
		for _, c := range children.Items {
			x.resource(ev, "", c, p, sc, via)
		}
	}
}

// nested expands an inline nested deployment.
func (x *expander) nested(ev *evaluator, r, props *iac.Value, sc *scope, via []awaf.Location) {
	if x.sink.depth >= maxNesting {
		x.sink.errorf(r.Loc, "nested deployments deeper than %d levels are not expanded", maxNesting)
		return
	}
	tmpl := props.Field("template")
	if tmpl.Kind != iac.Object {
		x.sink.errorf(tmpl.Loc, "nested deployment: \"template\" must be an object, found %s", tmpl.Kind)
		return
	}
	inner := strings.EqualFold(str(props.Get("expressionEvaluationOptions.scope")), "inner")
	nextVia := append(append([]awaf.Location(nil), via...), r.Loc)
	x.sink.depth++
	defer func() { x.sink.depth-- }()
	if !inner {
		// Outer scope: the inner template's expressions see the enclosing template's
		// parameters and variables.
		x.template(tmpl, nil, ev, nextVia)
		x.recordOutputs(ev, r, x.outputs(ev, tmpl), sc)
		return
	}
	innerEv := x.template(tmpl, x.deploymentParams(ev, props, sc), nil, nextVia)
	x.recordOutputs(ev, r, x.outputs(innerEv, tmpl), sc)
}

// linked follows a templateLink with a relativePath to a file in the scanned tree,
// relative to the template that holds the deployment; links to URIs and template specs
// are reported, not fetched.
func (x *expander) linked(ev *evaluator, sym string, r, link *iac.Value, sc *scope, via []awaf.Location) {
	if link.Kind != iac.Object {
		x.sink.errorf(link.Loc, "templateLink must be an object, found %s", link.Kind)
		return
	}
	relV := ev.tree(link.Field("relativePath"), sc)
	if relV == nil {
		x.unfollowed(ev, link, sc)
		return
	}
	rel, ok := plainString(relV)
	switch {
	case relV.IsUnknown():
		x.sink.warnf(link.Loc, "linked template: relativePath is not known before deployment (%s); its resources are not scanned", relV.Why)
		return
	case !ok || rel == "":
		x.sink.errorf(link.Loc, "linked template: relativePath must be a file path, found %s", relV)
		return
	case x.load == nil:
		x.sink.warnf(link.Loc, "linked template %s is not followed: it is read only when its parent is scanned from files; its resources are not scanned", rel)
		return
	case x.sink.depth >= maxNesting:
		x.sink.errorf(r.Loc, "nested deployments deeper than %d levels are not expanded", maxNesting)
		return
	}
	cur := r.Loc.File
	target := path.Join(path.Dir(cur), rel)
	if strings.HasPrefix(rel, "/") || !fs.ValidPath(target) {
		x.sink.errorf(link.Loc, "linked template %s is outside the scanned directory tree", rel)
		return
	}
	// The chain of files that led here: the templates holding each deployment on the
	// way, then this one.
	var chain []string
	for _, v := range via {
		if len(chain) == 0 || chain[len(chain)-1] != v.File {
			chain = append(chain, v.File)
		}
	}
	if len(chain) == 0 || chain[len(chain)-1] != cur {
		chain = append(chain, cur)
	}
	for i, f := range chain {
		if f == target {
			x.sink.errorf(link.Loc, "linked template cycle: %s -> %s", strings.Join(chain[i:], " -> "), target)
			return
		}
	}
	root, err := x.linkedRoot(target)
	if err != nil {
		x.sink.errorf(link.Loc, "linked template %s: %v", rel, err)
		return
	}
	if root == nil {
		return // a decoding error, reported once where it is
	}
	params := x.deploymentParams(ev, r.Field("properties"), sc)
	if pl := r.Get("properties.parametersLink"); pl != nil {
		x.sink.warnf(pl.Loc, "parametersLink is not followed; parameters without a default stay unknown")
	}
	nextVia := append(append([]awaf.Location(nil), via...), r.Loc)
	x.sink.depth++
	defer func() { x.sink.depth-- }()
	innerEv := x.template(root, params, nil, nextVia)
	x.recordOutputs(ev, r, x.outputs(innerEv, root), sc)
	if sym != "" {
		ev.symbols[strings.ToLower(sym)] = resourceID("Microsoft.Resources/deployments", ev.tree(r.Field("name"), sc), r.Loc)
	}
}

// linkedRoot reads and decodes a linked template once per expansion, however many
// deployments (or copies of one) link to it. A file that does not decode gives its
// diagnostic once and a nil root.
func (x *expander) linkedRoot(p string) (*iac.Value, error) {
	if root, ok := x.linkedFiles[p]; ok {
		return root, nil
	}
	data, err := x.load(p)
	if err != nil {
		return nil, err
	}
	if x.linkedFiles == nil {
		x.linkedFiles = map[string]*iac.Value{}
	}
	root, err := iac.DecodeJSON(p, data)
	if err != nil {
		d := iac.DiagnosticFromError(p, err)
		x.sink.add(d.Severity, d.Message, d.Loc)
		x.linkedFiles[p] = nil
		return nil, nil
	}
	if root.Kind != iac.Object {
		x.sink.errorf(root.Loc, "expected a template object, found %s", root.Kind)
		root = nil
	}
	x.linkedFiles[p] = root
	return root, nil
}

// unfollowed reports a templateLink that points outside the scanned files: a URI or
// a template spec, named in the message so the reader knows what was left out.
func (x *expander) unfollowed(ev *evaluator, link *iac.Value, sc *scope) {
	describe := func(v *iac.Value) string {
		if s, ok := plainString(v); ok {
			return s
		}
		if v.IsUnknown() {
			return "(not known before deployment: " + v.Why + ")"
		}
		return v.String()
	}
	switch {
	case link.Field("uri") != nil:
		x.sink.warnf(link.Loc, "linked template %s is not fetched; only relativePath links inside the scanned files are followed, so its resources are not scanned", describe(ev.tree(link.Field("uri"), sc)))
	case link.Field("id") != nil:
		x.sink.warnf(link.Loc, "template spec %s is not read; its resources are not scanned", describe(ev.tree(link.Field("id"), sc)))
	default:
		x.sink.errorf(link.Loc, "templateLink needs a relativePath, uri or id")
	}
}

// recordOutputs lets reference() of a nested or linked deployment read its outputs.
func (x *expander) recordOutputs(ev *evaluator, r, outputs *iac.Value, sc *scope) {
	name, ok := plainString(ev.tree(r.Field("name"), sc))
	if !ok {
		return
	}
	ev.deployments[strings.ToLower(name)] = outputs
}

// deploymentParams evaluates the "parameters" a deployment passes to its template.
func (x *expander) deploymentParams(ev *evaluator, props *iac.Value, sc *scope) map[string]*iac.Value {
	params := map[string]*iac.Value{}
	ps := props.Field("parameters")
	if ps == nil || ps.Kind != iac.Object {
		return params
	}
	for _, name := range ps.Keys {
		p := ps.Fields[name]
		if p.Kind == iac.String {
			// Bicep compiles a conditional module parameter to one expression that
			// gives the whole {"value": ...} object.
			p = ev.tree(p, sc)
			if p.IsUnknown() {
				params[name] = p
				continue
			}
		}
		switch {
		case p.Field("value") != nil:
			params[name] = ev.tree(p.Field("value"), sc)
		case p.Field("reference") != nil:
			params[name] = iac.NewUnknown(fmt.Sprintf("parameter '%s' is read from Key Vault at deployment", name), p.Loc)
		default:
			x.sink.errorf(p.Loc, "deployment parameter %q: expected \"value\" or \"reference\"", name)
		}
	}
	return params
}

func (x *expander) legacyExtension(res *iac.Resource, targetType, extType string) {
	name, ok := plainString(res.Name)
	if !ok {
		return
	}
	segs := strings.Split(name, "/")
	targetNames := strings.Count(targetType, "/")
	if len(segs) < targetNames+2 {
		return
	}
	target := strings.Join(segs[:targetNames], "/")
	ns := segs[targetNames]
	res.Scope = iac.NewString(resourceID(targetType, iac.NewString(target, res.Loc), res.Loc), res.Name.Loc)
	res.Type = ns + "/" + extType
	res.Name = iac.NewString(strings.Join(segs[targetNames+1:], "/"), res.Name.Loc)
}

func str(v *iac.Value) string {
	s, _ := plainString(v)
	return s
}

func kindOf(v *iac.Value) string {
	if v == nil {
		return "nothing"
	}
	return v.Kind.String()
}

// joinName gives a nested child its full name: parent "acct" + child "gpt" = "acct/gpt".
func joinName(parent, child *iac.Value) *iac.Value {
	if child.IsUnknown() {
		return child
	}
	if parent.IsUnknown() {
		return parent.At(child.Loc)
	}
	p, ok1 := plainString(parent)
	c, ok2 := plainString(child)
	if !ok1 || !ok2 {
		return iac.NewUnknown("resource name is not a string", child.Loc)
	}
	return iac.NewString(p+"/"+c, child.Loc)
}

// resourceID is the id a resource gets within the scan, in the same form resourceId()
// evaluates to, so references by id find it.
func resourceID(typ string, name *iac.Value, at awaf.Location) string {
	if n, ok := plainString(name); ok {
		segs := strings.Split(typ, "/")
		names := strings.Split(n, "/")
		if len(segs)-1 == len(names) {
			return tmplfunc.ResourceGroupScope + tmplfunc.ProviderPath(segs, names)
		}
	}
	return fmt.Sprintf("%s@%s:%d:%d", typ, at.File, at.Line, at.Column)
}

// parentID derives the parent's id from a child's type and full name.
func parentID(typ string, name *iac.Value) string {
	n, ok := plainString(name)
	segs := strings.Split(typ, "/")
	if !ok || len(segs) < 3 {
		return ""
	}
	names := strings.Split(n, "/")
	if len(names) != len(segs)-1 {
		return ""
	}
	return resourceID(strings.Join(segs[:len(segs)-1], "/"), iac.NewString(strings.Join(names[:len(names)-1], "/"), awaf.Location{}), awaf.Location{})
}

// normalizeScope turns the relative form "Microsoft.X/type/name" into a full id.
func normalizeScope(v *iac.Value) *iac.Value {
	s, ok := plainString(v)
	if !ok || !tmplfunc.IsResourceType(s) {
		return v
	}
	segs := strings.Split(s, "/")
	if len(segs)%2 != 1 {
		return v
	}
	var types, names []string
	types = append(types, segs[0])
	for i := 1; i+1 < len(segs); i += 2 {
		types = append(types, segs[i])
		names = append(names, segs[i+1])
	}
	return iac.NewString(resourceID(strings.Join(types, "/"), iac.NewString(strings.Join(names, "/"), v.Loc), v.Loc), v.Loc)
}

// normalizeDependency turns "Microsoft.X/type/name" dependsOn entries into ids; full
// ids and symbolic names pass through.
func normalizeDependency(s string) string {
	if tmplfunc.IsResourceType(s) {
		if n := normalizeScope(iac.NewString(s, awaf.Location{})); n.Str != s {
			return n.Str
		}
	}
	return s
}

// The members of a resource declaration that expansion reads, found in one pass over
// its keys (names match case-insensitively, as everywhere in ARM).
const (
	fCondition = iota
	fType
	fName
	fExisting
	fAPIVersion
	fProperties
	fKind
	fLocation
	fSKU
	fIdentity
	fTags
	fZones
	fMetadata
	fScope
	fDependsOn
	fResources
	nFields
)

var fieldIndex = func() map[string]int {
	m := map[string]int{}
	for i, n := range []string{"condition", "type", "name", "existing", "apiVersion", "properties", "kind",
		"location", "sku", "identity", "tags", "zones", "metadata", "scope", "dependsOn", "resources"} {
		m[n] = i
		m[strings.ToLower(n)] = i
	}
	return m
}()

func fieldsOf(r *iac.Value) (f [nFields]*iac.Value) {
	for _, k := range r.Keys {
		i, ok := fieldIndex[k]
		if !ok {
			if i, ok = fieldIndex[strings.ToLower(k)]; !ok {
				continue
			}
		}
		if f[i] == nil {
			f[i] = r.Fields[k]
		}
	}
	return f
}
