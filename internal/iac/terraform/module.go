package terraform

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/awaf/awaf/internal/iac"
)

// maxFileSize bounds one .tf or .tfvars file; larger files are reported, not read.
const maxFileSize = 8 << 20

// module is one directory of .tf and .tf.json files, parsed once and shared by every call to it.
type module struct {
	dir       string
	variables map[string]*variable
	locals    map[string]*hcl.Attribute
	resources []*resourceDecl
	byAddr    map[string]*resourceDecl // "type.name"
	calls     []*moduleCall
	callByNm  map[string]*moduleCall
	outputs   map[string]*hcl.Attribute
	data      map[string]*hclsyntax.Body // "type.name" of data sources without count/for_each
	diags     []iac.Diagnostic
	pending   []pendingBlock            // top-level blocks of the primary files, while overrides merge
	broken    map[*hclsyntax.Block]bool // blocks a syntax error fell inside
	size      int64                     // bytes of configuration read
}

// pendingBlock is a top-level block of a primary file, waiting for the overrides.
type pendingBlock struct {
	block *hclsyntax.Block
}

type variable struct {
	name    string
	dflt    hcl.Expression // nil when the variable has no default
	typ     hcl.Expression
	declRng hcl.Range
}

type resourceDecl struct {
	typ, name string
	addr      string // "type.name"
	body      *hclsyntax.Body
	count     *hclsyntax.Attribute
	forEach   *hclsyntax.Attribute
	rng       hcl.Range // the block header
	// broken is set when a syntax error fell inside the block: what was parsed of
	// it is cut short, so it is not judged.
	broken bool
}

type moduleCall struct {
	name    string
	source  string
	srcAttr *hclsyntax.Attribute
	body    *hclsyntax.Body
	count   *hclsyntax.Attribute
	forEach *hclsyntax.Attribute
	rng     hcl.Range
}

// metaArgs are resource arguments that Terraform consumes itself.
var metaArgs = map[string]bool{"count": true, "for_each": true, "provider": true, "depends_on": true}

// moduleMetaArgs are the module call arguments that are not input variables.
var moduleMetaArgs = map[string]bool{
	"count": true, "for_each": true, "providers": true, "depends_on": true, "source": true, "version": true,
}

// metaBlocks are nested blocks that describe Terraform's handling, not the resource.
var metaBlocks = map[string]bool{
	"lifecycle": true, "provisioner": true, "connection": true, "timeouts": true,
	"precondition": true, "postcondition": true,
}

// loadModule reads every .tf and .tf.json file of dir, then merges the override
// files into what the primary files declare, as Terraform does. Files that fail to
// parse become diagnostics; what parsed is still used.
func loadModule(fsys fs.FS, dir string, files []string) *module {
	m := &module{
		dir:       dir,
		variables: map[string]*variable{},
		locals:    map[string]*hcl.Attribute{},
		byAddr:    map[string]*resourceDecl{},
		callByNm:  map[string]*moduleCall{},
		outputs:   map[string]*hcl.Attribute{},
		data:      map[string]*hclsyntax.Body{},
	}
	if files == nil {
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			m.diags = append(m.diags, iac.Diagnostic{Severity: "error",
				Message: fmt.Sprintf("read module directory %s: %v", dir, err), Loc: locOf(hcl.Range{Filename: dir})})
			return m
		}
		for _, e := range entries {
			if ok, _ := configFile(e.Name()); ok && !e.IsDir() {
				files = append(files, path.Join(dir, e.Name()))
			}
		}
	}
	sort.Strings(files)
	// Parse the files in parallel; add them in name order so that results and
	// diagnostics stay deterministic.
	type parsed struct {
		body  *hclsyntax.Body
		diags hcl.Diagnostics
		size  int
		err   *iac.Diagnostic
	}
	out := make([]parsed, len(files))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, name := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			src, d := readFile(fsys, name)
			if d == nil {
				d = checkNesting(name, src)
			}
			if d != nil {
				out[i].err = d
				return
			}
			body, diags := parseConfig(src, name)
			out[i] = parsed{body: body, diags: diags, size: len(src)}
		}()
	}
	wg.Wait()
	var overrides []int
	for i, p := range out {
		m.size += int64(p.size)
		if _, isOverride := configFile(path.Base(files[i])); isOverride {
			overrides = append(overrides, i)
			continue
		}
		if p.err != nil {
			m.diags = append(m.diags, *p.err)
			continue
		}
		m.addParsed(p.body, p.diags)
	}
	// Override files come after every primary file, in name order.
	for _, i := range overrides {
		p := out[i]
		if p.err != nil {
			m.diags = append(m.diags, *p.err)
			continue
		}
		m.diags = append(m.diags, hclDiags(p.diags)...)
		if p.body == nil {
			continue
		}
		m.topLevelArgs(p.body)
		for _, b := range p.body.Blocks {
			m.override(b)
		}
	}
	for _, pb := range m.pending {
		m.addBlock(pb.block)
	}
	m.pending = nil
	return m
}

