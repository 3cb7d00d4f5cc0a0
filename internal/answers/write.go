package answers

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/awaf/awaf"
)

// Mode says how Write combines an assessment with the answers file already at the path.
type Mode int

const (
	// Merge adds the assessment to the file: answers it gives replace the file's
	// selections for those questions, notes and evidence are added, every other answer
	// and every profile field the file already has stays. Importers use it.
	Merge Mode = iota
	// Replace makes the assessment the file's whole content. It is for commands that
	// read the file, changed it and write it back (assess, scan, eval, lens upgrade).
	Replace
)

// WriteOptions controls Write.
type WriteOptions struct {
	Mode Mode
	// Force lets an assessment of another lens (or another workload) replace the file.
	Force bool
	// LensFile is the lens file the answers are given against, as the user named it
	// (relative to the working directory); it is recorded relative to the answers file
	// so that later commands find it. Empty for a built-in lens, or to keep the
	// file's record.
	LensFile string
}

// Written says what Write did.
type Written struct {
	Created bool // there was no file before
	Changed bool // the file's content changed; false when it already said the same
	// Added and Replaced count the answers new to the file and the file's answers
	// whose selection the write changed.
	Added, Replaced int
}

// Write saves a as the answers file at path under one rule that every command that
// writes answers follows: a file of another lens, or of another named workload, is
// never replaced unless opt.Force; a file of the same lens is merged (or, with
// Replace, edited) in place. The YAML is edited node by node, so comments, key order,
// list styles and quoting the user chose stay and a review diff shows only what
// changed; when nothing changed the file is not written at all. The write is atomic.
// a is updated to what the file holds afterwards.
func Write(path string, a *awaf.Assessment, opt WriteOptions) (Written, error) {
	var w Written
	if opt.LensFile != "" {
		a.Lens.File = LensFileRef(path, opt.LensFile)
	}
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		w.Created, w.Changed, w.Added = true, true, countAnswered(a)
		data, err := Encode(a)
		if err != nil {
			return w, err
		}
		return w, WriteFileAtomic(path, data, 0o644)
	}
	if err != nil {
		return w, fmt.Errorf("read answers: %w", err)
	}
	old, err := Parse(path, raw)
	if err != nil {
		if !opt.Force {
			return w, fmt.Errorf("%s exists and does not read as an answers file; fix it, or pass --force to replace it: %w", path, err)
		}
		w.Changed, w.Added = true, countAnswered(a)
		data, err := Encode(a)
		if err != nil {
			return w, err
		}
		return w, WriteFileAtomic(path, data, 0o644)
	}
	if err := conflict(path, old.Assessment, a, opt.Mode); err != nil {
		if !opt.Force {
			return w, err
		}
		w.Changed, w.Added = true, countAnswered(a)
		data, err := Encode(a)
		if err != nil {
			return w, err
		}
		return w, WriteFileAtomic(path, data, 0o644)
	}
	final := a
	if opt.Mode == Merge {
		final = merge(old.Assessment, a)
	}
	keepUnchanged(old.Assessment, final)
	w.Added, w.Replaced = countChanges(old.Assessment, final)
	*a = *final
	same, err := equal(old.Assessment, final)
	if err != nil {
		return w, err
	}
	if same {
		return w, nil
	}
	data, err := Edit(raw, final)
	if err != nil {
		return w, err
	}
	w.Changed = true
	return w, WriteFileAtomic(path, data, 0o644)
}

// CheckWrite reports the error Write would refuse a with, without writing anything,
// so that a command writing several files can check every one before the first.
func CheckWrite(path string, a *awaf.Assessment, opt WriteOptions) error {
	if opt.Force {
		return nil
	}
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read answers: %w", err)
	}
	old, err := Parse(path, raw)
	if err != nil {
		return fmt.Errorf("%s exists and does not read as an answers file; fix it, or pass --force to replace it: %w", path, err)
	}
	return conflict(path, old.Assessment, a, opt.Mode)
}

// conflict reports why the assessment a may not go into the file holding old.
func conflict(path string, old, a *awaf.Assessment, mode Mode) error {
	if old.Lens.ID != "" && a.Lens.ID != "" && old.Lens.ID != a.Lens.ID {
		return awaf.Errorf(awaf.ECONFLICT, "%s holds %d answers to lens %s; not replacing them with answers to lens %s "+
			"(write to another file, or pass --force to replace it)", path, countAnswered(old), old.Lens.ID, a.Lens.ID)
	}
	if mode == Merge {
		if old.Lens.Version != "" && a.Lens.Version != "" && old.Lens.Version != a.Lens.Version {
			return awaf.Errorf(awaf.ECONFLICT, "%s holds answers to lens %s %s, these are for version %s; "+
				"move the file with `awaf lens upgrade` first, write to another file, or pass --force to replace it", path, old.Lens.ID, old.Lens.Version, a.Lens.Version)
		}
		if old.Workload.Name != "" && a.Workload.Name != "" && old.Workload.Name != a.Workload.Name {
			return awaf.Errorf(awaf.ECONFLICT, "%s holds the assessment of workload %q, these answers are for %q "+
				"(write to another file, or pass --force to replace it)", path, old.Workload.Name, a.Workload.Name)
		}
	}
	return nil
}

