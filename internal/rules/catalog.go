package rules

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"
	celast "cel.dev/cel-go/common/ast"
	"go.yaml.in/yaml/v3"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/fanout"
)

//go:embed catalog/*.yaml
var builtinFS embed.FS

// MaxFileSize bounds one rule file.
const MaxFileSize = 1 << 20

// Catalog is a compiled set of rules, safe for concurrent use.
type Catalog struct {
	Rules  []*Rule
	byID   map[string]*Rule
	byType map[string][]*Rule // lower-cased type -> rules, in catalog order
	// related marks the types some rule of which reads the "related" variable.
	related map[string]bool

	// Set once by prepare, for Sessions: the positions (in byType) of each type's
	// rules judged when a unit is read and of those left for Finish, and what of each
	// type to keep for Finish (see keep).
	once            sync.Once
	local, deferred map[string][]uint16
	spelled         map[string]string // rule types as written -> lower-cased
	target          map[string]*keepPlan
	withSelf        map[string]*keepPlan
}

// Rule returns the rule with the given id.
func (c *Catalog) Rule(id string) (*Rule, bool) {
	r, ok := c.byID[id]
	return r, ok
}

// For returns the rules that select resources of type typ.
func (c *Catalog) For(typ string) []*Rule { return c.byType[strings.ToLower(typ)] }

// Builtin loads the embedded catalog: from its parsed form compiled into the binary
// (builtin_gen.go) while that matches the embedded files, else from the files.
func Builtin() (*Catalog, error) {
	if c := generatedCatalog(); c != nil {
		return c, nil
	}
	return parseBuiltin()
}

// parseBuiltin reads and parses the embedded rule files.
func parseBuiltin() (*Catalog, error) {
	sub, err := fs.Sub(builtinFS, "catalog")
	if err != nil {
		return nil, err
	}
	return load(sub, false, nil)
}

// Load reads every *.yaml and *.yml file at the top of fsys (sorted by name) and
// compiles the rules. It returns awaf.Problems naming file and line for everything
// wrong: unknown fields, missing fields, duplicate ids, CEL that does not compile.
func Load(fsys fs.FS, more ...*Catalog) (*Catalog, error) {
	return load(fsys, true, more)
}

// load compiles the rules; limit bounds each condition's cost, which user rules need
// and the reviewed built-in ones skip for speed.
func load(fsys fs.FS, limit bool, more []*Catalog) (*Catalog, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read rules: %w", err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
			files = append(files, e.Name())
		}
	}
	sort.Strings(files)
	env, err := newEnv()
	if err != nil {
		return nil, fmt.Errorf("rules CEL environment: %w", err)
	}
	c := newCatalog()
	var probs awaf.Problems
	for _, base := range more {
		for _, r := range base.Rules {
			c.add(r)
		}
	}
	for _, name := range files {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			probs = append(probs, awaf.Problem{Location: awaf.Location{File: name}, Message: err.Error()})
			continue
		}
		rs, ps := parseFile(env, name, data, limit)
		probs = append(probs, ps...)
		for _, r := range rs {
			if prev, dup := c.byID[r.ID]; dup {
				probs = append(probs, awaf.Problem{Location: r.Source, Message: fmt.Sprintf("rule %s is already defined at %s:%d", r.ID, prev.Source.File, prev.Source.Line)})
				continue
			}
			c.add(r)
		}
	}
	if len(probs) > 0 {
		return nil, probs
	}
	return c, nil
}

func newCatalog() *Catalog {
	return &Catalog{byID: map[string]*Rule{}, byType: map[string][]*Rule{}, related: map[string]bool{}}
}

func (c *Catalog) add(r *Rule) {
	c.Rules = append(c.Rules, r)
	c.byID[r.ID] = r
	uses := strings.Contains(r.When, "related") || strings.Contains(r.Condition, "related")
	for t := range r.types {
		c.byType[t] = append(c.byType[t], r)
		if uses {
			c.related[t] = true
		}
	}
}

var (
	idPattern   = regexp.MustCompile(`^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$`)
	knownFields = []string{"id", "title", "severity", "pillars", "types", "when", "condition", "path", "message",
		"default", "rationale", "remediation", "links", "choices", "row", "scope"}
)

