package scan

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/rules"
)

// Suppression records why a finding is not counted (see rules.Suppression).
type Suppression = rules.Suppression

// directive is the marker of an inline suppression. In a comment next to a resource or
// the flagged property:
//
//	// awaf:ignore AWAF-AOAI-002 public access is needed until the VPN cut-over
//	# awaf:ignore AWAF-ST-006,AWAF-ST-004 scratch storage for load tests
//
// and in ARM "metadata" or a Bicep @metadata decorator:
//
//	"metadata": { "awaf:ignore": { "AWAF-AOAI-002": "reason" } }
//
// The reason is mandatory; a directive without one is reported and ignored.
const directive = "awaf:ignore"

type suppressor struct {
	fsys  fs.FS
	lines map[string][]string
	warn  map[string]bool
	diags []iac.Diagnostic
}

func newSuppressor(fsys fs.FS) *suppressor {
	return &suppressor{fsys: fsys, lines: map[string][]string{}, warn: map[string]bool{}}
}

func (s *suppressor) apply(fs rules.Findings) []iac.Diagnostic {
	// The files comments may be in are read on all cores first.
	var names []string
	seen := map[string]bool{}
	for _, f := range fs.All() {
		if f.Status == rules.Pass || f.Suppression != nil {
			continue
		}
		for _, name := range []string{f.Loc.File, f.Resource.Loc.File} {
			if name != "" && !seen[name] {
				seen[name] = true
				names = append(names, name)
			}
		}
	}
	s.preload(names)
	for _, f := range fs.All() {
		if f.Status == rules.Pass || f.Suppression != nil {
			continue
		}
		if sup := s.fromMetadata(f); sup != nil {
			f.Suppression = sup
			continue
		}
		for _, loc := range []awaf.Location{f.Loc, f.Resource.Loc} {
			if sup := s.fromComments(f.Rule.ID, loc); sup != nil {
				f.Suppression = sup
				break
			}
		}
	}
	return s.diags
}

func (s *suppressor) fromMetadata(f *Finding) *Suppression {
	m := f.Resource.Metadata.Field(directive)
	if m == nil {
		return nil
	}
	var reason *iac.Value
	switch m.Kind {
	case iac.Object:
		reason = m.Field(f.Rule.ID)
	case iac.Array:
		for _, it := range m.Items {
			if id, _, _ := it.Field("rule").AsString(); strings.EqualFold(id, f.Rule.ID) {
				reason = it.Field("reason")
				if reason == nil {
					reason = iac.NewString("", it.Loc)
				}
			}
		}
	}
	if reason == nil {
		return nil
	}
	text, known, _ := reason.AsString()
	if !known || strings.TrimSpace(text) == "" {
		s.warnOnce(reason.Loc, fmt.Sprintf("suppression of %s has no reason; it is ignored", f.Rule.ID))
		return nil
	}
	return &Suppression{Kind: "metadata", Reason: strings.TrimSpace(text), Loc: reason.Loc}
}

// fromComments looks for a directive on the line at loc (a trailing comment) or in the
// comment and decorator lines right above it.
func (s *suppressor) fromComments(rule string, loc awaf.Location) *Suppression {
	if loc.File == "" || loc.Line <= 0 {
		return nil
	}
	lines := s.file(loc.File)
	if loc.Line > len(lines) {
		return nil
	}
	for l := loc.Line; l >= 1; l-- {
		text := lines[l-1]
		if l < loc.Line && !isCommentOrDecorator(text) {
			break
		}
		if sup := s.parse(rule, text, awaf.Location{File: loc.File, Line: l, Column: strings.Index(text, directive) + 1}); sup != nil {
			return sup
		}
	}
	return nil
}

