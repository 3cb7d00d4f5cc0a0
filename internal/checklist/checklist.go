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

const maxDepth = 8 // items nest four levels

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

// File is a review checklist.
type File struct {
	Items      []Item
	Categories []string
	WAF        []string
	Status     []string
	Severities []string
	Metadata   Metadata
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
// published schema, which describes blank checklists.
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
	Training    string
	Graph       string
	Severity    string
	Status      string
	Comments    string
	Line        int
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
}

var itemRequired = []string{"category", "subcategory", "text", "guid", "severity"}

// Parse reads a checklist, checking it against the rules of the checklist schema
// (types, required keys, no unknown item keys) and a few of its own (severities and
// statuses from the known sets, unique guids). It reports every problem with line and
// column as awaf.Problems.
func Parse(name string, data []byte) (*File, error) {
	f, _, err := parse(name, data, false)
	return f, err
}

// ParseLenient reads a checklist that bends the schema, as some published ones do
// (service-guide checklists have no category, subcategory or severity, and a "type"
// key). It fills what is missing (category from the service, subcategory from the
// pillar, severity Medium) and returns what it bent as warnings; wrong types, empty
// texts and duplicate guids are still errors.
func ParseLenient(name string, data []byte) (*File, awaf.Problems, error) {
	return parse(name, data, true)
}

func parse(name string, data []byte, lenient bool) (*File, awaf.Problems, error) {
	if len(data) > MaxSize {
		return nil, nil, awaf.Problems{{Location: awaf.Location{File: name}, Message: fmt.Sprintf("file is %d bytes, larger than the %d-byte limit", len(data), MaxSize)}}
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	ix, err := jsonpos.Scan(name, data, maxDepth)
	if err != nil {
		return nil, nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, nil, awaf.Problems{{Location: awaf.Location{File: name}, Message: "invalid JSON: " + err.Error()}}
	}
	r := &reader{ix: ix, lenient: lenient}
	f := r.file(root)
	if len(r.problems) > 0 {
		sort.SliceStable(r.problems, func(i, j int) bool { return r.problems[i].Line < r.problems[j].Line })
		return nil, nil, r.problems
	}
	return f, r.warnings, nil
}

type reader struct {
	ix       *jsonpos.Index
	problems awaf.Problems
	lenient  bool
	warnings awaf.Problems
}

// bend records a departure from the schema: an error, or in lenient mode a warning.
func (r *reader) bend(path, format string, args ...any) {
	p := awaf.Problem{Location: r.ix.At(path), Message: fmt.Sprintf(format, args...)}
	if r.lenient {
		r.warnings = append(r.warnings, p)
		return
	}
	r.problems = append(r.problems, p)
}

func (r *reader) errorf(path, format string, args ...any) {
	r.problems = append(r.problems, awaf.Problem{Location: r.ix.At(path), Message: fmt.Sprintf(format, args...)})
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
	}
	f.Categories = r.names(m, "categories", false)
	f.WAF = r.names(m, "waf", false)
	f.Status = r.names(m, "status", true)
	f.Severities = r.names(m, "severities", false)
	r.names(m, "yesno", false)
	if mv, ok := m["metadata"]; ok {
		mm := r.object(mv, "metadata", map[string]string{"name": "string", "timestamp": "string", "state": "string", "waf": "string"}, []string{"name"})
		f.Metadata = Metadata{Name: str(mm, "name"), State: str(mm, "state"), WAF: str(mm, "waf"), Timestamp: str(mm, "timestamp")}
	}
	statuses := Statuses
	if len(f.Status) > 0 {
		statuses = f.Status
	}
	guids := map[string]string{}
	for i, v := range items {
		p := jsonpos.Elem("items", i)
		im := r.object(v, p, itemKeys, itemRequired)
		if im == nil {
			continue
		}
		if r.lenient {
			fill(im, "category", orText(str(im, "service"), "General"))
			fill(im, "subcategory", orText(str(im, "waf"), "General"))
			fill(im, "severity", "Medium")
		}
		it := Item{
			Category: strings.TrimSpace(str(im, "category")), Subcategory: strings.TrimSpace(str(im, "subcategory")),
			WAF: strings.TrimSpace(str(im, "waf")), Service: str(im, "service"), Text: strings.TrimSpace(str(im, "text")),
			Description: str(im, "description"), GUID: strings.TrimSpace(str(im, "guid")), ID: strings.TrimSpace(str(im, "id")),
			Link: strings.TrimSpace(str(im, "link")), Training: strings.TrimSpace(str(im, "training")), Graph: str(im, "graph"),
			Severity: strings.TrimSpace(str(im, "severity")), Status: strings.TrimSpace(str(im, "status")),
			Comments: str(im, "comments"), Line: r.ix.At(p).Line,
		}
		for _, k := range []string{"category", "subcategory", "text", "guid"} {
			if s, ok := im[k].(string); ok && strings.TrimSpace(s) == "" {
				r.errorf(jsonpos.Key(p, k), "%s.%s must not be empty", p, k)
			}
		}
		if _, ok := im["severity"]; ok && severityWeight(it.Severity) == 0 {
			r.errorf(jsonpos.Key(p, "severity"), "%s.severity %q is not one of High, Medium, Low", p, it.Severity)
		}
		if it.Status != "" && !containsFold(statuses, it.Status) {
			r.errorf(jsonpos.Key(p, "status"), "%s.status %q is not one of %s", p, it.Status, strings.Join(statuses, ", "))
		}
		if it.GUID != "" {
			if first, dup := guids[strings.ToLower(it.GUID)]; dup {
				r.errorf(jsonpos.Key(p, "guid"), "%s: guid %s is used twice (first by %s)", p, it.GUID, first)
			}
			guids[strings.ToLower(it.GUID)] = p
		}
		f.Items = append(f.Items, it)
	}
	if items != nil && len(items) == 0 {
		r.errorf("items", "items: the checklist has no items")
	}
	return f
}

