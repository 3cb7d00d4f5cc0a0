package bicep

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/fanout"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/iac/arm"
)

// Limits on input size.
const (
	maxFileSize      = 4 << 20
	defaultMaxOutput = 200000
	// The evaluation budget: a base plus an allowance per byte of source read, so
	// large real corpora fit and a small hostile file cannot run for long.
	baseSteps    = 2_000_000
	stepsPerByte = 50
)

// ExpandARM expands an ARM JSON template with parameter values already evaluated; the
// ARM front end provides it (arm.Expand). Bicep uses it for JSON modules and for
// registry modules, which the module cache holds as ARM JSON.
type ExpandARM func(ctx context.Context, file string, data []byte, params map[string]*iac.Value) ([]iac.Resource, []iac.Diagnostic)

// Scanner reads Bicep files. The zero value reads no module cache and cannot expand
// ARM JSON modules; New gives one with both.
type Scanner struct {
	// Cache is the Bicep module cache (the directory "bicep restore" fills, by default
	// ~/.bicep), holding br/... and ts/... trees. Nil means no cache.
	Cache fs.FS
	// CacheName is how locations name files in Cache, e.g. "/home/me/.bicep".
	CacheName string
	// ARM expands ARM JSON modules; nil reports them as not expanded.
	ARM ExpandARM
	// ARMFiles, when set, expands ARM JSON modules that are files of the scanned tree
	// instead of ARM, so that their linked templates (templateLink.relativePath) are
	// read from the tree too. New sets it to arm.ExpandFS.
	ARMFiles func(ctx context.Context, fsys fs.FS, file string, data []byte, params map[string]*iac.Value) ([]iac.Resource, []iac.Diagnostic)
	// MaxResources bounds the resources one call produces (0 means a default).
	MaxResources int
}

// DefaultCacheDir is where the Bicep CLI keeps restored modules: ~/.bicep.
func DefaultCacheDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".bicep")
}

// WithCacheDir returns a copy of s that reads the module cache in dir, if it exists.
func (s Scanner) WithCacheDir(dir string) Scanner {
	if dir == "" {
		return s
	}
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		s.Cache = os.DirFS(dir)
		s.CacheName = filepath.ToSlash(dir)
	}
	return s
}

// New returns a Scanner that reads registry modules from the Bicep module cache in
// cacheDir (DefaultCacheDir when empty; a missing directory means no cache) and
// expands ARM JSON modules with the ARM front end.
func New(cacheDir string) Scanner {
	if cacheDir == "" {
		cacheDir = DefaultCacheDir()
	}
	s := Scanner{ARM: defaultARM, ARMFiles: arm.ExpandFS}.WithCacheDir(cacheDir)
	return s
}

// Scan reads the Bicep files at paths (files or directories, slash paths inside fsys)
// with New(""): the default module cache and ARM expansion, and no sink. See
// Scanner.Scan.
func Scan(ctx context.Context, fsys fs.FS, paths []string) ([]iac.Resource, []iac.Diagnostic, error) {
	return New("").Scan(ctx, fsys, paths, nil)
}

var _ iac.Scanner = Scanner{}

// scanState is shared by every template evaluated in one Scan call.
type scanState struct {
	*shared
	ctx     context.Context
	imports map[string]*env
	// jsonImports holds what the ARM JSON files named by imports export; nil for a
	// file that could not be read.
	jsonImports map[string]*arm.Exports
	// refs maps the reference object of each resource copy back to it, so that a
	// reference passed into a module still reads as that resource.
	refs map[*iac.Value]*instance
	// trees holds the parse trees this state has read, for as long as it lives.
	trees        map[string]*File
	out          []iac.Resource
	diags        []iac.Diagnostic
	maxResources int
	truncated    bool
	// steps counts expression evaluations against maxSteps, which bounds the work one
	// template may do (nested loops over large ranges, deep recursion).
	steps    int
	maxSteps int
	copies   int // resource and module copies made by expand
	// quiet silences diagnostics while reading resources whose condition is false:
	// their expressions may well fail where the template expects them not to run.
	quiet     int
	exhausted bool
}