// parseFile decodes one rule file: a mapping with a "rules" sequence.
func parseFile(env *cel.Env, name string, data []byte, limit bool) ([]*Rule, awaf.Problems) {
	at := func(n *yaml.Node) awaf.Location { return awaf.Location{File: name, Line: n.Line, Column: n.Column} }
	if len(data) > MaxFileSize {
		return nil, awaf.Problems{{Location: awaf.Location{File: name}, Message: fmt.Sprintf("file is %d bytes, over the %d-byte limit", len(data), MaxFileSize)}}
	}
	var root yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&root); err != nil {
		return nil, awaf.Problems{{Location: awaf.Location{File: name}, Message: "not valid YAML: " + err.Error()}}
	}
	if len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
		return nil, awaf.Problems{{Location: at(&root), Message: "expected a mapping with a 'rules' list"}}
	}
	var seq *yaml.Node
	top := root.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value == "rules" {
			seq = top.Content[i+1]
		} else {
			return nil, awaf.Problems{{Location: at(top.Content[i]), Message: fmt.Sprintf("unknown key %q; a rule file holds only 'rules'", top.Content[i].Value)}}
		}
	}
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil, awaf.Problems{{Location: at(top), Message: "expected 'rules' to be a list"}}
	}
	// Compiling a rule's CEL is most of a scan's start-up: the rules compile side by
	// side (a cel.Env is safe for concurrent use) and are taken in file order.
	type parsed struct {
		r  *Rule
		ps awaf.Problems
	}
	got := make([]parsed, len(seq.Content))
	fanout.Each(len(got), func(k int) {
		r, ps := parseRule(env, seq.Content[k], at, limit)
		got[k] = parsed{r, ps}
	})
	var out []*Rule
	var probs awaf.Problems
	for _, p := range got {
		probs = append(probs, p.ps...)
		if p.r != nil && len(p.ps) == 0 {
			out = append(out, p.r)
		}
	}
	return out, probs
}

func parseRule(env *cel.Env, n *yaml.Node, at func(*yaml.Node) awaf.Location, limit bool) (*Rule, awaf.Problems) {
	var probs awaf.Problems
	bad := func(n *yaml.Node, format string, args ...any) {
		probs = append(probs, awaf.Problem{Location: at(n), Message: fmt.Sprintf(format, args...)})
	}
	if n.Kind != yaml.MappingNode {
		bad(n, "expected a rule (a mapping)")
		return nil, probs
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !slices.Contains(knownFields, k.Value) {
			bad(k, "unknown field %q", k.Value)
		}
	}
	r := &Rule{}
	if err := n.Decode(r); err != nil {
		bad(n, "%v", err)
		return nil, probs
	}
	r.Source = at(n)
	id := r.ID
	if id == "" {
		id = "rule"
	}
	switch {
	case r.ID == "":
		bad(n, "rule has no id")
	case !idPattern.MatchString(r.ID):
		bad(n, "rule id %q: want upper-case words joined by '-', e.g. AWAF-AOAI-001", r.ID)
	}
	need := func(v, field string) {
		if strings.TrimSpace(v) == "" {
			bad(n, "%s: %s is required", id, field)
		}
	}
	need(r.Title, "title")
	need(r.Condition, "condition")
	need(r.Rationale, "rationale")
	need(r.Remediation.Text, "remediation.text")
	need(r.Default.Value, "default.value")
	need(r.Default.Meaning, "default.meaning")
	if _, err := ParseSeverity(string(r.Severity)); err != nil {
		bad(n, "%s: %v", id, err)
	}
	if len(r.Pillars) == 0 {
		bad(n, "%s: pillars is required", id)
	}
	for _, p := range r.Pillars {
		if !slices.Contains(awaf.Pillars, p) {
			bad(n, "%s: unknown pillar %q (want one of %v)", id, p, awaf.Pillars)
		}
	}
	if len(r.Types) == 0 {
		bad(n, "%s: types is required", id)
	}
	for _, t := range r.Types {
		if strings.Count(t, "/") < 1 || !strings.Contains(t, ".") {
			bad(n, "%s: type %q is not an ARM resource type such as Microsoft.CognitiveServices/accounts", id, t)
		}
	}
	if len(r.Links) == 0 {
		bad(n, "%s: at least one Learn link is required", id)
	}
	for _, l := range r.Links {
		if !strings.HasPrefix(l, "https://") {
			bad(n, "%s: link %q is not an https URL", id, l)
		}
	}
	if r.Scope != "" && r.Scope != ScopeWorkload {
		bad(n, "%s: scope %q is not %q (or empty, for every resource)", id, r.Scope, ScopeWorkload)
	}
	// A user's rule is compiled now, so that every problem is reported when the file
	// is loaded. A built-in rule (tested to compile) is only parsed here, for its
	// fast path and for what it reads; its programs are built on first use.
	var cond, when celast.Expr
	var condPrg cel.Program
	if r.Condition != "" {
		if prg, ast, err := parseOrCompile(env, r.Condition, limit); err != nil {
			bad(n, "%s: condition: %v", id, err)
		} else {
			cond, condPrg = ast.NativeRep().Expr(), prg
		}
	}
	if r.When != "" {
		if _, ast, err := parseOrCompile(env, r.When, limit); err != nil {
			bad(n, "%s: when: %v", id, err)
		} else {
			when = ast.NativeRep().Expr()
		}
	}
	r.ready(func() (*cel.Env, error) { return env, nil }, cond, when, condPrg, limit)
	if limit && cond != nil && when != nil { // a user's rule: so must the two together
		if _, err := r.gated.get(); err != nil {
			bad(n, "%s: when and condition together: %v", id, err)
		}
	}
	return r, probs
}