// object checks v against a closed set of keys with their types.
func (r *reader) object(v any, path string, keys map[string]string, required []string) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		r.errorf(path, "%s: expected an object, found %s", path, jsonpos.Kind(v))
		return nil
	}
	for _, k := range required {
		if _, ok := m[k]; !ok {
			if k == "category" || k == "subcategory" || k == "severity" {
				r.bend(path, "%s: %q is required", path, k)
				continue
			}
			r.errorf(path, "%s: %q is required", path, k)
		}
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		want, known := keys[k]
		p := jsonpos.Key(path, k)
		if !known {
			r.bend(p, "%s: unknown key %q", path, k)
			continue
		}
		val := m[k]
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
			for i, e := range l {
				if _, s := e.(string); !s {
					r.errorf(jsonpos.Elem(p, i), "%s[%d]: expected a string, found %s", p, i, jsonpos.Kind(e))
				}
			}
		}
		if !ok {
			r.errorf(p, "%s: expected %s, found %s", p, article(want), jsonpos.Kind(val))
		}
	}
	return m
}

// names reads a list of {name[, description]} objects such as "categories".
func (r *reader) names(m map[string]any, key string, withDescription bool) []string {
	v, ok := m[key]
	if !ok {
		return nil
	}
	l, ok := v.([]any)
	if !ok {
		r.errorf(key, "%s: expected a list, found %s", key, jsonpos.Kind(v))
		return nil
	}
	keys := map[string]string{"name": "string"}
	if withDescription {
		keys["description"] = "string"
	}
	var out []string
	for i, e := range l {
		if om := r.object(e, jsonpos.Elem(key, i), keys, []string{"name"}); om != nil {
			out = append(out, str(om, "name"))
		}
	}
	return out
}

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

// fill sets a missing key of a lenient item to a default.
func fill(m map[string]any, key, value string) {
	if _, ok := m[key]; !ok {
		m[key] = value
	}
}
