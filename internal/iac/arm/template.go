// Package arm reads Azure Resource Manager JSON templates and parameter files into the
// iac resource model. It evaluates template expressions ("[...]" strings), expands
// copy loops, honours conditions, follows nested inline deployments and reads
// languageVersion 2.0 symbolic resources. What only a deployment can know (a parameter
// without a value, reference(), list*()) stays Unknown with the reason.
package arm

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
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
	x := &expander{ctx: ctx, file: root.Loc.File, sink: newSink()}
	if root.Kind != iac.Object {
		x.sink.errorf(root.Loc, "expected a template object, found %s", root.Kind)
		return nil, x.sink.diags
	}
	x.template(root, params, nil, nil)
	return x.out, x.sink.diags
}

type expander struct {
	ctx  context.Context
	file string
	sink *sink
	out  []iac.Resource
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
func (x *expander) template(t *iac.Value, params map[string]*iac.Value, outer *evaluator, via []awaf.Location) {
	ev := outer
	if ev == nil {
		ev = &evaluator{file: x.file, sink: x.sink, symbols: map[string]string{}}
		ev.setFunctions(t.Field("functions"))
		ev.params = x.bindParams(ev, t.Field("parameters"), params)
		ev.setVariables(t.Field("variables"))
	}
	start := len(x.out)
	res := t.Field("resources")
	switch {
	case res == nil:
	case res.Kind == iac.Array:
		for _, r := range res.Items {
			if x.ctx.Err() != nil {
				return
			}
			x.resource(ev, "", r, nil, nil, via)
		}
	case res.Kind == iac.Object: // languageVersion 2.0: symbolic names
		for _, sym := range res.Keys {
			if x.ctx.Err() != nil {
				return
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
}

func (x *expander) bindParams(ev *evaluator, decl *iac.Value, given map[string]*iac.Value) map[string]*iac.Value {
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
			if v, ok := givenLower[key]; ok && v != nil {
				out[key] = v
				delete(givenLower, key)
				continue
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
	for k := range givenLower {
		x.sink.warnf(awaf.Location{File: x.file, Line: 1, Column: 1}, "parameter %q is given a value but the template does not declare it", k)
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

func (x *expander) instance(ev *evaluator, sym string, r *iac.Value, parent *parentInfo, sc *scope, via []awaf.Location) {
	var condition *iac.Value
	if parent != nil {
		condition = parent.condition
	}
	if c := r.Field("condition"); c != nil {
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
	typV := ev.tree(r.Field("type"), sc)
	typ, ok := plainString(typV)
	if !ok || typ == "" {
		x.sink.errorf(r.Loc, "resource: expected a \"type\" string such as \"Microsoft.Storage/storageAccounts\"")
		return
	}
	nameV := ev.tree(r.Field("name"), sc)
	if nameV == nil {
		x.sink.errorf(r.Loc, "resource %s: expected a \"name\"", typ)
		return
	}
	if parent != nil && !looksLikeType(typ) {
		typ = parent.typ + "/" + typ
		nameV = joinName(parent.name, nameV)
	}
	res := iac.Resource{
		Type:      typ,
		Name:      nameV,
		Loc:       r.Loc,
		Via:       via,
		Source:    "arm",
		Condition: condition,
		Existing:  r.Field("existing").Truthy(),
	}
	if av, ok := plainString(ev.tree(r.Field("apiVersion"), sc)); ok {
		res.APIVersion = av
	}
	// Old-style extension resources: "Microsoft.CognitiveServices/accounts/providers/
	// diagnosticSettings" named "acct/Microsoft.Insights/diag".
	if i := strings.Index(strings.ToLower(typ), "/providers/"); i > 0 {
		x.legacyExtension(&res, typ[:i], typ[i+len("/providers/"):])
	}
	if strings.EqualFold(res.Type, "Microsoft.Resources/deployments") {
		if props := r.Field("properties"); props != nil && props.Field("template") != nil {
			x.nested(ev, r, props, sc, via)
			if sym != "" {
				ev.symbols[strings.ToLower(sym)] = resourceID(res.Type, res.Name, r.Loc)
			}
			return
		}
		if link := r.Get("properties.templateLink"); link != nil {
			x.sink.warnf(link.Loc, "linked template is not followed; its resources are not scanned")
		}
	}
	res.Kind = ev.tree(r.Field("kind"), sc)
	res.Location = ev.tree(r.Field("location"), sc)
	res.SKU = ev.tree(r.Field("sku"), sc)
	res.Identity = ev.tree(r.Field("identity"), sc)
	res.Tags = ev.tree(r.Field("tags"), sc)
	res.Properties = ev.tree(r.Field("properties"), sc)
	res.Zones = ev.tree(r.Field("zones"), sc)
	res.Metadata = ev.tree(r.Field("metadata"), sc)
	if s := r.Field("scope"); s != nil {
		res.Scope = normalizeScope(ev.tree(s, sc))
	}
	res.ID = resourceID(res.Type, res.Name, r.Loc)
	if scopeID, ok := plainString(res.Scope); ok && strings.HasPrefix(scopeID, "/") && strings.HasPrefix(res.ID, "/") {
		// An extension resource's id hangs off the resource it extends.
		res.ID = strings.TrimSuffix(scopeID, "/") + res.ID[strings.Index(res.ID, "/providers/"):]
	}
	if sc != nil && res.ID[0] != '/' {
		res.ID += "#" + strconv.Itoa(len(x.out))
	}
	if parent != nil {
		res.Parent = parent.id
	} else if p := parentID(res.Type, res.Name); p != "" {
		res.Parent = p
	}
	if deps := ev.tree(r.Field("dependsOn"), sc); deps != nil && deps.Kind == iac.Array {
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
	if children := r.Field("resources"); children != nil {
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
		return
	}
	params := map[string]*iac.Value{}
	if ps := props.Field("parameters"); ps != nil && ps.Kind == iac.Object {
		for _, name := range ps.Keys {
			p := ps.Fields[name]
			switch {
			case p.Field("value") != nil:
				params[name] = ev.tree(p.Field("value"), sc)
			case p.Field("reference") != nil:
				params[name] = iac.NewUnknown(fmt.Sprintf("parameter '%s' is read from Key Vault at deployment", name), p.Loc)
			default:
				x.sink.errorf(p.Loc, "nested deployment parameter %q: expected \"value\" or \"reference\"", name)
			}
		}
	}
	x.template(tmpl, params, nil, nextVia)
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
			return "/subscriptions/" + subscriptionPlaceholder + "/resourceGroups/" + resourceGroupPlaceholder + providerPath(segs, names)
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
	if !ok || !looksLikeType(s) {
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
	if looksLikeType(s) {
		if n := normalizeScope(iac.NewString(s, awaf.Location{})); n.Str != s {
			return n.Str
		}
	}
	return s
}