// shared is what the evaluations of the entry templates of one scan share, behind a
// lock since they run side by side: parsed files and bicepconfig.json files.
type shared struct {
	fsys      fs.FS
	cache     fs.FS
	cacheName string
	expandARM ExpandARM
	armFiles  func(ctx context.Context, fsys fs.FS, file string, data []byte, params map[string]*iac.Value) ([]iac.Resource, []iac.Diagnostic)
	sink      iac.Sink // receives each job's resources
	mu        sync.Mutex
	files     map[string]*fileEntry
	configs   map[string]*bicepConfig
	bytes     int // source bytes parsed so far, for the evaluation budget
	// hold is the source bytes whose trees preparse may hold (holdBytes).
	hold int64
	// late holds the syntax errors of files first parsed while evaluating (module
	// files outside the scanned paths), reported after the rest in path order.
	late map[string][]iac.Diagnostic
}

// fork makes the state one entry template is evaluated in.
func (sc *scanState) fork() *scanState {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return &scanState{
		shared: sc.shared, ctx: sc.ctx, imports: map[string]*env{}, jsonImports: map[string]*arm.Exports{}, refs: map[*iac.Value]*instance{},
		trees: map[string]*File{}, maxResources: sc.maxResources, maxSteps: baseSteps + stepsPerByte*sc.bytes,
	}
}

// fileEntry is what a scan knows of one file. The summary (size, error, syntax
// errors and the files it reads) is taken when the file is first parsed and kept for
// the whole scan; the parse tree is held only while jobs that may read it remain.
type fileEntry struct {
	file *File // nil when not held
	err  error
	size int
	// syntax lists the file's syntax errors as diagnostics.
	syntax []iac.Diagnostic
	// using is the file's first using statement, for a parameter file.
	using *Using
	// calls lists the local files its module statements call, for entryTemplates.
	calls []string
	// reads lists the local Bicep files evaluating it may parse: modules, imports,
	// the template a using statement names and the file an extends statement names.
	reads []string
	// seen is set once the file is accounted for: its syntax errors placed among the
	// diagnostics and its size added to the evaluation budget.
	seen bool
	// jobs counts the jobs not yet done that may read the file.
	jobs int
}

// holdBytes bounds the source bytes whose parse trees are held from the first read of
// the scanned files until their jobs run; the trees of the other files are parsed
// again when needed, so that memory does not grow with the number of files.
const holdBytes = 1 << 20

// Scan evaluates each entry template. A .bicepparam file evaluates the template it
// names with its values; a template that a .bicepparam file, or another template's
// module call, already covers is not evaluated again on its own. Other templates are
// evaluated with their defaults, or with <name>.parameters.json beside them.
//
// Each job (an entry template, or a parameter file with its template) is one unit
// for sink: its resources, those of its modules included, are handed over once,
// when the job is done, and only what the sink keeps is held.
func (s Scanner) Scan(ctx context.Context, fsys fs.FS, paths []string, sink iac.Sink) ([]iac.Resource, []iac.Diagnostic, error) {
	sc := s.newState(ctx, fsys)
	sc.sink = sink
	return sc.scan(paths)
}