func isCommentOrDecorator(line string) bool {
	t := strings.TrimSpace(line)
	for _, p := range []string{"//", "#", "/*", "*", "@"} {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

func (s *suppressor) parse(rule, line string, loc awaf.Location) *Suppression {
	i := strings.Index(line, directive)
	if i < 0 {
		return nil
	}
	rest := strings.TrimSpace(line[i+len(directive):])
	rest = strings.TrimSpace(strings.TrimSuffix(rest, "*/"))
	ids, reason, _ := strings.Cut(rest, " ")
	match := false
	for _, id := range strings.Split(ids, ",") {
		if strings.EqualFold(strings.TrimSpace(id), rule) {
			match = true
		}
	}
	if !match {
		return nil
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		s.warnOnce(loc, fmt.Sprintf("suppression of %s has no reason; it is ignored (write: %s %s <why>)", rule, directive, rule))
		return nil
	}
	return &Suppression{Kind: "inline", Reason: reason, Loc: loc}
}

func (s *suppressor) warnOnce(loc awaf.Location, msg string) {
	key := fmt.Sprintf("%s:%d:%s", loc.File, loc.Line, msg)
	if s.warn[key] {
		return
	}
	s.warn[key] = true
	s.diags = append(s.diags, iac.Diagnostic{Severity: iac.DiagWarning, Message: msg, Loc: loc})
}

// file returns the lines of a scanned file, read once. Files outside fsys (a Bicep
// module cache) give none.
// preload reads the named files in parallel into the cache file reads.
func (s *suppressor) preload(names []string) {
	lines := make([][]string, len(names))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var buf bytes.Buffer
			for k := range next {
				lines[k] = s.readInto(&buf, names[k])
			}
		})
	}
	for k := range names {
		next <- k
	}
	close(next)
	wg.Wait()
	for k, name := range names {
		s.lines[name] = lines[k]
	}
}

func (s *suppressor) file(name string) []string {
	if l, ok := s.lines[name]; ok {
		return l
	}
	l := s.read(name)
	s.lines[name] = l
	return l
}

// read gives the lines of a file that holds a suppression directive, nil for others.
func (s *suppressor) read(name string) []string {
	var buf bytes.Buffer
	return s.readInto(&buf, name)
}

// readInto is read with a buffer a caller reuses from file to file: most files hold
// no directive, and their bytes need not outlive the check.
func (s *suppressor) readInto(buf *bytes.Buffer, name string) []string {
	f, err := s.fsys.Open(name)
	if err != nil {
		return nil
	}
	defer f.Close()
	buf.Reset()
	if _, err := buf.ReadFrom(f); err != nil || !bytes.Contains(buf.Bytes(), []byte(directive)) {
		return nil
	}
	return strings.Split(buf.String(), "\n")
}

// Baseline lists accepted findings, each with a reason and an optional expiry date.
type Baseline struct {
	Accepted []Accepted `yaml:"accepted" json:"accepted"`
	name     string
}

// Accepted is one accepted finding: a rule on a resource named by type and name.
type Accepted struct {
	Rule    string `yaml:"rule" json:"rule"`
	Type    string `yaml:"type" json:"type"`
	Name    string `yaml:"name" json:"name"`
	File    string `yaml:"file,omitempty" json:"file,omitempty"`
	Reason  string `yaml:"reason" json:"reason"`
	Expires string `yaml:"expires,omitempty" json:"expires,omitempty"` // YYYY-MM-DD
	line    int
}

// LoadBaseline reads a baseline file (YAML or JSON).
func LoadBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, awaf.Errorf(awaf.EINVALID, "baseline %s: %v", path, unwrapPathErr(err))
	}
	return ParseBaseline(path, data)
}

