package bicep

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// maxModuleDepth bounds module nesting, cycles aside.
const maxModuleDepth = 32

type modTargetKind uint8

const (
	modUnresolved modTargetKind = iota
	modBicep
	modARM
)

// modDecl is one module declaration.
type modDecl struct {
	decl     *Module
	state    uint8
	insts    []*modInst
	looped   bool
	resolved bool
	kind     modTargetKind
	file     *File  // modBicep
	armFile  string // modARM: the file name used in locations
	armData  []byte // modARM
	armLocal bool   // modARM: a file of the scanned tree, not of the module cache
}

// modInst is one copy of a module call.
type modInst struct {
	decl    *modDecl
	locals  *locals
	cond    *iac.Value
	dropped bool
	index   int
	name    *iac.Value
	params  map[string]*iac.Value
	child   *env
	via     []awaf.Location
	value   *iac.Value
}

func (e *env) moduleInstances(md *modDecl) []*modInst {
	switch md.state {
	case 2:
		return md.insts
	case 1:
		e.diag("error", md.decl.P, "module %q depends on itself", md.decl.Name)
		return nil
	}
	md.state = 1
	e.resolveModule(md)
	e.expand(md.decl.Body, nil, "module "+md.decl.Name, func(body *ObjectLit, l *locals, cond *iac.Value, dropped bool, idx int) {
		if idx >= 0 {
			md.looped = true
		}
		mi := &modInst{decl: md, locals: l, cond: cond, dropped: dropped, index: idx}
		if cond == nil {
			mi.cond = e.cond
		}
		at := e.loc(md.decl.P)
		if p := findProp(body, "name"); p != nil {
			mi.name = e.eval(p.Value, l)
		} else {
			mi.name = iac.NewString(md.decl.Name, at)
		}
		mi.params = map[string]*iac.Value{}
		if dropped {
			// Not deployed: its parameters are never evaluated by Azure either.
			md.insts = append(md.insts, mi)
			return
		}
		if p := findProp(body, "params"); p != nil {
			pv := e.eval(p.Value, l)
			switch pv.Kind {
			case iac.Object:
				for _, k := range pv.Keys {
					mi.params[k] = pv.Fields[k]
				}
			case iac.Unknown:
				e.diag("warning", p.P, "parameters of module %s are not known before deployment (%s)", md.decl.Name, pv.Why)
			default:
				e.typeError(p.P, "params of module %s must be an object", md.decl.Name)
			}
		}
		mi.via = append(append([]awaf.Location(nil), e.via...), at)
		if md.kind == modBicep {
			prefix := e.idPrefix + md.decl.Name
			if idx >= 0 {
				prefix += "[" + strconv.Itoa(idx) + "]"
			}
			child := e.sc.newEnv(md.file, mi.params, mi.via, prefix+"/")
			child.parentEnv = e
			child.inputSrc = "module " + md.decl.Name
			child.cond = mi.cond
			child.depth = e.depth + 1
			mi.child = child
			child.checkInputs(mi.params, "module "+md.decl.Name)
			// scope: resourceGroup('other') deploys the module's resources elsewhere;
			// their ids say so.
			if p := findProp(body, "scope"); p != nil {
				sv := e.eval(p.Value, l)
				if id := sv.Field("id"); id != nil && id.Kind == iac.String {
					child.prefix = id.Str
				}
			}
		}
		md.insts = append(md.insts, mi)
	})
	md.state = 2
	return md.insts
}

// checkInputs reports supplied parameters the template does not declare. from names
// the supplier: "module x" or a parameter file. Map order is random, so the names are
// sorted for a stable report.
func (e *env) checkInputs(params map[string]*iac.Value, from string) {
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if s, ok := e.syms[name]; !ok || s.kind != symParam {
			e.sc.diags = append(e.sc.diags, iac.Diagnostic{Severity: "warning",
				Message: fmt.Sprintf("%s passes parameter '%s' that %s does not declare", from, name, e.path),
				Loc:     params[name].Loc})
		}
	}
}

