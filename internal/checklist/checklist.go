// Package checklist reads Azure review checklists (the JSON of Azure/review-checklists)
// and maps them onto awaf: a checklist becomes a lens, with one question per category
// and subcategory and one practice per item, and the statuses a team set on the items
// become an assessment.
package checklist

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/jsonpos"
)

// MaxSize bounds a checklist file; the largest published checklists are under 1 MB.
const MaxSize = 4 << 20

const maxDepth = 10 // items nest four levels; links and extra fields two more

// Statuses a checklist item can have.
const (
	NotVerified = "Not verified"
	Open        = "Open"
	Fulfilled   = "Fulfilled"
	NotRequired = "Not required"
	NA          = "N/A"
)

// Statuses lists the statuses in the order the checklists define them.
var Statuses = []string{NotVerified, Open, Fulfilled, NotRequired, NA}

// Shape is one of the two layouts Azure/review-checklists publishes.
type Shape string

// Shapes of a checklist file.
const (
	// ShapeChecklist: items carry a category, a subcategory and a severity (the
	// files under checklists/ and their schema).
	ShapeChecklist Shape = "checklist"
	// ShapeServiceGuide: items carry a pillar (waf) and a type, and no category or
	// severity (the Well-Architected service guides under checklists-ext/).
	ShapeServiceGuide Shape = "service guide"
)

// File is a review checklist.
type File struct {
	Shape      Shape
	Items      []Item
	Categories []string
	WAF        []string
	Status     []string
	Severities []string
	Metadata   Metadata
	// Warnings lists what the import bent or left out, one per place; Summary
	// folds them into one line per kind.
	Warnings []Warning
}

// Metadata describes the checklist.
type Metadata struct {
	Name      string
	State     string
	WAF       string
	Timestamp string
}

// Item is one recommendation of a checklist. Status and Comments are what a team
// recorded in the spreadsheet or the checklist web tool; they are not part of the
// published schema, which describes blank checklists. Category, Subcategory and
// Severity are empty when the file does not give them: unknown, never defaulted.
type Item struct {
	Category    string
	Subcategory string
	WAF         string
	Service     string
	Text        string
	Description string
	GUID        string
	ID          string
	Link        string
	Links       []Link // further documentation (learnMoreLink, documentation)
	Training    string
	Graph       string
	Severity    string
	Status      string
	Comments    string
	Line        int
}

// Link is a titled documentation link of an item.
type Link struct {
	Title string
	URL   string
}

// Warning is one departure from the checklist schema that the import got past.
type Warning struct {
	Kind string // what went wrong, the same for every warning of its sort
	// Detail tells warnings of one kind apart (the key, for unknown keys); Summary
	// lists the distinct ones.
	Detail string
	awaf.Problem
}

// Kinds of warnings.
const (
	WarnDuplicateGUID = "duplicate guid"
	WarnNoText        = "item without text"
	WarnNoGUID        = "item without guid"
	WarnNoCategory    = "item without category"
	WarnNoSubcategory = "item without subcategory"
	WarnNoSeverity    = "item without severity"
	WarnSeverity      = "unknown severity"
	WarnStatus        = "unknown status"
	WarnUnknownKey    = "key outside the schema"
	WarnType          = "value of the wrong type"
)

// Summary folds warnings into one line per kind: the first one, located, with how
// many more of its kind there are.
func Summary(ws []Warning) []string {
	var kinds []string
	first := map[string]Warning{}
	count := map[string]int{}
	details := map[string][]string{}
	perDetail := map[string]int{}
	for _, w := range ws {
		if _, ok := first[w.Kind]; !ok {
			kinds = append(kinds, w.Kind)
			first[w.Kind] = w
		}
		count[w.Kind]++
		if w.Detail != "" {
			k := w.Kind + "\x00" + w.Detail
			if perDetail[k] == 0 {
				details[w.Kind] = append(details[w.Kind], w.Detail)
			}
			perDetail[k]++
		}
	}
	out := make([]string, 0, len(kinds))
	for _, k := range kinds {
		line := first[k].Problem.String()
		if n := count[k]; n > 1 {
			line += fmt.Sprintf(" (%d times: %s", n, k)
			if ds := details[k]; len(ds) > 1 {
				parts := make([]string, 0, len(ds))
				for _, d := range ds {
					parts = append(parts, fmt.Sprintf("%s %d", d, perDetail[k+"\x00"+d]))
				}
				line += "; " + strings.Join(parts, ", ")
			}
			line += ")"
		}
		out = append(out, line)
	}
	return out
}

