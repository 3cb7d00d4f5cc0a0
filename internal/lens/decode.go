package lens

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/yamlerr"
)

// decoder walks a YAML node tree into a lens, collecting every problem with its place
// instead of stopping at the first.
type decoder struct {
	file     string
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

// fields checks that n is a mapping, reports unknown and duplicate keys, and returns the
// value node of each known key.
func (d *decoder) fields(n *yaml.Node, ctx string, known ...string) map[string]*yaml.Node {
	return yamlerr.Fields(n, ctx, known, func(at *yaml.Node, msg string) { d.errorf(at, "%s", msg) })
}

func (d *decoder) str(n *yaml.Node, ctx string, required bool) string {
	if n == nil {
		return "" // a missing required key is reported by need, at its mapping
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.errorf(n, "%s: expected a string, found %s", ctx, kindName(n))
		return ""
	}
	if required && strings.TrimSpace(n.Value) == "" {
		d.errorf(n, "%s must not be empty", ctx)
	}
	return n.Value
}

// need reports a missing required key at the parent mapping's place.
func (d *decoder) need(parent *yaml.Node, m map[string]*yaml.Node, ctx string, keys ...string) {
	for _, k := range keys {
		if m[k] == nil {
			d.errorf(parent, "%s: %q is required", ctx, k)
		}
	}
}

// metadata reads a flat mapping of string keys to string values.
func (d *decoder) metadata(n *yaml.Node, ctx string) map[string]string {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s: expected a mapping of names to text, found %s", ctx, kindName(n))
		return nil
	}
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if _, dup := out[k.Value]; dup {
			d.errorf(k, "%s: duplicate key %q", ctx, k.Value)
		}
		out[k.Value] = d.str(v, ctx+"."+k.Value, false)
	}
	return out
}

func (d *decoder) integer(n *yaml.Node, ctx string) int {
	if n == nil {
		return 0
	}
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		d.errorf(n, "%s: expected a whole number, found %q", ctx, n.Value)
		return 0
	}
	return v
}

func (d *decoder) boolean(n *yaml.Node, ctx string) bool {
	if n == nil {
		return false
	}
	v, err := strconv.ParseBool(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		d.errorf(n, "%s: expected true or false, found %q", ctx, n.Value)
		return false
	}
	return v
}

func (d *decoder) seq(n *yaml.Node, ctx string) []*yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s: expected a list, found %s", ctx, kindName(n))
		return nil
	}
	return n.Content
}

func (d *decoder) strs(n *yaml.Node, ctx string) ([]string, []*yaml.Node) {
	var out []string
	var nodes []*yaml.Node
	for i, item := range d.seq(n, ctx) {
		out = append(out, d.str(item, fmt.Sprintf("%s[%d]", ctx, i), true))
		nodes = append(nodes, item)
	}
	return out, nodes
}

func (d *decoder) links(n *yaml.Node, ctx string) []awaf.Link {
	var out []awaf.Link
	for i, item := range d.seq(n, ctx) {
		c := fmt.Sprintf("%s[%d]", ctx, i)
		f := d.fields(item, c, "title", "url")
		d.need(item, f, c, "url")
		l := awaf.Link{Title: d.str(f["title"], c+".title", false), URL: d.str(f["url"], c+".url", true)}
		if l.URL != "" && !strings.HasPrefix(l.URL, "https://") {
			d.errorf(f["url"], "%s.url: expected an https:// address, found %q", c, l.URL)
		}
		out = append(out, l)
	}
	return out
}

// The patterns are compiled on first use: the counted repetitions make large
// programs, which commands that read no lens should not pay for at start-up.
var (
	slugRe    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,63}$`) })
	idRe      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9_]{2,127}$`) })
	versionRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
	})
)

