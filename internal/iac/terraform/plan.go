package terraform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"unicode/utf8"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/awaf/awaf/internal/iac"
)

// PlanSource is the Resource.Source of resources read from plan JSON.
const PlanSource = iac.SourceTerraformPlan

// IsPlan reports whether data looks like `terraform show -json` output of a plan: a
// JSON object with format_version and planned_values.
func IsPlan(data []byte) bool {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return false
	}
	var probe struct {
		FormatVersion *string          `json:"format_version"`
		PlannedValues *json.RawMessage `json:"planned_values"`
	}
	if json.Unmarshal(data, &probe) != nil {
		return false
	}
	return probe.FormatVersion != nil && probe.PlannedValues != nil
}

// PlanScanner is the front end for plan JSON (`terraform show -json`).
type PlanScanner struct{}

var _ iac.Scanner = PlanScanner{}

// Scan reads each of paths as a plan JSON file (see ScanPlan); each plan is one unit
// for sink.
func (PlanScanner) Scan(ctx context.Context, fsys fs.FS, paths []string, sink iac.Sink) ([]iac.Resource, []iac.Diagnostic, error) {
	var res []iac.Resource
	var diags []iac.Diagnostic
	for _, p := range paths {
		r, d, err := scanPlan(ctx, fsys, p, sink)
		if err != nil {
			return nil, nil, err
		}
		res, diags = append(res, r...), append(diags, d...)
	}
	return res, diags, nil
}

// ScanPlan reads one plan JSON file. Values are the planned values, fully resolved by
// Terraform; what Terraform marks as known after apply is Unknown. Plan JSON has no
// line numbers for resources: each resource, and its values, point at the place in the
// file where its address appears first. The error is non-nil only when ctx ends.
func ScanPlan(ctx context.Context, fsys fs.FS, name string) ([]iac.Resource, []iac.Diagnostic, error) {
	return scanPlan(ctx, fsys, name, nil)
}

func scanPlan(ctx context.Context, fsys fs.FS, name string, sink iac.Sink) ([]iac.Resource, []iac.Diagnostic, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	data, d := readPlanFile(fsys, name)
	if d != nil {
		return nil, []iac.Diagnostic{*d}, nil
	}
	res, diags := readPlan(name, data, newPlanSources(fsys, name))
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	// A plan file is one unit: the sink judges its resources before the plan's
	// values are let go.
	return sink.Keep(res), diags, nil
}

func readPlanFile(fsys fs.FS, name string) ([]byte, *iac.Diagnostic) {
	// Plans of large configurations are big; allow more than for one .tf file.
	if st, err := fs.Stat(fsys, name); err == nil && st.Size() > 16*maxFileSize {
		return nil, &iac.Diagnostic{Severity: "error", Message: fmt.Sprintf("%s is %d bytes, over the %d-byte limit; not read", name, st.Size(), 16*maxFileSize), Loc: iacLoc{File: name}}
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, &iac.Diagnostic{Severity: "error", Message: fmt.Sprintf("read %s: %v", name, err), Loc: iacLoc{File: name}}
	}
	return data, nil
}

// ReadPlan converts plan JSON held in memory; file names it in locations.
func ReadPlan(file string, data []byte) ([]iac.Resource, []iac.Diagnostic) {
	return readPlan(file, data, nil)
}

func readPlan(file string, data []byte, src *planSources) ([]iac.Resource, []iac.Diagnostic) {
	var plan tfjson.Plan
	if err := json.Unmarshal(data, &plan); err != nil {
		loc := iacLoc{File: file, Line: 1, Column: 1}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			loc = offsetLoc(file, data, int(se.Offset))
		}
		return nil, []iac.Diagnostic{{Severity: "error", Message: fmt.Sprintf("%s is not a Terraform plan (terraform show -json): %v", file, err), Loc: loc}}
	}
	if plan.PlannedValues == nil || plan.PlannedValues.RootModule == nil {
		return nil, []iac.Diagnostic{{Severity: "warning", Message: file + " has no planned_values", Loc: iacLoc{File: file, Line: 1, Column: 1}}}
	}
	p := &planReader{file: file, data: data, plan: &plan, src: src,
		unknown: map[string]any{}, planned: map[string]*tfjson.StateResource{}, values: map[string]*iac.Value{}, busy: map[string]bool{}}
	for _, rc := range plan.ResourceChanges {
		if rc.Change != nil {
			p.unknown[rc.Address] = rc.Change.AfterUnknown
		}
	}
	p.index(plan.PlannedValues.RootModule)
	var out []iac.Resource
	var diags []iac.Diagnostic
	p.walk(plan.PlannedValues.RootModule, nil, &out, &diags)
	if plan.Complete != nil && !*plan.Complete {
		diags = append(diags, iac.Diagnostic{Severity: "warning", Message: file + " is an incomplete plan (deferred changes); some resources may be missing", Loc: iacLoc{File: file, Line: 1, Column: 1}})
	}
	return out, diags
}

