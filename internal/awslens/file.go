// Package awslens converts between AWS Well-Architected custom lens JSON and awaf
// lenses. Import maps an AWS file onto the lens format and keeps every fact the format
// has no field for in metadata (keys prefixed "aws."), so Export can write the AWS file
// back with the same ids, titles, conditions and URLs. Export also checks a lens
// against AWS's limits and names every item that exceeds one.
package awslens

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/jsonpos"
)

// Limits of the AWS custom lens format (lens format specification; the community
// schema agrees).
const (
	MaxFileSize         = 500_000 // bytes of lens JSON AWS accepts
	MaxPillars          = 10
	MaxQuestions        = 20 // per pillar
	MaxChoices          = 15 // per question
	MaxTitle            = 128
	MaxDescription      = 2048
	MaxAdditionalURLs   = 5
	SchemaVersion       = "2021-11-01"
	maxImportSize       = 1 << 20 // twice what AWS allows, for hand-made files; the YAML stays under lens.MaxSize
	maxDepth            = 16      // the format nests six levels
	idPatternText       = "^[a-zA-Z0-9_]{3,128}$"
	riskHigh, riskMed   = "HIGH_RISK", "MEDIUM_RISK"
	riskNone, condDeflt = "NO_RISK", "default"
)

// File is an AWS custom lens as the JSON holds it. Extra keeps keys the format does not
// define (e.g. "_version"), as raw JSON, so they survive a round trip.
type File struct {
	SchemaVersion string
	Name          string
	Description   string
	Pillars       []Pillar
	Extra         map[string]json.RawMessage
}

// Pillar is a top-level section of an AWS lens.
type Pillar struct {
	ID        string
	Name      string
	Questions []Question
	Extra     map[string]json.RawMessage
	path      string
}

// Question is an AWS lens question.
type Question struct {
	ID              string
	Title           string
	Description     string
	HelpfulResource *Resource
	Choices         []Choice
	RiskRules       []RiskRule
	Extra           map[string]json.RawMessage
	path            string
}

// Choice is an AWS lens choice; a "None of these" choice has an id ending in "_no".
type Choice struct {
	ID                  string
	Title               string
	Description         string
	HelpfulResource     *Resource
	ImprovementPlan     *Resource
	AdditionalResources json.RawMessage // kept as written; awaf only reads its links
	Extra               map[string]json.RawMessage
	path                string
}

// Resource is a helpful resource or an improvement plan: a text and an optional URL.
type Resource struct {
	DisplayText string `json:"displayText,omitempty"`
	URL         string `json:"url,omitempty"`
}

// RiskRule maps a condition over choice ids to a risk, first match wins.
type RiskRule struct {
	Condition string `json:"condition"`
	Risk      string `json:"risk"`
	path      string
}

// Parse reads an AWS custom lens JSON file. It reports every problem with the line and
// column in the file as awaf.Problems.
func Parse(name string, data []byte) (*File, error) {
	if len(data) > maxImportSize {
		return nil, awaf.Problems{{Location: awaf.Location{File: name}, Message: fmt.Sprintf("file is %d bytes, larger than the %d-byte limit", len(data), maxImportSize)}}
	}
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
	return f, nil
}

type reader struct {
	ix       *jsonpos.Index
	problems awaf.Problems
}

func (r *reader) errorf(path, format string, args ...any) {
	r.problems = append(r.problems, awaf.Problem{Location: r.ix.At(path), Message: fmt.Sprintf(format, args...)})
}

// object returns v as an object, reports missing required keys at the object, and
// collects the keys it does not know as extras.
func (r *reader) object(v any, path string, known, required []string) (map[string]any, map[string]json.RawMessage) {
	m, ok := v.(map[string]any)
	if !ok {
		r.errorf(path, "%s: expected an object, found %s", where(path), jsonpos.Kind(v))
		return nil, nil
	}
	for _, k := range required {
		if _, ok := m[k]; !ok {
			r.errorf(path, "%s: %q is required", where(path), k)
		}
	}
	var extra map[string]json.RawMessage
	for k, val := range m {
		if contains(known, k) {
			continue
		}
		raw, err := json.Marshal(val)
		if err != nil {
			r.errorf(jsonpos.Key(path, k), "%s: %v", jsonpos.Key(path, k), err)
			continue
		}
		if extra == nil {
			extra = map[string]json.RawMessage{}
		}
		extra[k] = raw
	}
	return m, extra
}