// ready works out what the evaluator needs of a rule read from its file: its types,
// its path, its programs (built on first use unless condPrg is one already), what it
// reads and its fast path. cond and when are the syntax trees of Condition and When,
// nil when absent or when they did not parse.
func (r *Rule) ready(env func() (*cel.Env, error), cond, when celast.Expr, condPrg cel.Program, limit bool) {
	r.types = make(map[string]bool, len(r.Types))
	for _, t := range r.Types {
		r.types[strings.ToLower(t)] = true
	}
	if r.Path != "" {
		r.pathGet = pathReader(r.Path)
	}
	if cond != nil {
		expr := r.Condition
		r.condition.build = func() (cel.Program, error) {
			if condPrg != nil {
				return condPrg, nil
			}
			e, err := env()
			if err != nil {
				return nil, err
			}
			prg, _, err := compile(e, expr, limit)
			return prg, err
		}
		readsOf(cond, &r.reads)
	}
	if when != nil {
		if cond != nil {
			expr := "(" + r.When + ") ? ((" + r.Condition + ") ? 1 : 0) : 2"
			r.gated.build = func() (cel.Program, error) {
				e, err := env()
				if err != nil {
					return nil, err
				}
				return program(e, expr, limit)
			}
		}
		var w reads
		readsOf(when, &w)
		r.whenLocal = !w.related && !w.workload
		r.reads.related = r.reads.related || w.related
		r.reads.allRelated = r.reads.allRelated || w.allRelated
		r.reads.workload = r.reads.workload || w.workload
		for f, paths := range w.fields {
			for _, p := range paths {
				r.reads.addField(f, p)
			}
		}
	}
	r.deferred = r.reads.related || r.reads.workload
	if cond != nil {
		r.fastCond = fastFrom(cond, nil)
		if r.When != "" {
			// A fast When alone still settles the resources it leaves out.
			if when == nil {
				r.fastCond = nil
			} else if r.fastWhen = fastFrom(when, nil); r.fastWhen == nil {
				r.fastCond = nil
			}
		}
	}
	r.self = selfPlan(r)
}

// parseOrCompile gives expr's syntax tree: checked (types and all) when limit is set,
// for a user's rule, else only parsed.
func parseOrCompile(env *cel.Env, expr string, limit bool) (cel.Program, *cel.Ast, error) {
	if limit {
		return compile(env, expr, limit)
	}
	ast, iss := env.Parse(expr)
	if iss != nil && iss.Err() != nil {
		return nil, nil, iss.Err()
	}
	return nil, ast, nil
}

func compile(env *cel.Env, expr string, limit bool) (cel.Program, *cel.Ast, error) {
	ast, iss := env.Compile(expr)
	if iss != nil && iss.Err() != nil {
		var msgs []string
		for _, e := range iss.Errors() {
			msgs = append(msgs, fmt.Sprintf("column %d: %s", e.Location.Column()+1, e.Message))
		}
		return nil, nil, errors.New(strings.Join(msgs, "; "))
	}
	if t := ast.OutputType(); !t.IsExactType(cel.BoolType) && !t.IsExactType(cel.DynType) {
		return nil, nil, fmt.Errorf("expression gives %s, expected a boolean", t)
	}
	prg, err := newProgram(env, ast, limit)
	return prg, ast, err
}

// program compiles an expression of any type.
func program(env *cel.Env, expr string, limit bool) (cel.Program, error) {
	ast, iss := env.Compile(expr)
	if iss != nil && iss.Err() != nil {
		return nil, iss.Err()
	}
	return newProgram(env, ast, limit)
}

func newProgram(env *cel.Env, ast *cel.Ast, limit bool) (cel.Program, error) {
	if !limit {
		return env.Program(ast, cel.EvalOptions(cel.OptOptimize))
	}
	return env.Program(ast, cel.CostLimit(costLimit), cel.EvalOptions(cel.OptOptimize))
}

// LoadDir is Load for a user's rules directory layered on top of base (the built-in
// catalog), so user rules cannot reuse a built-in id.
func LoadDir(fsys fs.FS, dir string, base *Catalog) (*Catalog, error) {
	sub, err := fs.Sub(fsys, path.Clean(dir))
	if err != nil {
		return nil, err
	}
	if base == nil {
		return Load(sub)
	}
	return Load(sub, base)
}