// scan is Scan in the state sc.
func (sc *scanState) scan(paths []string) ([]iac.Resource, []iac.Diagnostic, error) {
	ctx, fsys := sc.ctx, sc.fsys
	var templates, paramFiles []string
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		files, err := collect(fsys, p)
		if err != nil {
			sc.diags = append(sc.diags, iac.Diagnostic{Severity: "error", Message: err.Error(), Loc: awaf.Location{File: p}})
			continue
		}
		for _, f := range files {
			switch strings.ToLower(path.Ext(f)) {
			case ".bicep":
				templates = append(templates, f)
			case ".bicepparam":
				paramFiles = append(paramFiles, f)
			}
		}
	}
	templates, paramFiles = dedupe(templates), dedupe(paramFiles)
	sc.preparse(append(append([]string(nil), paramFiles...), templates...))

	covered := map[string]bool{}
	type job struct {
		template string
		src      string // the parameter file, if any
		via      *Using
		reads    []*fileEntry
	}
	var jobs []job
	for _, pf := range paramFiles {
		fe := sc.entry(pf)
		if fe.err != nil {
			sc.diags = append(sc.diags, iac.Diagnostic{Severity: "error", Message: fe.err.Error(), Loc: awaf.Location{File: pf}})
			continue
		}
		u := fe.using
		if u == nil {
			sc.diags = append(sc.diags, iac.Diagnostic{Severity: "error", Message: "parameter file has no 'using' statement naming its template", Loc: awaf.Location{File: pf, Line: 1, Column: 1}})
			continue
		}
		if u.None {
			continue
		}
		if isRegistry(u.Path) {
			sc.diags = append(sc.diags, iac.Diagnostic{Severity: "warning", Message: "unresolved registry module " + u.Path + ": parameter files for registry templates are not followed", Loc: locOf(pf, u.P)})
			continue
		}
		tp := resolvePath(pf, u.Path)
		if !fs.ValidPath(tp) {
			sc.diags = append(sc.diags, iac.Diagnostic{Severity: "error", Message: "template " + u.Path + " is outside the scanned directory tree", Loc: locOf(pf, u.P)})
			continue
		}
		covered[tp] = true
		jobs = append(jobs, job{template: tp, src: pf, via: u})
	}
	for _, t := range sc.entryTemplates(templates, covered) {
		jobs = append(jobs, job{template: t})
	}
	// Count, for each file, the jobs that may read it, and let go of the trees no
	// job needs.
	sc.mu.Lock()
	for i := range jobs {
		jobs[i].reads = sc.readsLocked(jobs[i].template, jobs[i].src)
		for _, fe := range jobs[i].reads {
			fe.jobs++
		}
	}
	for _, fe := range sc.files {
		if fe.jobs == 0 {
			fe.file = nil
		}
	}
	sc.mu.Unlock()

	// Entry templates are evaluated side by side, each in its own state; their
	// results are joined in job order so the output does not depend on timing.
	type result struct {
		out   []iac.Resource
		diags []iac.Diagnostic
	}
	results := make([]result, len(jobs))
	fanout.Each(len(jobs), func(i int) {
		if ctx.Err() != nil {
			return
		}
		j := jobs[i]
		js := sc.fork()
		js.run(j.template, j.src, j.via)
		results[i] = result{keep(sc.sink, js.out), js.diags}
		sc.release(j.reads)
	})
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	n := len(sc.out)
	for _, r := range results {
		n += len(r.out)
	}
	out, diags := make([]iac.Resource, 0, n), sc.diags
	out = append(out, keep(sc.sink, sc.out)...)
	for _, r := range results {
		out = append(out, r.out...)
		diags = append(diags, r.diags...)
	}
	late := make([]string, 0, len(sc.late))
	for p := range sc.late {
		late = append(late, p)
	}
	sort.Strings(late)
	for _, p := range late {
		diags = append(diags, sc.late[p]...)
	}
	if len(out) > sc.maxResources {
		diags = append(diags, iac.Diagnostic{Severity: "error", Message: fmt.Sprintf("more than %d resources; the rest are not read", sc.maxResources), Loc: out[sc.maxResources].Loc})
		out = out[:sc.maxResources]
	}
	return out, dedupeDiags(diags), nil
}

func isRegistry(ref string) bool {
	return strings.HasPrefix(ref, "br:") || strings.HasPrefix(ref, "br/") || strings.HasPrefix(ref, "ts:") || strings.HasPrefix(ref, "ts/")
}

// readsLocked lists the files a job may parse: its template, its parameter file
// (src, if any) and what they read, transitively, as far as the files were read up
// front.
func (sc *scanState) readsLocked(template, src string) []*fileEntry {
	var out []*fileEntry
	seen := map[string]bool{}
	var visit func(string)
	visit = func(p string) {
		if seen[p] {
			return
		}
		seen[p] = true
		fe := sc.files[p]
		if fe == nil {
			return
		}
		out = append(out, fe)
		for _, r := range fe.reads {
			visit(r)
		}
	}
	if src != "" {
		visit(src)
	}
	visit(template)
	return out
}

