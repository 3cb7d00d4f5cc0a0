package bicep

import (
	"strconv"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// resDecl is one resource declaration, top-level or nested in another's body.
type resDecl struct {
	decl     *Resource
	parent   *resDecl
	children []*resDecl
	key      string // symbolic name; "parent::child" for nested ones
	state    uint8
	insts    []*instance
	looped   bool // the declaration, or an ancestor, has a for loop
}

// instance is one copy of a resource: one per loop item, per parent copy.
type instance struct {
	env        *env
	decl       *resDecl
	body       *ObjectLit
	locals     *locals
	cond       *iac.Value // nil, or Unknown when the condition cannot be decided
	dropped    bool       // condition known to be false
	index      int        // loop index, -1 outside loops
	parent     *instance
	typ        string
	apiVersion string
	name       *iac.Value // the name as declared (last segment for children)
	fullName   *iac.Value
	id         *iac.Value // ARM resource id, with placeholders for subscription and group
	scope      *iac.Value
	ref        *iac.Value
}

// runtime is the value of a property that only exists once the resource is deployed.
func (in *instance) runtime(e *env, prop string, p Pos) *iac.Value {
	return e.unknown(p, "%s.%s is only known after deployment", in.decl.key, prop)
}

// Placeholders for the parts of resource ids that depend on where the template is
// deployed; the ARM front end writes the same ones so ids match across formats.
const (
	subPlaceholder = "{subscriptionId}"
	rgPlaceholder  = "{resourceGroup}"
)

func (e *env) scopePrefix() string {
	if e.prefix != "" {
		return e.prefix
	}
	// EqualFold, not ToLower: this runs for every function call and must not allocate.
	switch {
	case strings.EqualFold(e.scope, "subscription"):
		return "/subscriptions/" + subPlaceholder
	case strings.EqualFold(e.scope, "managementGroup"), strings.EqualFold(e.scope, "tenant"):
		return ""
	}
	return "/subscriptions/" + subPlaceholder + "/resourceGroups/" + rgPlaceholder
}

// resourceID builds an ARM id from a full type and full name, both known.
func resourceID(prefix, typ, name string) string {
	types := strings.Split(typ, "/")
	names := strings.Split(name, "/")
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteString("/providers/")
	b.WriteString(types[0])
	for i := 1; i < len(types); i++ {
		b.WriteByte('/')
		b.WriteString(types[i])
		if i-1 < len(names) {
			b.WriteByte('/')
			b.WriteString(names[i-1])
		}
	}
	return b.String()
}

func splitTypeRef(ref string) (typ, version string) {
	typ, version, _ = strings.Cut(ref, "@")
	return typ, version
}

// instances expands a declaration into its copies, once.
func (e *env) instances(rd *resDecl) []*instance {
	switch rd.state {
	case 2:
		return rd.insts
	case 1:
		e.diag("error", rd.decl.P, "resource %q depends on itself", rd.key)
		return nil
	}
	rd.state = 1
	parents := []*instance{nil}
	if rd.parent != nil {
		parents = e.instances(rd.parent)
		rd.looped = rd.parent.looped
	}
	for _, pi := range parents {
		var loc *locals
		if pi != nil {
			loc = pi.locals
		}
		e.expand(rd.decl.Body, loc, rd.key, func(body *ObjectLit, l *locals, cond *iac.Value, dropped bool, idx int) {
			if idx >= 0 {
				rd.looped = true
			}
			if dropped || (pi != nil && pi.dropped) {
				e.sc.quiet++
				defer func() { e.sc.quiet-- }()
			}
			in := e.newInstance(rd, body, l.inside(rd), pi, idx)
			in.cond, in.dropped = cond, dropped
			if pi != nil {
				if pi.dropped {
					in.dropped = true
				}
				if in.cond == nil && pi.cond != nil {
					in.cond = pi.cond
				}
			}
			rd.insts = append(rd.insts, in)
		})
	}
	rd.state = 2
	return rd.insts
}

// expand walks the condition and loop of a resource or module body and calls yield
// for each copy with its loop variables bound.
func (e *env) expand(body Expr, loc *locals, what string, yield func(*ObjectLit, *locals, *iac.Value, bool, int)) {
	one := func(x Expr, l *locals, idx int) {
		var cond *iac.Value
		dropped := false
		if c, ok := x.(*IfExpr); ok {
			cv := e.eval(c.Cond, l)
			switch {
			case cv.Kind == iac.Unknown:
				cond = iac.NewUnknown(cv.Why, e.loc(c.P))
			case cv.Kind == iac.Bool:
				dropped = !cv.Bool
			default:
				e.typeError(c.P, "condition of %s is %s, not a bool", what, cv.Kind)
				cond = e.unknown(c.P, "condition is not a bool")
			}
			x = c.Body
		}
		obj, ok := x.(*ObjectLit)
		if !ok {
			e.diag("error", x.Start(), "body of %s is not an object", what)
			return
		}
		e.sc.copies++
		if e.sc.copies > 2*e.sc.maxResources {
			if !e.sc.exhausted {
				e.sc.exhausted = true
				e.diag("error", obj.P, "more than %d resource and module copies; the rest are not read", 2*e.sc.maxResources)
			}
			return
		}
		yield(obj, l, cond, dropped, idx)
	}
	f, ok := body.(*ForExpr)
	if !ok {
		one(body, loc, -1)
		return
	}
	iter := e.eval(f.Iter, loc)
	if iter.Kind == iac.Unknown {
		e.diag("warning", f.P, "loop of %s runs over a collection not known before deployment (%s); read as one copy", what, iter.Why)
		item := iac.NewUnknown("loop item of an unknown collection: "+iter.Why, e.loc(f.P))
		idx := iac.NewUnknown("loop index of an unknown collection: "+iter.Why, e.loc(f.P))
		one(f.Body, loc.with(f.Item, item).with(f.Index, idx), 0)
		return
	}
	items, ok := loopItems(iter)
	if !ok {
		e.typeError(f.P, "loop of %s needs an array, not %s", what, iter.Kind)
		return
	}
	for i, it := range items {
		if e.sc.exhausted || e.sc.ctx.Err() != nil {
			return
		}
		one(f.Body, loc.with(f.Item, it).with(f.Index, iac.NewNumber(float64(i), e.loc(f.P))), i)
	}
}

func findProp(o *ObjectLit, key string) *Property {
	for _, p := range o.Props {
		if p.Resource == nil && p.Spread == nil && p.KeyExpr == nil && p.Key == key {
			return p
		}
	}
	return nil
}

func (e *env) newInstance(rd *resDecl, body *ObjectLit, loc *locals, parent *instance, idx int) *instance {
	in := &instance{env: e, decl: rd, body: body, locals: loc, index: idx, parent: parent}
	typ, ver := splitTypeRef(rd.decl.TypeRef)
	if p := findProp(body, "parent"); p != nil && parent == nil {
		pv := e.eval(p.Value, loc)
		if pi := e.sc.refs[pv]; pi != nil {
			in.parent = pi
		} else if pv.Kind != iac.Unknown {
			e.typeError(p.P, "parent of %s must be a resource", rd.key)
		}
	}
	if in.parent != nil && !strings.Contains(typ, "/") {
		typ = in.parent.typ + "/" + typ
		if ver == "" {
			ver = in.parent.apiVersion
		}
	}
	in.typ, in.apiVersion = typ, ver
	at := e.loc(rd.decl.P)
	if p := findProp(body, "name"); p != nil {
		in.name = e.eval(p.Value, loc)
	} else if p := findProp(body, "uniqueName"); p != nil && !strings.HasPrefix(typ, "Microsoft.") || strings.HasPrefix(typ, "Microsoft.Graph/") {
		// Extension resources (Microsoft Graph) are keyed by uniqueName, if at all.
		if p != nil {
			in.name = e.eval(p.Value, loc)
		} else {
			in.name = e.unknown(body.P, "%s resources have no name", typ)
		}
	} else {
		e.diag("error", body.P, "resource %s has no name", rd.key)
		in.name = e.unknown(body.P, "resource %s has no name", rd.key)
	}
	in.fullName = in.name
	if in.parent == nil && !rd.decl.Existing {
		// A name not known before deployment still names this resource: an
		// existing declaration given the same value (through module parameters
		// and outputs) refers to it (iac.Twins), and so does resourceId().
		in.name.MarkName(in.symbolicID())
	}
	if in.parent != nil {
		pn, cn := in.parent.fullName, in.name
		switch {
		case pn.Kind == iac.Unknown:
			in.fullName = iac.NewUnknown(pn.Why, in.name.Loc)
		case cn.Kind == iac.Unknown:
		case pn.Kind == iac.String && cn.Kind == iac.String:
			in.fullName = iac.NewString(pn.Str+"/"+cn.Str, cn.Loc)
		}
	}
	prefix := e.scopePrefix()
	if p := findProp(body, "scope"); p != nil {
		sv := e.eval(p.Value, loc)
		if si := e.sc.refs[sv]; si != nil {
			in.scope = si.id
			if si.id.Kind == iac.String {
				prefix = si.id.Str
			}
		} else if id := sv.Field("id"); sv.Kind == iac.Object && id != nil && id.Kind == iac.String {
			// scope: resourceGroup('rg-hub') places the resource in another group;
			// that is where, not what it extends.
			prefix = id.Str
		} else if sv.Kind == iac.String || sv.Kind == iac.Unknown {
			in.scope = sv
		}
	}
	if in.fullName.Kind == iac.String {
		in.id = iac.NewString(resourceID(prefix, in.typ, in.fullName.Str), at)
	} else {
		in.id = iac.NewUnknown(in.fullName.Why, at)
		if in.fullName.Kind != iac.Unknown {
			in.id = e.unknown(rd.decl.P, "name of %s is not a string", rd.key)
		}
		// The id is not known before deployment, but which resource it names is:
		// links through it resolve by the symbolic name.
		in.id.Str = in.symbolicID()
	}
	ref := iac.NewObject(at)
	ref.Set("id", in.id)
	ref.Set("name", in.name)
	ref.Set("type", iac.NewString(in.typ, at))
	ref.Set("apiVersion", iac.NewString(in.apiVersion, at))
	in.ref = ref
	e.sc.refs[ref] = in
	return in
}

// resourceRefs is the value of a resource's symbolic name: its reference object, or
// an array of them for a loop.
func (e *env) resourceRefs(rd *resDecl) *iac.Value {
	insts := e.instances(rd)
	if !rd.looped && len(insts) == 1 {
		return insts[0].ref
	}
	a := iac.NewArray(e.loc(rd.decl.P))
	for _, in := range insts {
		a.Items = append(a.Items, in.ref)
	}
	return a
}

// symbolicID identifies an instance when its resource id is not known.
func (in *instance) symbolicID() string {
	s := in.env.idPrefix + in.decl.key
	if in.index >= 0 {
		s += "[" + strconv.Itoa(in.index) + "]"
	}
	return s
}

func (in *instance) stableID() string {
	if in.id.Kind == iac.String {
		return in.id.Str
	}
	return in.symbolicID()
}

// resourceFields are the body keys that become Resource fields rather than staying
// in the evaluated body.
var skipBody = map[string]bool{"name": true, "parent": true, "scope": true, "dependsOn": true}

// emitResource turns every live copy of a declaration into iac.Resources.
func (e *env) emitResource(rd *resDecl) {
	if rd.decl.Broken {
		// Half a declaration would be judged on the properties the error cut off.
		e.diag("warning", rd.decl.P, "resource %s is not checked: its declaration has a syntax error", rd.key)
		return
	}
	for _, in := range e.instances(rd) {
		if in.dropped {
			continue
		}
		if err := e.sc.ctx.Err(); err != nil {
			return
		}
		if len(e.sc.out) >= e.sc.maxResources {
			if !e.sc.truncated {
				e.sc.truncated = true
				e.diag("error", rd.decl.P, "more than %d resources; the rest are not read", e.sc.maxResources)
			}
			return
		}
		e.sc.out = append(e.sc.out, e.resource(in))
	}
}

func (e *env) resource(in *instance) iac.Resource {
	rd := in.decl
	obj := e.evalObject(in.body, in.locals, skipBody)
	name := in.fullName
	r := iac.Resource{
		Type:       in.typ,
		APIVersion: in.apiVersion,
		Name:       name,
		Kind:       obj.Field("kind"),
		Location:   obj.Field("location"),
		SKU:        obj.Field("sku"),
		Identity:   obj.Field("identity"),
		Tags:       obj.Field("tags"),
		Properties: obj.Field("properties"),
		Zones:      obj.Field("zones"),
		Scope:      in.scope,
		ID:         in.stableID(),
		Loc:        e.loc(rd.decl.P),
		Via:        e.via,
		Source:     iac.SourceBicep,
		Existing:   rd.decl.Existing,
		Condition:  in.cond,
	}
	if in.cond == nil && e.cond != nil {
		r.Condition = e.cond
	}
	if in.parent != nil {
		r.Parent = in.parent.stableID()
	}
	for _, d := range rd.decl.Decorators {
		if d.Call.Name == "metadata" && len(d.Call.Args) == 1 {
			r.Metadata = e.eval(d.Call.Args[0], in.locals)
		}
	}
	if p := findProp(in.body, "dependsOn"); p != nil {
		r.DependsOn = e.dependsOn(e.eval(p.Value, in.locals))
	}
	return r
}

// dependsOn turns the evaluated dependsOn array (resource and module references)
// into ids.
func (e *env) dependsOn(v *iac.Value) []string {
	var out []string
	var add func(v *iac.Value)
	add = func(v *iac.Value) {
		if in, ok := e.sc.refs[v]; ok && in != nil {
			out = append(out, in.stableID())
			return
		}
		switch v.Kind {
		case iac.Array:
			for _, it := range v.Items {
				add(it)
			}
		case iac.String:
			out = append(out, v.Str)
		case iac.Object:
			if n := v.Field("name"); n != nil && n.Kind == iac.String {
				out = append(out, n.Str)
			}
		}
	}
	add(v)
	return out
}

// emitAll produces the resources of this template in source order, children right
// after their parent, modules where they are called.
func (e *env) emitAll() {
	if e.emitted {
		return
	}
	e.emitted = true
	for _, st := range e.file.Stmts {
		switch d := e.stmtDecl[st].(type) {
		case *resDecl:
			e.emitTree(d)
		case *modDecl:
			e.emitModule(d)
		}
	}
	e.checkStatements()
}

func (e *env) emitTree(rd *resDecl) {
	e.emitResource(rd)
	for _, c := range rd.children {
		e.emitTree(c)
	}
}

// checkStatements evaluates the declarations no resource used, so that what they
// contain is checked too: a bad variable or output still gives its diagnostic.
func (e *env) checkStatements() {
	for _, st := range e.file.Stmts {
		switch s := st.(type) {
		case *Var:
			if sym := e.syms[s.Name]; sym != nil && sym.vr == s {
				e.symbolValue(sym)
			}
		case *Output:
			e.outputValue(s.Name)
		case *Assert:
			e.checkAssert(s)
		case *Extends:
			e.diag("warning", s.P, "an extends statement belongs in a .bicepparam file; ignored here")
		}
	}
}

// checkAssert evaluates an assert statement. Only a condition known to be false is
// reported; one that depends on the deployment says nothing, and neither stops the
// template's resources from being read.
func (e *env) checkAssert(s *Assert) {
	if s.Value == nil {
		return
	}
	v := e.eval(s.Value, nil)
	switch {
	case v.Kind == iac.Unknown:
	case v.Kind != iac.Bool:
		e.diag("error", s.P, "assert '%s' needs a bool condition, not %s", s.Name, v.Kind)
	case !v.Bool:
		why := "its condition is false"
		if d := e.description(s.Decorators); d != "" {
			why = d
		}
		e.diag("warning", s.P, "assert '%s' fails: %s", s.Name, why)
	}
}

// description is the text of a @description('...') decorator, when it is known.
func (e *env) description(decs []*Decorator) string {
	for _, d := range decs {
		if d.Call.Name != "description" || len(d.Call.Args) != 1 {
			continue
		}
		if t, ok := d.Call.Target.(*Ident); d.Call.Target != nil && (!ok || t.Name != "sys") {
			continue
		}
		if v := e.eval(d.Call.Args[0], nil); v.Kind == iac.String {
			return v.Str
		}
	}
	return ""
}

func (e *env) outputValue(name string) *iac.Value {
	if v, ok := e.outVals[name]; ok {
		return v
	}
	o := e.outputs[name]
	if o == nil {
		return nil
	}
	e.outVals[name] = e.unknown(o.P, "output %q refers to itself", name)
	v := e.eval(o.Value, nil)
	e.outVals[name] = v
	return v
}

func (e *env) allOutputs(at awaf.Location) *iac.Value {
	obj := iac.NewObject(at)
	for _, st := range e.file.Stmts {
		if o, ok := st.(*Output); ok {
			obj.Set(o.Name, e.outputValue(o.Name))
		}
	}
	return obj
}
