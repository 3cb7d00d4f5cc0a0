package terraform

import (
	"cmp"
	"fmt"
	"math/big"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// maxModuleDepth bounds nested local module calls.
const maxModuleDepth = 16

// expansion is the outcome of a count or for_each argument.
type expansion struct {
	keys    []cty.Value // number keys for count, string keys for for_each
	values  []cty.Value // each.value per key (for_each only)
	counted bool
	keyed   bool
	why     string // unresolvable: one instance is reported with unknown iteration values
}

// expand evaluates count or for_each in the module scope.
func (in *instance) expand(count, forEach *hclsyntax.Attribute) expansion {
	switch {
	case count != nil:
		marked := in.eval(count.Expr, nil)
		v, _ := marked.Unmark()
		if !v.IsKnown() {
			return expansion{counted: true, why: orDefault(whyOf(marked), "count is known only after apply")}
		}
		if v.IsNull() || !v.Type().Equals(cty.Number) {
			in.s.warn(count.Expr.Range(), "count must be a whole number")
			return expansion{counted: true, why: "count is not a whole number"}
		}
		n, acc := v.AsBigFloat().Int64()
		if acc != 0 || n < 0 || n > 10000 {
			in.s.warn(count.Expr.Range(), "count must be a whole number between 0 and 10000")
			return expansion{counted: true, why: "count is out of range"}
		}
		e := expansion{counted: true}
		for i := range n {
			e.keys = append(e.keys, cty.NumberIntVal(i))
		}
		return e
	case forEach != nil:
		marked := in.eval(forEach.Expr, nil)
		v, _ := marked.Unmark()
		if !v.IsWhollyKnown() {
			return expansion{keyed: true, why: orDefault(whyOf(marked), "for_each is known only after apply")}
		}
		e := expansion{keyed: true}
		ty := v.Type()
		switch {
		case v.IsNull():
			in.s.warn(forEach.Expr.Range(), "for_each is null")
			e.why = "for_each is null"
		case ty.IsMapType() || ty.IsObjectType():
			m := v.AsValueMap()
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				e.keys = append(e.keys, cty.StringVal(k))
				e.values = append(e.values, m[k])
			}
		case ty.IsSetType() && ty.ElementType().Equals(cty.String):
			for it := v.ElementIterator(); it.Next(); {
				_, el := it.Element()
				el, _ = el.Unmark()
				if el.IsNull() {
					continue
				}
				e.keys = append(e.keys, el)
				e.values = append(e.values, el)
			}
		default:
			in.s.warn(forEach.Expr.Range(), fmt.Sprintf("for_each needs a map or a set of strings, not %s", ty.FriendlyName()))
			e.why = "for_each is not a map or a set of strings"
		}
		return e
	}
	return expansion{}
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// instanceKey renders a key the way Terraform writes addresses: [0] or ["name"].
func instanceKey(k cty.Value) string {
	if k == cty.NilVal {
		return ""
	}
	if k.Type().Equals(cty.Number) {
		f := k.AsBigFloat()
		if i, acc := f.Int64(); acc == big.Exact {
			return "[" + strconv.FormatInt(i, 10) + "]" // as Text('f', -1) writes it
		}
		return "[" + f.Text('f', -1) + "]"
	}
	return "[" + strconv.Quote(k.AsString()) + "]"
}

// iterValues returns count.index or each.key/each.value for key i of e.
func (e expansion) iterValues(i int) map[string]cty.Value {
	switch {
	case e.why != "" && e.counted:
		return map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": unknown("%s", e.why)})}
	case e.why != "" && e.keyed:
		u := unknown("%s", e.why)
		return map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": u, "value": u})}
	case e.counted:
		return map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": e.keys[i]})}
	case e.keyed:
		return map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": e.keys[i], "value": e.values[i]})}
	}
	return nil
}

// singleInstance is the instance keys of a resource or module without count or
// for_each; callers only read it.
var singleInstance = []string{""}

// addresses lists the instance keys; an unresolvable expansion gives one "[*]" instance.
func (e expansion) instanceKeys() []string {
	switch {
	case e.why != "":
		return []string{"[*]"}
	case !e.counted && !e.keyed:
		return singleInstance
	}
	out := make([]string, len(e.keys))
	for i, k := range e.keys {
		out[i] = instanceKey(k)
	}
	return out
}

// state expands a resource declaration into its instances, once.
func (in *instance) state(addr string) *resourceState {
	if st, ok := in.res[addr]; ok {
		return st
	}
	d := in.mod.byAddr[addr]
	st := &resourceState{decl: d, busy: true}
	in.res[addr] = st
	e := in.expand(d.count, d.forEach)
	e = in.s.spend(e, d.rng, in.prefix+addr)
	st.keyed, st.counted, st.unknownN = e.keyed, e.counted, e.why
	for i, k := range e.instanceKeys() {
		ri := &resInst{addr: in.prefix + addr + k, iter: e.iterValues(i)}
		if e.why == "" && (e.counted || e.keyed) {
			ri.key = e.keys[i]
		}
		st.instances = append(st.instances, ri)
	}
	st.busy, st.done = false, true
	return st
}

// attrs evaluates the top-level arguments of one resource instance, once.
func (in *instance) attrs(d *resourceDecl, ri *resInst) map[string]cty.Value {
	if ri.done || ri.busy {
		return ri.attrs
	}
	ri.busy = true
	ri.attrs = make(map[string]cty.Value, len(d.body.Attributes))
	for _, name := range in.s.attrNames(d.body) {
		if metaArgs[name] {
			continue
		}
		ri.attrs[name] = in.eval(d.body.Attributes[name].Expr, ri.iter)
	}
	ri.busy, ri.done = false, true
	return ri.attrs
}

// sortedAttrNames lists the attributes of b in source order.
func sortedAttrNames(b *hclsyntax.Body) []string {
	attrs := make([]*hclsyntax.Attribute, 0, len(b.Attributes))
	for _, a := range b.Attributes {
		attrs = append(attrs, a)
	}
	slices.SortFunc(attrs, func(x, y *hclsyntax.Attribute) int {
		if c := strings.Compare(x.SrcRange.Filename, y.SrcRange.Filename); c != 0 {
			return c
		}
		if c := cmp.Compare(x.SrcRange.Start.Byte, y.SrcRange.Start.Byte); c != 0 {
			return c
		}
		return strings.Compare(x.Name, y.Name)
	})
	names := make([]string, len(attrs))
	for i, a := range attrs {
		names[i] = a.Name
	}
	return names
}

// resourceRef is the value of a reference to another resource in this module. Arguments
// set in configuration are passed through (Terraform plans them as written); `id` is a
// stable ARM-style id when the name and resource group are known; anything else is
// known only after apply.
func (in *instance) resourceRef(addr string, read map[string]bool) (v cty.Value) {
	st := in.state(addr)
	if st.unknownN != "" {
		return unknown("%s%s has an unresolved count or for_each: %s", in.prefix, addr, st.unknownN)
	}
	// The value depends only on the instances' arguments, evaluated once, unless an
	// instance is being evaluated right now: then it is made again next time.
	key := refKey(addr, read)
	if v, ok := in.refs[key]; ok {
		return v
	}
	settled := true
	defer func() {
		if settled {
			if in.refs == nil {
				in.refs = map[string]cty.Value{}
			}
			in.refs[key] = v
		}
	}()
	one := func(ri *resInst) cty.Value {
		if ri.busy {
			settled = false
			return unknown("%s refers to itself", ri.addr)
		}
		attrs := in.attrs(st.decl, ri)
		obj := map[string]cty.Value{}
		if read[allAttrs] {
			for a, v := range attrs {
				obj[a] = v
			}
			obj["id"] = in.stableID(st.decl, ri)
		}
		for a := range read {
			if a == allAttrs {
				continue
			}
			switch v, ok := attrs[a]; {
			case a == "id":
				obj[a] = in.stableID(st.decl, ri)
			case ok:
				obj[a] = v
			default:
				obj[a] = unknown("%s.%s is known only after apply", ri.addr, a)
			}
		}
		return cty.ObjectVal(obj)
	}
	switch {
	case st.counted:
		if len(st.instances) == 0 {
			return cty.EmptyTupleVal
		}
		items := make([]cty.Value, len(st.instances))
		for i, ri := range st.instances {
			items[i] = one(ri)
		}
		return cty.TupleVal(items)
	case st.keyed:
		m := map[string]cty.Value{}
		for _, ri := range st.instances {
			m[ri.key.AsString()] = one(ri)
		}
		return cty.ObjectVal(m)
	}
	return one(st.instances[0])
}

// refKey names a reference to the resource at addr that reads the attributes read.
func refKey(addr string, read map[string]bool) string {
	if len(read) == 1 {
		for a := range read {
			return addr + "\x00" + a
		}
	}
	keys := make([]string, 0, len(read)+1)
	keys = append(keys, addr)
	for a := range read {
		keys = append(keys, a)
	}
	sort.Strings(keys[1:])
	return strings.Join(keys, "\x00")
}

// stableID builds an ARM resource id for a reference such as azurerm_x.y.id, so that
// a private endpoint or a diagnostic setting can be linked to its target.
func (in *instance) stableID(d *resourceDecl, ri *resInst) cty.Value {
	attrs := in.attrs(d, ri)
	id, ok := armID(d.typ, func(a string) (string, bool) { return knownString(attrs[a]) })
	if !ok {
		// The id is known only after apply, but which resource it names is known:
		// links through it resolve by the address.
		return unknown("%s.id is known only after apply", ri.addr).Mark(refTo(ri.addr))
	}
	return cty.StringVal(id)
}

// armID builds the ARM id of a resource from its arguments, in the form ARM's
// resourceId() gives: the subscription is the placeholder {subscriptionId}; anything
// else unknown gives no id.
func armID(tfType string, get func(attr string) (string, bool)) (string, bool) {
	name, ok := get("name")
	if !ok {
		return "", false
	}
	if tfType == "azapi_resource" {
		typ, ok1 := get("type")
		parent, ok2 := get("parent_id")
		if !ok1 || !ok2 {
			return "", false
		}
		typ, _, _ = strings.Cut(typ, "@")
		if strings.Count(typ, "/") >= 2 {
			return parent + "/" + typ[strings.LastIndex(typ, "/")+1:] + "/" + name, true
		}
		return strings.TrimRight(parent, "/") + "/providers/" + typ + "/" + name, true
	}
	if tfType == "azurerm_resource_group" {
		return "/subscriptions/{subscriptionId}/resourceGroups/" + name, true
	}
	tm, ok := typeMaps[tfType]
	if !ok || tm.ARMType == "" {
		return "", false
	}
	seg := tm.ARMType[strings.LastIndex(tm.ARMType, "/")+1:]
	if tm.ParentAttr != "" {
		parent, ok := get(tm.ParentAttr)
		if !ok {
			return "", false
		}
		return parent + "/" + seg + "/" + name, true
	}
	rg, ok := get("resource_group_name")
	if !ok {
		return "", false
	}
	prefix := "/subscriptions/{subscriptionId}/resourceGroups/" + rg + "/providers/"
	if tm.ParentNameAttr != "" {
		parent, ok := get(tm.ParentNameAttr)
		if !ok {
			return "", false
		}
		parentType := tm.ARMType[:strings.LastIndex(tm.ARMType, "/")]
		return prefix + parentType + "/" + parent + "/" + seg + "/" + name, true
	}
	if strings.Count(tm.ARMType, "/") != 1 {
		return "", false
	}
	return prefix + tm.ARMType + "/" + name, true
}

func knownString(v cty.Value) (string, bool) {
	if v == cty.NilVal {
		return "", false
	}
	v, _ = v.Unmark()
	if !v.IsKnown() || v.IsNull() || !v.Type().Equals(cty.String) {
		return "", false
	}
	return v.AsString(), true
}

// childInstances instantiates a local module call, once per count or for_each key,
// with the input values the caller passes. It returns nil for remote or unreadable
// modules (their diagnostic is reported when resources are collected).
func (in *instance) childInstances(c *moduleCall) ([]*instance, string) {
	key := "module." + c.name
	if kids, ok := in.s.kids[in]; ok {
		if r, ok := kids[key]; ok {
			return r.insts, r.why
		}
	} else {
		in.s.kids[in] = map[string]childResult{}
	}
	res := in.instantiate(c)
	in.s.kids[in][key] = res
	return res.insts, res.why
}

type childResult struct {
	insts []*instance
	keys  []cty.Value
	keyed bool
	count bool
	why   string
}

func (in *instance) instantiate(c *moduleCall) childResult {
	if c.source == "" {
		return childResult{why: fmt.Sprintf("module %q has no usable source", c.name)}
	}
	if !isLocalSource(c.source) {
		local, ok := in.s.installed(in, c)
		if !ok {
			return childResult{why: fmt.Sprintf("module %q comes from %q, a remote source that is not resolved", c.name, c.source)}
		}
		return in.instantiateDir(c, local)
	}
	return in.instantiateDir(c, path.Clean(path.Join(in.mod.dir, c.source)))
}

func (in *instance) instantiateDir(c *moduleCall, dir string) childResult {
	// The stack holds the callers; the module itself counts too, or a root module
	// that calls its own directory would be expanded a second time.
	for _, d := range append(in.stack[:len(in.stack):len(in.stack)], in.mod.dir) {
		if d == dir {
			return childResult{why: fmt.Sprintf("module %q calls %s, which is already being expanded (cycle)", c.name, dir)}
		}
	}
	if in.depth >= maxModuleDepth {
		return childResult{why: fmt.Sprintf("module %q is nested deeper than %d calls", c.name, maxModuleDepth)}
	}
	mod := in.s.module(dir)
	if mod == nil {
		return childResult{why: fmt.Sprintf("module %q: directory %s has no .tf files", c.name, dir)}
	}
	e := in.expand(c.count, c.forEach)
	e = in.s.spend(e, c.rng, in.prefix+"module."+c.name)
	res := childResult{keys: e.keys, keyed: e.keyed, count: e.counted}
	for i, k := range e.instanceKeys() {
		iter := e.iterValues(i)
		vars := map[string]cty.Value{}
		for name, v := range mod.variables {
			if a, ok := c.body.Attributes[name]; ok {
				vars[name] = inputValue(v, in.eval(a.Expr, iter))
			} else if v.dflt != nil {
				vars[name] = inputValue(v, evalConst(in.s, v.dflt))
			} else {
				vars[name] = unknown("variable %q of module %q has no default and the call at %s does not set it", name, c.name, rangeString(c.rng))
			}
		}
		for name, a := range c.body.Attributes {
			if _, ok := mod.variables[name]; !ok && !moduleMetaArgs[name] {
				in.s.warn(a.NameRange, fmt.Sprintf("module %q has no variable %q", c.name, name))
			}
		}
		child := newInstance(in.s, mod, in.prefix+"module."+c.name+k+".", vars)
		child.via = append(append([]iacLoc(nil), in.via...), locOf(c.rng))
		child.depth = in.depth + 1
		child.rootDir = in.rootDir
		child.cond = in.cond
		if e.why != "" {
			child.cond = fmt.Sprintf("instances of %smodule.%s: %s", in.prefix, c.name, e.why)
		}
		child.callPath = append(append([]string(nil), in.callPath...), c.name)
		child.stack = append(append([]string(nil), in.stack...), in.mod.dir)
		res.insts = append(res.insts, child)
	}
	if e.why != "" {
		res.why = e.why
	}
	return res
}

// evalConst evaluates an expression that may not refer to anything, such as a
// variable default.
func evalConst(s *rootScan, expr hcl.Expression) cty.Value {
	v, diags := expr.Value(&hcl.EvalContext{Functions: s.funcs})
	if diags.HasErrors() {
		s.warn(expr.Range(), diags.Errs()[0].Error())
		return unknown("cannot evaluate %s", rangeString(expr.Range()))
	}
	return v
}

// moduleOutputs is the value of module.NAME: an object of outputs, or a tuple or map
// of them for a call with count or for_each.
func (in *instance) moduleOutputs(name string) cty.Value {
	if v, ok := in.children[name]; ok {
		return v
	}
	c, ok := in.mod.callByNm[name]
	if !ok {
		return unknown("module %q is not declared in %s", name, in.mod.dir)
	}
	if in.inChild[name] {
		return unknown("module.%s refers to itself", name)
	}
	in.inChild[name] = true
	defer func() { in.inChild[name] = false }()
	kids, why := in.childInstances(c)
	r := in.s.kids[in]["module."+name]
	var v cty.Value
	switch {
	case kids == nil || why != "":
		v = unknown("outputs of module.%s: %s", name, orDefault(why, "module not resolved"))
	case r.count:
		items := make([]cty.Value, len(kids))
		for i, k := range kids {
			items[i] = k.outputs()
		}
		v = cty.TupleVal(items)
		if len(items) == 0 {
			v = cty.EmptyTupleVal
		}
	case r.keyed:
		m := map[string]cty.Value{}
		for i, k := range kids {
			m[r.keys[i].AsString()] = k.outputs()
		}
		v = cty.ObjectVal(m)
	default:
		v = kids[0].outputs()
	}
	in.children[name] = v
	return v
}

func (in *instance) outputs() cty.Value {
	m := map[string]cty.Value{}
	for name, a := range in.mod.outputs {
		m[name] = in.eval(a.Expr, nil)
	}
	return cty.ObjectVal(m)
}

// maxInstances bounds the resource and module instances one Scan expands, so that
// nested counts cannot multiply without end.
const maxInstances = 100000

// spend takes an expansion's instances from the scan's budget; past the budget the
// expansion becomes one unresolved instance, with a warning.
func (r *rootScan) spend(e expansion, rng hcl.Range, addr string) expansion {
	n := len(e.keys)
	if e.why != "" || (!e.counted && !e.keyed) {
		n = 1
	}
	limit := r.s.limit
	if r.base+r.spent+n <= limit {
		r.spent += n
		return e
	}
	r.spent++
	r.over = true
	r.warn(rng, fmt.Sprintf("%s: more than %d instances in one scan; the rest are reported once each", addr, limit))
	return expansion{counted: e.counted, keyed: e.keyed || !e.counted, why: fmt.Sprintf("over the limit of %d instances", limit)}
}