// The keys the schema allows on an item, and what they must hold.
var itemKeys = map[string]string{
	"category": "string", "subcategory": "string", "waf": "string", "service": "string",
	"text": "string", "description": "string", "guid": "string", "id": "string", "link": "string",
	"training": "string", "graph": "string", "graph_success": "string", "graph_failure": "string",
	"severity": "string", "cost": "integer", "ha": "integer", "scale": "integer", "security": "integer",
	"simple": "integer", "amm": "boolean", "topics": "strings",
	// Filled in by reviewers; see Item.
	"status": "string", "comments": "string",
	// The service guides' own key.
	"type": "string",
	// Keys some published files use in place of the schema's: read, not warned.
	"title": "string", "priority": "string", "longDescription": "string", "learnMoreLink": "links", "documentation": "links",
}

// Parse reads a checklist of either shape. It fails only on what leaves nothing to
// import (not JSON, no items, every item without text); the rest of the schema's
// rules become warnings on the file, and what a file does not say stays unknown:
//   - a guid used twice gets a stable suffix ("-2", "-3") on its later uses;
//   - an item without text is left out;
//   - an item without a guid gets one from its position ("item-12");
//   - keys outside the schema are ignored, values of the wrong type too.
func Parse(name string, data []byte) (*File, error) {
	if len(data) > MaxSize {
		return nil, awaf.Problems{{Location: awaf.Location{File: name}, Message: fmt.Sprintf("file is %d bytes, larger than the %d-byte limit", len(data), MaxSize)}}
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	ix, err := jsonpos.Scan(name, data, maxDepth)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, awaf.Problems{{Location: awaf.Location{File: name}, Message: "invalid JSON: " + err.Error()}}
	}
	r := &reader{ix: ix}
	f := r.file(root)
	if len(r.problems) > 0 {
		sort.SliceStable(r.problems, func(i, j int) bool { return r.problems[i].Line < r.problems[j].Line })
		return nil, r.problems
	}
	f.Warnings = r.warnings
	return f, nil
}

type reader struct {
	ix       *jsonpos.Index
	problems awaf.Problems
	warnings []Warning
}

func (r *reader) warn(kind, path, format string, args ...any) {
	r.warnings = append(r.warnings, Warning{Kind: kind, Problem: awaf.Problem{Location: r.ix.At(path), Message: fmt.Sprintf(format, args...)}})
}

func (r *reader) errorf(path, format string, args ...any) {
	r.problems = append(r.problems, awaf.Problem{Location: r.ix.At(path), Message: fmt.Sprintf(format, args...)})
}

// shapeOf tells the two layouts apart: service-guide items name a pillar and a type,
// and never a category or a severity.
func shapeOf(items []any) Shape {
	typed := 0
	for _, v := range items {
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		if _, ok := m["category"]; ok {
			return ShapeChecklist
		}
		if _, ok := m["severity"]; ok {
			return ShapeChecklist
		}
		if _, ok := m["type"]; ok {
			typed++
		}
	}
	if typed > 0 {
		return ShapeServiceGuide
	}
	return ShapeChecklist
}

