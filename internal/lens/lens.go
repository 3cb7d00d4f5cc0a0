// Package lens loads and validates lens files: it reads the YAML, checks every rule of
// the format, compiles every CEL condition once, and reports every problem with its
// file, line and column. The built-in lenses are embedded in the binary.
package lens

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/yamlerr"
)

// MaxSize bounds a lens file. The AWS limit is 500 KB for JSON; YAML with guidance is
// larger, so allow four times that.
const MaxSize = 2 << 20

// maxDepth bounds nesting; a lens is never deeper than a dozen levels.
const maxDepth = 32

// builtin holds the current version of each built-in lens; history holds earlier
// versions, named <id>-<version>.yaml, so that answers given on them are still scored
// on the version they were given on and upgrade with the new version's mapping.
//
//go:embed builtin history
var builtinFS embed.FS

// BuiltinID is the id of the lens awaf uses when an answers file names none.
const BuiltinID = "azure-ai-workload"

// Parse reads a lens from YAML. name is used in problem locations. It returns
// awaf.Problems listing everything wrong, or the lens with every condition compiled.
func Parse(name string, data []byte) (*awaf.Lens, error) {
	if len(data) > MaxSize {
		return nil, awaf.Problems{{Location: awaf.Location{File: name}, Message: fmt.Sprintf("file is %d bytes, larger than the %d-byte limit", len(data), MaxSize)}}
	}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		p := yamlProblem(name, err)
		if line, col, msg, ok := yamlerr.Locate(data, err); ok {
			p.Line, p.Column, p.Message = line, col, "invalid YAML: "+msg
		}
		return nil, awaf.Problems{p}
	}
	if d := depth(&root); d > maxDepth {
		return nil, awaf.Problems{{Location: awaf.Location{File: name}, Message: fmt.Sprintf("nesting is %d levels deep, more than the %d allowed", d, maxDepth)}}
	}
	if hasAlias(&root) {
		return nil, awaf.Problems{{Location: awaf.Location{File: name}, Message: "YAML aliases and anchors are not allowed in a lens"}}
	}
	d := &decoder{file: name}
	l := d.lens(&root)
	compile(d, l, &root)
	if len(d.problems) > 0 {
		sort.SliceStable(d.problems, func(i, j int) bool {
			a, b := d.problems[i], d.problems[j]
			if a.Line != b.Line {
				return a.Line < b.Line
			}
			return a.Column < b.Column
		})
		return nil, d.problems
	}
	return l, nil
}

// yamlProblem turns a yaml.v3 syntax error ("yaml: line 3: ...") into a Problem.
func yamlProblem(name string, err error) awaf.Problem {
	msg := err.Error()
	p := awaf.Problem{Location: awaf.Location{File: name}}
	var line int
	if _, scanErr := fmt.Sscanf(msg, "yaml: line %d:", &line); scanErr == nil {
		p.Line = line
		msg = msg[strings.Index(msg, ":")+1:]
		msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	if errors.Is(err, io.EOF) {
		msg = "file is empty"
	}
	p.Message = "invalid YAML: " + msg
	return p
}

func depth(n *yaml.Node) int {
	max := 0
	for _, c := range n.Content {
		if d := depth(c); d > max {
			max = d
		}
	}
	return max + 1
}

func hasAlias(n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return true
	}
	for _, c := range n.Content {
		if hasAlias(c) {
			return true
		}
	}
	return false
}

// compile compiles every condition of l, reporting failures at the condition's place.
func compile(d *decoder, l *awaf.Lens, root *yaml.Node) {
	for qi := range l.Questions {
		q := &l.Questions[qi]
		if q.Applies != "" {
			c, err := compileProfile(q.Applies)
			if err != nil {
				d.problems = append(d.problems, awaf.Problem{Location: q.Source, Message: fmt.Sprintf("question %s: applies: %v", q.ID, err)})
			} else {
				q.AppliesWhen = c
			}
		}
		var ids []string
		for ci := range q.Choices {
			ch := &q.Choices[ci]
			if ch.ID != "" {
				ids = append(ids, ch.ID)
			}
			if ch.Applies != "" {
				c, err := compileProfile(ch.Applies)
				if err != nil {
					d.problems = append(d.problems, awaf.Problem{Location: ch.Source, Message: fmt.Sprintf("question %s: choice %s: applies: %v", q.ID, ch.ID, err)})
				} else {
					ch.AppliesWhen = c
				}
			}
		}
		if len(q.RiskRules) == 0 {
			continue
		}
		env, err := choiceEnv(ids)
		if err != nil {
			d.problems = append(d.problems, awaf.Problem{Location: q.Source, Message: fmt.Sprintf("question %s: choice ids: %v", q.ID, err)})
			continue
		}
		for ri := range q.RiskRules {
			r := &q.RiskRules[ri]
			if r.Condition == "" {
				continue
			}
			if r.Condition == "default" && ri != len(q.RiskRules)-1 {
				d.problems = append(d.problems, awaf.Problem{Location: r.Source, Message: fmt.Sprintf("question %s: risk rule %d: default must be the last rule; the rules after it can never match", q.ID, ri+1)})
			}
			c, err := compileChoices(env, ids, r.Condition)
			if err != nil {
				at := r.Source
				var ce *exprError
				if errors.As(err, &ce) {
					at = ce.at(at)
				}
				d.problems = append(d.problems, awaf.Problem{Location: at, Message: fmt.Sprintf("question %s: risk rule %d: %v", q.ID, ri+1, err)})
				continue
			}
			r.Match = c
		}
	}
}

