// Package lenscoverage keeps the traceability matrix between public catalogues of AI
// practices (OWASP, MITRE ATLAS, NIST, Microsoft, AWS) and the choices of a lens: every
// catalogue item names the choices that ask for it, with the words that must appear in
// those choices' titles or verify texts, or a one-line reason for leaving it out. The
// catalogues are embedded data; Check holds them against a lens and Render writes the
// matrix as Markdown (docs/lens-coverage.md).
package lenscoverage

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/yamlerr"
)

//go:embed catalogues/*.yaml
var catalogueFS embed.FS

// Catalogue is one public catalogue of practices, as far as the lens is held against it.
type Catalogue struct {
	ID    string
	Title string
	URL   string
	Items []Item
	File  string // the file it was read from, for problem locations
}

// Item is one practice of a catalogue: either covered by choices of the lens or omitted
// with a reason, never both.
type Item struct {
	ID       string // the catalogue's own id where it has one
	Source   string // the catalogue entry the practice belongs to, in the catalogue's name
	Practice string // the practice in our words
	Covered  []Cover
	Omitted  string
	At       awaf.Location
}

// Cover names one choice that asks for an item's practice, and the phrases that must
// appear in the choice's title or verify text for the claim to hold.
type Cover struct {
	Choice string
	Terms  []string
	At     awaf.Location
}

// Load reads every embedded catalogue, in file name order. It returns awaf.Problems with
// every format problem of every file.
func Load() ([]*Catalogue, error) {
	return LoadFS(catalogueFS, "catalogues")
}

// LoadFS reads every .yaml file in dir of fsys as a catalogue, in file name order. As
// each id must equal its file name, no two catalogues share one.
func LoadFS(fsys fs.FS, dir string) ([]*Catalogue, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read catalogues: %w", err)
	}
	var (
		cats     []*Catalogue
		problems awaf.Problems
	)
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".yaml" {
			continue
		}
		name := path.Join(dir, e.Name())
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read catalogue %s: %w", name, err)
		}
		c, err := Parse(name, data)
		var ps awaf.Problems
		switch {
		case errors.As(err, &ps):
			problems = append(problems, ps...)
			continue
		case err != nil:
			return nil, err
		}
		cats = append(cats, c)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return cats, nil
}

// Parse reads one catalogue file. name is used in problem locations and must be the
// catalogue id followed by ".yaml".
func Parse(name string, data []byte) (*Catalogue, error) {
	var root yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&root); err != nil {
		p := awaf.Problem{Location: awaf.Location{File: name}}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if _, scanErr := fmt.Sscanf(msg, "line %d:", &p.Line); scanErr == nil {
			_, msg, _ = strings.Cut(msg, ":")
			msg = strings.TrimSpace(msg)
		}
		if errors.Is(err, io.EOF) {
			msg = "file is empty"
		}
		p.Message = "invalid YAML: " + msg
		return nil, awaf.Problems{p}
	}
	d := &decoder{file: name}
	c := d.catalogue(&root)
	if want := strings.TrimSuffix(path.Base(name), ".yaml"); c.ID != "" && c.ID != want {
		d.errorf(d.top, "catalogue id %q differs from the file name %s (expected %q)", c.ID, path.Base(name), want)
	}
	if len(d.problems) > 0 {
		sort.SliceStable(d.problems, func(i, j int) bool { return d.problems[i].Line < d.problems[j].Line })
		return nil, d.problems
	}
	return c, nil
}

type decoder struct {
	file     string
	top      *yaml.Node
	problems awaf.Problems
}

func (d *decoder) at(n *yaml.Node) awaf.Location {
	if n == nil {
		return awaf.Location{File: d.file}
	}
	return awaf.Location{File: d.file, Line: n.Line, Column: n.Column}
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.problems = append(d.problems, awaf.Problem{Location: d.at(n), Message: fmt.Sprintf(format, args...)})
}