func (r *reader) file(root any) *File {
	m, ok := root.(map[string]any)
	if !ok {
		r.errorf("", "expected a JSON object with items, found %s", jsonpos.Kind(root))
		return nil
	}
	f := &File{}
	items, ok := m["items"].([]any)
	if !ok {
		if _, has := m["items"]; has {
			r.errorf("items", "items: expected a list, found %s", jsonpos.Kind(m["items"]))
		} else {
			r.errorf("", "no \"items\": this is not a review checklist")
		}
		return nil
	}
	f.Shape = shapeOf(items)
	f.Categories = r.names(m, "categories")
	f.WAF = r.names(m, "waf")
	f.Status = r.names(m, "status")
	f.Severities = r.names(m, "severities")
	f.Metadata = r.metadata(m)
	statuses := Statuses
	if len(f.Status) > 0 {
		statuses = f.Status
	}
	guids := map[string]string{}
	for i, v := range items {
		p := jsonpos.Elem("items", i)
		im := r.item(v, p)
		if im == nil {
			continue
		}
		it := Item{
			Category: text(im, "category"), Subcategory: text(im, "subcategory"),
			WAF: text(im, "waf"), Service: text(im, "service"), Text: orText(text(im, "text"), text(im, "title")),
			Description: orText(str(im, "description"), str(im, "longDescription")), GUID: text(im, "guid"), ID: text(im, "id"),
			Link: text(im, "link"), Training: text(im, "training"), Graph: str(im, "graph"),
			Severity: orText(text(im, "severity"), text(im, "priority")), Status: text(im, "status"),
			Comments: str(im, "comments"), Line: r.ix.At(p).Line,
		}
		it.Links = append(links(im["learnMoreLink"], "name"), links(im["documentation"], "title")...)
		if it.Text == "" {
			r.warn(WarnNoText, p, "%s has no text; it is left out", p)
			continue
		}
		if f.Shape == ShapeChecklist {
			if it.Category == "" {
				r.warn(WarnNoCategory, p, "%s has no category; its category stays unknown", p)
			}
			if it.Subcategory == "" {
				r.warn(WarnNoSubcategory, p, "%s has no subcategory; its subcategory stays unknown", p)
			}
			if it.Severity == "" {
				r.warn(WarnNoSeverity, p, "%s has no severity; its severity stays unknown", p)
			}
		}
		if it.Severity != "" && severityWeight(it.Severity) == 0 {
			r.warn(WarnSeverity, jsonpos.Key(p, "severity"), "%s.severity %q is not one of High, Medium, Low; it stays unknown", p, it.Severity)
			it.Severity = ""
		}
		if it.Severity != "" {
			it.Severity = strings.ToUpper(it.Severity[:1]) + strings.ToLower(it.Severity[1:])
		}
		if it.Status != "" && !containsFold(statuses, it.Status) {
			r.warn(WarnStatus, jsonpos.Key(p, "status"), "%s.status %q is not one of %s; read as %s", p, it.Status, strings.Join(statuses, ", "), NotVerified)
			it.Status = ""
		}
		if it.GUID == "" {
			it.GUID = fmt.Sprintf("item-%d", i+1)
			r.warn(WarnNoGUID, p, "%s has no guid; it is called %s", p, it.GUID)
		}
		if first, dup := guids[strings.ToLower(it.GUID)]; dup {
			renamed := it.GUID
			for n := 2; guids[strings.ToLower(renamed)] != ""; n++ {
				renamed = fmt.Sprintf("%s-%d", it.GUID, n)
			}
			r.warn(WarnDuplicateGUID, jsonpos.Key(p, "guid"), "%s: guid %s is used twice (first by %s); this one is called %s", p, it.GUID, first, renamed)
			it.GUID = renamed
		}
		guids[strings.ToLower(it.GUID)] = p
		f.Items = append(f.Items, it)
	}
	if len(f.Items) == 0 {
		if len(items) == 0 {
			r.errorf("items", "items: the checklist has no items")
		} else {
			r.errorf("items", "items: none of the %d items has a text", len(items))
		}
	}
	return f
}

