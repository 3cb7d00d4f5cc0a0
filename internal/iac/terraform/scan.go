// Package terraform reads Terraform configurations (.tf and .tf.json files with
// override files merged in, .tfvars and .tfvars.json, local modules) and plan JSON
// (`terraform show -json`) and turns azurerm_* and azapi_resource resources into
// ARM-shaped iac.Resources.
//
// Values come from evaluating HCL with go-cty: variables (defaults, terraform.tfvars,
// *.auto.tfvars, explicit var files), locals, module inputs, each/count and the pure
// built-in functions. Anything that depends on apply (another resource's computed
// attributes, data sources, impure functions) is Unknown with the reason; nothing is
// guessed.
package terraform

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/awaf/awaf/internal/iac"
)

// Source is the Resource.Source of resources read from .tf files.
const Source = iac.SourceTerraform

// Scanner is the front end for Terraform configurations.
type Scanner struct{}

var _ iac.Scanner = Scanner{}

// Scan reads the Terraform configurations at paths (slash paths in fsys: .tf and
// .tf.json files, directories, and .tfvars or .tfvars.json files, which are applied as explicit var
// files to every root module, after the auto-loaded ones). Files are grouped by
// directory, one module each; a directory that another one calls as a local module is
// not scanned on its own. Each root module, with the local modules it calls, is one
// unit for sink. The error is non-nil only when ctx ends.
func (Scanner) Scan(ctx context.Context, fsys fs.FS, paths []string, sink iac.Sink) ([]iac.Resource, []iac.Diagnostic, error) {
	return read(ctx, fsys, paths, maxInstances, sink)
}

// Scan is Scanner.Scan without a sink.
func Scan(ctx context.Context, fsys fs.FS, paths []string) ([]iac.Resource, []iac.Diagnostic, error) {
	return read(ctx, fsys, paths, maxInstances, nil)
}

// scan is Scan with an instance budget; the fuzz test uses a small one.
func scan(ctx context.Context, fsys fs.FS, paths []string, limit int) ([]iac.Resource, []iac.Diagnostic, error) {
	return read(ctx, fsys, paths, limit, nil)
}

// read is Scanner.Scan with an instance budget.
func read(ctx context.Context, fsys fs.FS, paths []string, limit int, sink iac.Sink) ([]iac.Resource, []iac.Diagnostic, error) {
	s := newScanner(fsys)
	s.limit = limit
	s.sink = sink
	return s.run(ctx, paths)
}

// maxHeldBytes bounds the configuration, in bytes of source, whose parsed modules are
// held while the root modules are found, before any is read. Past it, modules are
// parsed again when their root module is read: a larger scan spends time rather than
// memory on its parse trees.
const maxHeldBytes = 4 << 20

func (s *scanner) run(ctx context.Context, paths []string) ([]iac.Resource, []iac.Diagnostic, error) {
	dirs, varFiles := s.inputs(paths)
	roots := s.roots(dirs)
	for i, dir := range roots {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		unit, err := s.scanRoot(ctx, dir, varFiles)
		if err != nil {
			return nil, nil, err
		}
		// The root module is done: the sink judges its resources and the scan holds
		// only what it keeps, not the evaluation behind them.
		s.out = append(s.out, s.sink.Keep(unit)...)
		s.release(i)
	}
	sortDiags(s.diags)
	return s.out, s.diags, nil
}

// scanRoot evaluates one root module with the local modules it calls and returns
// their resources.
func (s *scanner) scanRoot(ctx context.Context, dir string, varFiles []string) ([]iac.Resource, error) {
	mod := s.module(dir)
	if mod == nil {
		return nil, nil
	}
	in := newInstance(s, mod, "", s.rootVars(mod, varFiles))
	in.rootDir = dir
	var unit []iac.Resource
	if err := s.collect(ctx, in, &unit); err != nil {
		return nil, err
	}
	return unit, nil
}