// release is called when a job is done: the trees of files no job left may read are
// let go.
func (sc *scanState) release(reads []*fileEntry) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for _, fe := range reads {
		if fe.jobs--; fe.jobs <= 0 {
			fe.file = nil
		}
	}
}

// run evaluates one entry template: on its own, or with the values of the .bicepparam
// file src (via is its using statement).
func (sc *scanState) run(template, src string, via *Using) {
	f, err := sc.parseFile(template)
	if err != nil {
		at := awaf.Location{File: template}
		if via != nil {
			at = locOf(src, via.P)
		}
		sc.diags = append(sc.diags, iac.Diagnostic{Severity: "error", Message: fmt.Sprintf("template %s: %v", template, err), Loc: at})
		return
	}
	var e *env
	if src != "" {
		pf, err := sc.parseFile(src)
		if err != nil {
			sc.diags = append(sc.diags, iac.Diagnostic{Severity: "error", Message: err.Error(), Loc: awaf.Location{File: src}})
			return
		}
		e = sc.paramEnv(pf, f)
	} else {
		inputs, src := sc.parametersJSON(template)
		e = sc.newEnv(f, inputs, nil, "")
		e.inputSrc = src
		if inputs != nil {
			e.checkInputs(inputs, src)
		}
	}
	e.emitAll()
}

func (s Scanner) newState(ctx context.Context, fsys fs.FS) *scanState {
	sc := &scanState{
		shared: &shared{
			fsys: fsys, cache: s.Cache, cacheName: s.CacheName, expandARM: s.ARM, armFiles: s.ARMFiles,
			files: map[string]*fileEntry{}, configs: map[string]*bicepConfig{}, hold: holdBytes,
			late: map[string][]iac.Diagnostic{},
		},
		ctx: ctx, imports: map[string]*env{}, jsonImports: map[string]*arm.Exports{}, refs: map[*iac.Value]*instance{},
		trees: map[string]*File{}, maxResources: s.MaxResources, maxSteps: baseSteps,
	}
	if sc.maxResources <= 0 {
		sc.maxResources = defaultMaxOutput
	}
	return sc
}

// entryTemplates picks the templates to evaluate on their own: those no other template
// calls as a module. Templates reached only through a cycle of module calls still get
// one entry (the first by name), so the cycle is reported rather than the files lost.
func (sc *scanState) entryTemplates(templates []string, covered map[string]bool) []string {
	calls := map[string][]string{}
	called := map[string]bool{}
	for _, t := range templates {
		fe := sc.entry(t)
		if fe.err != nil {
			continue
		}
		calls[t] = fe.calls
		for _, mp := range fe.calls {
			called[mp] = true
		}
	}
	reached := map[string]bool{}
	var visit func(string)
	visit = func(t string) {
		if reached[t] {
			return
		}
		reached[t] = true
		for _, c := range calls[t] {
			visit(c)
		}
	}
	for t := range covered {
		visit(t)
	}
	var entries []string
	for _, t := range templates {
		if !called[t] && !reached[t] {
			entries = append(entries, t)
			visit(t)
		}
	}
	for _, t := range templates {
		if !reached[t] {
			entries = append(entries, t)
			visit(t)
		}
	}
	return entries
}

