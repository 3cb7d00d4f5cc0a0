package terraform

import (
	"io/fs"
	"path"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/awaf/awaf/internal/iac"
)

// planSources finds the .tf declarations of a plan's resources, so that findings
// point at main.tf lines (which code review tools can annotate) rather than into a
// one-line plan file. The configuration is looked for in the plan file's directory;
// local module calls are followed through the plan's configuration section. When a
// declaration is not found, the plan file's own position is kept.
type planSources struct {
	fsys    fs.FS
	root    string
	modules map[string]*module
}

func newPlanSources(fsys fs.FS, planFile string) *planSources {
	root := path.Dir(planFile)
	if !hasTF(fsys, root) {
		return nil
	}
	return &planSources{fsys: fsys, root: root, modules: map[string]*module{}}
}

func (ps *planSources) module(dir string) *module {
	if m, ok := ps.modules[dir]; ok {
		return m
	}
	var m *module
	if hasTF(ps.fsys, dir) {
		m = loadModule(ps.fsys, dir, nil)
	}
	ps.modules[dir] = m
	return m
}

// find returns the declaration of the resource at a plan address and the module call
// sites that lead to it, outermost first.
func (ps *planSources) find(cfg *tfjson.Config, addr string) (*resourceDecl, []iacLoc) {
	if ps == nil || cfg == nil || cfg.RootModule == nil {
		return nil, nil
	}
	parts := splitAddress(addr)
	dir, cm := ps.root, cfg.RootModule
	var via []iacLoc
	for len(parts) >= 2 && parts[0] == "module" {
		name := stripKey(parts[1])
		mod := ps.module(dir)
		call := cm.ModuleCalls[name]
		if mod == nil || call == nil || call.Module == nil || !isLocalSource(call.Source) {
			return nil, nil
		}
		if c, ok := mod.callByNm[name]; ok {
			via = append(via, locOf(c.rng))
		}
		dir, cm = path.Clean(path.Join(dir, call.Source)), call.Module
		parts = parts[2:]
	}
	if len(parts) != 2 {
		return nil, nil
	}
	mod := ps.module(dir)
	if mod == nil {
		return nil, nil
	}
	d := mod.byAddr[parts[0]+"."+stripKey(parts[1])]
	if d == nil {
		return nil, nil
	}
	return d, via
}

// relocate moves the locations of a resource's plan values onto its declaration:
// arguments written in the .tf file get their expression's place, nested blocks their
// block's, and values the provider filled in get the resource block's.
func relocate(v *iac.Value, d *resourceDecl) {
	setLocDeep(v, locOf(d.rng))
	relocateBody(v, d.body)
}

func relocateBody(v *iac.Value, body *hclsyntax.Body) {
	if v == nil || v.Kind != iac.Object {
		return
	}
	blocks := map[string][]*hclsyntax.Block{}
	for _, b := range body.Blocks {
		typ := b.Type
		if typ == "dynamic" && len(b.Labels) == 1 {
			typ = b.Labels[0]
		}
		blocks[typ] = append(blocks[typ], b)
	}
	for k, field := range v.Fields {
		if a, ok := body.Attributes[k]; ok {
			setLocDeep(field, locOf(a.Expr.Range()))
			continue
		}
		bs := blocks[k]
		if len(bs) == 0 || field.Kind != iac.Array {
			continue
		}
		field.Loc = locOf(bs[0].DefRange())
		for i, item := range field.Items {
			b := bs[min(i, len(bs)-1)]
			setLocDeep(item, locOf(b.DefRange()))
			if b.Type != "dynamic" && i < len(bs) {
				relocateBody(item, b.Body)
			}
		}
	}
}

func setLocDeep(v *iac.Value, loc iacLoc) {
	if v == nil {
		return
	}
	v.Loc = loc
	for _, it := range v.Items {
		setLocDeep(it, loc)
	}
	for _, f := range v.Fields {
		setLocDeep(f, loc)
	}
}
