// Package answers reads and writes the answers file, awaf.yaml: a workload's profile,
// its answers, notes and not-applicable reasons, and the lens id and version they were
// given against. The file is meant to be edited by hand and reviewed in diffs, so
// reading it reports every problem with line and column, and writing it never leaves a
// partial file behind.
package answers

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
	"github.com/awaf/awaf/internal/fileout"
	"github.com/awaf/awaf/internal/yamlerr"
)

// MaxSize bounds an answers file; 40 questions with long notes stay far below it.
const MaxSize = 4 << 20

// File is a parsed answers file that remembers where each answer was written, so
// checks against a lens can point at the line.
type File struct {
	*awaf.Assessment
	name string
	locs map[string]awaf.Location
}

// Parse reads an answers file. It checks the file's own rules (known keys, the value
// sets of the profile, not-applicable reasons); Check tests it against a lens.
func Parse(name string, data []byte) (*File, error) {
	if len(data) > MaxSize {
		return nil, awaf.Problems{{Location: awaf.Location{File: name}, Message: fmt.Sprintf("file is %d bytes, larger than the %d-byte limit", len(data), MaxSize)}}
	}
	f := &File{Assessment: &awaf.Assessment{}, name: name, locs: map[string]awaf.Location{}}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(f.Assessment); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, awaf.Problems{{Location: awaf.Location{File: name}, Message: "file is empty: expected lens, workload, profile and answers"}}
		}
		return nil, yamlProblems(name, data, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlProblems(name, data, err)
	}
	f.index(&root)
	var ps awaf.Problems
	ps = append(ps, f.checkProfile()...)
	seen := map[string]bool{}
	for i, a := range f.Answers {
		at := f.loc(fmt.Sprintf("answers[%d]", i))
		switch {
		case a.Question == "":
			ps = append(ps, awaf.Problem{Location: at, Message: "answer without a question id"})
		case seen[a.Question]:
			ps = append(ps, awaf.Problem{Location: at, Message: fmt.Sprintf("question %s is answered twice", a.Question)})
		}
		seen[a.Question] = true
		if a.NotApplicable != nil {
			if !slices.Contains(awaf.NAReasons, a.NotApplicable.Reason) {
				ps = append(ps, awaf.Problem{Location: f.loc(fmt.Sprintf("answers[%d].notApplicable", i)),
					Message: fmt.Sprintf("question %s: not-applicable reason %q is not one of %s", a.Question, a.NotApplicable.Reason, join(awaf.NAReasons))})
			}
			if len(a.Selected) > 0 {
				ps = append(ps, awaf.Problem{Location: at, Message: fmt.Sprintf("question %s is marked not applicable and also has selected choices; keep one", a.Question)})
			}
		}
	}
	if len(ps) > 0 {
		return nil, ps
	}
	return f, nil
}

func (f *File) checkProfile() awaf.Problems {
	var ps awaf.Problems
	p := f.Profile
	bad := func(key, val string, allowed string) {
		ps = append(ps, awaf.Problem{Location: f.loc("profile." + key), Message: fmt.Sprintf("profile.%s: %q is not one of %s", key, val, allowed)})
	}
	for i, k := range p.Kinds {
		if !slices.Contains(awaf.Kinds, k) {
			ps = append(ps, awaf.Problem{Location: f.loc(fmt.Sprintf("profile.kinds[%d]", i)), Message: fmt.Sprintf("profile.kinds: %q is not one of %s", k, join(awaf.Kinds))})
		}
	}
	for i, c := range p.Components {
		if !slices.Contains(awaf.Components, c) {
			ps = append(ps, awaf.Problem{Location: f.loc(fmt.Sprintf("profile.components[%d]", i)), Message: fmt.Sprintf("profile.components: %q is not one of %s", c, join(awaf.Components))})
		}
	}
	if p.Criticality != "" && !slices.Contains(awaf.Criticalities, p.Criticality) {
		bad("criticality", string(p.Criticality), join(awaf.Criticalities))
	}
	if p.Sensitivity != "" && !slices.Contains(awaf.Sensitivities, p.Sensitivity) {
		bad("sensitivity", string(p.Sensitivity), join(awaf.Sensitivities))
	}
	if p.Exposure != "" && !slices.Contains(awaf.Exposures, p.Exposure) {
		bad("exposure", string(p.Exposure), join(awaf.Exposures))
	}
	seen := map[awaf.PillarID]bool{}
	for i, id := range p.Priorities {
		if !slices.Contains(awaf.Pillars, id) || seen[id] {
			ps = append(ps, awaf.Problem{Location: f.loc(fmt.Sprintf("profile.priorities[%d]", i)), Message: fmt.Sprintf("profile.priorities: %q is not a pillar, or is listed twice (pillars: %s)", id, join(awaf.Pillars))})
		}
		seen[id] = true
	}
	return ps
}