// release drops what root module i leaves behind: the instances evaluated for it, its
// installed-module index, and the parsed modules that no later root module calls. A
// module dropped too early is parsed again when needed; its diagnostics were
// reported the first time.
func (s *scanner) release(i int) {
	clear(s.kids)
	clear(s.loaded)
	for dir := range s.modules {
		if last, ok := s.lastUse[dir]; !ok || last <= i {
			delete(s.modules, dir)
		}
	}
}

type scanner struct {
	fsys    fs.FS
	sink    iac.Sink
	funcs   map[string]function.Function
	modules map[string]*module                   // by directory; nil entry: no .tf files
	kids    map[*instance]map[string]childResult // of the root module being read
	out     []iac.Resource
	diags   []iac.Diagnostic
	warned  map[string]bool
	// unmapped holds the resource types reported as read by no rule.
	unmapped map[string]bool
	loaded   map[string]map[string]string // root dir -> installed module key -> dir
	spent    int                          // instances expanded, against limit
	limit    int
	// read marks the module directories whose diagnostics are reported; a module
	// parsed again after a release does not report them twice.
	read map[string]bool
	// lastUse is, per module directory, the index of the last root module that calls
	// it as far as the parsed modules show; the module is kept parsed until then.
	lastUse map[string]int
	// held bounds the source bytes of the modules kept parsed while roots are found.
	held int64
}

func newScanner(fsys fs.FS) *scanner {
	return &scanner{
		fsys:     fsys,
		funcs:    functions(),
		modules:  map[string]*module{},
		kids:     map[*instance]map[string]childResult{},
		warned:   map[string]bool{},
		unmapped: map[string]bool{},
		loaded:   map[string]map[string]string{},
		read:     map[string]bool{},
		lastUse:  map[string]int{},
		held:     maxHeldBytes,
	}
}

// warn records a warning once per place and message: a module called ten times
// reports its problems once.
func (s *scanner) warn(rng hcl.Range, msg string) {
	key := rangeString(rng) + "\x00" + msg
	if s.warned[key] {
		return
	}
	s.warned[key] = true
	s.diags = append(s.diags, iac.Diagnostic{Severity: "warning", Message: msg, Loc: locOf(rng)})
}

// module loads the .tf files of dir once.
func (s *scanner) module(dir string) *module {
	if m, ok := s.modules[dir]; ok {
		return m
	}
	m := loadModule(s.fsys, dir, nil)
	if !s.read[dir] {
		s.read[dir] = true
		s.diags = append(s.diags, m.diags...)
	}
	m.diags = nil
	if len(m.resources) == 0 && len(m.calls) == 0 && len(m.variables) == 0 && len(m.locals) == 0 && len(m.outputs) == 0 {
		if !hasTF(s.fsys, dir) {
			m = nil
		}
	}
	s.modules[dir] = m
	return m
}

func hasTF(fsys fs.FS, dir string) bool {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if ok, _ := configFile(e.Name()); ok && !e.IsDir() {
			return true
		}
	}
	return false
}

