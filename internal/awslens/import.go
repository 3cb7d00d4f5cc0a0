package awslens

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/jsonpos"
)

// Metadata keys Import writes and Export reads.
const (
	MetaID              = "aws.id"
	MetaPillarID        = "aws.pillarId"
	MetaPillarName      = "aws.pillarName"
	MetaSchemaVersion   = "aws.schemaVersion"
	MetaLinks           = "aws.links" // roles of the choice's links, in order
	MetaPosition        = "aws.position"
	MetaSynthesized     = "aws.synthesized"
	MetaAdditional      = "aws.additionalResources"
	MetaHelpfulText     = "aws.helpfulResource.displayText"
	MetaHelpfulURL      = "aws.helpfulResource.url"
	MetaImprovementText = "aws.improvementPlan.displayText"
	MetaImprovementURL  = "aws.improvementPlan.url"
	MetaHelpful         = "aws.helpfulResource" // "absent" when the choice had none
	MetaImprovement     = "aws.improvementPlan" // "absent" when the choice had none
	metaExtra           = "aws.extra."          // + key: raw JSON of a key AWS's format does not define
	metaPillarExtra     = "aws.pillar.extra."   // the same for the question's pillar
	absent              = "absent"
	roleImprovement     = "improvementPlan"
	roleHelpful         = "helpfulResource"
	roleBoth            = "improvementPlan+helpfulResource"
	roleAdditional      = "additional"
	rolePlaceholder     = "placeholder"
)

// Defaults for what AWS lenses do not have. They are documented in docs/interop.md.
const (
	DefaultVersion = "1.0.0"
	DefaultWeight  = 10
	DefaultEffort  = awaf.EffortMedium
	defaultWhy     = "See the linked guidance."
	defaultVerify  = "A reviewer confirms with the team, and in the workload's configuration, that this practice is in place."
	placeholderURL = "https://docs.aws.amazon.com/wellarchitected/latest/userguide/lenses-custom.html"
	placeholderTxt = "AWS custom lenses (the source lens links nothing for this practice)"
	noneTitle      = "None of these"
)

// Options tune an import.
type Options struct {
	ID      string // the awaf lens id; derived from the AWS name when empty
	Version string // DefaultVersion when empty
	// Pillars maps AWS pillar ids to awaf pillars, before the keyword rules.
	Pillars map[string][]awaf.PillarID
}

var pillarNames = map[awaf.PillarID]string{
	awaf.Security:      "Security",
	awaf.Reliability:   "Reliability",
	awaf.Cost:          "Cost Optimization",
	awaf.Operations:    "Operational Excellence",
	awaf.Performance:   "Performance Efficiency",
	awaf.ResponsibleAI: "Responsible AI",
}

// PillarName is the usual name of an awaf pillar.
func PillarName(p awaf.PillarID) string { return pillarNames[p] }

// pillarKeywords map an AWS pillar onto awaf's six by words in its id and name. The
// first rule that matches wins; sustainability is about using less compute and storage,
// which awaf scores under cost and performance.
var pillarKeywords = []struct {
	words   []string
	pillars []awaf.PillarID
}{
	{[]string{"responsible", "ethic", "fairness", "transparen", "explainab", "rai"}, []awaf.PillarID{awaf.ResponsibleAI}},
	{[]string{"secur", "privacy"}, []awaf.PillarID{awaf.Security}},
	{[]string{"reliab", "resilien"}, []awaf.PillarID{awaf.Reliability}},
	{[]string{"cost", "financ"}, []awaf.PillarID{awaf.Cost}},
	{[]string{"sustainab", "green"}, []awaf.PillarID{awaf.Cost, awaf.Performance}},
	{[]string{"perform"}, []awaf.PillarID{awaf.Performance}},
	{[]string{"operat", "ops"}, []awaf.PillarID{awaf.Operations}},
}