// resolveModule finds what a module call points at, once.
func (e *env) resolveModule(md *modDecl) {
	if md.resolved {
		return
	}
	md.resolved = true
	ref := md.decl.Path
	switch {
	case ref == "":
		return
	case strings.HasPrefix(ref, "br:") || strings.HasPrefix(ref, "br/") ||
		strings.HasPrefix(ref, "ts:") || strings.HasPrefix(ref, "ts/"):
		e.resolveRegistry(md)
		return
	}
	p := resolvePath(e.path, ref)
	if !fs.ValidPath(p) {
		e.diag("error", md.decl.PathPos, "module %s is outside the scanned directory tree", ref)
		return
	}
	for a := e; a != nil; a = a.parentEnv {
		if a.path == p {
			chain := []string{p}
			for b := e; b != nil; b = b.parentEnv {
				chain = append([]string{b.path}, chain...)
				if b == a {
					break
				}
			}
			e.diag("error", md.decl.PathPos, "module cycle: %s", strings.Join(chain, " -> "))
			return
		}
	}
	if e.depth+1 > maxModuleDepth {
		e.diag("error", md.decl.PathPos, "modules nested deeper than %d levels", maxModuleDepth)
		return
	}
	if strings.HasSuffix(strings.ToLower(p), ".json") {
		data, err := fs.ReadFile(e.sc.fsys, p)
		if err != nil {
			e.diag("error", md.decl.PathPos, "module %s: %v", ref, err)
			return
		}
		md.kind, md.armFile, md.armData, md.armLocal = modARM, p, data, true
		return
	}
	f, err := e.sc.parseFile(p)
	if err != nil {
		e.diag("error", md.decl.PathPos, "module %s: %v", ref, err)
		return
	}
	md.kind, md.file = modBicep, f
}

// resolveRegistry reads a registry or template spec module from the local module
// cache that "bicep restore" fills: br/<registry>/<repository with $ for />/<tag>$/main.json
// and ts/<subscription>/<resource group>/<name>/<version>/main.json.
func (e *env) resolveRegistry(md *modDecl) {
	ref := md.decl.Path
	candidates, why := e.cachePaths(ref)
	if e.sc.cache != nil {
		for _, c := range candidates {
			data, err := fs.ReadFile(e.sc.cache, c)
			if err == nil {
				md.kind, md.armData = modARM, data
				md.armFile = path.Join(e.sc.cacheName, c)
				return
			}
		}
	}
	msg := "unresolved registry module " + ref
	switch {
	case why != "":
		msg += ": " + why
	case e.sc.cache == nil:
		msg += ": no local Bicep module cache (run 'bicep restore' or pass the cache directory)"
	default:
		msg += ": not in the local module cache (run 'bicep restore')"
	}
	e.diag("warning", md.decl.PathPos, "%s", msg)
}

func (e *env) cachePaths(ref string) ([]string, string) {
	scheme, rest, _ := strings.Cut(ref, ":")
	switch {
	case scheme == "br" || strings.HasPrefix(scheme, "br/"):
		var registry, repo, tag string
		if scheme == "br" {
			host, r, ok := strings.Cut(rest, "/")
			if !ok {
				return nil, "expected br:<registry>/<repository>:<tag>"
			}
			registry, repo = host, r
		} else {
			alias := strings.TrimPrefix(scheme, "br/")
			reg, prefix, ok := e.sc.brAlias(e.path, alias)
			if !ok {
				return nil, "unknown registry alias '" + alias + "'"
			}
			registry, repo = reg, strings.Trim(prefix+"/"+rest, "/")
		}
		if i := strings.LastIndex(repo, "@"); i >= 0 {
			return nil, "modules pinned by digest are not read from the cache"
		}
		i := strings.LastIndex(repo, ":")
		if i < 0 {
			return nil, "missing tag"
		}
		repo, tag = repo[:i], repo[i+1:]
		dir := strings.ReplaceAll(strings.ToLower(repo), "/", "$")
		base := path.Join("br", strings.ToLower(registry), dir)
		return []string{path.Join(base, tag+"$", "main.json"), path.Join(base, tag, "main.json")}, ""
	case scheme == "ts" || strings.HasPrefix(scheme, "ts/"):
		var sub, rg, nameVer string
		if scheme == "ts" {
			parts := strings.SplitN(rest, "/", 3)
			if len(parts) != 3 {
				return nil, "expected ts:<subscription>/<resource group>/<name>:<version>"
			}
			sub, rg, nameVer = parts[0], parts[1], parts[2]
		} else {
			alias := strings.TrimPrefix(scheme, "ts/")
			s, g, ok := e.sc.tsAlias(e.path, alias)
			if !ok {
				return nil, "unknown template spec alias '" + alias + "'"
			}
			sub, rg, nameVer = s, g, rest
		}
		name, ver, ok := strings.Cut(nameVer, ":")
		if !ok {
			return nil, "missing version"
		}
		p := path.Join("ts", sub, rg, name, ver, "main.json")
		return []string{p, strings.ToLower(p)}, ""
	}
	return nil, "unknown module scheme"
}