type planReader struct {
	file    string
	data    []byte
	plan    *tfjson.Plan
	unknown map[string]any                   // address -> after_unknown
	planned map[string]*tfjson.StateResource // address -> planned resource
	values  map[string]*iac.Value            // address -> Terraform-shaped values, unknowns resolved
	busy    map[string]bool
	src     *planSources // the .tf files beside the plan, when there are any
	// unmapped holds the resource types reported as read by no rule.
	unmapped map[string]bool
}

func (p *planReader) index(m *tfjson.StateModule) {
	for _, r := range m.Resources {
		if r.Mode == tfjson.ManagedResourceMode {
			p.planned[r.Address] = r
		}
	}
	for _, c := range m.ChildModules {
		p.index(c)
	}
}

func (p *planReader) walk(m *tfjson.StateModule, via []iacLoc, out *[]iac.Resource, diags *[]iac.Diagnostic) {
	for _, r := range m.Resources {
		if r.Mode != tfjson.ManagedResourceMode {
			continue
		}
		tf := p.tfValues(r.Address)
		loc, resVia := p.addrLoc(r.Address), via
		if d, srcVia := p.src.find(p.plan.Config, r.Address); d != nil {
			relocate(tf, d)
			loc, resVia = locOf(d.rng), srcVia
		}
		res, ok := mapResource(r.Type, tf, loc)
		if !ok {
			if mapped(r.Type) {
				continue
			}
			res = unmapped(r.Type, tf, loc)
			if !p.unmapped[r.Type] {
				if p.unmapped == nil {
					p.unmapped = map[string]bool{}
				}
				p.unmapped[r.Type] = true
				*diags = append(*diags, unmappedDiag(r.Type, loc))
			}
		}
		res.ID = r.Address
		res.Source = PlanSource
		res.Via = resVia
		if strings.Count(res.Type, "/") >= 2 {
			res.Parent = p.parentAddr(r)
		}
		if cr := p.configResource(r.Address); cr != nil {
			for _, dep := range cr.DependsOn {
				res.DependsOn = append(res.DependsOn, modulePrefix(r.Address)+dep)
			}
		}
		*out = append(*out, res)
	}
	children := append([]*tfjson.StateModule(nil), m.ChildModules...)
	sort.SliceStable(children, func(i, j int) bool { return children[i].Address < children[j].Address })
	for _, c := range children {
		p.walk(c, append(append([]iacLoc(nil), via...), p.addrLoc(c.Address)), out, diags)
	}
}

// tfValues gives a planned resource's values with after_unknown applied; unknown ids
// of resources in the plan that other values refer to are filled with their stable ids.
func (p *planReader) tfValues(addr string) *iac.Value {
	if v, ok := p.values[addr]; ok {
		return v
	}
	r := p.planned[addr]
	if r == nil {
		return nil
	}
	loc := p.addrLoc(addr)
	v := fromJSON(map[string]any(r.AttributeValues), loc, 0)
	if v.Kind != iac.Object {
		v = iac.NewObject(loc)
	}
	p.busy[addr] = true
	p.applyUnknown(addr, r, v, p.unknown[addr], nil)
	p.busy[addr] = false
	p.values[addr] = v
	return v
}

// applyUnknown walks after_unknown alongside the values and turns every `true` into
// an Unknown naming the attribute, or a stable id when the configuration shows it is
// another planned resource's id.
func (p *planReader) applyUnknown(addr string, r *tfjson.StateResource, v *iac.Value, au any, path []string) {
	switch t := au.(type) {
	case map[string]any:
		if v.Kind != iac.Object {
			return
		}
		for _, k := range sortedKeys(t) {
			child := v.Fields[k]
			if b, ok := t[k].(bool); ok && b {
				v.Set(k, p.unknownValue(addr, r, append(path, k), v.Loc))
				continue
			}
			if child != nil {
				p.applyUnknown(addr, r, child, t[k], append(path, k))
			}
		}
	case []any:
		if v.Kind != iac.Array {
			return
		}
		for i, el := range t {
			if i >= len(v.Items) {
				break
			}
			step := fmt.Sprint(i)
			if b, ok := el.(bool); ok && b {
				v.Items[i] = p.unknownValue(addr, r, append(path, step), v.Loc)
				continue
			}
			p.applyUnknown(addr, r, v.Items[i], el, append(path, step))
		}
	}
}

func (p *planReader) unknownValue(addr string, r *tfjson.StateResource, path []string, loc iacLoc) *iac.Value {
	why := addr + "." + strings.Join(path, ".") + " is known only after apply"
	refs := p.references(addr, path)
	for _, ref := range refs {
		if id, ok := p.refID(addr, ref); ok {
			return iac.NewString(id, loc)
		}
	}
	if len(refs) > 0 {
		why += " (from " + strings.Join(refs, ", ") + ")"
	}
	return iac.NewUnknown(why, loc)
}