// Check tests the answers against the lens they are given for: the lens id, and that
// every question and choice id exists, with "none of these" standing alone, and a
// "not needed" choice selected without its practice and with its reason in the note.
func (f *File) Check(l *awaf.Lens) error {
	var ps awaf.Problems
	if f.Lens.ID != "" && f.Lens.ID != l.ID {
		ps = append(ps, awaf.Problem{Location: f.loc("lens.id"), Message: fmt.Sprintf("answers are for lens %q, not %q", f.Lens.ID, l.ID)})
	}
	for i, a := range f.Answers {
		q, ok := l.Question(a.Question)
		if !ok {
			ps = append(ps, awaf.Problem{Location: f.loc(fmt.Sprintf("answers[%d].question", i)), Message: fmt.Sprintf("unknown question %q in lens %s %s", a.Question, l.ID, l.Version)})
			continue
		}
		none := false
		for j, id := range a.Selected {
			ch, ok := q.Choice(id)
			if !ok {
				ps = append(ps, awaf.Problem{Location: f.loc(fmt.Sprintf("answers[%d].selected[%d]", i, j)), Message: fmt.Sprintf("question %s has no choice %q", q.ID, id)})
				continue
			}
			none = none || ch.None
		}
		if none && len(a.Selected) > 1 {
			ps = append(ps, awaf.Problem{Location: f.loc(fmt.Sprintf("answers[%d].selected", i)), Message: fmt.Sprintf("question %s: \"none of these\" cannot be selected with other choices", q.ID)})
		}
		for _, msg := range q.SelectionProblems(a.Selected, a.Note) {
			ps = append(ps, awaf.Problem{Location: f.loc(fmt.Sprintf("answers[%d].selected", i)), Message: msg})
		}
		for _, e := range a.Evidence {
			if _, ok := q.Choice(e.Choice); !ok {
				ps = append(ps, awaf.Problem{Location: f.loc(fmt.Sprintf("answers[%d]", i)), Message: fmt.Sprintf("question %s: evidence names unknown choice %q", q.ID, e.Choice)})
			}
		}
	}
	if len(ps) > 0 {
		return ps
	}
	return nil
}

// LoadFile reads and parses an answers file.
func LoadFile(path string) (*File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, awaf.Errorf(awaf.ENOTFOUND, "answers file %s: %v", path, errors.Unwrap(err))
	}
	if fi.Size() > MaxSize {
		return nil, awaf.Problems{{Location: awaf.Location{File: path}, Message: fmt.Sprintf("file is %d bytes, larger than the %d-byte limit", fi.Size(), MaxSize)}}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read answers: %w", err)
	}
	return Parse(path, data)
}

// Load reads an answers file.
func Load(path string) (*awaf.Assessment, error) {
	f, err := LoadFile(path)
	if err != nil {
		return nil, err
	}
	return f.Assessment, nil
}

// index records the location of the nodes that checks report on.
func (f *File) index(root *yaml.Node) {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	var walk func(n *yaml.Node, key string)
	walk = func(n *yaml.Node, key string) {
		f.locs[key] = awaf.Location{File: f.name, Line: n.Line, Column: n.Column}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				if key != "" {
					k = key + "." + k
				}
				walk(n.Content[i+1], k)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s[%d]", key, i))
			}
		}
	}
	walk(doc, "")
}

func (f *File) loc(key string) awaf.Location {
	if l, ok := f.locs[key]; ok {
		return l
	}
	return awaf.Location{File: f.name}
}

// yamlProblems turns yaml.v3's errors ("yaml: line 3: ..." or a TypeError listing
// "line 5: field x not found in type ...") into problems with line numbers.
func yamlProblems(name string, data []byte, err error) awaf.Problems {
	if line, col, msg, ok := yamlerr.Locate(data, err); ok {
		return awaf.Problems{{Location: awaf.Location{File: name, Line: line, Column: col}, Message: "invalid YAML: " + msg}}
	}
	var te *yaml.TypeError
	var msgs []string
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	var ps awaf.Problems
	for _, m := range msgs {
		p := awaf.Problem{Location: awaf.Location{File: name}, Message: m}
		var line int
		if _, e := fmt.Sscanf(m, "line %d:", &line); e == nil {
			p.Line = line
			p.Message = strings.TrimSpace(m[strings.Index(m, ":")+1:])
		}
		p.Message = strings.ReplaceAll(p.Message, "in type awaf.", "in ")
		ps = append(ps, p)
	}
	return ps
}

// Save writes the assessment to path under Write's rule, as the file's whole new
// content (Replace): comments and layout of an existing file stay, a file of another
// lens is refused. The write is atomic: a crash or Ctrl-C leaves either the old file
// or the new one, never a partial one.
func Save(path string, a *awaf.Assessment) error {
	_, err := Write(path, a, WriteOptions{Mode: Replace})
	return err
}

// WriteFileAtomic writes data to path through a temporary file and a rename; see
// fileout.Write, which it is.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	return fileout.WriteFile(path, data, perm)
}

// WriteAtomic is WriteFileAtomic for content written as it is made. A regular file is
// replaced only when write succeeds; a link is followed, a device or pipe written in
// place (fileout.Write).
func WriteAtomic(path string, perm os.FileMode, write func(io.Writer) error) error {
	return fileout.Write(path, perm, write)
}

func join[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}