// dedupeDiags drops repeats: a module called many times reports each problem once.
func dedupeDiags(ds []iac.Diagnostic) []iac.Diagnostic {
	seen := map[iac.Diagnostic]bool{}
	out := ds[:0]
	for _, d := range ds {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

func locOf(file string, p Pos) awaf.Location {
	return awaf.Location{File: file, Line: p.Line, Column: p.Col}
}

func dedupe(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// collect lists the .bicep and .bicepparam files at p: p itself, or the files under it.
func collect(fsys fs.FS, p string) ([]string, error) {
	p = path.Clean(p)
	st, err := fs.Stat(fsys, p)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	var out []string
	err = fs.WalkDir(fsys, p, func(q string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if q != p && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
				return fs.SkipDir
			}
			return nil
		}
		switch strings.ToLower(path.Ext(q)) {
		case ".bicep", ".bicepparam":
			out = append(out, q)
		}
		return nil
	})
	return out, err
}

// parseFile returns the parse tree of a file for the job sc evaluates, the same
// tree every time within the job. Its syntax errors are reported once per scan: with
// the scan's own diagnostics for the files parsed up front, last for the files first
// met while evaluating. A tree no longer held (see fileEntry) is parsed again.
func (sc *scanState) parseFile(p string) (*File, error) {
	if f, ok := sc.trees[p]; ok {
		return f, nil
	}
	fe, f := sc.lookup(p)
	if fe.err != nil {
		return nil, fe.err
	}
	if f == nil {
		var again *fileEntry
		if again, f = readAndParse(sc.fsys, p); f == nil {
			return nil, again.err // the file changed under the scan
		}
		sc.mu.Lock()
		switch {
		case fe.file != nil:
			f = fe.file
		case fe.jobs > 0:
			fe.file = f
		}
		sc.mu.Unlock()
	}
	sc.trees[p] = f
	return f, nil
}

// entry returns what is known of a file, reading it if no one has, and accounts for
// it (see fileEntry.seen).
func (sc *scanState) entry(p string) *fileEntry {
	fe, _ := sc.lookup(p)
	return fe
}

// lookup returns the entry of a file and its tree if one is at hand: held, or just
// parsed because no one had read the file.
func (sc *scanState) lookup(p string) (*fileEntry, *File) {
	sc.mu.Lock()
	fe, ok := sc.files[p]
	var f *File
	if ok {
		f = fe.file
		sc.seeLocked(p, fe)
	}
	sc.mu.Unlock()
	if ok {
		return fe, f
	}
	fe, f = readAndParse(sc.fsys, p)
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if prev, ok := sc.files[p]; ok {
		fe = prev
	} else {
		sc.files[p] = fe
	}
	sc.seeLocked(p, fe)
	return fe, f
}

// seeLocked accounts for a file first met while evaluating: its syntax errors are
// reported last, and its size adds to the budget of the evaluation that read it.
func (sc *scanState) seeLocked(p string, fe *fileEntry) {
	if fe.seen {
		return
	}
	fe.seen = true
	sc.bytes += fe.size
	sc.maxSteps += stepsPerByte * fe.size
	sc.late[p] = fe.syntax
}

// preparse parses the scanned files side by side; parsing needs nothing but the file,
// and it is half the work of a scan. Then it reads, the same way, the files outside
// the scanned paths that they read (modules, imports), and so on. It keeps each
// file's summary and holds the trees of the first holdBytes of source. When two
// files or more are scanned, their syntax errors are registered in path order, so
// diagnostics come out the same whatever the timing.
func (sc *scanState) preparse(paths []string) {
	var budget atomic.Int64
	budget.Store(sc.hold)
	batch := paths
	for first := true; len(batch) > 0; first = false {
		entries := make([]*fileEntry, len(batch))
		fanout.Each(len(batch), func(i int) {
			if sc.ctx.Err() != nil {
				return
			}
			fe, f := readAndParse(sc.fsys, batch[i])
			if f != nil && budget.Add(-int64(fe.size)) >= 0 {
				fe.file = f
			}
			entries[i] = fe
		})
		sc.mu.Lock()
		var more []string
		for i, p := range batch {
			fe := entries[i]
			if _, done := sc.files[p]; done || fe == nil {
				continue
			}
			sc.files[p] = fe
			if first && len(paths) >= 2 {
				fe.seen = true
				sc.bytes += fe.size
				sc.diags = append(sc.diags, fe.syntax...)
			}
		}
		for i := range batch {
			if entries[i] == nil {
				continue
			}
			for _, r := range entries[i].reads {
				if _, ok := sc.files[r]; !ok && !slices.Contains(more, r) {
					more = append(more, r)
				}
			}
		}
		sc.mu.Unlock()
		sort.Strings(more)
		batch = more
	}
}

// readAndParse reads and parses a file and sums it up; the tree is returned apart
// from the entry, which does not hold it.
func readAndParse(fsys fs.FS, p string) (*fileEntry, *File) {
	fe := &fileEntry{}
	st, err := fs.Stat(fsys, p)
	if err != nil {
		fe.err = err
		return fe, nil
	}
	if st.Size() > maxFileSize {
		fe.err = fmt.Errorf("%s is larger than %d bytes", p, maxFileSize)
		return fe, nil
	}
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		fe.err = err
		return fe, nil
	}
	fe.size = len(data)
	f := Parse(p, strings.TrimPrefix(string(data), "\uFEFF"))
	for _, se := range f.Errors {
		fe.syntax = append(fe.syntax, iac.Diagnostic{Severity: "error", Message: "syntax error: " + se.Msg, Loc: locOf(p, se.Pos)})
	}
	for _, st := range f.Stmts {
		switch s := st.(type) {
		case *Module:
			if s.Path == "" || strings.Contains(s.Path, ":") {
				continue
			}
			if mp := resolvePath(p, s.Path); mp != p {
				fe.calls = append(fe.calls, mp)
				if !strings.HasSuffix(strings.ToLower(mp), ".json") {
					fe.reads = append(fe.reads, mp)
				}
			}
		case *Import:
			if s.Keyword == "import" && s.From && s.Path != "" && !strings.Contains(s.Path, ":") && !strings.EqualFold(path.Ext(s.Path), ".json") {
				fe.reads = append(fe.reads, resolvePath(p, s.Path))
			}
		case *Extends:
			if s.Path != "" && !strings.Contains(s.Path, ":") {
				fe.reads = append(fe.reads, resolvePath(p, s.Path))
			}
		case *Using:
			if fe.using == nil {
				fe.using = s
			}
			if !s.None && s.Path != "" && !isRegistry(s.Path) {
				fe.reads = append(fe.reads, resolvePath(p, s.Path))
			}
		}
	}
	fe.reads = slices.DeleteFunc(fe.reads, func(r string) bool { return !fs.ValidPath(r) || r == p })
	return fe, f
}

