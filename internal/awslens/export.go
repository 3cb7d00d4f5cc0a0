package awslens

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/awaf/awaf"
)

// Export writes an awaf lens as an AWS custom lens. A lens imported from AWS comes back
// with its original ids, pillars, texts and URLs (from metadata); any other lens maps
// its design areas onto AWS pillars, its first link onto the improvement plan and
// helpful resource URLs, and its "none of these" choice onto a "<question>_no" choice.
// Every item that breaks an AWS limit is reported as an awaf.Problem naming the item
// and the limit; nothing is returned then.
func Export(l *awaf.Lens) (*File, error) {
	ex := &exporter{lens: l, srcs: map[string]awaf.Location{}}
	f := ex.file()
	ex.recordAwaf(f)
	if len(ex.problems) == 0 {
		ex.limits(f)
	}
	if len(ex.problems) > 0 {
		return nil, ex.problems
	}
	return f, nil
}

// ExportJSON exports l and marshals it, checking the file size limit too.
func ExportJSON(l *awaf.Lens) ([]byte, error) {
	f, err := Export(l)
	if err != nil {
		return nil, err
	}
	b, err := Marshal(f)
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize {
		return nil, awaf.Problems{{Location: l.Source, Message: fmt.Sprintf("lens %s: the AWS file would be %d bytes, more than AWS's limit of %d", l.ID, len(b), MaxFileSize)}}
	}
	return b, nil
}

type exporter struct {
	lens     *awaf.Lens
	srcs     map[string]awaf.Location // AWS question id (and "qid/cid") -> where the awaf item is
	problems awaf.Problems
}

func (ex *exporter) errorf(at awaf.Location, format string, args ...any) {
	ex.problems = append(ex.problems, awaf.Problem{Location: at, Message: fmt.Sprintf(format, args...)})
}

func (ex *exporter) file() *File {
	l := ex.lens
	f := &File{SchemaVersion: SchemaVersion, Name: l.Name, Description: l.Description}
	if v := l.Metadata[MetaSchemaVersion]; v != "" {
		f.SchemaVersion = v
	}
	f.Extra = extras(l.Metadata, metaExtra)
	index := map[string]int{}
	for _, q := range l.Questions {
		pid, pname := ex.pillarOf(&q)
		i, ok := index[pid]
		if !ok {
			i = len(f.Pillars)
			index[pid] = i
			f.Pillars = append(f.Pillars, Pillar{ID: pid, Name: pname})
		}
		p := &f.Pillars[i]
		if x := extras(q.Metadata, metaPillarExtra); x != nil {
			p.Extra = x
		}
		p.Questions = append(p.Questions, ex.question(&q))
	}
	return f
}

// pillarOf returns the AWS pillar of a question: the one it was imported from, or its
// design area.
func (ex *exporter) pillarOf(q *awaf.Question) (id, name string) {
	if id := q.Metadata[MetaPillarID]; id != "" {
		return id, q.Metadata[MetaPillarName]
	}
	// A question added to an imported lens joins the AWS pillar of its area.
	for _, other := range ex.lens.Questions {
		if other.Area == q.Area && other.Metadata[MetaPillarID] != "" {
			return other.Metadata[MetaPillarID], other.Metadata[MetaPillarName]
		}
	}
	name = string(q.Area)
	if a, ok := ex.lens.Area(q.Area); ok && a.Name != "" {
		name = a.Name
	}
	return camel(string(q.Area)), name
}

// camel turns an area id such as "application-design" into "applicationDesign", the
// style of AWS's own pillar ids.
func camel(s string) string {
	var b strings.Builder
	up := false
	for _, r := range s {
		if r == '-' || r == '_' {
			up = true
			continue
		}
		if up && b.Len() > 0 {
			r = []rune(strings.ToUpper(string(r)))[0]
		}
		up = false
		b.WriteRune(r)
	}
	return b.String()
}