func (r *reader) str(m map[string]any, path, key string) string {
	v, ok := m[key]
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		r.errorf(jsonpos.Key(path, key), "%s: expected a string, found %s", jsonpos.Key(path, key), jsonpos.Kind(v))
	}
	return s
}

func (r *reader) list(m map[string]any, path, key string) []any {
	v, ok := m[key]
	if !ok || v == nil {
		return nil
	}
	l, ok := v.([]any)
	if !ok {
		r.errorf(jsonpos.Key(path, key), "%s: expected a list, found %s", jsonpos.Key(path, key), jsonpos.Kind(v))
	}
	return l
}

func (r *reader) resource(m map[string]any, path, key string) *Resource {
	v, ok := m[key]
	if !ok || v == nil {
		return nil
	}
	p := jsonpos.Key(path, key)
	rm, _ := r.object(v, p, []string{"displayText", "url"}, nil)
	if rm == nil {
		return nil
	}
	return &Resource{DisplayText: r.str(rm, p, "displayText"), URL: r.str(rm, p, "url")}
}

func (r *reader) file(root any) *File {
	m, extra := r.object(root, "", []string{"schemaVersion", "name", "description", "pillars"}, []string{"schemaVersion", "name", "pillars"})
	if m == nil {
		return nil
	}
	f := &File{SchemaVersion: r.str(m, "", "schemaVersion"), Name: r.str(m, "", "name"), Description: r.str(m, "", "description"), Extra: extra}
	pillars := r.list(m, "", "pillars")
	if _, ok := m["pillars"]; ok && len(pillars) == 0 {
		r.errorf("pillars", "pillars: a lens needs at least one pillar")
	}
	for i, pv := range pillars {
		pp := jsonpos.Elem("pillars", i)
		pm, pextra := r.object(pv, pp, []string{"id", "name", "questions"}, []string{"id", "name", "questions"})
		if pm == nil {
			continue
		}
		p := Pillar{ID: r.str(pm, pp, "id"), Name: r.str(pm, pp, "name"), Extra: pextra, path: pp}
		for j, qv := range r.list(pm, pp, "questions") {
			qp := jsonpos.Elem(jsonpos.Key(pp, "questions"), j)
			if q, ok := r.question(qv, qp); ok {
				p.Questions = append(p.Questions, q)
			}
		}
		f.Pillars = append(f.Pillars, p)
	}
	return f
}

func (r *reader) question(v any, path string) (Question, bool) {
	m, extra := r.object(v, path, []string{"id", "title", "description", "helpfulResource", "choices", "riskRules"}, []string{"id", "title", "choices"})
	if m == nil {
		return Question{}, false
	}
	q := Question{ID: r.str(m, path, "id"), Title: r.str(m, path, "title"), Description: r.str(m, path, "description"),
		HelpfulResource: r.resource(m, path, "helpfulResource"), Extra: extra, path: path}
	for i, cv := range r.list(m, path, "choices") {
		cp := jsonpos.Elem(jsonpos.Key(path, "choices"), i)
		cm, cextra := r.object(cv, cp, []string{"id", "title", "description", "helpfulResource", "improvementPlan", "additionalResources"}, []string{"id", "title"})
		if cm == nil {
			continue
		}
		c := Choice{ID: r.str(cm, cp, "id"), Title: r.str(cm, cp, "title"), Description: r.str(cm, cp, "description"),
			HelpfulResource: r.resource(cm, cp, "helpfulResource"), ImprovementPlan: r.resource(cm, cp, "improvementPlan"), Extra: cextra, path: cp}
		if ar, ok := cm["additionalResources"]; ok && ar != nil {
			r.additional(ar, jsonpos.Key(cp, "additionalResources"))
			c.AdditionalResources, _ = json.Marshal(ar)
		}
		q.Choices = append(q.Choices, c)
	}
	for i, rv := range r.list(m, path, "riskRules") {
		rp := jsonpos.Elem(jsonpos.Key(path, "riskRules"), i)
		rm, _ := r.object(rv, rp, []string{"condition", "risk"}, []string{"condition", "risk"})
		if rm == nil {
			continue
		}
		q.RiskRules = append(q.RiskRules, RiskRule{Condition: r.str(rm, rp, "condition"), Risk: r.str(rm, rp, "risk"), path: rp})
	}
	return q, true
}

