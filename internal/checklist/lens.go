package checklist

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/lens"
)

// Metadata keys the import writes.
const (
	MetaGUID     = "checklist.guid"
	MetaID       = "checklist.id"
	MetaSeverity = "checklist.severity"
	MetaService  = "checklist.service"
	MetaGraph    = "checklist.graph"
	MetaWAF      = "checklist.waf"
	MetaLink     = "checklist.link"
	MetaTraining = "checklist.training"
	MetaCategory = "checklist.category"
	MetaSubcat   = "checklist.subcategory"
	MetaName     = "checklist.name"
	MetaState    = "checklist.state"
	MetaStamp    = "checklist.timestamp"
)

const (
	defaultVersion = "1.0.0"
	placeholderURL = "https://github.com/Azure/review-checklists"
	verifyGraph    = "Run the query in checklist.graph; every resource must comply."
	verifyReview   = "Check against the linked guidance."
)

// Options tune an import.
type Options struct {
	ID      string // lens id; derived from the checklist name when empty
	Version string
	// Compact leaves the title out of guidance.what where the item has no
	// description, and the severity out of the metadata (guidance.why gives it), so
	// the largest checklists fit the lens size limit. LensYAML sets it when needed.
	Compact bool
}

// titleSaysWhat stands in guidance.what for an item with no description, in
// compact lenses.
const titleSaysWhat = "Do as the title says."

// LensYAML maps the checklist onto a lens and encodes it; when the lens would be
// larger than a lens file may be, it is built again compact. compact reports that.
func LensYAML(f *File, opt Options) (l *awaf.Lens, y []byte, compact bool, err error) {
	for {
		if l, err = Lens(f, opt); err != nil {
			return nil, nil, false, err
		}
		if y, err = lens.MarshalYAML(l); err != nil {
			return nil, nil, false, err
		}
		if len(y) <= lens.MaxSize || opt.Compact {
			return l, y, opt.Compact, nil
		}
		opt.Compact = true
	}
}

var pillarOf = []struct {
	word   string
	pillar awaf.PillarID
}{
	{"secur", awaf.Security}, {"reliab", awaf.Reliability}, {"cost", awaf.Cost},
	{"operat", awaf.Operations}, {"perform", awaf.Performance}, {"responsible", awaf.ResponsibleAI},
}

// Pillar maps a checklist's waf value onto an awaf pillar; a missing or unknown value
// maps onto operations.
func Pillar(waf string) (awaf.PillarID, bool) {
	w := strings.ToLower(waf)
	for _, p := range pillarOf {
		if strings.Contains(w, p.word) {
			return p.pillar, true
		}
	}
	return awaf.Operations, false
}

var pillarNames = map[awaf.PillarID]string{
	awaf.Security: "Security", awaf.Reliability: "Reliability", awaf.Cost: "Cost Optimization",
	awaf.Operations: "Operational Excellence", awaf.Performance: "Performance Efficiency", awaf.ResponsibleAI: "Responsible AI",
}