// paramEnv evaluates a .bicepparam file's values and returns the environment of the
// template it names, fed with them.
func (sc *scanState) paramEnv(pf, tmpl *File) *env {
	inputs := sc.paramValues(pf, []string{pf.Path})
	e := sc.newEnv(tmpl, inputs, nil, "")
	e.inputSrc = pf.Path
	e.checkInputs(inputs, pf.Path)
	return e
}

// paramValues evaluates the param statements of a .bicepparam file over those of the
// file it extends, if any. chain lists the files being read, to find cycles.
func (sc *scanState) paramValues(pf *File, chain []string) map[string]*iac.Value {
	// The parameter file is a small template of its own: its vars and imports may be
	// used by its param values.
	pe := sc.newEnv(pf, nil, nil, "")
	inputs := map[string]*iac.Value{}
	var ext *Extends
	for _, st := range pf.Stmts {
		if s, ok := st.(*Extends); ok {
			if ext != nil {
				pe.diag("error", s.P, "a parameter file can extend only one file; this extends statement is ignored")
				continue
			}
			ext = s
			for k, v := range sc.extended(pe, s, chain) {
				inputs[k] = v
			}
		}
	}
	for _, st := range pf.Stmts {
		switch s := st.(type) {
		case *Param:
			if s.Default == nil {
				pe.diag("error", s.P, "parameter %s has no value", s.Name)
				continue
			}
			inputs[s.Name] = pe.eval(s.Default, nil)
		case *Using, *Extends, *Var, *Import, *TypeDecl, *Func, *Metadata:
		case *BadStmt:
		default:
			pe.diag("warning", st.Start(), "unsupported construct in a parameter file: %T", st)
		}
	}
	return inputs
}

// maxExtends bounds chains of parameter files extending one another.
const maxExtends = 32