// MapPillar returns the awaf pillars an AWS pillar maps onto, and whether a rule
// matched; an unknown pillar maps onto operations.
func MapPillar(id, name string) ([]awaf.PillarID, bool) {
	words := strings.ToLower(splitCamel(id) + " " + name)
	for _, r := range pillarKeywords {
		for _, w := range r.words {
			if w == "rai" || w == "ops" {
				if containsWord(words, w) {
					return r.pillars, true
				}
				continue
			}
			if strings.Contains(words, w) {
				return r.pillars, true
			}
		}
	}
	return []awaf.PillarID{awaf.Operations}, false
}

func containsWord(s, w string) bool {
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if f == w {
			return true
		}
	}
	return false
}

// splitCamel turns "operationalExcellence" into "operational Excellence" and
// "genai_ops" into "genai ops".
func splitCamel(s string) string {
	var b strings.Builder
	prev := ' '
	for _, r := range s {
		if r == '_' || r == '-' {
			r = ' '
		} else if unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)) {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// The id patterns are compiled on first use: their counted repetitions make large
// programs, which commands that import no lens should not pay for at start-up.
var (
	awaflensIDRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,63}$`) })
	awsIDRe      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(idPatternText) })
)

// celReserved are words a CEL identifier may not be; awaf also reserves "default".
var celReserved = map[string]bool{
	"default": true, "true": true, "false": true, "null": true, "in": true, "as": true, "break": true,
	"const": true, "continue": true, "else": true, "for": true, "function": true, "if": true,
	"import": true, "let": true, "loop": true, "package": true, "namespace": true, "return": true,
	"var": true, "void": true, "while": true,
}

// ids turns AWS ids into awaf ids, unique within one scope.
type ids map[string]bool

func (u ids) make(aws string) string {
	s := strings.ToLower(aws)
	s = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, s)
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		s = "x_" + s
	}
	for len(s) < 3 {
		s += "_"
	}
	if celReserved[s] {
		s += "_id"
	}
	if len(s) > 120 {
		s = s[:120]
	}
	base := s
	for n := 2; u[s]; n++ {
		s = base + "_" + strconv.Itoa(n)
	}
	u[s] = true
	return s
}

// slug makes an area or lens id: lower case words joined by hyphens.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range splitCamel(s) {
		r = unicode.ToLower(r)
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	out := b.String()
	if len(out) > 64 {
		out = strings.TrimRight(out[:64], "-")
	}
	for len(out) < 2 {
		out += "x"
	}
	return out
}

// Import maps a parsed AWS custom lens onto the awaf lens format. The result passes
// lens.Parse once marshalled. What stops the mapping (a condition naming an unknown
// choice, a question without practices) comes back as awaf.Problems naming the file;
// ParseImport also gives their lines.
func Import(f *File, name string, opt Options) (*awaf.Lens, error) {
	im := &importer{name: name}
	l := im.lens(f, opt)
	if len(im.problems) > 0 {
		return nil, im.problems
	}
	return l, nil
}

type importer struct {
	name     string
	problems awaf.Problems
	ix       *jsonpos.Index
	meta     awafMeta // what an awaf export recorded under AwafKey
}

func (im *importer) errorf(path, format string, args ...any) {
	loc := awaf.Location{File: im.name}
	if im.ix != nil {
		loc = im.ix.At(path)
	}
	im.problems = append(im.problems, awaf.Problem{Location: loc, Message: fmt.Sprintf(format, args...)})
}

// ParseImport reads an AWS lens file and imports it, locating every problem in the file.
func ParseImport(name string, data []byte, opt Options) (*awaf.Lens, error) {
	f, err := Parse(name, data)
	if err != nil {
		return nil, err
	}
	ix, _ := jsonpos.Scan(name, data, maxDepth) // Parse has checked it
	im := &importer{name: name, ix: ix}
	l := im.lens(f, opt)
	if len(im.problems) > 0 {
		return nil, im.problems
	}
	return l, nil
}

func (im *importer) lens(f *File, opt Options) *awaf.Lens {
	im.meta = im.readAwaf(f)
	l := &awaf.Lens{ID: orText(opt.ID, im.meta.ID), Name: f.Name, Version: orText(opt.Version, im.meta.Version), Description: f.Description,
		Metadata: map[string]string{MetaSchemaVersion: f.SchemaVersion}}
	if l.ID == "" {
		l.ID = slug(f.Name)
	}
	if !awaflensIDRe().MatchString(l.ID) {
		im.errorf("name", "lens id %q (from the name) must match %s; pass an id", l.ID, awaflensIDRe())
	}
	if l.Version == "" {
		l.Version = DefaultVersion
	}
	if strings.TrimSpace(l.Name) == "" {
		im.errorf("name", "name must not be empty")
	}
	addExtras(l.Metadata, f.Extra)
	used := map[awaf.PillarID]bool{}
	areas := map[awaf.AreaID]bool{}
	qids := ids{}
	pillarIDs := map[string]bool{}
	awsQIDs := map[string]bool{}
	for _, p := range f.Pillars {
		if !awsIDRe().MatchString(p.ID) {
			im.errorf(jsonpos.Key(p.path, "id"), "%s.id %q does not match AWS's pattern %s", p.path, p.ID, idPatternText)
		}
		if pillarIDs[p.ID] {
			im.errorf(jsonpos.Key(p.path, "id"), "pillar %q is declared twice", p.ID)
		}
		pillarIDs[p.ID] = true
		pillars, ok := opt.Pillars[p.ID]
		if !ok {
			pillars, _ = MapPillar(p.ID, p.Name)
		}
		for _, x := range pillars {
			used[x] = true
		}
		area := awaf.AreaID(slug(p.ID))
		for n := 2; areas[area]; n++ {
			area = awaf.AreaID(slug(p.ID) + "-" + strconv.Itoa(n))
		}
		if a := awaf.AreaID(im.meta.Areas[p.ID]); a != "" && awaflensIDRe().MatchString(string(a)) && !areas[a] {
			area = a
		}
		areas[area] = true
		l.Areas = append(l.Areas, awaf.Area{ID: area, Name: orText(p.Name, p.ID)})
		if len(p.Questions) == 0 {
			im.errorf(p.path, "pillar %q has no questions", p.ID)
		}
		for i, q := range p.Questions {
			if awsQIDs[q.ID] {
				im.errorf(jsonpos.Key(q.path, "id"), "question %q is declared twice", q.ID)
			}
			awsQIDs[q.ID] = true
			aq := im.question(q, p, area, pillars, qids)
			if i == 0 {
				// A pillar has no metadata of its own; its first question carries it.
				for k, v := range p.Extra {
					aq.Metadata[metaPillarExtra+k] = string(v)
				}
			}
			l.Questions = append(l.Questions, aq)
		}
	}
	// Pillars that "_awaf" gave questions and choices are declared too.
	for _, q := range l.Questions {
		for _, x := range q.Pillars {
			used[x] = true
		}
		for _, c := range q.Choices {
			for _, x := range c.Pillars {
				used[x] = true
			}
		}
	}
	for _, x := range awaf.Pillars {
		if used[x] {
			l.Pillars = append(l.Pillars, awaf.Pillar{ID: x, Name: pillarNames[x]})
		}
	}
	return l
}

func (im *importer) question(q Question, p Pillar, area awaf.AreaID, pillars []awaf.PillarID, qids ids) awaf.Question {
	if !awsIDRe().MatchString(q.ID) {
		im.errorf(jsonpos.Key(q.path, "id"), "%s.id %q does not match AWS's pattern %s", q.path, q.ID, idPatternText)
	}
	qm := im.meta.Questions[q.ID]
	if validPillars(qm.Pillars) {
		pillars = qm.Pillars
	}
	out := awaf.Question{
		ID: im.useID(qids, qm.ID, q.ID), Title: q.Title, Description: q.Description, Area: area, Pillars: pillars,
		Metadata: map[string]string{MetaID: q.ID, MetaPillarID: p.ID, MetaPillarName: p.Name},
	}
	if strings.TrimSpace(q.Title) == "" {
		im.errorf(jsonpos.Key(q.path, "title"), "question %s: title must not be empty", q.ID)
	}
	if hr := q.HelpfulResource; hr != nil {
		out.Metadata[MetaHelpfulText] = hr.DisplayText
		out.Metadata[MetaHelpfulURL] = hr.URL
		if strings.HasPrefix(hr.URL, "https://") {
			out.Links = append(out.Links, awaf.Link{Title: orText(hr.DisplayText, "Helpful resource"), URL: hr.URL})
		}
	}
	addExtras(out.Metadata, q.Extra)

	cids := ids{}
	toAwaf := map[string]string{}
	var none *awaf.Choice
	for i, c := range q.Choices {
		if !awsIDRe().MatchString(c.ID) {
			im.errorf(jsonpos.Key(c.path, "id"), "%s.id %q does not match AWS's pattern %s", c.path, c.ID, idPatternText)
		}
		if _, dup := toAwaf[c.ID]; dup {
			im.errorf(jsonpos.Key(c.path, "id"), "question %s: choice %q is declared twice", q.ID, c.ID)
			continue
		}
		ch := im.choice(c, cids, pillars, im.meta.Choices[q.ID+"/"+c.ID])
		toAwaf[c.ID] = ch.ID
		if ch.None {
			if none != nil {
				im.errorf(c.path, "question %s: more than one \"None of these\" choice (%s and %s)", q.ID, none.Metadata[MetaID], c.ID)
				continue
			}
			if i != len(q.Choices)-1 {
				ch.Metadata[MetaPosition] = strconv.Itoa(i)
			}
			none = &ch
			continue
		}
		out.Choices = append(out.Choices, ch)
	}
	if len(out.Choices) == 0 {
		im.errorf(q.path, "question %s: needs at least one choice besides \"None of these\"", q.ID)
	}
	if len(q.Choices) > MaxChoices {
		im.errorf(jsonpos.Key(q.path, "choices"), "question %s: %d choices, more than AWS's limit of %d", q.ID, len(q.Choices), MaxChoices)
	}
	if none == nil {
		// awaf needs a "none of these" answer; this one is awaf's own and is not exported.
		id := cids.make(out.ID + "_none")
		none = &awaf.Choice{ID: id, Title: noneTitle, None: true, Metadata: map[string]string{MetaSynthesized: "true"}}
	}
	out.Choices = append(out.Choices, *none)

	for _, r := range q.RiskRules {
		cond, err := renameIDs(r.Condition, func(id string) (string, bool) { to, ok := toAwaf[id]; return to, ok })
		if err != nil {
			im.errorf(jsonpos.Key(r.path, "condition"), "question %s: %v", q.ID, err)
			continue
		}
		var risk awaf.Risk
		switch r.Risk {
		case riskHigh:
			risk = awaf.RiskHigh
		case riskMed:
			risk = awaf.RiskMedium
		case riskNone:
			risk = awaf.RiskNone
		default:
			im.errorf(jsonpos.Key(r.path, "risk"), "question %s: risk %q is not one of HIGH_RISK, MEDIUM_RISK, NO_RISK", q.ID, r.Risk)
			continue
		}
		out.RiskRules = append(out.RiskRules, awaf.RiskRule{Condition: cond, Risk: risk})
	}
	for i, r := range out.RiskRules {
		if r.Condition == condDeflt && i != len(out.RiskRules)-1 {
			im.errorf(q.RiskRules[i].path, "question %s: the default rule must be the last; the rules after it could never match", q.ID)
		}
	}
	return out
}

func (im *importer) choice(c Choice, cids ids, pillars []awaf.PillarID, cm choiceMeta) awaf.Choice {
	ch := awaf.Choice{ID: im.useID(cids, cm.ID, c.ID), Title: c.Title, Description: c.Description, Metadata: map[string]string{MetaID: c.ID}}
	if strings.TrimSpace(c.Title) == "" {
		im.errorf(jsonpos.Key(c.path, "title"), "choice %s: title must not be empty", c.ID)
	}
	addExtras(ch.Metadata, c.Extra)
	if len(c.AdditionalResources) > 0 {
		ch.Metadata[MetaAdditional] = string(c.AdditionalResources)
	}
	if isNone(c.ID) {
		ch.None = true
		for key, r := range map[string]*Resource{"aws.helpfulResource": c.HelpfulResource, "aws.improvementPlan": c.ImprovementPlan} {
			if r != nil {
				ch.Metadata[key+".displayText"] = r.DisplayText
				if r.URL != "" {
					ch.Metadata[key+".url"] = r.URL
				}
			}
		}
		return ch
	}
	ch.Weight, ch.Effort, ch.Pillars = DefaultWeight, DefaultEffort, pillars
	if cm.NotNeeded != "" {
		// A "not needed" choice exported by awaf: its practice carries the weight.
		ch.NotNeeded, ch.Weight, ch.Effort, ch.Pillars = cm.NotNeeded, 0, "", nil
	}
	if cm.Weight > 0 {
		ch.Weight = cm.Weight
	}
	if cm.Effort != "" {
		ch.Effort = cm.Effort
	}
	if validPillars(cm.Pillars) {
		ch.Pillars = cm.Pillars
	}
	ch.Guidance = awaf.Guidance{What: c.Title, Why: defaultWhy, Verify: defaultVerify}
	var roles []string
	link := func(title, url, role string) {
		ch.Links = append(ch.Links, awaf.Link{Title: title, URL: url})
		roles = append(roles, role)
	}
	ip, hr := c.ImprovementPlan, c.HelpfulResource
	if ip == nil {
		ch.Metadata[MetaImprovement] = absent
	} else if strings.TrimSpace(ip.DisplayText) != "" {
		ch.Guidance.What = ip.DisplayText
	} else {
		ch.Metadata[MetaImprovementText] = ip.DisplayText
	}
	if hr == nil {
		ch.Metadata[MetaHelpful] = absent
	} else if strings.TrimSpace(hr.DisplayText) != "" {
		ch.Guidance.Why = hr.DisplayText
	} else {
		ch.Metadata[MetaHelpfulText] = hr.DisplayText
	}
	ipURL, hrURL := "", ""
	if ip != nil {
		ipURL = ip.URL
	}
	if hr != nil {
		hrURL = hr.URL
	}
	// A URL that is not https cannot be an awaf link; keep it in metadata instead.
	if ipURL != "" && !strings.HasPrefix(ipURL, "https://") {
		ch.Metadata[MetaImprovementURL] = ipURL
		ipURL = ""
	}
	if hrURL != "" && !strings.HasPrefix(hrURL, "https://") {
		ch.Metadata[MetaHelpfulURL] = hrURL
		hrURL = ""
	}
	switch {
	case ipURL != "" && ipURL == hrURL:
		link("Best practice guidance", ipURL, roleBoth)
	default:
		if ipURL != "" {
			link("Improvement plan", ipURL, roleImprovement)
		}
		if hrURL != "" {
			link("Helpful resource", hrURL, roleHelpful)
		}
	}
	var extra []struct {
		Content []Resource `json:"content"`
	}
	if len(c.AdditionalResources) > 0 && json.Unmarshal(c.AdditionalResources, &extra) == nil {
		for _, a := range extra {
			for _, r := range a.Content {
				if strings.HasPrefix(r.URL, "https://") {
					link(orText(r.DisplayText, "Additional resource"), r.URL, roleAdditional)
				}
			}
		}
	}
	if len(ch.Links) == 0 {
		link(placeholderTxt, placeholderURL, rolePlaceholder)
	}
	ch.Metadata[MetaLinks] = strings.Join(roles, ",")
	return ch
}

func addExtras(meta map[string]string, extra map[string]json.RawMessage) {
	for k, v := range extra {
		meta[metaExtra+k] = string(v)
	}
}

func orText(s, alt string) string {
	if strings.TrimSpace(s) == "" {
		return alt
	}
	return s
}