func (ex *exporter) question(q *awaf.Question) Question {
	imported := q.Metadata[MetaID] != ""
	out := Question{ID: orText(q.Metadata[MetaID], q.ID), Title: q.Title, Description: q.Description, Extra: extras(q.Metadata, metaExtra)}
	ex.srcs[out.ID] = q.Source
	switch {
	case imported:
		text, hasText := q.Metadata[MetaHelpfulText]
		url, hasURL := q.Metadata[MetaHelpfulURL]
		if hasText || hasURL {
			out.HelpfulResource = &Resource{DisplayText: text, URL: url}
		}
	case len(q.Links) > 0:
		out.HelpfulResource = &Resource{DisplayText: orText(q.Links[0].Title, q.Title), URL: q.Links[0].URL}
	}
	toAWS := map[string]string{}
	var none *Choice
	nonePos := -1
	for _, c := range q.Choices {
		if c.Metadata[MetaSynthesized] == "true" {
			toAWS[c.ID] = "" // awaf's own "none"; a condition naming it cannot be exported
			continue
		}
		ac := ex.choice(q, &c, out.ID)
		toAWS[c.ID] = ac.ID
		ex.srcs[out.ID+"/"+ac.ID] = c.Source
		if c.None {
			none = &ac
			if p, err := strconv.Atoi(c.Metadata[MetaPosition]); err == nil {
				nonePos = p
			}
			continue
		}
		out.Choices = append(out.Choices, ac)
	}
	if none != nil {
		if nonePos >= 0 && nonePos < len(out.Choices) {
			out.Choices = append(out.Choices[:nonePos], append([]Choice{*none}, out.Choices[nonePos:]...)...)
		} else {
			out.Choices = append(out.Choices, *none)
		}
	}
	rename := func(id string) (string, bool) {
		to, ok := toAWS[id]
		return to, ok && to != ""
	}
	for i, r := range q.RiskRules {
		cond, err := renameIDs(r.Condition, rename)
		if err != nil {
			ex.errorf(r.Source, "question %s: risk rule %d: %v", q.ID, i+1, err)
			continue
		}
		out.RiskRules = append(out.RiskRules, RiskRule{Condition: cond, Risk: awsRisk(r.Risk)})
	}
	if len(q.RiskRules) == 0 && len(out.Choices) > 0 {
		out.RiskRules = scoreRules(out.Choices)
	}
	return out
}

// scoreRules approximates awaf's score-based risk for a question without rules: every
// practice in place is no risk, "none of these" is high, anything between is medium.
func scoreRules(cs []Choice) []RiskRule {
	var all []string
	noneID := ""
	for _, c := range cs {
		if isNone(c.ID) {
			noneID = c.ID
			continue
		}
		all = append(all, c.ID)
	}
	var rules []RiskRule
	if len(all) > 0 {
		rules = append(rules, RiskRule{Condition: strings.Join(all, " && "), Risk: riskNone})
	}
	if noneID != "" {
		rules = append(rules, RiskRule{Condition: noneID, Risk: riskHigh})
	}
	return append(rules, RiskRule{Condition: condDeflt, Risk: riskMed})
}

func awsRisk(r awaf.Risk) string {
	switch r {
	case awaf.RiskHigh:
		return riskHigh
	case awaf.RiskNone:
		return riskNone
	}
	return riskMed
}

func (ex *exporter) choice(q *awaf.Question, c *awaf.Choice, qid string) Choice {
	m := c.Metadata
	out := Choice{ID: m[MetaID], Title: c.Title, Description: c.Description, Extra: extras(m, metaExtra)}
	if a := m[MetaAdditional]; a != "" {
		out.AdditionalResources = json.RawMessage(a)
	}
	if out.ID == "" {
		out.ID = c.ID
		if c.None && !isNone(c.ID) {
			out.ID = qid + "_no"
		}
	}
	if c.None {
		if m[MetaID] == "" {
			out.HelpfulResource = &Resource{DisplayText: orText(c.Description, "Choose this if none of the practices above is in place.")}
			return out
		}
		for _, key := range []string{"aws.helpfulResource", "aws.improvementPlan"} {
			text, hasText := m[key+".displayText"]
			url := m[key+".url"]
			if !hasText && url == "" {
				continue
			}
			r := &Resource{DisplayText: text, URL: url}
			if key == "aws.helpfulResource" {
				out.HelpfulResource = r
			} else {
				out.ImprovementPlan = r
			}
		}
		return out
	}
	ipURL, hrURL := ex.urls(c)
	if m[MetaImprovement] != absent {
		text, ok := m[MetaImprovementText]
		if !ok {
			text = c.Guidance.What
		}
		out.ImprovementPlan = &Resource{DisplayText: text, URL: orText(m[MetaImprovementURL], ipURL)}
	}
	if m[MetaHelpful] != absent {
		text, ok := m[MetaHelpfulText]
		if !ok {
			text = c.Guidance.Why
			if m[MetaID] == "" && c.Description != "" {
				text = c.Description
			}
		}
		out.HelpfulResource = &Resource{DisplayText: text, URL: orText(m[MetaHelpfulURL], hrURL)}
	}
	return out
}

