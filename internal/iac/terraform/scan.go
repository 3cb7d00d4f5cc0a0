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
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

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
	var err error
	if s.workers <= 1 || len(roots) <= 1 {
		err = s.readInOrder(ctx, roots, varFiles)
	} else {
		err = s.readSideBySide(ctx, roots, varFiles)
	}
	if err != nil {
		return nil, nil, err
	}
	sortDiags(s.diags)
	return s.resources(), s.diags, nil
}

// readInOrder reads the root modules one after another.
func (s *scanner) readInOrder(ctx context.Context, roots, varFiles []string) error {
	for i, dir := range roots {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := s.readRoot(ctx, dir, varFiles, s.spent)
		if err != nil {
			return err
		}
		s.spent += r.spent
		// The root module is done: the sink judges its resources and the scan holds
		// only what it keeps, not the evaluation behind them.
		s.commit(r, s.sink.Keep(r.unit))
		s.release(i)
	}
	return nil
}

// readSideBySide reads up to s.workers root modules at once. The sink sees them in
// root order, each as soon as it is read and the one before it is judged, and what
// they give is added in root order: the result is the one readInOrder gives. Each
// root is read as if the roots before it had spent none of the instance budget;
// when that turns out to matter, the root is read again with what they spent,
// before the sink sees it.
func (s *scanner) readSideBySide(ctx context.Context, roots, varFiles []string) error {
	ctx, cancel := context.WithCancel(ctx)
	type slot struct {
		r    *rootScan
		kept []iac.Resource
		err  error
		done chan struct{}
		// turn is closed once the sink has seen this root and spentAfter holds the
		// instances spent up to and including it.
		turn       chan struct{}
		spentAfter int
	}
	slots := make([]slot, len(roots))
	start := s.spent
	for i := range slots {
		slots[i].done = make(chan struct{})
		slots[i].turn = make(chan struct{})
	}
	read := func(i int) {
		sl := &slots[i]
		defer close(sl.done)
		r, err := s.readRoot(ctx, roots[i], varFiles, 0)
		base := start
		if i > 0 {
			<-slots[i-1].turn // always closed: root i-1 started before root i
			base = slots[i-1].spentAfter
		}
		if err == nil && base != r.base && (r.over || base+r.spent > s.limit) {
			r, err = s.readRoot(ctx, roots[i], varFiles, base)
		}
		if err != nil {
			sl.spentAfter = base
			close(sl.turn)
			sl.err = err
			return
		}
		sl.spentAfter = base + r.spent
		sl.kept = s.sink.Keep(r.unit)
		close(sl.turn)
		r.unit = nil
		sl.r = r
	}
	// At most s.workers roots are between their start and their commit, so that
	// memory holds the evaluation of that many at a time.
	sem := make(chan struct{}, s.workers)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range roots {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				read(i)
			}()
		}
	}()
	// On an early return the roots still being read stop, and the scan returns
	// only once none is left.
	defer func() {
		cancel()
		wg.Wait()
	}()
	for i := range roots {
		sl := &slots[i]
		select {
		case <-sl.done:
		case <-ctx.Done():
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if sl.err != nil {
			return sl.err
		}
		s.commit(sl.r, sl.kept)
		sl.r, sl.kept = nil, nil
		s.release(i)
		<-sem
	}
	s.spent = slots[len(slots)-1].spentAfter
	return nil
}

// readRoot evaluates one root module with the local modules it calls; base is the
// instance budget the roots before it spent.
func (s *scanner) readRoot(ctx context.Context, dir string, varFiles []string, base int) (*rootScan, error) {
	r := s.newRoot(base)
	mod := r.module(dir)
	if mod == nil {
		return r, nil
	}
	in := newInstance(r, mod, "", r.rootVars(mod, varFiles))
	in.rootDir = dir
	if n := len(mod.resources); n > 0 {
		// Room for one instance per declaration: the unit grows less often.
		r.unit = make([]iac.Resource, 0, n)
	}
	if err := r.collect(ctx, in, &r.unit); err != nil {
		return nil, err
	}
	return r, nil
}

// commit adds what the sink kept of root module r and its diagnostics, reporting
// each once across the scan as a scan of the roots in order would.
func (s *scanner) commit(r *rootScan, kept []iac.Resource) {
	if len(kept) > 0 {
		s.kept = append(s.kept, kept)
	}
	for _, e := range r.events {
		var seen map[string]bool
		switch e.kind {
		case eventWarn:
			seen = s.warned
		case eventUnmapped:
			seen = s.unmapped
		case eventModule:
			seen = s.read
		}
		if seen != nil {
			if seen[e.key] {
				continue
			}
			seen[e.key] = true
		}
		s.diags = append(s.diags, e.diags...)
	}
}

// resources joins what the sink kept of the root modules.
func (s *scanner) resources() []iac.Resource {
	n := 0
	for _, k := range s.kept {
		n += len(k)
	}
	if n == 0 {
		return nil
	}
	out := make([]iac.Resource, 0, n)
	for _, k := range s.kept {
		out = append(out, k...)
	}
	s.kept = nil
	return out
}