// item checks one item's keys and types; wrong ones are dropped with a warning.
func (r *reader) item(v any, path string) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		r.warn(WarnType, path, "%s: expected an object, found %s; it is left out", path, jsonpos.Kind(v))
		return nil
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		want, known := itemKeys[k]
		p := jsonpos.Key(path, k)
		if !known {
			r.warnings = append(r.warnings, Warning{Kind: WarnUnknownKey, Detail: k, Problem: awaf.Problem{Location: r.ix.At(p), Message: fmt.Sprintf("%s: key %q is not in the checklist schema; ignored", path, k)}})
			delete(m, k)
			continue
		}
		val := m[k]
		if val == nil {
			delete(m, k)
			continue
		}
		ok := false
		switch want {
		case "string":
			_, ok = val.(string)
		case "boolean":
			_, ok = val.(bool)
		case "integer":
			n, isNum := val.(json.Number)
			_, err := n.Int64()
			ok = isNum && err == nil
		case "strings":
			l, isList := val.([]any)
			ok = isList
			for _, e := range l {
				if _, isStr := e.(string); !isStr {
					ok = false
				}
			}
		case "links":
			_, ok = val.([]any)
		}
		if !ok {
			r.warn(WarnType, p, "%s: expected %s, found %s; ignored", p, article(want), jsonpos.Kind(val))
			delete(m, k)
		}
	}
	return m
}

// names reads a list of {name[, description]} objects such as "categories"; what
// does not fit is ignored with a warning.
func (r *reader) names(m map[string]any, key string) []string {
	v, ok := m[key]
	if !ok {
		return nil
	}
	l, ok := v.([]any)
	if !ok {
		r.warn(WarnType, key, "%s: expected a list, found %s; ignored", key, jsonpos.Kind(v))
		return nil
	}
	var out []string
	for i, e := range l {
		p := jsonpos.Elem(key, i)
		om, ok := e.(map[string]any)
		if !ok {
			r.warn(WarnType, p, "%s: expected an object with a name, found %s; ignored", p, jsonpos.Kind(e))
			continue
		}
		s := text(om, "name")
		if s == "" {
			r.warn(WarnType, p, "%s: no name; ignored", p)
			continue
		}
		out = append(out, s)
	}
	return out
}

// metaKeys are the keys the schema allows in "metadata".
var metaKeys = map[string]bool{"name": true, "timestamp": true, "state": true, "waf": true}

func (r *reader) metadata(m map[string]any) Metadata {
	v, ok := m["metadata"]
	if !ok {
		return Metadata{}
	}
	mm, ok := v.(map[string]any)
	if !ok {
		r.warn(WarnType, "metadata", "metadata: expected an object, found %s; ignored", jsonpos.Kind(v))
		return Metadata{}
	}
	keys := make([]string, 0, len(mm))
	for k := range mm {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !metaKeys[k] {
			p := jsonpos.Key("metadata", k)
			r.warnings = append(r.warnings, Warning{Kind: WarnUnknownKey, Detail: "metadata." + k, Problem: awaf.Problem{Location: r.ix.At(p), Message: fmt.Sprintf("metadata: key %q is not in the checklist schema; ignored", k)}})
		}
	}
	return Metadata{Name: text(mm, "name"), State: str(mm, "state"), WAF: str(mm, "waf"), Timestamp: str(mm, "timestamp")}
}

// links reads [{<titleKey>, url}] lists; entries without an https URL are skipped.
func links(v any, titleKey string) []Link {
	l, _ := v.([]any)
	var out []Link
	for _, e := range l {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		if u := text(m, "url"); strings.HasPrefix(u, "https://") {
			out = append(out, Link{Title: orText(text(m, titleKey), "Learn more"), URL: u})
		}
	}
	return out
}

func text(m map[string]any, k string) string { return strings.TrimSpace(str(m, k)) }

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func article(t string) string {
	switch t {
	case "integer":
		return "a whole number"
	case "boolean":
		return "true or false"
	case "strings":
		return "a list of strings"
	case "links":
		return "a list of links"
	}
	return "a string"
}

func containsFold(xs []string, x string) bool {
	for _, s := range xs {
		if strings.EqualFold(s, x) {
			return true
		}
	}
	return false
}

// severityWeight is the weight of an item's practice: a High item counts five times a
// Low one.
func severityWeight(s string) int {
	switch strings.ToLower(s) {
	case "high":
		return 50
	case "medium":
		return 25
	case "low":
		return 10
	}
	return 0
}
