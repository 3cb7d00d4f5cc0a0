// Package reviewtemplate is review templates: a named, versioned set of answers, notes
// and not-applicable reasons for some questions that a platform team gives once (for
// example the networking, identity and gateway of a shared AI landing zone) and
// workloads apply. Applied answers carry the template's name and version, so a later
// version of the template can be offered to the workloads that use it; an answer a
// workload changed by hand loses the mark and is never overwritten.
package reviewtemplate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/yamlerr"
)

// MaxSize bounds a template file.
const MaxSize = 1 << 20

// Template is a review template.
type Template struct {
	Name        string        `yaml:"name" json:"name"`
	Version     int           `yaml:"version" json:"version"`
	Description string        `yaml:"description,omitempty" json:"description,omitempty"`
	Owner       string        `yaml:"owner,omitempty" json:"owner,omitempty"`
	Lens        awaf.LensRef  `yaml:"lens" json:"lens"`
	Answers     []awaf.Answer `yaml:"answers" json:"answers"`
}

// Ref is the mark applied answers carry.
func (t *Template) Ref() *awaf.TemplateRef {
	return &awaf.TemplateRef{Name: t.Name, Version: t.Version}
}

// file is the YAML document: the template under one key, so that a template is never
// mistaken for an answers file.
type file struct {
	Template *Template `yaml:"template"`
}

// Parse reads a template file and checks its own rules.
func Parse(name string, data []byte) (*Template, error) {
	if len(data) > MaxSize {
		return nil, awaf.Problems{{Location: awaf.Location{File: name}, Message: fmt.Sprintf("file is %d bytes, larger than the %d-byte limit", len(data), MaxSize)}}
	}
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, awaf.Problems{{Location: awaf.Location{File: name}, Message: "file is empty: expected template: with name, version, lens and answers"}}
		}
		if line, col, msg, ok := yamlerr.Locate(data, err); ok {
			return nil, awaf.Problems{{Location: awaf.Location{File: name, Line: line, Column: col}, Message: "invalid YAML: " + msg}}
		}
		return nil, awaf.Problems{{Location: awaf.Location{File: name}, Message: strings.TrimPrefix(err.Error(), "yaml: ")}}
	}
	if f.Template == nil {
		return nil, awaf.Problems{{Location: awaf.Location{File: name, Line: 1}, Message: "not a review template: expected a top-level template: key"}}
	}
	if err := f.Template.Validate(name); err != nil {
		return nil, err
	}
	return f.Template, nil
}

// Validate checks what a template needs without a lens: a name, a positive version,
// answers to distinct questions, each selecting something or not applicable with a
// known reason, and no marks of its own.
func (t *Template) Validate(name string) error {
	var ps awaf.Problems
	at := awaf.Location{File: name}
	add := func(format string, a ...any) {
		ps = append(ps, awaf.Problem{Location: at, Message: fmt.Sprintf(format, a...)})
	}
	if strings.TrimSpace(t.Name) == "" || len(t.Name) > 200 {
		add("template.name: give a name of 1 to 200 characters")
	}
	if t.Version < 1 {
		add("template.version: want a positive whole number, got %d", t.Version)
	}
	if len(t.Answers) == 0 {
		add("template.answers: a template answers at least one question")
	}
	seen := map[string]bool{}
	for i, a := range t.Answers {
		switch {
		case a.Question == "":
			add("template.answers[%d]: answer without a question id", i)
		case seen[a.Question]:
			add("template.answers[%d]: question %s is answered twice", i, a.Question)
		case a.NotApplicable != nil && !slices.Contains(awaf.NAReasons, a.NotApplicable.Reason):
			add("template.answers[%d]: not-applicable reason %q: want one of out-of-scope, business-priorities, architecture-constraints, other", i, a.NotApplicable.Reason)
		case a.NotApplicable == nil && len(a.Selected) == 0:
			add("template.answers[%d]: question %s selects nothing: select choices or mark it notApplicable", i, a.Question)
		case a.Template != nil || len(a.Evidence) > 0:
			add("template.answers[%d]: a template's answers carry no template mark or evidence", i)
		}
		seen[a.Question] = true
	}
	if len(ps) > 0 {
		return ps
	}
	return nil
}

// Check tests the template against a lens: known questions and choices.
func (t *Template) Check(name string, l *awaf.Lens) error {
	var ps awaf.Problems
	for i, a := range t.Answers {
		q, ok := l.Question(a.Question)
		if !ok {
			ps = append(ps, awaf.Problem{Location: awaf.Location{File: name}, Message: fmt.Sprintf("template.answers[%d]: lens %s %s has no question %s", i, l.ID, l.Version, a.Question)})
			continue
		}
		for _, c := range a.Selected {
			if _, ok := q.Choice(c); !ok {
				ps = append(ps, awaf.Problem{Location: awaf.Location{File: name}, Message: fmt.Sprintf("template.answers[%d]: question %s has no choice %s", i, a.Question, c)})
			}
		}
		for _, msg := range q.SelectionProblems(a.Selected, a.Note) {
			ps = append(ps, awaf.Problem{Location: awaf.Location{File: name}, Message: fmt.Sprintf("template.answers[%d]: %s", i, msg)})
		}
	}
	if len(ps) > 0 {
		return ps
	}
	return nil
}