func (d *decoder) lens(root *yaml.Node) *awaf.Lens {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	f := d.fields(doc, "lens", "id", "name", "version", "description", "pillars", "areas", "top10", "questions", "metadata")
	d.need(doc, f, "lens", "id", "name", "version", "pillars", "areas", "questions")
	l := &awaf.Lens{
		ID:          d.str(f["id"], "id", true),
		Name:        d.str(f["name"], "name", true),
		Version:     d.str(f["version"], "version", true),
		Description: d.str(f["description"], "description", false),
		Metadata:    d.metadata(f["metadata"], "metadata"),
		Source:      d.at(doc),
	}
	if l.ID != "" && !slugRe().MatchString(l.ID) {
		d.errorf(f["id"], "id %q must match %s", l.ID, slugRe())
	}
	if l.Version != "" && !versionRe().MatchString(l.Version) {
		d.errorf(f["version"], "version %q is not a semantic version such as 1.0.0", l.Version)
	}
	for i, n := range d.seq(f["pillars"], "pillars") {
		c := fmt.Sprintf("pillars[%d]", i)
		pf := d.fields(n, c, "id", "name", "description", "metadata")
		d.need(n, pf, c, "id", "name")
		p := awaf.Pillar{ID: awaf.PillarID(d.str(pf["id"], c+".id", true)), Name: d.str(pf["name"], c+".name", true),
			Description: d.str(pf["description"], c+".description", false), Metadata: d.metadata(pf["metadata"], c+".metadata")}
		if p.ID != "" && !slices.Contains(awaf.Pillars, p.ID) {
			d.errorf(pf["id"], "%s: pillar %q is not one of %s", c, p.ID, joinIDs(awaf.Pillars))
		}
		if _, dup := l.Pillar(p.ID); dup {
			d.errorf(pf["id"], "%s: pillar %q is declared twice", c, p.ID)
		}
		l.Pillars = append(l.Pillars, p)
	}
	for i, n := range d.seq(f["areas"], "areas") {
		c := fmt.Sprintf("areas[%d]", i)
		af := d.fields(n, c, "id", "name", "description", "links")
		d.need(n, af, c, "id", "name")
		a := awaf.Area{ID: awaf.AreaID(d.str(af["id"], c+".id", true)), Name: d.str(af["name"], c+".name", true),
			Description: d.str(af["description"], c+".description", false), Links: d.links(af["links"], c+".links")}
		if a.ID != "" && !slugRe().MatchString(string(a.ID)) {
			d.errorf(af["id"], "%s: id %q must match %s", c, a.ID, slugRe())
		}
		if _, dup := l.Area(a.ID); dup {
			d.errorf(af["id"], "%s: area %q is declared twice", c, a.ID)
		}
		l.Areas = append(l.Areas, a)
	}
	top10 := map[string]bool{}
	for i, n := range d.seq(f["top10"], "top10") {
		c := fmt.Sprintf("top10[%d]", i)
		tf := d.fields(n, c, "id", "title", "description", "links")
		d.need(n, tf, c, "id", "title")
		t := awaf.Top10Item{ID: d.str(tf["id"], c+".id", true), Title: d.str(tf["title"], c+".title", true),
			Description: d.str(tf["description"], c+".description", false), Links: d.links(tf["links"], c+".links")}
		if t.ID != "" && !slugRe().MatchString(t.ID) {
			d.errorf(tf["id"], "%s: id %q must match %s", c, t.ID, slugRe())
		}
		if top10[t.ID] {
			d.errorf(tf["id"], "%s: item %q is declared twice", c, t.ID)
		}
		top10[t.ID] = true
		l.Top10 = append(l.Top10, t)
	}
	seen := map[string]*yaml.Node{}
	for i, n := range d.seq(f["questions"], "questions") {
		q := d.question(l, n, i, top10)
		if q.ID != "" {
			if prev := seen[q.ID]; prev != nil {
				d.errorf(n, "question %q is declared twice (first at line %d)", q.ID, prev.Line)
			}
			seen[q.ID] = n
		}
		l.Questions = append(l.Questions, q)
	}
	if f["questions"] != nil && len(l.Questions) == 0 {
		d.errorf(f["questions"], "questions: a lens needs at least one question")
	}
	return l
}