// inputs sorts paths into module directories and explicit var files.
func (s *scanner) inputs(paths []string) (dirs []string, varFiles []string) {
	seen := map[string]bool{}
	addDir := func(d string) {
		if !seen[d] {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	for _, p := range paths {
		p = path.Clean(p)
		st, err := fs.Stat(s.fsys, p)
		if err != nil {
			s.diags = append(s.diags, iac.Diagnostic{Severity: "error", Message: fmt.Sprintf("read %s: %v", p, err), Loc: iacLoc{File: p}})
			continue
		}
		switch {
		case st.IsDir():
			_ = fs.WalkDir(s.fsys, p, func(q string, d fs.DirEntry, err error) error {
				if err != nil {
					return nil
				}
				if d.IsDir() && q != p && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
					return fs.SkipDir
				}
				if ok, _ := configFile(d.Name()); ok && !d.IsDir() {
					addDir(path.Dir(q))
				}
				return nil
			})
		case strings.HasSuffix(p, ".tfvars") || strings.HasSuffix(p, ".tfvars.json"):
			varFiles = append(varFiles, p)
		case strings.HasSuffix(p, ".tf") || strings.HasSuffix(p, ".tf.json"):
			addDir(path.Dir(p))
		default:
			s.diags = append(s.diags, iac.Diagnostic{Severity: "warning", Message: fmt.Sprintf("%s is not a Terraform file; skipped", p), Loc: iacLoc{File: p}})
		}
	}
	sort.Strings(dirs)
	return dirs, varFiles
}

// roots drops the directories that another scanned directory calls as a local module:
// they are read through their callers, with the caller's values.
func (s *scanner) roots(dirs []string) []string {
	called := map[string]bool{}
	calls := map[string][]string{} // dir -> local module directories it calls
	var held int64
	for _, d := range dirs {
		m := s.module(d)
		if m == nil {
			continue
		}
		for _, c := range m.calls {
			if isLocalSource(c.source) {
				t := path.Clean(path.Join(d, c.source))
				calls[d] = append(calls[d], t)
				if t != d {
					called[t] = true
				}
			}
		}
		if held += m.size; held > s.held {
			delete(s.modules, d)
		}
	}
	var out []string
	for _, d := range dirs {
		if !called[d] {
			out = append(out, d)
		}
	}
	for i, d := range out {
		markUses(s.lastUse, calls, d, i, map[string]bool{})
	}
	return out
}

// markUses records root module i as the last user so far of dir and of the local
// modules dir calls, through the calls of the scanned directories; it parses nothing,
// so that it reports nothing a scan would not.
func markUses(lastUse map[string]int, calls map[string][]string, dir string, i int, seen map[string]bool) {
	if seen[dir] {
		return
	}
	seen[dir] = true
	lastUse[dir] = i
	for _, t := range calls[dir] {
		markUses(lastUse, calls, t, i, seen)
	}
}

// rootVars gives each root variable its value: default, then terraform.tfvars, then
// *.auto.tfvars in name order, then explicit var files in the order given; later wins.
func (s *scanner) rootVars(mod *module, varFiles []string) map[string]cty.Value {
	vals := map[string]cty.Value{}
	for name, v := range mod.variables {
		if v.dflt != nil {
			vals[name] = evalConst(s, v.dflt)
		}
	}
	var files []string
	for _, n := range []string{"terraform.tfvars", "terraform.tfvars.json"} {
		if _, err := fs.Stat(s.fsys, path.Join(mod.dir, n)); err == nil {
			files = append(files, path.Join(mod.dir, n))
		}
	}
	if entries, err := fs.ReadDir(s.fsys, mod.dir); err == nil {
		var auto []string
		for _, e := range entries {
			if n := e.Name(); !e.IsDir() && (strings.HasSuffix(n, ".auto.tfvars") || strings.HasSuffix(n, ".auto.tfvars.json")) {
				auto = append(auto, path.Join(mod.dir, n))
			}
		}
		sort.Strings(auto)
		files = append(files, auto...)
	}
	files = append(files, varFiles...)
	for _, f := range files {
		for name, a := range s.readVarFile(f) {
			if _, declared := mod.variables[name]; !declared {
				s.warn(a.rng, fmt.Sprintf("%s sets %q, which module %s does not declare", f, name, mod.dir))
				continue
			}
			vals[name] = a.val
		}
	}
	for name, v := range mod.variables {
		if _, ok := vals[name]; !ok {
			vals[name] = unknown("variable %q has no default and no .tfvars value", name)
		}
		vals[name] = inputValue(v, vals[name])
	}
	return vals
}

type varValue struct {
	val cty.Value
	rng hcl.Range
}

// readVarFile reads a .tfvars (HCL) or .tfvars.json file. Values are literal, as
// Terraform requires.
func (s *scanner) readVarFile(name string) map[string]varValue {
	src, d := readFile(s.fsys, name)
	if d == nil {
		d = checkNesting(name, src)
	}
	if d != nil {
		s.diags = append(s.diags, *d)
		return nil
	}
	var body hcl.Body
	var diags hcl.Diagnostics
	if strings.HasSuffix(name, ".json") {
		f, dd := hcljson.Parse(src, name)
		diags = dd
		if f != nil {
			body = f.Body
		}
	} else {
		f, dd := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
		diags = dd
		if f != nil {
			body = f.Body
		}
	}
	s.diags = append(s.diags, hclDiags(diags)...)
	if body == nil {
		return nil
	}
	attrs, dd := body.JustAttributes()
	s.diags = append(s.diags, hclDiags(dd)...)
	out := map[string]varValue{}
	for n, a := range attrs {
		v, dd := a.Expr.Value(nil)
		if dd.HasErrors() {
			s.diags = append(s.diags, hclDiags(dd)...)
			v = unknown("%s: value of %q is not a literal", name, n)
		}
		out[n] = varValue{val: v, rng: a.Range}
	}
	return out
}

// collect turns the resources of a module instance, and of the local modules it
// calls, into iac.Resources.
func (s *scanner) collect(ctx context.Context, in *instance, out *[]iac.Resource) error {
	for _, d := range in.mod.resources {
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.broken {
			// Half a block would be judged on the arguments the error cut off.
			s.warn(d.rng, fmt.Sprintf("resource %s%s.%s is not checked: its block has a syntax error", in.prefix, d.typ, d.name))
			continue
		}
		st := in.state(d.typ + "." + d.name)
		for _, ri := range st.instances {
			attrs := in.attrs(d, ri)
			tf := in.bodyValue(d.body, ri.iter, attrs)
			r, ok := mapResource(d.typ, tf, locOf(d.rng))
			if !ok {
				if mapped(d.typ) {
					continue
				}
				r = unmapped(d.typ, tf, locOf(d.rng))
				if !s.unmapped[d.typ] {
					s.unmapped[d.typ] = true
					s.diags = append(s.diags, unmappedDiag(d.typ, r.Loc))
				}
			}
			r.ID = ri.addr
			r.Via = in.via
			r.Source = Source
			r.DependsOn = in.dependsOn(d.body)
			if strings.Count(r.Type, "/") >= 2 {
				r.Parent = in.parentAddr(d, ri)
			}
			switch {
			case st.unknownN != "":
				r.Condition = iac.NewUnknown("instances of "+in.prefix+d.typ+"."+d.name+": "+st.unknownN, r.Loc)
			case in.cond != "":
				r.Condition = iac.NewUnknown(in.cond, r.Loc)
			}
			*out = append(*out, r)
		}
	}
	for _, c := range in.mod.calls {
		kids, why := in.childInstances(c)
		if why != "" && kids == nil {
			rng := c.rng
			if c.srcAttr != nil {
				rng = c.srcAttr.Expr.Range()
			}
			msg := why
			if c.source != "" && !isLocalSource(c.source) {
				msg = fmt.Sprintf("unresolved remote module %q (source %q): its resources are not scanned; run terraform init to download it, or scan a plan", c.name, c.source)
			}
			s.warn(rng, msg)
			continue
		}
		if why != "" {
			s.warn(c.rng, fmt.Sprintf("module %q: %s; its resources are reported once with unknown keys", c.name, why))
		}
		for _, k := range kids {
			if err := s.collect(ctx, k, out); err != nil {
				return err
			}
		}
	}
	return nil
}

// dependsOn lists depends_on entries as addresses with the module prefix.
func (in *instance) dependsOn(b *hclsyntax.Body) []string {
	a, ok := b.Attributes["depends_on"]
	if !ok {
		return nil
	}
	items, diags := hcl.ExprList(a.Expr)
	if diags.HasErrors() {
		return nil
	}
	var out []string
	for _, e := range items {
		tr, diags := hcl.AbsTraversalForExpr(e)
		if diags.HasErrors() {
			continue
		}
		var parts []string
		for _, step := range tr {
			switch st := step.(type) {
			case hcl.TraverseRoot:
				parts = append(parts, st.Name)
			case hcl.TraverseAttr:
				parts = append(parts, st.Name)
			}
		}
		out = append(out, in.prefix+strings.Join(parts, "."))
	}
	return out
}

// parentAddr returns the address of the parent resource when a child resource names
// it by reference (cognitive_account_id = azurerm_cognitive_account.main.id, or
// azurerm_x.y[each.key].id).
func (in *instance) parentAddr(d *resourceDecl, ri *resInst) string {
	attr := "parent_id"
	if d.typ != "azapi_resource" {
		tm, ok := typeMaps[d.typ]
		if !ok || tm.ParentAttr == "" {
			return ""
		}
		attr = tm.ParentAttr
	}
	a, ok := d.body.Attributes[attr]
	if !ok {
		return ""
	}
	var refs []hcl.Traversal
	for _, tr := range a.Expr.Variables() {
		if r := tr.RootName(); r != "each" && r != "count" {
			refs = append(refs, tr)
		}
	}
	if len(refs) != 1 {
		return ""
	}
	tr := refs[0]
	name, ok := stepName(tr, 1)
	if !ok {
		return ""
	}
	addr := tr.RootName() + "." + name
	if _, ok := in.mod.byAddr[addr]; !ok {
		return ""
	}
	if len(tr) > 2 {
		if ix, ok := tr[2].(hcl.TraverseIndex); ok {
			if !ix.Key.IsKnown() || ix.Key.IsNull() {
				return ""
			}
			return in.prefix + addr + instanceKey(ix.Key)
		}
		return in.prefix + addr
	}
	return in.refInstanceAddr(a.Expr, ri, addr)
}

// refInstanceAddr resolves azurerm_x.y[each.key].id style references by evaluating
// the index expression.
func (in *instance) refInstanceAddr(e hclsyntax.Expression, ri *resInst, addr string) string {
	var key hclsyntax.Expression
	walk := e
	for walk != nil {
		switch t := walk.(type) {
		case *hclsyntax.RelativeTraversalExpr:
			walk = t.Source
		case *hclsyntax.IndexExpr:
			key = t.Key
			walk = nil
		default:
			walk = nil
		}
	}
	if key == nil {
		return in.prefix + addr
	}
	v, _ := in.eval(key, ri.iter).Unmark()
	if !v.IsKnown() || v.IsNull() {
		return ""
	}
	if v.Type() != cty.String && v.Type() != cty.Number {
		return ""
	}
	return in.prefix + addr + instanceKey(v)
}

// installed finds a remote module that `terraform init` has downloaded, through
// .terraform/modules/modules.json in the root module directory.
func (s *scanner) installed(in *instance, c *moduleCall) (string, bool) {
	root := in.rootDir
	m, ok := s.loaded[root]
	if !ok {
		m = map[string]string{}
		s.loaded[root] = m
		src, err := fs.ReadFile(s.fsys, path.Join(root, ".terraform/modules/modules.json"))
		if err == nil {
			var doc struct {
				Modules []struct{ Key, Source, Dir string }
			}
			if json.Unmarshal(src, &doc) == nil {
				for _, e := range doc.Modules {
					if e.Key != "" && e.Dir != "" {
						m[e.Key] = path.Clean(path.Join(root, e.Dir))
					}
				}
			}
		}
	}
	key := strings.Join(append(append([]string(nil), in.callPath...), c.name), ".")
	dir, ok := m[key]
	return dir, ok
}

func sortDiags(d []iac.Diagnostic) {
	sort.SliceStable(d, func(i, j int) bool {
		a, b := d[i].Loc, d[j].Loc
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return d[i].Message < d[j].Message
	})
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