// configFile reports whether a file of a module directory is Terraform
// configuration, and whether it is an override file, by Terraform's naming rules
// (editor backups and hidden files are not configuration).
func configFile(name string) (ok, override bool) {
	if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") || (strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#")) {
		return false, false
	}
	var base string
	switch {
	case strings.HasSuffix(name, ".tf.json"):
		base = strings.TrimSuffix(name, ".tf.json")
	case strings.HasSuffix(name, ".tf"):
		base = strings.TrimSuffix(name, ".tf")
	default:
		return false, false
	}
	return true, base == "override" || strings.HasSuffix(base, "_override")
}

// parseConfig parses one configuration file in native or JSON syntax.
func parseConfig(src []byte, name string) (*hclsyntax.Body, hcl.Diagnostics) {
	if strings.HasSuffix(name, ".json") {
		return parseJSONConfig(src, name)
	}
	f, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	if f == nil {
		return nil, diags
	}
	body, _ := f.Body.(*hclsyntax.Body)
	return body, diags
}

func readFile(fsys fs.FS, name string) ([]byte, *iac.Diagnostic) {
	if st, err := fs.Stat(fsys, name); err == nil && st.Size() > maxFileSize {
		return nil, &iac.Diagnostic{Severity: "error",
			Message: fmt.Sprintf("%s is %d bytes, over the %d-byte limit; not read", name, st.Size(), maxFileSize),
			Loc:     locOf(hcl.Range{Filename: name})}
	}
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, &iac.Diagnostic{Severity: "error", Message: fmt.Sprintf("read %s: %v", name, err),
			Loc: locOf(hcl.Range{Filename: name})}
	}
	return src, nil
}

// addParsed queues the blocks of a primary file; they are declared once the
// override files are merged in.
func (m *module) addParsed(body *hclsyntax.Body, diags hcl.Diagnostics) {
	m.diags = append(m.diags, hclDiags(diags)...)
	if body == nil {
		return
	}
	m.topLevelArgs(body)
	for _, b := range body.Blocks {
		m.pending = append(m.pending, pendingBlock{block: b})
		if b.Type == "resource" && hasErrorIn(diags, b.Range()) {
			if m.broken == nil {
				m.broken = map[*hclsyntax.Block]bool{}
			}
			m.broken[b] = true
		}
	}
}

// hasErrorIn reports whether an error of diags starts inside rng.
func hasErrorIn(diags hcl.Diagnostics, rng hcl.Range) bool {
	for _, d := range diags {
		if d.Severity == hcl.DiagError && d.Subject != nil && d.Subject.Filename == rng.Filename &&
			d.Subject.Start.Byte >= rng.Start.Byte && d.Subject.Start.Byte < rng.End.Byte {
			return true
		}
	}
	return false
}

func (m *module) topLevelArgs(body *hclsyntax.Body) {
	for _, name := range sortedAttrNames(body) {
		m.diag("error", body.Attributes[name].NameRange, "unexpected top-level argument %q; a Terraform file holds only blocks", name)
	}
}

func (m *module) diag(sev iac.Severity, rng hcl.Range, format string, args ...any) {
	m.diags = append(m.diags, iac.Diagnostic{Severity: sev, Message: fmt.Sprintf(format, args...), Loc: locOf(rng)})
}