// extended reads the values of the base parameter file an extends statement names.
func (sc *scanState) extended(pe *env, s *Extends, chain []string) map[string]*iac.Value {
	switch {
	case s.Path == "":
		return nil // a syntax error, already reported
	case strings.Contains(s.Path, ":"):
		pe.diag("warning", s.P, "unsupported construct: extends %s; only local parameter files are read", s.Path)
		return nil
	}
	p := resolvePath(pe.path, s.Path)
	switch {
	case !fs.ValidPath(p):
		pe.diag("error", s.P, "extends %s: the file is outside the scanned directory tree", s.Path)
		return nil
	case !strings.EqualFold(path.Ext(p), ".bicepparam"):
		pe.diag("error", s.P, "extends %s: a parameter file can only extend a .bicepparam file", s.Path)
		return nil
	case len(chain) >= maxExtends:
		pe.diag("error", s.P, "parameter files extend one another more than %d levels deep", maxExtends)
		return nil
	}
	for i, c := range chain {
		if c == p {
			pe.diag("error", s.P, "extends cycle: %s", strings.Join(append(append([]string(nil), chain[i:]...), p), " -> "))
			return nil
		}
	}
	f, err := sc.parseFile(p)
	if err != nil {
		pe.diag("error", s.P, "extends %s: %v", s.Path, err)
		return nil
	}
	return sc.paramValues(f, append(append([]string(nil), chain...), p))
}

// parametersJSON reads <name>.parameters.json beside a template, ARM style, when
// there is one.
func (sc *scanState) parametersJSON(tmpl string) (map[string]*iac.Value, string) {
	base := strings.TrimSuffix(tmpl, path.Ext(tmpl))
	for _, cand := range []string{base + ".parameters.json", base + ".params.json"} {
		data, err := fs.ReadFile(sc.fsys, cand)
		if err != nil {
			continue
		}
		v, err := iac.DecodeJSON(cand, data)
		if err != nil {
			sc.diags = append(sc.diags, iac.DiagnosticFromError(cand, err))
			return nil, ""
		}
		ps := v.Field("parameters")
		if ps == nil || ps.Kind != iac.Object {
			sc.diags = append(sc.diags, iac.Diagnostic{Severity: "warning", Message: "parameters file has no 'parameters' object", Loc: v.Loc})
			return nil, ""
		}
		inputs := map[string]*iac.Value{}
		for _, k := range ps.Keys {
			entry := ps.Fields[k]
			switch {
			case entry.Field("value") != nil:
				inputs[k] = iac.EnvPlaceholders(entry.Field("value"))
			case entry.Field("reference") != nil:
				inputs[k] = iac.NewUnknown(fmt.Sprintf("parameter '%s' is a Key Vault reference", k), entry.Loc)
			}
		}
		return inputs, cand
	}
	return nil, ""
}

// importEnv returns the environment of a file named by "import ... from", for its
// exported variables and functions.
func (sc *scanState) importEnv(from *env, s *Import) *env {
	p := resolvePath(from.path, s.Path)
	if !fs.ValidPath(p) {
		from.diag("error", s.P, "import %s is outside the scanned directory tree", s.Path)
		return nil
	}
	if e, ok := sc.imports[p]; ok {
		if e == nil {
			from.diag("error", s.P, "import cycle through %s", p)
		}
		return e
	}
	sc.imports[p] = nil
	f, err := sc.parseFile(p)
	if err != nil {
		from.diag("error", s.P, "import %s: %v", s.Path, err)
		return nil
	}
	e := sc.newEnv(f, nil, nil, "")
	sc.imports[p] = e
	return e
}

// jsonExports reads what an ARM JSON file named by "import ... from" exports, once per
// entry template.
func (sc *scanState) jsonExports(from *env, s *Import) *arm.Exports {
	p := resolvePath(from.path, s.Path)
	if !fs.ValidPath(p) {
		from.diag("error", s.P, "import %s is outside the scanned directory tree", s.Path)
		return nil
	}
	if ex, ok := sc.jsonImports[p]; ok {
		return ex
	}
	sc.jsonImports[p] = nil
	st, err := fs.Stat(sc.fsys, p)
	if err == nil && st.Size() > maxFileSize {
		err = fmt.Errorf("%s is larger than %d bytes", p, maxFileSize)
	}
	var data []byte
	if err == nil {
		data, err = fs.ReadFile(sc.fsys, p)
	}
	if err != nil {
		from.diag("error", s.P, "import %s: %v", s.Path, err)
		return nil
	}
	ex, diags := arm.ReadExports(sc.ctx, p, data)
	sc.diags = append(sc.diags, diags...)
	sc.jsonImports[p] = &ex
	return &ex
}