// release drops the parsed modules that no root module after root i calls. A
// module dropped too early is parsed again when needed; its diagnostics were
// reported the first time.
func (s *scanner) release(i int) {
	s.mu.Lock()
	defer s.mu.Unlock()
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
	workers int // root modules read at once
	mu      sync.Mutex
	modules map[string]*parsedModule // by directory, under mu
	// varFiles holds the var files read, by name, under mu.
	varFiles map[string]*parsedVarFile
	kept     [][]iac.Resource // what the sink kept of each root module, in root order
	diags    []iac.Diagnostic
	warned   map[string]bool
	// unmapped holds the resource types reported as read by no rule.
	unmapped map[string]bool
	spent    int // instances expanded, against limit
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

// parsedModule is a module directory parsed once for every root module reading it
// at the time, with the diagnostics of its files.
type parsedModule struct {
	once  sync.Once
	m     *module // nil: no .tf files
	diags []iac.Diagnostic
}

func newScanner(fsys fs.FS) *scanner {
	return &scanner{
		fsys:     fsys,
		funcs:    functions(),
		workers:  runtime.GOMAXPROCS(0),
		modules:  map[string]*parsedModule{},
		varFiles: map[string]*parsedVarFile{},
		warned:   map[string]bool{},
		unmapped: map[string]bool{},
		read:     map[string]bool{},
		lastUse:  map[string]int{},
		held:     maxHeldBytes,
	}
}

// load returns the parsed module of dir, parsing it unless it is held, and the
// diagnostics of its files.
func (s *scanner) load(dir string) (*module, []iac.Diagnostic) {
	s.mu.Lock()
	p := s.modules[dir]
	if p == nil {
		p = &parsedModule{}
		s.modules[dir] = p
	}
	s.mu.Unlock()
	p.once.Do(func() {
		m := loadModule(s.fsys, dir, nil)
		p.diags, m.diags = m.diags, nil
		if len(m.resources) == 0 && len(m.calls) == 0 && len(m.variables) == 0 && len(m.locals) == 0 && len(m.outputs) == 0 {
			if !hasTF(s.fsys, dir) {
				m = nil
			}
		}
		p.m = m
	})
	return p.m, p.diags
}

// rootScan is the reading of one root module: its instances and what it reports.
// Root modules are read side by side, each with its own; the scanner adds their
// diagnostics in root order.
type rootScan struct {
	s      *scanner
	fsys   fs.FS
	funcs  map[string]function.Function
	unit   []iac.Resource
	kids   map[*instance]map[string]childResult
	loaded map[string]map[string]string // root dir -> installed module key -> dir
	// base is the instance budget spent before this root; spent is what it spends,
	// and over is set when an expansion did not fit.
	base, spent int
	over        bool
	events      []diagEvent
	warned      map[string]bool // keys of the warnings in events
	unmapped    map[string]bool // types of the unmapped-type notes in events
	mods        map[string]bool // module directories whose diagnostics are in events
	names       map[*hclsyntax.Body][]string
	freeVars    []map[string]cty.Value // see takeVars
	ctx         hcl.EvalContext        // see instance.eval
}

// takeVars returns an empty map for the variables of one expression.
func (r *rootScan) takeVars() map[string]cty.Value {
	if n := len(r.freeVars); n > 0 {
		m := r.freeVars[n-1]
		r.freeVars = r.freeVars[:n-1]
		return m
	}
	return make(map[string]cty.Value, 2)
}

// putVars hands back a map takeVars gave once its expression is evaluated.
func (r *rootScan) putVars(m map[string]cty.Value) {
	if m != nil {
		clear(m)
		r.freeVars = append(r.freeVars, m)
	}
}

// attrNames is sortedAttrNames(b), once per body.
func (r *rootScan) attrNames(b *hclsyntax.Body) []string {
	if names, ok := r.names[b]; ok {
		return names
	}
	names := sortedAttrNames(b)
	r.names[b] = names
	return names
}

// diagEvent is diagnostics one root module reports; the scan keeps those of the
// kinds reported once per scan only the first time their key comes.
type diagEvent struct {
	kind  uint8
	key   string
	diags []iac.Diagnostic
}

const (
	eventPlain    uint8 = iota
	eventWarn           // once per place and message
	eventUnmapped       // once per resource type
	eventModule         // once per module directory
)

func (s *scanner) newRoot(base int) *rootScan {
	return &rootScan{
		s: s, fsys: s.fsys, funcs: s.funcs, base: base,
		kids:     map[*instance]map[string]childResult{},
		loaded:   map[string]map[string]string{},
		warned:   map[string]bool{},
		unmapped: map[string]bool{},
		mods:     map[string]bool{},
		names:    map[*hclsyntax.Body][]string{},
	}
}

// diag reports diagnostics of this root module.
func (r *rootScan) diag(d ...iac.Diagnostic) {
	if len(d) > 0 {
		r.events = append(r.events, diagEvent{diags: d})
	}
}

// warn records a warning once per place and message: a module called ten times
// reports its problems once.
func (r *rootScan) warn(rng hcl.Range, msg string) {
	key := rangeString(rng) + "\x00" + msg
	if r.warned[key] {
		return
	}
	r.warned[key] = true
	r.events = append(r.events, diagEvent{kind: eventWarn, key: key,
		diags: []iac.Diagnostic{{Severity: "warning", Message: msg, Loc: locOf(rng)}}})
}

// module returns the parsed module of dir; its diagnostics are reported by the
// first root module that reads it.
func (r *rootScan) module(dir string) *module {
	m, diags := r.s.load(dir)
	if !r.mods[dir] {
		r.mods[dir] = true
		if len(diags) > 0 {
			r.events = append(r.events, diagEvent{kind: eventModule, key: dir, diags: diags})
		}
	}
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
	may := s.mayCall(dirs)
	for i, d := range dirs {
		if !may[i] {
			// It calls nothing, so it is a root unless another calls it; it is parsed
			// once, when it is read (and reports its problems then).
			continue
		}
		m, diags := s.load(d)
		if !s.read[d] {
			s.read[d] = true
			s.diags = append(s.diags, diags...)
		}
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

// mayCall is mayCall of each of dirs, read on every processor: it reads every
// configuration file, which would hold the scan up before its first root.
func (s *scanner) mayCall(dirs []string) []bool {
	may := make([]bool, len(dirs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(s.workers, len(dirs)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(dirs); i = int(next.Add(1)) - 1 {
				may[i] = mayCall(s.fsys, dirs[i])
			}
		})
	}
	wg.Wait()
	return may
}

// mayCall tells whether a configuration file of dir mentions "module", as every
// module call does (a block in native syntax, a key in JSON). Finding the root
// modules parses only the directories that may call one: past maxHeldBytes, every
// directory parsed here was parsed again when read, so a large tree of root
// modules that call nothing was parsed twice.
func mayCall(fsys fs.FS, dir string) bool {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return true // the parse reports it
	}
	for _, e := range entries {
		if ok, _ := configFile(e.Name()); !ok || e.IsDir() {
			continue
		}
		name := path.Join(dir, e.Name())
		if st, err := fs.Stat(fsys, name); err != nil || st.Size() > maxFileSize {
			return true
		}
		src, err := fs.ReadFile(fsys, name)
		if err != nil || bytes.Contains(src, []byte("module")) {
			return true
		}
	}
	return false
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
func (s *rootScan) rootVars(mod *module, varFiles []string) map[string]cty.Value {
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
// Terraform requires. An explicit var file applies to every root module: it is
// parsed once, and each root reports its diagnostics.
func (s *rootScan) readVarFile(name string) map[string]varValue {
	s.s.mu.Lock()
	vf := s.s.varFiles[name]
	if vf == nil {
		vf = &parsedVarFile{}
		s.s.varFiles[name] = vf
	}
	s.s.mu.Unlock()
	vf.once.Do(func() { vf.vals, vf.diags = parseVarFile(s.fsys, name) })
	s.diag(vf.diags...)
	return vf.vals
}

// parsedVarFile is a var file parsed once for every root module reading it, with
// the diagnostics of reading it. Its values are only read.
type parsedVarFile struct {
	once  sync.Once
	vals  map[string]varValue
	diags []iac.Diagnostic
}

// parseVarFile reads and parses a var file and takes the values of its arguments.
func parseVarFile(fsys fs.FS, name string) (map[string]varValue, []iac.Diagnostic) {
	src, d := readFile(fsys, name)
	if d == nil {
		d = checkNesting(name, src)
	}
	if d != nil {
		return nil, []iac.Diagnostic{*d}
	}
	var out []iac.Diagnostic
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
	out = append(out, hclDiags(diags)...)
	if body == nil {
		return nil, out
	}
	attrs, dd := body.JustAttributes()
	out = append(out, hclDiags(dd)...)
	vals := map[string]varValue{}
	for n, a := range attrs {
		v, dd := a.Expr.Value(nil)
		if dd.HasErrors() {
			out = append(out, hclDiags(dd)...)
			v = unknown("%s: value of %q is not a literal", name, n)
		}
		vals[n] = varValue{val: v, rng: a.Range}
	}
	return vals, out
}

// collect turns the resources of a module instance, and of the local modules it
// calls, into iac.Resources.
func (s *rootScan) collect(ctx context.Context, in *instance, out *[]iac.Resource) error {
	for _, d := range in.mod.resources {
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.broken {
			// Half a block would be judged on the arguments the error cut off.
			s.warn(d.rng, fmt.Sprintf("resource %s%s.%s is not checked: its block has a syntax error", in.prefix, d.typ, d.name))
			continue
		}
		st := in.state(d.addr)
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
					s.events = append(s.events, diagEvent{kind: eventUnmapped, key: d.typ,
						diags: []iac.Diagnostic{unmappedDiag(d.typ, r.Loc)}})
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
func (s *rootScan) installed(in *instance, c *moduleCall) (string, bool) {
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