func (d *decoder) question(l *awaf.Lens, n *yaml.Node, i int, top10 map[string]bool) awaf.Question {
	c := fmt.Sprintf("questions[%d]", i)
	f := d.fields(n, c, "id", "title", "description", "area", "pillars", "applies", "notApplicableReason", "changes", "replaces", "links", "choices", "risk", "metadata")
	d.need(n, f, c, "id", "title", "area", "pillars", "choices")
	q := awaf.Question{
		ID:                  d.str(f["id"], c+".id", true),
		Title:               d.str(f["title"], c+".title", true),
		Description:         d.str(f["description"], c+".description", false),
		Area:                awaf.AreaID(d.str(f["area"], c+".area", true)),
		Applies:             strings.TrimSpace(d.str(f["applies"], c+".applies", false)),
		NotApplicableReason: d.str(f["notApplicableReason"], c+".notApplicableReason", false),
		Changes:             d.str(f["changes"], c+".changes", false),
		Links:               d.links(f["links"], c+".links"),
		Metadata:            d.metadata(f["metadata"], c+".metadata"),
		Source:              d.at(n),
	}
	if q.ID != "" {
		c = "question " + q.ID
		if !idRe().MatchString(q.ID) {
			d.errorf(f["id"], "%s: id must match %s", c, idRe())
		}
	}
	if q.Area != "" {
		if _, ok := l.Area(q.Area); !ok {
			d.errorf(f["area"], "%s: area %q is not declared in areas", c, q.Area)
		}
	}
	pillars, pnodes := d.strs(f["pillars"], c+".pillars")
	for j, p := range pillars {
		if _, ok := l.Pillar(awaf.PillarID(p)); !ok && p != "" {
			d.errorf(pnodes[j], "%s: pillar %q is not declared in pillars", c, p)
		}
		q.Pillars = append(q.Pillars, awaf.PillarID(p))
	}
	if f["pillars"] != nil && len(q.Pillars) == 0 {
		d.errorf(f["pillars"], "%s: pillars must name at least one pillar", c)
	}
	replaces, rnodes := d.strs(f["replaces"], c+".replaces")
	for j, r := range replaces {
		if r != "" && !idRe().MatchString(r) {
			d.errorf(rnodes[j], "%s: replaces: %q is not a question id", c, r)
		}
	}
	q.Replaces = replaces
	ids := map[string]bool{}
	for j, cn := range d.seq(f["choices"], c+".choices") {
		ch := d.choice(l, &q, cn, j, c, top10)
		if ch.ID != "" {
			if ids[ch.ID] {
				d.errorf(cn, "%s: choice %q is declared twice", c, ch.ID)
			}
			ids[ch.ID] = true
		}
		q.Choices = append(q.Choices, ch)
	}
	nones := 0
	for j, ch := range q.Choices {
		if ch.None {
			nones++
			if j != len(q.Choices)-1 {
				d.errorf(f["choices"], "%s: the \"none of these\" choice %q must come last", c, ch.ID)
			}
		}
	}
	if f["choices"] != nil {
		if len(q.Choices)-nones < 1 {
			d.errorf(f["choices"], "%s: needs at least one practice besides \"none of these\"", c)
		}
		if nones != 1 {
			d.errorf(f["choices"], "%s: needs exactly one \"none of these\" choice (none: true), found %d", c, nones)
		}
	}
	d.notNeeded(&q, c)
	for j, rn := range d.seq(f["risk"], c+".risk") {
		rc := fmt.Sprintf("%s: risk rule %d", c, j+1)
		rf := d.fields(rn, rc, "when", "risk")
		d.need(rn, rf, rc, "when", "risk")
		r := awaf.RiskRule{Condition: strings.TrimSpace(d.str(rf["when"], rc+".when", true)), Risk: awaf.Risk(d.str(rf["risk"], rc+".risk", true)), Source: d.at(rf["when"])}
		switch r.Risk {
		case awaf.RiskHigh, awaf.RiskMedium, awaf.RiskNone, "":
		default:
			d.errorf(rf["risk"], "%s: risk %q is not one of high, medium, none", rc, r.Risk)
		}
		q.RiskRules = append(q.RiskRules, r)
	}
	return q
}