// lensIDRe is compiled on first use: its counted repetition makes a large program,
// which commands that import no checklist should not pay for at start-up.
var lensIDRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,63}$`) })

// group is the items of one category and subcategory: one question.
type group struct {
	category, subcategory string
	known                 bool // both come from the file
	items                 []int
}

// Names of the places for items whose file does not say where they belong.
const (
	noCategory    = "Items without a category"
	noSubcategory = "Items without a subcategory"
)

// placeOf gives an item's area and question: its category and subcategory; for
// what the file does not give, the service (service guides group by service) and
// the pillar, and otherwise a name that says it is missing.
func placeOf(it Item) (area, question string) {
	area, question = it.Category, it.Subcategory
	if area == "" {
		area = orText(it.Service, noCategory)
	}
	if question == "" {
		if p, ok := Pillar(it.WAF); ok {
			question = pillarNames[p]
		} else {
			question = noSubcategory
		}
	}
	return area, question
}

// Lens maps the checklist onto a lens: areas are categories, questions are
// subcategories, practices are items. Severity sets the weight and the risk rules:
// a missing High item is a high risk, a missing Medium item a medium one.
func Lens(f *File, opt Options) (*awaf.Lens, error) {
	name := orText(f.Metadata.Name, "Azure review checklist")
	l := &awaf.Lens{ID: opt.ID, Name: name, Version: opt.Version,
		Description: fmt.Sprintf("Azure review checklist %q (%d items), imported from its JSON.", name, len(f.Items)),
		Metadata:    map[string]string{MetaName: f.Metadata.Name, MetaState: f.Metadata.State, MetaStamp: f.Metadata.Timestamp, MetaWAF: f.Metadata.WAF},
	}
	for k, v := range l.Metadata {
		if v == "" {
			delete(l.Metadata, k)
		}
	}
	if l.ID == "" {
		l.ID = lens.Slug(name, '-', 54)
		if len(l.ID) < 2 {
			l.ID += "-checklist"
		}
	}
	if !lensIDRe().MatchString(l.ID) {
		return nil, awaf.Errorf(awaf.EINVALID, "lens id %q must match %s; pass an id", l.ID, lensIDRe())
	}
	if l.Version == "" {
		l.Version = defaultVersion
	}
	var groups []*group
	byKey := map[string]*group{}
	areas := map[string]awaf.AreaID{}
	usedArea := map[awaf.AreaID]bool{}
	for i, it := range f.Items {
		area, question := placeOf(it)
		key := strings.ToLower(area) + "\x00" + strings.ToLower(question)
		g := byKey[key]
		if g == nil {
			g = &group{category: area, subcategory: question, known: it.Category != "" && it.Subcategory != ""}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.items = append(g.items, i)
		ck := strings.ToLower(area)
		if _, ok := areas[ck]; !ok {
			base := lens.Slug(area, '-', 58)
			if len(base) < 2 {
				base = "area-" + base
			}
			id := awaf.AreaID(base)
			for n := 2; usedArea[id]; n++ {
				id = awaf.AreaID(base + "-" + strconv.Itoa(n))
			}
			usedArea[id] = true
			areas[ck] = id
			l.Areas = append(l.Areas, awaf.Area{ID: id, Name: area})
		}
	}
	usedPillar := map[awaf.PillarID]bool{}
	qids := map[string]bool{}
	for _, g := range groups {
		q := question(f, g, areas[strings.ToLower(g.category)], qids, opt.Compact)
		for _, p := range q.Pillars {
			usedPillar[p] = true
		}
		l.Questions = append(l.Questions, q)
	}
	for _, p := range awaf.Pillars {
		if usedPillar[p] {
			l.Pillars = append(l.Pillars, awaf.Pillar{ID: p, Name: pillarNames[p]})
		}
	}
	return l, nil
}

func question(f *File, g *group, area awaf.AreaID, qids map[string]bool, compact bool) awaf.Question {
	base := lens.Slug(g.category+" "+g.subcategory, '_', 110)
	if base == "" || base[0] < 'a' || base[0] > 'z' {
		base = "q_" + base
	}
	id := base
	for n := 2; qids[id] || len(id) < 3; n++ {
		id = base + "_" + strconv.Itoa(n)
	}
	qids[id] = true
	q := awaf.Question{ID: id, Title: g.subcategory, Area: area,
		Description: fmt.Sprintf("Practices of the %q category, %q subcategory.", g.category, g.subcategory)}
	if g.known {
		q.Metadata = map[string]string{MetaCategory: g.category, MetaSubcat: g.subcategory}
	} else {
		q.Description = fmt.Sprintf("Practices grouped under %q and %q; the checklist does not give these items both a category and a subcategory.", g.category, g.subcategory)
	}
	cids := map[string]bool{}
	pillars := map[awaf.PillarID]bool{}
	var high, medium []string
	unrated := false
	for _, i := range g.items {
		it := f.Items[i]
		c := choice(it, cids)
		if compact {
			if c.Guidance.What == c.Title {
				c.Guidance.What = titleSaysWhat
			}
			// guidance.why states the severity already.
			delete(c.Metadata, MetaSeverity)
		}
		if strings.EqualFold(c.Metadata[MetaService], g.category) {
			delete(c.Metadata, MetaService) // the area is named after it
		}
		pillars[c.Pillars[0]] = true
		switch strings.ToLower(it.Severity) {
		case "high":
			high = append(high, "!"+c.ID)
		case "medium":
			medium = append(medium, "!"+c.ID)
		case "":
			unrated = true
		}
		q.Choices = append(q.Choices, c)
	}
	for _, p := range awaf.Pillars {
		if pillars[p] {
			q.Pillars = append(q.Pillars, p)
		}
	}
	noneID := id + "_none"
	for cids[noneID] {
		noneID += "_x"
	}
	q.Choices = append(q.Choices, awaf.Choice{ID: noneID, Title: "None of these", None: true})
	// "None of these" is as bad as missing every item: it joins the rule of the highest
	// severity present.
	switch {
	case len(high) > 0:
		q.RiskRules = append(q.RiskRules, awaf.RiskRule{Condition: strings.Join(append([]string{noneID}, high...), " || "), Risk: awaf.RiskHigh})
		if len(medium) > 0 {
			q.RiskRules = append(q.RiskRules, awaf.RiskRule{Condition: strings.Join(medium, " || "), Risk: awaf.RiskMedium})
		}
	case len(medium) > 0:
		q.RiskRules = append(q.RiskRules, awaf.RiskRule{Condition: strings.Join(append([]string{noneID}, medium...), " || "), Risk: awaf.RiskMedium})
	case !unrated:
		q.RiskRules = append(q.RiskRules, awaf.RiskRule{Condition: noneID, Risk: awaf.RiskMedium})
	}
	// Items without a severity have no rule: when one is missing, the score decides
	// the risk, as for any question without rules.
	if !unrated {
		q.RiskRules = append(q.RiskRules, awaf.RiskRule{Condition: "default", Risk: awaf.RiskNone})
	}
	return q
}

func choice(it Item, cids map[string]bool) awaf.Choice {
	base := it.ID
	if base == "" {
		// Eight hex digits of the guid keep ids stable and short (the largest
		// checklists have over 2,000 items); a clash gets a suffix in file order.
		g := strings.ReplaceAll(it.GUID, "-", "")
		base = "item " + g[:min(8, len(g))]
	}
	base = lens.Slug(base, '_', 100)
	if base == "" || base[0] < 'a' || base[0] > 'z' {
		base = "c_" + base
	}
	id := base
	for n := 2; cids[id] || len(id) < 3 || celWord[id]; n++ {
		id = base + "_" + strconv.Itoa(n)
	}
	cids[id] = true
	p, _ := Pillar(it.WAF)
	weight := severityWeight(it.Severity)
	if weight == 0 {
		weight = unratedWeight
	}
	// The description, when there is one, is what to do; the text is the title.
	c := awaf.Choice{ID: id, Title: it.Text, Weight: weight,
		Effort: awaf.EffortMedium, Pillars: []awaf.PillarID{p},
		Guidance: awaf.Guidance{What: orText(strings.TrimSpace(it.Description), it.Text), Why: why(it), Verify: verifyReview},
		Metadata: map[string]string{MetaGUID: it.GUID, MetaID: it.ID, MetaSeverity: it.Severity, MetaService: it.Service, MetaGraph: it.Graph}}
	if _, known := Pillar(it.WAF); !known {
		c.Metadata[MetaWAF] = it.WAF // a pillar awaf does not know, kept as written
	}
	if it.Graph != "" {
		c.Guidance.Verify = verifyGraph
	}
	for k, v := range c.Metadata {
		if v == "" {
			delete(c.Metadata, k)
		}
	}
	if strings.HasPrefix(it.Link, "https://") {
		c.Links = append(c.Links, awaf.Link{Title: "Learn more", URL: it.Link})
	} else if it.Link != "" {
		c.Metadata[MetaLink] = it.Link
	}
	if strings.HasPrefix(it.Training, "https://") {
		c.Links = append(c.Links, awaf.Link{Title: "Training", URL: it.Training})
	} else if it.Training != "" {
		c.Metadata[MetaTraining] = it.Training
	}
	for _, ln := range it.Links {
		if !slices.ContainsFunc(c.Links, func(x awaf.Link) bool { return x.URL == ln.URL }) {
			// Short titles: the largest checklists must fit the lens size limit.
			c.Links = append(c.Links, awaf.Link{Title: "Documentation", URL: ln.URL})
		}
	}
	if len(c.Links) == 0 {
		c.Links = []awaf.Link{{Title: "Azure review checklists (this item links no documentation)", URL: placeholderURL}}
	}
	return c
}

// unratedWeight weighs an item the checklist gives no severity as a medium one; the
// guidance says this is awaf's choice, not the checklist's.
const unratedWeight = 25

func why(it Item) string {
	if it.Severity == "" {
		// Never a severity the file did not give.
		return "No severity in the checklist; weighed as medium."
	}
	s := "Checklist severity: " + strings.ToLower(it.Severity)
	if it.WAF != "" {
		s += " (" + it.WAF + ")"
	}
	return s + "."
}

var celWord = map[string]bool{"default": true, "true": true, "false": true, "null": true, "for": true, "let": true, "var": true, "void": true, "while": true, "else": true, "loop": true, "break": true, "const": true, "import": true, "return": true, "package": true, "function": true, "continue": true, "namespace": true}

func orText(s, alt string) string {
	if strings.TrimSpace(s) == "" {
		return alt
	}
	return s
}

// Assessment turns the statuses recorded on a checklist's items into answers to the
// lens made from it (by Lens, with the same file). Per question:
//   - Fulfilled items are selected;
//   - with none fulfilled, an Open item means "none of these";
//   - when every item is Not required or N/A, the question is not applicable
//     (business priorities for Not required, out of scope otherwise);
//   - items only Not verified leave the question unanswered.
//
// Items that are Not required or N/A next to answered ones, and every comment, are
// kept in the answer's note.
func Assessment(f *File, l *awaf.Lens) (*awaf.Assessment, error) {
	byGUID := map[string]Item{}
	for _, it := range f.Items {
		byGUID[strings.ToLower(it.GUID)] = it
	}
	a := &awaf.Assessment{Lens: awaf.LensRef{ID: l.ID, Version: l.Version}, Workload: awaf.Workload{Name: orText(f.Metadata.Name, l.Name)}}
	for _, q := range l.Questions {
		var selected, notes []string
		counts := map[string]int{}
		total := 0
		noneID := ""
		for _, c := range q.Choices {
			if c.None {
				noneID = c.ID
				continue
			}
			it, ok := byGUID[strings.ToLower(c.Metadata[MetaGUID])]
			if !ok {
				return nil, awaf.Errorf(awaf.EINVALID, "lens %s, question %s: choice %s has no checklist item (guid %q); import the lens from the same checklist", l.ID, q.ID, c.ID, c.Metadata[MetaGUID])
			}
			total++
			st := canonical(it.Status)
			counts[st]++
			label := orText(it.ID, c.ID)
			switch st {
			case Fulfilled:
				selected = append(selected, c.ID)
			case NotRequired, NA:
				notes = append(notes, fmt.Sprintf("%s: %s", label, st))
			}
			if strings.TrimSpace(it.Comments) != "" {
				notes = append(notes, fmt.Sprintf("%s: %s", label, strings.TrimSpace(it.Comments)))
			}
		}
		ans := awaf.Answer{Question: q.ID}
		switch {
		case len(selected) > 0:
			ans.Selected = selected
		case counts[Open] > 0:
			ans.Selected = []string{noneID}
		case total > 0 && counts[NotRequired]+counts[NA] == total:
			reason := awaf.NAOutOfScope
			if counts[NotRequired] == total {
				reason = awaf.NABusinessPriorities
			}
			ans.NotApplicable = &awaf.NotApplicable{Reason: reason, Note: "Every checklist item of this subcategory is " + naWords(counts)}
			notes = dropStatusNotes(notes)
		}
		if len(notes) > 0 {
			ans.Note = strings.Join(notes, "\n")
		}
		if ans.Answered() || ans.Note != "" {
			a.Answers = append(a.Answers, ans)
		}
	}
	return a, nil
}

func naWords(counts map[string]int) string {
	var parts []string
	for _, s := range []string{NotRequired, NA} {
		if counts[s] > 0 {
			parts = append(parts, strconv.Quote(s))
		}
	}
	return strings.Join(parts, " or ") + "."
}

func dropStatusNotes(notes []string) []string {
	var out []string
	for _, n := range notes {
		if !strings.HasSuffix(n, ": "+NotRequired) && !strings.HasSuffix(n, ": "+NA) {
			out = append(out, n)
		}
	}
	return out
}

// canonical returns the status spelled as the checklists define it; empty is Not
// verified.
func canonical(s string) string {
	for _, st := range Statuses {
		if strings.EqualFold(st, strings.TrimSpace(s)) {
			return st
		}
	}
	return NotVerified
}

// Counts returns how many items have each status, for summaries.
func Counts(f *File) map[string]int {
	out := map[string]int{}
	for _, it := range f.Items {
		out[canonical(it.Status)]++
	}
	return out
}