// LoadFile reads and validates a lens file.
func LoadFile(name string) (*awaf.Lens, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, awaf.Errorf(awaf.ENOTFOUND, "lens file %s: %v", name, errors.Unwrap(err))
	}
	if fi.Size() > MaxSize {
		return nil, awaf.Problems{{Location: awaf.Location{File: name}, Message: fmt.Sprintf("file is %d bytes, larger than the %d-byte limit", fi.Size(), MaxSize)}}
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read lens: %w", err)
	}
	return Parse(name, data)
}

// Load reads and validates a lens from a file system.
func Load(fsys fs.FS, name string) (*awaf.Lens, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read lens %s: %w", name, err)
	}
	return Parse(name, data)
}

var builtins = sync.OnceValues(func() (map[string]*awaf.Lens, error) {
	out := map[string]*awaf.Lens{}
	entries, err := fs.ReadDir(builtinFS, "builtin")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if path.Ext(e.Name()) != ".yaml" {
			continue
		}
		l, err := Load(builtinFS, path.Join("builtin", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("built-in lens %s: %w", e.Name(), err)
		}
		out[l.ID] = l
	}
	return out, nil
})

// Builtin returns the built-in Azure AI workload lens. It is parsed once; callers must
// not modify it.
func Builtin() (*awaf.Lens, error) {
	return BuiltinByID(BuiltinID)
}

// BuiltinByID returns a built-in lens by id.
func BuiltinByID(id string) (*awaf.Lens, error) {
	all, err := builtins()
	if err != nil {
		return nil, err
	}
	l, ok := all[id]
	if !ok {
		return nil, awaf.Errorf(awaf.ENOTFOUND, "no built-in lens %q (built in: %s)", id, strings.Join(BuiltinIDs(), ", "))
	}
	return l, nil
}

// BuiltinIDs lists the ids of the built-in lenses, sorted.
func BuiltinIDs() []string {
	all, err := builtins()
	if err != nil {
		return nil
	}
	ids := make([]string, 0, len(all))
	for id := range all {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

var history = sync.OnceValues(func() (map[awaf.LensRef]*awaf.Lens, error) {
	out := map[awaf.LensRef]*awaf.Lens{}
	entries, err := fs.ReadDir(builtinFS, "history")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if path.Ext(e.Name()) != ".yaml" {
			continue
		}
		l, err := Load(builtinFS, path.Join("history", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("earlier built-in lens %s: %w", e.Name(), err)
		}
		if want := l.ID + "-" + l.Version + ".yaml"; e.Name() != want {
			return nil, fmt.Errorf("earlier built-in lens %s holds %s %s; name it %s", e.Name(), l.ID, l.Version, want)
		}
		out[awaf.LensRef{ID: l.ID, Version: l.Version}] = l
	}
	return out, nil
})

// BuiltinVersion returns a version of a built-in lens: the current one, or an earlier
// version kept in the binary. Callers must not modify it.
func BuiltinVersion(id, version string) (*awaf.Lens, error) {
	cur, err := BuiltinByID(id)
	if err != nil {
		return nil, err
	}
	if version == "" || version == cur.Version {
		return cur, nil
	}
	old, err := history()
	if err != nil {
		return nil, err
	}
	if l, ok := old[awaf.LensRef{ID: id, Version: version}]; ok {
		return l, nil
	}
	return nil, awaf.Errorf(awaf.ENOTFOUND, "built-in lens %s has no version %s (built in: %s)", id, version, strings.Join(BuiltinVersions(id), ", "))
}

// BuiltinVersions lists the versions of built-in lens id this binary holds, oldest
// first; the last is the current one.
func BuiltinVersions(id string) []string {
	cur, err := BuiltinByID(id)
	if err != nil {
		return nil
	}
	var vs []string
	if old, err := history(); err == nil {
		for ref := range old {
			if ref.ID == id && ref.Version != cur.Version {
				vs = append(vs, ref.Version)
			}
		}
	}
	sort.Slice(vs, func(i, j int) bool { return semverLess(vs[i], vs[j]) })
	return append(vs, cur.Version)
}

// semverLess orders versions by their numeric major, minor and patch parts (a
// pre-release suffix is ignored: built-in versions have none).
func semverLess(a, b string) bool {
	pa, pb := versionParts(a), versionParts(b)
	for i := range pa {
		if pa[i] != pb[i] {
			return pa[i] < pb[i]
		}
	}
	return a < b
}

func versionParts(v string) [3]int {
	var p [3]int
	v, _, _ = strings.Cut(v, "-")
	v, _, _ = strings.Cut(v, "+")
	for i, s := range strings.SplitN(v, ".", 3) {
		p[i], _ = strconv.Atoi(s)
	}
	return p
}

// Resolve returns the lens named by ref: a built-in id, a built-in id at one of its
// versions ("azure-ai-workload@1.0.0"), or the path of a lens file.
func Resolve(ref string) (*awaf.Lens, error) {
	if ref == "" {
		return Builtin()
	}
	if IsFileRef(ref) {
		return LoadFile(ref)
	}
	if id, version, ok := strings.Cut(ref, "@"); ok {
		return BuiltinVersion(id, version)
	}
	return BuiltinByID(ref)
}

// IsFileRef reports whether Resolve reads ref as a file rather than a built-in id.
func IsFileRef(ref string) bool {
	return strings.HasSuffix(ref, ".yaml") || strings.HasSuffix(ref, ".yml") || strings.ContainsRune(ref, os.PathSeparator)
}