func (m *module) addBlock(b *hclsyntax.Block) {
	switch b.Type {
	case "variable":
		if len(b.Labels) != 1 {
			m.diag("error", b.DefRange(), "variable block needs one label")
			return
		}
		v := &variable{name: b.Labels[0], declRng: b.DefRange()}
		if a, ok := b.Body.Attributes["default"]; ok {
			v.dflt = a.Expr
		}
		if a, ok := b.Body.Attributes["type"]; ok {
			v.typ = a.Expr
		}
		m.variables[v.name] = v
	case "locals":
		for name, a := range b.Body.Attributes {
			if prev, dup := m.locals[name]; dup {
				m.diag("error", a.NameRange, "local %q is also defined at %s", name, prev.NameRange.String())
				continue
			}
			m.locals[name] = a.AsHCLAttribute()
		}
	case "resource":
		if len(b.Labels) != 2 {
			m.diag("error", b.DefRange(), "resource block needs two labels (type and name)")
			return
		}
		r := &resourceDecl{typ: b.Labels[0], name: b.Labels[1], body: b.Body, rng: b.DefRange(), broken: m.broken[b]}
		r.count = b.Body.Attributes["count"]
		r.forEach = b.Body.Attributes["for_each"]
		r.addr = r.typ + "." + r.name
		addr := r.addr
		if prev, dup := m.byAddr[addr]; dup {
			m.diag("error", b.DefRange(), "resource %s is also declared at %s", addr, prev.rng.String())
			return
		}
		m.byAddr[addr] = r
		m.resources = append(m.resources, r)
	case "module":
		if len(b.Labels) != 1 {
			m.diag("error", b.DefRange(), "module block needs one label")
			return
		}
		c := &moduleCall{name: b.Labels[0], body: b.Body, rng: b.DefRange()}
		c.count = b.Body.Attributes["count"]
		c.forEach = b.Body.Attributes["for_each"]
		if a, ok := b.Body.Attributes["source"]; ok {
			c.srcAttr = a
			v, d := a.Expr.Value(nil)
			if d.HasErrors() || !v.IsKnown() || v.IsNull() || !v.Type().Equals(ctyString) {
				m.diag("error", a.Expr.Range(), "module %q: source must be a literal string", c.name)
			} else {
				c.source = v.AsString()
			}
		} else {
			m.diag("error", b.DefRange(), "module %q has no source", c.name)
		}
		if _, dup := m.callByNm[c.name]; dup {
			m.diag("error", b.DefRange(), "module %q is declared twice", c.name)
			return
		}
		m.callByNm[c.name] = c
		m.calls = append(m.calls, c)
	case "output":
		if len(b.Labels) == 1 {
			if a, ok := b.Body.Attributes["value"]; ok {
				m.outputs[b.Labels[0]] = a.AsHCLAttribute()
			}
		}
	case "data":
		// Data sources are read during plan: only their arguments and, for azurerm
		// types, their id are known before.
		if len(b.Labels) == 2 && b.Body.Attributes["count"] == nil && b.Body.Attributes["for_each"] == nil {
			m.data[b.Labels[0]+"."+b.Labels[1]] = b.Body
		}
	case "provider", "terraform", "moved", "import", "check", "removed":
		// These blocks describe Terraform itself.
	default:
		m.diag("warning", b.DefRange(), "unsupported top-level block %q ignored", b.Type)
	}
}

// isLocalSource reports whether a module source is a path on disk, as Terraform defines it.
func isLocalSource(s string) bool {
	return strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || s == "." || s == ".."
}

func locOf(r hcl.Range) iacLoc {
	return iacLoc{File: r.Filename, Line: r.Start.Line, Column: r.Start.Column}
}

func hclDiags(diags hcl.Diagnostics) []iac.Diagnostic {
	var out []iac.Diagnostic
	for _, d := range diags {
		sev := iac.DiagError
		if d.Severity == hcl.DiagWarning {
			sev = iac.DiagWarning
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		var loc iacLoc
		if d.Subject != nil {
			loc = locOf(*d.Subject)
		}
		out = append(out, iac.Diagnostic{Severity: sev, Message: msg, Loc: loc})
	}
	return out
}

// maxNesting bounds how deeply brackets nest in one file; the HCL parser is
// recursive, and a file of nothing but "[" must not exhaust the stack.
const maxNesting = 200

// checkNesting reports a file whose brackets nest deeper than maxNesting. It skips
// quoted strings and comments; it is a guard, not a parser.
func checkNesting(name string, src []byte) *iac.Diagnostic {
	// Brackets cannot nest deeper than there are opening brackets, and most files
	// hold fewer than maxNesting: counting them is much faster than the scan.
	if bytes.Count(src, []byte("{"))+bytes.Count(src, []byte("["))+bytes.Count(src, []byte("(")) <= maxNesting {
		return nil
	}
	depth, line, col := 0, 1, 0
	inStr, lineComment, blockComment := false, false, false
	for i := 0; i < len(src); i++ {
		c := src[i]
		col++
		if c == '\n' {
			line, col, lineComment = line+1, 0, false
			continue
		}
		switch {
		case lineComment:
		case blockComment:
			if c == '*' && i+1 < len(src) && src[i+1] == '/' {
				blockComment = false
				i++
			}
		case inStr:
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '#' || (c == '/' && i+1 < len(src) && src[i+1] == '/'):
			lineComment = true
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			blockComment = true
			i++
		case c == '{' || c == '[' || c == '(':
			depth++
			if depth > maxNesting {
				return &iac.Diagnostic{Severity: "error",
					Message: fmt.Sprintf("%s: brackets nest deeper than %d levels; file not read", name, maxNesting),
					Loc:     iacLoc{File: name, Line: line, Column: col}}
			}
		case c == '}' || c == ']' || c == ')':
			depth--
		}
	}
	return nil
}