// urls finds the improvement plan and helpful resource URLs among a choice's links:
// by the roles Import recorded, or else the first link for both.
func (ex *exporter) urls(c *awaf.Choice) (ip, hr string) {
	roles := strings.Split(c.Metadata[MetaLinks], ",")
	if c.Metadata[MetaLinks] != "" && len(roles) == len(c.Links) {
		for i, r := range roles {
			switch r {
			case roleBoth:
				ip, hr = c.Links[i].URL, c.Links[i].URL
			case roleImprovement:
				ip = c.Links[i].URL
			case roleHelpful:
				hr = c.Links[i].URL
			}
		}
		return ip, hr
	}
	if len(c.Links) > 0 {
		return c.Links[0].URL, c.Links[0].URL
	}
	return "", ""
}

func extras(m map[string]string, prefix string) map[string]json.RawMessage {
	var out map[string]json.RawMessage
	for k, v := range m {
		if !strings.HasPrefix(k, prefix) || !json.Valid([]byte(v)) {
			continue
		}
		if out == nil {
			out = map[string]json.RawMessage{}
		}
		out[strings.TrimPrefix(k, prefix)] = json.RawMessage(v)
	}
	return out
}

// limits checks f against AWS's limits, naming each item and the limit it breaks.
func (ex *exporter) limits(f *File) {
	lensAt := ex.lens.Source
	at := lensAt
	text := func(item, field, s string, max int, required bool) {
		n := utf8.RuneCountInString(s)
		switch {
		case required && strings.TrimSpace(s) == "":
			ex.errorf(at, "%s: %s is empty; AWS requires one", item, field)
		case n > max:
			ex.errorf(at, "%s: %s is %d characters, more than AWS's limit of %d", item, field, n, max)
		}
	}
	id := func(item, s string) {
		if !awsIDRe().MatchString(s) {
			ex.errorf(at, "%s: id %q does not match AWS's pattern %s", item, s, idPatternText)
		}
	}
	text("lens "+ex.lens.ID, "name", f.Name, MaxTitle, true)
	text("lens "+ex.lens.ID, "description", f.Description, MaxDescription, false)
	switch n := len(f.Pillars); {
	case n == 0:
		ex.errorf(at, "lens %s: no pillars; AWS needs 1 to %d", ex.lens.ID, MaxPillars)
	case n > MaxPillars:
		ex.errorf(at, "lens %s: %d pillars (design areas), more than AWS's limit of %d", ex.lens.ID, n, MaxPillars)
	}
	pids, qids := map[string]bool{}, map[string]bool{}
	for _, p := range f.Pillars {
		at = lensAt
		item := fmt.Sprintf("pillar %s", p.ID)
		id(item, p.ID)
		if pids[p.ID] {
			ex.errorf(at, "%s: the id is used twice", item)
		}
		pids[p.ID] = true
		text(item, "name", p.Name, MaxTitle, true)
		if n := len(p.Questions); n > MaxQuestions {
			ex.errorf(at, "%s: %d questions, more than AWS's limit of %d per pillar", item, n, MaxQuestions)
		}
		for _, q := range p.Questions {
			qi := fmt.Sprintf("question %s", q.ID)
			at = ex.srcs[q.ID]
			id(qi, q.ID)
			if qids[q.ID] {
				ex.errorf(at, "%s: the id is used twice", qi)
			}
			qids[q.ID] = true
			text(qi, "title", q.Title, MaxTitle, true)
			text(qi, "description", q.Description, MaxDescription, false)
			if q.HelpfulResource != nil {
				text(qi, "helpful resource text", q.HelpfulResource.DisplayText, MaxDescription, false)
				text(qi, "helpful resource URL", q.HelpfulResource.URL, MaxDescription, false)
			}
			if n := len(q.Choices); n < 1 || n > MaxChoices {
				ex.errorf(at, "%s: %d choices; AWS allows 1 to %d", qi, n, MaxChoices)
			}
			cids := map[string]bool{}
			qAt := at
			for _, c := range q.Choices {
				at = qAt
				if loc, ok := ex.srcs[q.ID+"/"+c.ID]; ok {
					at = loc
				}
				ci := fmt.Sprintf("%s: choice %s", qi, c.ID)
				id(ci, c.ID)
				if cids[c.ID] {
					ex.errorf(at, "%s: the id is used twice", ci)
				}
				cids[c.ID] = true
				text(ci, "title", c.Title, MaxTitle, true)
				text(ci, "description", c.Description, MaxDescription, false)
				for name, r := range map[string]*Resource{"helpful resource": c.HelpfulResource, "improvement plan": c.ImprovementPlan} {
					if r != nil {
						text(ci, name+" text", r.DisplayText, MaxDescription, true)
						text(ci, name+" URL", r.URL, MaxDescription, false)
					}
				}
			}
		}
	}
}