// bicepConfig is the part of bicepconfig.json that names registry aliases.
type bicepConfig struct {
	ModuleAliases struct {
		BR map[string]struct {
			Registry   string `json:"registry"`
			ModulePath string `json:"modulePath"`
		} `json:"br"`
		TS map[string]struct {
			Subscription  string `json:"subscription"`
			ResourceGroup string `json:"resourceGroup"`
		} `json:"ts"`
	} `json:"moduleAliases"`
}

// config finds the bicepconfig.json nearest to file, walking up the directories.
func (sc *scanState) config(file string) *bicepConfig {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	dir := path.Dir(file)
	for {
		if c, ok := sc.configs[dir]; ok {
			return c
		}
		p := path.Join(dir, "bicepconfig.json")
		if data, err := fs.ReadFile(sc.fsys, p); err == nil {
			var c bicepConfig
			if v, err := iac.DecodeJSON(p, data); err == nil {
				// Re-marshal the comment-free value so encoding/json can read it.
				if b, err := json.Marshal(v); err == nil {
					_ = json.Unmarshal(b, &c)
				}
			}
			sc.configs[dir] = &c
			return &c
		}
		if dir == "." || dir == "/" || dir == "" {
			sc.configs[dir] = nil
			return nil
		}
		dir = path.Dir(dir)
	}
}

func (sc *scanState) brAlias(file, alias string) (registry, modulePath string, ok bool) {
	if c := sc.config(file); c != nil {
		if a, ok := c.ModuleAliases.BR[alias]; ok {
			return a.Registry, a.ModulePath, true
		}
	}
	if alias == "public" {
		return "mcr.microsoft.com", "bicep", true
	}
	return "", "", false
}

func (sc *scanState) tsAlias(file, alias string) (sub, rg string, ok bool) {
	if c := sc.config(file); c != nil {
		if a, ok := c.ModuleAliases.TS[alias]; ok {
			return a.Subscription, a.ResourceGroup, true
		}
	}
	return "", "", false
}

// moduleValue is the value of a module's symbolic name: {name, outputs}, or an array
// of them for a loop.
func (e *env) moduleValue(md *modDecl) *iac.Value {
	insts := e.moduleInstances(md)
	at := e.loc(md.decl.P)
	one := func(mi *modInst) *iac.Value {
		if mi.value != nil {
			return mi.value
		}
		v := iac.NewObject(at)
		v.Set("name", mi.name)
		switch {
		case mi.child != nil:
			v.Set("outputs", mi.child.allOutputs(at))
		case mi.dropped:
			v.Set("outputs", iac.NewUnknown("module "+md.decl.Name+" is not deployed (its condition is false)", at))
		default:
			v.Set("outputs", iac.NewUnknown("outputs of module "+md.decl.Name+" are not read", at))
		}
		mi.value = v
		return v
	}
	if !md.looped && len(insts) == 1 {
		return one(insts[0])
	}
	a := iac.NewArray(at)
	for _, mi := range insts {
		a.Items = append(a.Items, one(mi))
	}
	return a
}

func (e *env) emitModule(md *modDecl) {
	for _, mi := range e.moduleInstances(md) {
		if mi.dropped {
			continue
		}
		switch md.kind {
		case modBicep:
			mi.child.emitAll()
		case modARM:
			e.emitARM(md, mi)
		}
	}
}

func (e *env) emitARM(md *modDecl, mi *modInst) {
	if e.sc.expandARM == nil {
		e.diag("warning", md.decl.PathPos, "module %s is an ARM JSON template, which this build cannot expand", md.decl.Path)
		return
	}
	var res []iac.Resource
	var diags []iac.Diagnostic
	if md.armLocal && e.sc.armFiles != nil {
		res, diags = e.sc.armFiles(e.sc.ctx, e.sc.fsys, md.armFile, md.armData, mi.params)
	} else {
		res, diags = e.sc.expandARM(e.sc.ctx, md.armFile, md.armData, mi.params)
	}
	e.sc.diags = append(e.sc.diags, diags...)
	for _, r := range res {
		r.Via = append(append([]awaf.Location(nil), mi.via...), r.Via...)
		if r.Condition == nil && mi.cond != nil {
			r.Condition = mi.cond
		}
		e.sc.out = append(e.sc.out, r)
	}
}