// LoadFile reads and parses a template file.
func LoadFile(path string) (*Template, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, awaf.Errorf(awaf.ENOTFOUND, "template file %s: %v", path, errors.Unwrap(err))
	}
	if fi.Size() > MaxSize {
		return nil, awaf.Problems{{Location: awaf.Location{File: path}, Message: fmt.Sprintf("file is %d bytes, larger than the %d-byte limit", fi.Size(), MaxSize)}}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read template: %w", err)
	}
	return Parse(path, data)
}

// Marshal writes the template file.
func (t *Template) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("# awaf review template: apply with `awaf template apply`; applied answers are marked with its name and version.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(file{Template: t}); err != nil {
		return nil, fmt.Errorf("encode template: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode template: %w", err)
	}
	return buf.Bytes(), nil
}

// FromAnswers makes version 1 of a template from a workload's answers to questions,
// in the order given; every question must be answered there.
func FromAnswers(name string, a *awaf.Assessment, questions []string) (*Template, error) {
	t := &Template{Name: name, Version: 1, Lens: a.Lens}
	var missing []string
	for _, q := range questions {
		p, ok := a.Answer(q)
		if !ok || (len(p.Selected) == 0 && p.NotApplicable == nil) {
			missing = append(missing, q)
			continue
		}
		ans := *p                             // a copy: the workload's answer stays as it is
		ans.Template, ans.Evidence = nil, nil // the template is the source now; evidence stays with the workload
		ans.Selected = slices.Clone(ans.Selected)
		t.Answers = append(t.Answers, ans)
	}
	if len(missing) > 0 {
		return nil, awaf.Errorf(awaf.EINVALID, "the answers give nothing for %s: a template takes answered questions", strings.Join(missing, ", "))
	}
	if err := t.Validate(""); err != nil {
		return nil, err
	}
	return t, nil
}

// Action is what applying a template does to one question.
type Action string

// Actions.
const (
	Add       Action = "add"       // the workload had no answer: the template's is added
	Update    Action = "update"    // an answer from an older version of the template is replaced
	Same      Action = "same"      // already the template's answer at this version
	Kept      Action = "kept"      // the workload's own answer differs: kept unless forced
	Overwrite Action = "overwrite" // the workload's own answer, replaced because forced
)

// Change is one question in a plan.
type Change struct {
	Question string       `json:"question"`
	Action   Action       `json:"action"`
	Before   *awaf.Answer `json:"before,omitempty"`
	After    awaf.Answer  `json:"after"`
}

// Plan previews applying t to a: nothing changes until Apply. With force, the
// workload's own differing answers are replaced too.
func Plan(t *Template, a *awaf.Assessment, force bool) []Change {
	var out []Change
	for _, ta := range t.Answers {
		after := ta
		after.Selected = slices.Clone(ta.Selected)
		after.Template = t.Ref()
		c := Change{Question: ta.Question, After: after}
		var before awaf.Answer
		bp, ok := a.Answer(ta.Question)
		if ok {
			before = *bp
		}
		switch {
		case !ok:
			c.Action = Add
		case before.Template != nil && before.Template.Name == t.Name && before.Template.Version >= t.Version && sameAnswer(before, ta):
			c.Action = Same
		case before.Template != nil && before.Template.Name == t.Name:
			c.Action = Update
		case sameAnswer(before, ta):
			c.Action = Update // the same answer given by hand: it now follows the template
		case force:
			c.Action = Overwrite
		default:
			c.Action = Kept
		}
		if ok {
			b := before
			c.Before = &b
		}
		if c.Action == Update || c.Action == Overwrite {
			// Evidence found for the workload stays with it.
			c.After.Evidence = c.Before.Evidence
		}
		out = append(out, c)
	}
	return out
}

// Apply makes the plan's changes to a and returns how many answers changed.
func Apply(a *awaf.Assessment, plan []Change) int {
	n := 0
	for _, c := range plan {
		if c.Action != Add && c.Action != Update && c.Action != Overwrite {
			continue
		}
		n++
		i := slices.IndexFunc(a.Answers, func(x awaf.Answer) bool { return x.Question == c.Question })
		if i < 0 {
			a.Answers = append(a.Answers, c.After)
		} else {
			a.Answers[i] = c.After
		}
	}
	return n
}

// Uses lists the templates a's answers came from, with the versions applied.
func Uses(a *awaf.Assessment) map[string][]int {
	out := map[string][]int{}
	for _, ans := range a.Answers {
		if r := ans.Template; r != nil && !slices.Contains(out[r.Name], r.Version) {
			out[r.Name] = append(out[r.Name], r.Version)
		}
	}
	for _, v := range out {
		slices.Sort(v)
	}
	return out
}

func sameAnswer(a, b awaf.Answer) bool {
	na := func(x *awaf.NotApplicable) awaf.NotApplicable {
		if x == nil {
			return awaf.NotApplicable{}
		}
		return *x
	}
	as, bs := slices.Clone(a.Selected), slices.Clone(b.Selected)
	slices.Sort(as)
	slices.Sort(bs)
	return slices.Equal(as, bs) && a.Note == b.Note && na(a.NotApplicable) == na(b.NotApplicable)
}