func (d *decoder) choice(l *awaf.Lens, q *awaf.Question, n *yaml.Node, j int, qc string, top10 map[string]bool) awaf.Choice {
	c := fmt.Sprintf("%s: choices[%d]", qc, j)
	f := d.fields(n, c, "id", "title", "description", "none", "notNeeded", "replaces", "weight", "effort", "pillars", "top10", "applies", "guidance", "links", "metadata")
	d.need(n, f, c, "id", "title")
	ch := awaf.Choice{
		ID:          d.str(f["id"], c+".id", true),
		Title:       d.str(f["title"], c+".title", true),
		Description: d.str(f["description"], c+".description", false),
		None:        d.boolean(f["none"], c+".none"),
		NotNeeded:   d.str(f["notNeeded"], c+".notNeeded", false),
		Applies:     strings.TrimSpace(d.str(f["applies"], c+".applies", false)),
		Metadata:    d.metadata(f["metadata"], c+".metadata"),
		Source:      d.at(n),
	}
	if ch.ID != "" {
		c = qc + ": choice " + ch.ID
		if !idRe().MatchString(ch.ID) {
			d.errorf(f["id"], "%s: id must match %s", c, idRe())
		}
		if ch.ID == "default" || ch.ID == "true" || ch.ID == "false" || ch.ID == "null" || ch.ID == "in" {
			d.errorf(f["id"], "%s: id %q is a reserved word in risk rules", c, ch.ID)
		}
	}
	refs, rnodes := d.strs(f["replaces"], c+".replaces")
	for k, r := range refs {
		qid, cid, two := strings.Cut(r, "/")
		if !two {
			qid, cid = "", qid
		}
		if (qid != "" && !idRe().MatchString(qid)) || !idRe().MatchString(cid) {
			d.errorf(rnodes[k], "%s: replaces: %q is not a choice id or question_id/choice_id", c, r)
		}
	}
	ch.Replaces = refs
	if ch.None {
		for _, k := range []string{"weight", "effort", "pillars", "top10", "guidance", "applies", "notNeeded"} {
			if f[k] != nil {
				d.errorf(f[k], "%s: a \"none of these\" choice takes no %s", c, k)
			}
		}
		return ch
	}
	if ch.NotNeeded != "" {
		// It stands in for its practice, which carries the weight, effort, pillars and
		// Top 10 items; what it needs is guidance saying when the practice
		// legitimately does not apply and how a reviewer checks the reason.
		for _, k := range []string{"weight", "effort", "pillars", "top10"} {
			if f[k] != nil {
				d.errorf(f[k], "%s: a \"not needed\" choice takes no %s (it stands in for %s, which has them)", c, k, ch.NotNeeded)
			}
		}
		d.need(n, f, c, "guidance", "links")
		ch.Guidance, ch.Links = d.guidance(f, c)
		return ch
	}
	d.need(n, f, c, "weight", "effort", "pillars", "guidance", "links")
	ch.Weight = d.integer(f["weight"], c+".weight")
	if f["weight"] != nil && (ch.Weight < 1 || ch.Weight > 100) {
		d.errorf(f["weight"], "%s: weight %d is outside 1..100", c, ch.Weight)
	}
	ch.Effort = awaf.Effort(d.str(f["effort"], c+".effort", true))
	switch ch.Effort {
	case awaf.EffortLow, awaf.EffortMedium, awaf.EffortHigh, "":
	default:
		d.errorf(f["effort"], "%s: effort %q is not one of low, medium, high", c, ch.Effort)
	}
	pillars, pnodes := d.strs(f["pillars"], c+".pillars")
	for k, p := range pillars {
		if p != "" && !slices.Contains(q.Pillars, awaf.PillarID(p)) {
			d.errorf(pnodes[k], "%s: pillar %q is not one of the question's pillars (%s)", c, p, joinIDs(q.Pillars))
		}
		ch.Pillars = append(ch.Pillars, awaf.PillarID(p))
	}
	if f["pillars"] != nil && len(ch.Pillars) == 0 {
		d.errorf(f["pillars"], "%s: pillars must name at least one pillar", c)
	}
	items, inodes := d.strs(f["top10"], c+".top10")
	for k, t := range items {
		if t != "" && !top10[t] {
			d.errorf(inodes[k], "%s: Top 10 item %q is not declared in top10", c, t)
		}
	}
	ch.Top10 = items
	ch.Guidance, ch.Links = d.guidance(f, c)
	return ch
}

// guidance reads a choice's guidance (what, why, verify) and links.
func (d *decoder) guidance(f map[string]*yaml.Node, c string) (awaf.Guidance, []awaf.Link) {
	gf := d.fields(f["guidance"], c+".guidance", "what", "why", "verify")
	if f["guidance"] != nil {
		d.need(f["guidance"], gf, c+".guidance", "what", "why", "verify")
	}
	g := awaf.Guidance{
		What:   d.str(gf["what"], c+".guidance.what", gf["what"] != nil),
		Why:    d.str(gf["why"], c+".guidance.why", gf["why"] != nil),
		Verify: d.str(gf["verify"], c+".guidance.verify", gf["verify"] != nil),
	}
	links := d.links(f["links"], c+".links")
	if f["links"] != nil && len(links) == 0 {
		d.errorf(f["links"], "%s: needs at least one link", c)
	}
	return g, links
}

// notNeeded checks each "not needed because" choice of q: it names another practice of
// the same question, which is neither "none of these" nor itself a not-needed choice.
func (d *decoder) notNeeded(q *awaf.Question, qc string) {
	for j := range q.Choices {
		ch := &q.Choices[j]
		if ch.NotNeeded == "" {
			continue
		}
		at := ch.Source
		c := qc + ": choice " + ch.ID
		target, ok := q.Choice(ch.NotNeeded)
		switch {
		case !ok:
			d.problems = append(d.problems, awaf.Problem{Location: at, Message: fmt.Sprintf("%s: notNeeded: %q is not a choice of this question", c, ch.NotNeeded)})
		case target.ID == ch.ID || target.None || target.NotNeeded != "":
			d.problems = append(d.problems, awaf.Problem{Location: at, Message: fmt.Sprintf("%s: notNeeded: %q must name a practice of this question, not itself, \"none of these\" or another not-needed choice", c, ch.NotNeeded)})
		}
	}
}

func kindName(n *yaml.Node) string { return yamlerr.KindName(n) }

func joinIDs[T ~string](ids []T) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return strings.Join(s, ", ")
}