// refID resolves a reference "azurerm_x.y.id" made from addr's module to the stable
// id of that planned resource.
func (p *planReader) refID(from, ref string) (string, bool) {
	target, ok := strings.CutSuffix(ref, ".id")
	if !ok {
		return "", false
	}
	target = modulePrefix(from) + target
	tr := p.planned[target]
	if tr == nil || p.busy[target] {
		return "", false
	}
	vals := p.tfValues(target)
	return armID(tr.Type, func(a string) (string, bool) {
		f := vals.Field(a)
		s, known, ok := f.AsString()
		return s, known && ok && f != nil
	})
}

// references returns the configuration's references for an attribute path of a
// resource: expressions.<attr> or, inside nested blocks, expressions.<block>[i].<attr>.
func (p *planReader) references(addr string, path []string) []string {
	cr := p.configResource(addr)
	if cr == nil || len(path) == 0 {
		return nil
	}
	expr := cr.Expressions[path[0]]
	for i := 1; expr != nil && i < len(path); i++ {
		if expr.ExpressionData == nil || len(expr.NestedBlocks) == 0 {
			break
		}
		var idx int
		if _, err := fmt.Sscan(path[i], &idx); err != nil || idx >= len(expr.NestedBlocks) {
			// A nested block written once serves every instance.
			idx = 0
		}
		if i+1 >= len(path) {
			return nil
		}
		expr = expr.NestedBlocks[idx][path[i+1]]
		i++
	}
	if expr == nil || expr.ExpressionData == nil {
		return nil
	}
	return expr.References
}

// parentAddr finds the parent of a child resource from its parent id reference.
func (p *planReader) parentAddr(r *tfjson.StateResource) string {
	attr := "parent_id"
	if tm, ok := typeMaps[r.Type]; ok {
		attr = tm.ParentAttr
	}
	if attr == "" {
		return ""
	}
	for _, ref := range p.references(r.Address, []string{attr}) {
		if target, ok := strings.CutSuffix(ref, ".id"); ok {
			if _, planned := p.planned[modulePrefix(r.Address)+target]; planned {
				return modulePrefix(r.Address) + target
			}
		}
	}
	return ""
}

// configResource finds the configuration block of a resource instance address.
func (p *planReader) configResource(addr string) *tfjson.ConfigResource {
	if p.plan.Config == nil || p.plan.Config.RootModule == nil {
		return nil
	}
	mod := p.plan.Config.RootModule
	parts := splitAddress(addr)
	for len(parts) >= 2 && parts[0] == "module" {
		call := mod.ModuleCalls[stripKey(parts[1])]
		if call == nil || call.Module == nil {
			return nil
		}
		mod = call.Module
		parts = parts[2:]
	}
	if len(parts) != 2 {
		return nil
	}
	want := parts[0] + "." + stripKey(parts[1])
	for _, r := range mod.Resources {
		if r.Address == want && r.Mode == tfjson.ManagedResourceMode {
			return r
		}
	}
	return nil
}

// splitAddress splits a resource address on dots outside brackets and quotes:
// module.a["x.y"].azurerm_b.c[0] -> module, a["x.y"], azurerm_b, c[0].
func splitAddress(addr string) []string {
	var parts []string
	depth, inStr, start := 0, false, 0
	for i := 0; i < len(addr); i++ {
		switch c := addr[i]; {
		case inStr && c == '\\':
			i++
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '.' && depth == 0:
			parts = append(parts, addr[start:i])
			start = i + 1
		}
	}
	return append(parts, addr[start:])
}

func stripKey(s string) string {
	if i := strings.IndexByte(s, '['); i >= 0 {
		return s[:i]
	}
	return s
}

// modulePrefix returns "module.a[0].module.b." for a resource in that module, or "".
func modulePrefix(addr string) string {
	parts := splitAddress(addr)
	var b strings.Builder
	for len(parts) >= 2 && parts[0] == "module" {
		b.WriteString("module." + parts[1] + ".")
		parts = parts[2:]
	}
	return b.String()
}

// addrLoc finds where an address first appears as an "address" value in the plan.
func (p *planReader) addrLoc(addr string) iacLoc {
	quoted, _ := json.Marshal(addr)
	for _, pat := range [][]byte{append([]byte(`"address":`), quoted...), append([]byte(`"address": `), quoted...)} {
		if i := bytes.Index(p.data, pat); i >= 0 {
			return offsetLoc(p.file, p.data, i)
		}
	}
	if i := bytes.Index(p.data, quoted); i >= 0 {
		return offsetLoc(p.file, p.data, i)
	}
	return iacLoc{File: p.file, Line: 1, Column: 1}
}

// offsetLoc converts a byte offset into a 1-based line and character column.
func offsetLoc(file string, data []byte, off int) iacLoc {
	off = min(max(off, 0), len(data))
	line := bytes.Count(data[:off], []byte{'\n'}) + 1
	lineStart := bytes.LastIndexByte(data[:off], '\n') + 1
	return iacLoc{File: file, Line: line, Column: utf8.RuneCount(data[lineStart:off]) + 1}
}