// merge adds the assessment in to old: the file's own values stay where in leaves a
// field empty, in's selections replace the file's for the questions in answers, and
// notes and evidence are added.
func merge(old, in *awaf.Assessment) *awaf.Assessment {
	out := clone(old)
	if out.Lens.ID == "" {
		out.Lens.ID = in.Lens.ID
	}
	if out.Lens.Version == "" {
		out.Lens.Version = in.Lens.Version
	}
	if in.Lens.File != "" {
		out.Lens.File = in.Lens.File
	}
	fill := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	fill(&out.Workload.Name, in.Workload.Name)
	fill(&out.Workload.Description, in.Workload.Description)
	fill(&out.Workload.Owner, in.Workload.Owner)
	fill(&out.Workload.Environment, in.Workload.Environment)
	p, q := &out.Profile, in.Profile
	if len(p.Kinds) == 0 {
		p.Kinds = q.Kinds
	}
	if len(p.Components) == 0 {
		p.Components = q.Components
	}
	if p.Criticality == "" {
		p.Criticality = q.Criticality
	}
	if p.Sensitivity == "" {
		p.Sensitivity = q.Sensitivity
	}
	if p.Exposure == "" {
		p.Exposure = q.Exposure
	}
	if len(p.Priorities) == 0 {
		p.Priorities = q.Priorities
	}
	for _, n := range in.Answers {
		cur, ok := out.Answer(n.Question)
		if !ok {
			out.Answers = append(out.Answers, n)
			continue
		}
		if n.Answered() {
			cur.Selected, cur.NotApplicable = n.Selected, n.NotApplicable
		}
		switch {
		case n.Note == "" || n.Note == cur.Note:
		case cur.Note == "":
			cur.Note = n.Note
		default:
			cur.Note += "\n" + n.Note
		}
		for _, e := range n.Evidence {
			if !slices.ContainsFunc(cur.Evidence, func(x awaf.Evidence) bool { return sameEvidence(x, e) }) {
				cur.Evidence = append(cur.Evidence, e)
			}
		}
	}
	if in.Updated.After(out.Updated) {
		out.Updated = in.Updated
	}
	return out
}

// keepUnchanged keeps the file's timestamps where nothing else changed: evidence that
// says the same as before keeps its time, and the assessment keeps its updated time
// when its content is the same. Running a scan twice over the same templates then
// leaves the file byte for byte as it was.
func keepUnchanged(old, a *awaf.Assessment) {
	for i := range a.Answers {
		prev, ok := old.Answer(a.Answers[i].Question)
		if !ok {
			continue
		}
		for j := range a.Answers[i].Evidence {
			e := &a.Answers[i].Evidence[j]
			for _, p := range prev.Evidence {
				if sameEvidence(p, *e) {
					e.At = p.At
					break
				}
			}
		}
	}
	o, n := *old, *a
	o.Updated, n.Updated = a.Updated, a.Updated
	if same, err := equal(&o, &n); err == nil && same {
		a.Updated = old.Updated
	}
}

// sameEvidence compares two pieces of evidence apart from when they were made.
func sameEvidence(x, y awaf.Evidence) bool {
	x.At, y.At = time.Time{}, time.Time{}
	if (x.Location == nil) != (y.Location == nil) || x.Location != nil && *x.Location != *y.Location {
		return false
	}
	x.Location, y.Location = nil, nil
	return x == y
}

func countAnswered(a *awaf.Assessment) int {
	n := 0
	for _, x := range a.Answers {
		if x.Answered() {
			n++
		}
	}
	return n
}

func countChanges(old, a *awaf.Assessment) (added, replaced int) {
	for _, n := range a.Answers {
		if !n.Answered() {
			continue
		}
		p, ok := old.Answer(n.Question)
		switch {
		case !ok || !p.Answered():
			added++
		case !slices.Equal(p.Selected, n.Selected) || (p.NotApplicable == nil) != (n.NotApplicable == nil):
			replaced++
		}
	}
	return added, replaced
}

// equal compares two assessments as their files would read.
func equal(x, y *awaf.Assessment) (bool, error) {
	bx, err := yaml.Marshal(x)
	if err != nil {
		return false, fmt.Errorf("encode answers: %w", err)
	}
	by, err := yaml.Marshal(y)
	if err != nil {
		return false, fmt.Errorf("encode answers: %w", err)
	}
	return bytes.Equal(bx, by), nil
}

func clone(a *awaf.Assessment) *awaf.Assessment {
	out := *a
	out.Answers = make([]awaf.Answer, len(a.Answers))
	for i, x := range a.Answers {
		x.Selected = slices.Clone(x.Selected)
		x.Evidence = slices.Clone(x.Evidence)
		out.Answers[i] = x
	}
	return &out
}

// LensFileRef gives the lens file at lensPath (as the user named it) relative to the
// answers file at path, slash-separated, the way the answers file records it.
func LensFileRef(path, lensPath string) string {
	return RelTo(path, lensPath)
}

// RelTo gives target (a path relative to the working directory, or absolute)
// relative to the directory of the answers file at path, slash-separated: how an
// answers file names other files, so that it still reads when moved with them.
func RelTo(path, target string) string {
	if target == "" {
		return ""
	}
	abs, err1 := filepath.Abs(target)
	dir, err2 := filepath.Abs(filepath.Dir(path))
	if err1 != nil || err2 != nil {
		return filepath.ToSlash(target)
	}
	if rel, err := filepath.Rel(dir, abs); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(abs)
}

// header starts every answers file awaf creates.
const header = "# awaf answers file: edit by hand or with `awaf assess`; score with `awaf report`.\n"

// Encode writes a new answers file for a.
func Encode(a *awaf.Assessment) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(header)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(a); err != nil {
		return nil, fmt.Errorf("encode answers: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode answers: %w", err)
	}
	return buf.Bytes(), nil
}