// additional checks the shape of additionalResources: a list of {type, content[]}.
func (r *reader) additional(v any, path string) {
	l, ok := v.([]any)
	if !ok {
		r.errorf(path, "%s: expected a list, found %s", path, jsonpos.Kind(v))
		return
	}
	for i, item := range l {
		p := jsonpos.Elem(path, i)
		m, _ := r.object(item, p, []string{"type", "content"}, []string{"type", "content"})
		if m == nil {
			continue
		}
		switch t := r.str(m, p, "type"); t {
		case "HELPFUL_RESOURCE", "IMPROVEMENT_PLAN", "":
		default:
			r.errorf(jsonpos.Key(p, "type"), "%s.type: %q is not HELPFUL_RESOURCE or IMPROVEMENT_PLAN", p, t)
		}
		for j, cv := range r.list(m, p, "content") {
			cp := jsonpos.Elem(jsonpos.Key(p, "content"), j)
			if cm, _ := r.object(cv, cp, []string{"displayText", "url"}, nil); cm != nil {
				r.str(cm, cp, "displayText")
				r.str(cm, cp, "url")
			}
		}
	}
}

// Marshal writes f as indented JSON in the field order of AWS's template, extras last.
func Marshal(f *File) ([]byte, error) {
	o := &object{}
	o.add("schemaVersion", f.SchemaVersion)
	o.add("name", f.Name)
	o.addOmit("description", f.Description)
	var pillars []json.RawMessage
	for _, p := range f.Pillars {
		po := &object{}
		po.add("id", p.ID)
		po.add("name", p.Name)
		var qs []json.RawMessage
		for _, q := range p.Questions {
			qo := &object{}
			qo.add("id", q.ID)
			qo.add("title", q.Title)
			qo.addOmit("description", q.Description)
			if q.HelpfulResource != nil {
				qo.add("helpfulResource", q.HelpfulResource)
			}
			var cs []json.RawMessage
			for _, c := range q.Choices {
				co := &object{}
				co.add("id", c.ID)
				co.add("title", c.Title)
				co.addOmit("description", c.Description)
				if c.HelpfulResource != nil {
					co.add("helpfulResource", c.HelpfulResource)
				}
				if c.ImprovementPlan != nil {
					co.add("improvementPlan", c.ImprovementPlan)
				}
				if len(c.AdditionalResources) > 0 {
					co.add("additionalResources", c.AdditionalResources)
				}
				co.extras(c.Extra)
				cs = append(cs, co.raw())
			}
			qo.add("choices", cs)
			if q.RiskRules != nil {
				qo.add("riskRules", q.RiskRules)
			}
			qo.extras(q.Extra)
			qs = append(qs, qo.raw())
		}
		po.add("questions", qs)
		po.extras(p.Extra)
		pillars = append(pillars, po.raw())
	}
	o.add("pillars", pillars)
	o.extras(f.Extra)
	if o.err != nil {
		return nil, fmt.Errorf("encode aws lens: %w", o.err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, o.raw(), "", "    "); err != nil {
		return nil, fmt.Errorf("encode aws lens: %w", err)
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// object builds a JSON object with keys in insertion order.
type object struct {
	buf bytes.Buffer
	err error
}

func (o *object) add(key string, v any) {
	b, err := marshalNoEscape(v)
	if err != nil {
		o.err = err
		return
	}
	o.addRaw(key, b)
}

func (o *object) addOmit(key, v string) {
	if v != "" {
		o.add(key, v)
	}
}

func (o *object) addRaw(key string, raw []byte) {
	if o.buf.Len() == 0 {
		o.buf.WriteByte('{')
	} else {
		o.buf.WriteByte(',')
	}
	k, _ := marshalNoEscape(key)
	o.buf.Write(k)
	o.buf.WriteByte(':')
	o.buf.Write(raw)
}

func (o *object) extras(m map[string]json.RawMessage) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		o.addRaw(k, m[k])
	}
}

func (o *object) raw() json.RawMessage {
	if o.buf.Len() == 0 {
		return json.RawMessage("{}")
	}
	return append(append([]byte(nil), o.buf.Bytes()...), '}')
}

// marshalNoEscape encodes v without escaping <, > and &, which lens text often has.
func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

func where(path string) string {
	if path == "" {
		return "lens"
	}
	return path
}

// isNone reports whether an AWS choice id marks "None of these".
func isNone(id string) bool { return strings.HasSuffix(id, "_no") }