// fields checks that n is a mapping with only known keys, each once, and that the
// required ones are there; it returns the value node of each key.
func (d *decoder) fields(n *yaml.Node, ctx string, known, required []string) map[string]*yaml.Node {
	out := yamlerr.Fields(n, ctx, known, func(at *yaml.Node, msg string) { d.errorf(at, "%s", msg) })
	if n.Kind != yaml.MappingNode {
		return out
	}
	for _, k := range required {
		if out[k] == nil {
			d.errorf(n, "%s: %q is required", ctx, k)
		}
	}
	return out
}

// str reads a non-empty string; a missing node was reported by fields.
func (d *decoder) str(n *yaml.Node, ctx string) string {
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.errorf(n, "%s: expected a string, found %s", ctx, kind(n))
		return ""
	}
	if strings.TrimSpace(n.Value) == "" {
		d.errorf(n, "%s must not be empty", ctx)
	}
	return strings.TrimSpace(n.Value)
}

func (d *decoder) seq(n *yaml.Node, ctx string) []*yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s: expected a list, found %s", ctx, kind(n))
		return nil
	}
	if len(n.Content) == 0 {
		d.errorf(n, "%s must not be empty", ctx)
	}
	return n.Content
}

func (d *decoder) catalogue(root *yaml.Node) *Catalogue {
	c := &Catalogue{File: d.file}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		d.errorf(root, "expected a catalogue mapping")
		return c
	}
	top := root.Content[0]
	d.top = top
	f := d.fields(top, "catalogue", []string{"catalogue", "title", "url", "items"}, []string{"catalogue", "title", "url", "items"})
	c.ID = d.str(f["catalogue"], "catalogue")
	c.Title = d.str(f["title"], "title")
	c.URL = d.str(f["url"], "url")
	if c.URL != "" && !strings.HasPrefix(c.URL, "https://") {
		d.errorf(f["url"], "url: expected an https:// address, found %q", c.URL)
	}
	seen := map[string]*yaml.Node{}
	for i, n := range d.seq(f["items"], "items") {
		it := d.item(n, i)
		if it.ID == "" {
			continue
		}
		if prev, ok := seen[it.ID]; ok {
			d.errorf(n, "item %s: duplicate id (first at line %d)", it.ID, prev.Line)
			continue
		}
		seen[it.ID] = n
		c.Items = append(c.Items, it)
	}
	return c
}

func (d *decoder) item(n *yaml.Node, i int) Item {
	ctx := fmt.Sprintf("item %d", i+1)
	f := d.fields(n, ctx, []string{"id", "source", "practice", "covered", "omitted"}, []string{"id", "source", "practice"})
	it := Item{At: d.at(n)}
	it.ID = d.str(f["id"], ctx+": id")
	if it.ID != "" {
		ctx = "item " + it.ID
	}
	it.Source = d.str(f["source"], ctx+": source")
	it.Practice = d.str(f["practice"], ctx+": practice")
	switch {
	case f["covered"] != nil && f["omitted"] != nil:
		d.errorf(n, "%s: has both covered and omitted (expected one: the choices that ask for it, or why it is left out)", ctx)
	case f["covered"] == nil && f["omitted"] == nil:
		if n.Kind == yaml.MappingNode {
			d.errorf(n, "%s: has neither covered nor omitted (expected one: the choices that ask for it, or why it is left out)", ctx)
		}
	}
	it.Omitted = d.str(f["omitted"], ctx+": omitted")
	seen := map[string]bool{}
	for _, cn := range d.seq(f["covered"], ctx+": covered") {
		cf := d.fields(cn, ctx+": covered", []string{"choice", "terms"}, []string{"choice", "terms"})
		cv := Cover{At: d.at(cn), Choice: d.str(cf["choice"], ctx+": choice")}
		if cv.Choice != "" && seen[cv.Choice] {
			d.errorf(cn, "%s: choice %s listed twice", ctx, cv.Choice)
		}
		seen[cv.Choice] = true
		for _, tn := range d.seq(cf["terms"], ctx+": terms") {
			if t := d.str(tn, ctx+": term"); t != "" {
				cv.Terms = append(cv.Terms, t)
			}
		}
		it.Covered = append(it.Covered, cv)
	}
	return it
}

func kind(n *yaml.Node) string { return yamlerr.KindName(n) }