// ParseBaseline reads a baseline held in memory; name is used in problem locations.
func ParseBaseline(name string, data []byte) (*Baseline, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		return nil, awaf.Problems{{Location: awaf.Location{File: name}, Message: "not valid YAML or JSON: " + err.Error()}}
	}
	b := &Baseline{name: name}
	if err := root.Decode(b); err != nil {
		return nil, awaf.Problems{{Location: awaf.Location{File: name}, Message: err.Error()}}
	}
	// Lines of the entries, for problems and expiry warnings.
	if doc := root.Content; len(doc) == 1 && doc[0].Kind == yaml.MappingNode {
		for i := 0; i+1 < len(doc[0].Content); i += 2 {
			if doc[0].Content[i].Value == "accepted" {
				for j, n := range doc[0].Content[i+1].Content {
					if j < len(b.Accepted) {
						b.Accepted[j].line = n.Line
					}
				}
			}
		}
	}
	var ps awaf.Problems
	for _, a := range b.Accepted {
		at := awaf.Location{File: name, Line: a.line}
		if a.Rule == "" || a.Type == "" || a.Name == "" {
			ps = append(ps, awaf.Problem{Location: at, Message: "an accepted finding needs rule, type and name"})
		}
		if strings.TrimSpace(a.Reason) == "" {
			ps = append(ps, awaf.Problem{Location: at, Message: fmt.Sprintf("accepted finding %s on %s has no reason", a.Rule, a.Name)})
		}
		if a.Expires != "" {
			if _, err := time.Parse(time.DateOnly, a.Expires); err != nil {
				ps = append(ps, awaf.Problem{Location: at, Message: fmt.Sprintf("expires %q: want a date such as 2026-12-31", a.Expires)})
			}
		}
	}
	if len(ps) > 0 {
		return nil, ps
	}
	return b, nil
}

func (b *Baseline) apply(fs rules.Findings, now time.Time) []iac.Diagnostic {
	var diags []iac.Diagnostic
	today := now.UTC().Format(time.DateOnly)
	for _, a := range b.Accepted {
		if a.Expires != "" && a.Expires < today {
			diags = append(diags, iac.Diagnostic{Severity: iac.DiagWarning, Message: fmt.Sprintf("baseline entry for %s on %s '%s' expired on %s; the finding counts again", a.Rule, a.Type, a.Name, a.Expires), Loc: awaf.Location{File: b.name, Line: a.line}})
			continue
		}
		for _, f := range fs.All() {
			if f.Status == rules.Pass || f.Suppression != nil || !strings.EqualFold(f.Rule.ID, a.Rule) || !iac.SameType(f.Resource.Type, a.Type) {
				continue
			}
			if !strings.EqualFold(resourceName(f.Resource), a.Name) {
				continue
			}
			if a.File != "" && !sameFile(a.File, f.Resource.Loc.File) {
				continue
			}
			f.Suppression = &Suppression{Kind: "baseline", Reason: a.Reason, Expires: a.Expires, Loc: awaf.Location{File: b.name, Line: a.line}}
		}
	}
	return diags
}

// sameFile compares a baseline's file with a finding's: the scan may be rooted
// elsewhere than where the baseline was written, so one may be a suffix of the other.
func sameFile(a, b string) bool {
	a, b = strings.TrimPrefix(a, "./"), strings.TrimPrefix(b, "./")
	return a == b || strings.HasSuffix(a, "/"+b) || strings.HasSuffix(b, "/"+a)
}

// resourceName is the name a report and a baseline use for a resource: its full name
// when known, else its symbolic name or address.
func resourceName(r *iac.Resource) string {
	if n, ok := r.NameString(); ok {
		return n
	}
	return r.ID
}

// NewBaseline accepts every unsuppressed failure and unknown of a result.
func NewBaseline(r *Result, reason, expires string) *Baseline {
	b := &Baseline{}
	seen := map[string]bool{}
	for _, f := range r.Findings.All() {
		if f.Status == rules.Pass || f.Suppression != nil {
			continue
		}
		a := Accepted{Rule: f.Rule.ID, Type: f.Resource.Type, Name: resourceName(f.Resource), File: f.Resource.Loc.File, Reason: reason, Expires: expires}
		key := a.Rule + "|" + a.Type + "|" + a.Name + "|" + a.File
		if !seen[key] {
			seen[key] = true
			b.Accepted = append(b.Accepted, a)
		}
	}
	slices.SortStableFunc(b.Accepted, func(x, y Accepted) int {
		return strings.Compare(x.File+x.Type+x.Name+x.Rule, y.File+y.Type+y.Name+y.Rule)
	})
	return b
}

// Marshal renders the baseline as YAML.
func (b *Baseline) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("# awaf scan baseline: accepted findings. Each needs a reason; expires (YYYY-MM-DD) is optional.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(b); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
