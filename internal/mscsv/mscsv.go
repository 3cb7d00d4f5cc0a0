// Package mscsv turns an assessment exported from Microsoft's assessment platform as
// CSV (the Azure Well-Architected Review and its variants, and awaf's own CSV report)
// back into awaf answers. Questions that match a lens by their title are answered in
// that lens; the others get a lens made from the CSV itself, one design area per
// category, so nothing in the export is lost.
package mscsv

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/lens"
)

// Options tune an import.
type Options struct {
	// Lens is matched by question and choice titles; nil makes a lens of everything.
	Lens *awaf.Lens
	// LensID names the lens made from the CSV; derived from the export's title when
	// empty.
	LensID string
	// Profile, when known, goes into the answers; questions the CSV marks as ruled
	// out by the profile are then left to the profile instead of being marked not
	// applicable.
	Profile *awaf.Profile
}

// Result is what an export holds, mapped onto awaf.
type Result struct {
	Export *Export
	// Matched answers questions of Options.Lens; nil when none matched.
	Matched *awaf.Assessment
	// Lens is made from the questions that matched no question of Options.Lens, with
	// Answers answering it; both nil when every question matched.
	Lens    *awaf.Lens
	Answers *awaf.Assessment
	// Warnings lists what could not be carried over (an option the lens lacks, ...).
	Warnings []string
	profile  bool
}

// Import reads an export and maps it. name is used in problem locations.
func Import(name string, r io.Reader, opt Options) (*Result, error) {
	e, err := Read(r)
	if err != nil {
		if ps, ok := err.(awaf.Problems); ok {
			if len(ps) == 1 && strings.HasSuffix(ps[0].Message, expectExport) {
				// Not an export at all: one line says what it is and what is expected.
				return nil, awaf.Errorf(awaf.EINVALID, "%s: %s", name, ps[0].Message)
			}
			for i := range ps {
				ps[i].File = name
			}
			return nil, ps
		}
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	qs := e.Questions()
	if len(qs) == 0 {
		return nil, awaf.Problems{{Location: awaf.Location{File: name}, Message: "the answers table has no questions"}}
	}
	res := &Result{Export: e, profile: opt.Profile != nil}
	workload := awaf.Workload{Name: title(e.Title)}
	var rest []Question
	if opt.Lens != nil {
		index := map[string]*awaf.Question{}
		for i := range opt.Lens.Questions {
			index[norm(opt.Lens.Questions[i].Title)] = &opt.Lens.Questions[i]
		}
		for _, q := range qs {
			lq, ok := index[norm(q.Question)]
			if !ok {
				rest = append(rest, q)
				continue
			}
			if res.Matched == nil {
				res.Matched = &awaf.Assessment{Lens: awaf.LensRef{ID: opt.Lens.ID, Version: opt.Lens.Version}, Workload: workload}
				if opt.Profile != nil {
					res.Matched.Profile = *opt.Profile
				}
			}
			if ans := res.answer(name, q, lq); ans.Answered() || ans.Note != "" {
				res.Matched.SetAnswer(ans)
			}
		}
	} else {
		rest = qs
	}
	if len(rest) > 0 {
		l, at := makeLens(e, rest, opt.LensID)
		// The lens is written beside the answers, which name it so that the next
		// command finds it without --lens.
		a := &awaf.Assessment{Lens: awaf.LensRef{ID: l.ID, Version: l.Version, File: LensFile(l.ID)}, Workload: workload}
		for i, q := range rest {
			if at[i] < 0 {
				res.Warnings = append(res.Warnings, fmt.Sprintf("%s:%d: question %q offers no practice besides \"none\"; it is left out", name, q.Line, q.Question))
				continue
			}
			if ans := res.answer(name, q, &l.Questions[at[i]]); ans.Answered() || ans.Note != "" {
				a.SetAnswer(ans)
			}
		}
		if len(l.Questions) > 0 {
			res.Lens, res.Answers = l, a
		}
	}
	return res, nil
}

// LensFile is the name of the file a made lens is written to, beside the answers.
func LensFile(id string) string { return id + ".lens.yaml" }

// answer maps one CSV question's rows onto an answer to lq.
func (res *Result) answer(name string, q Question, lq *awaf.Question) awaf.Answer {
	ans := awaf.Answer{Question: lq.ID}
	choices := map[string]*awaf.Choice{}
	var none *awaf.Choice
	for i := range lq.Choices {
		c := &lq.Choices[i]
		choices[norm(c.Title)] = c
		if c.None {
			none = c
		}
	}
	for _, s := range q.Selected {
		c, ok := choices[norm(s)]
		if !ok && isNoneText(s) && none != nil {
			c, ok = none, true
		}
		if !ok {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s:%d: question %s has no choice %q; the selection is dropped", name, q.Line, lq.ID, s))
			continue
		}
		ans.Selected = append(ans.Selected, c.ID)
	}
	note := strings.TrimSpace(q.Note)
	if len(ans.Selected) == 0 {
		if na, ok := notApplicable(note); ok {
			if res.profile && strings.HasPrefix(note, naPrefix+profileText) {
				return awaf.Answer{Question: lq.ID}
			}
			ans.NotApplicable = na
			return ans
		}
	}
	if none != nil && len(ans.Selected) > 1 {
		// "None" next to practices cannot stand in awaf; the practices win.
		kept := ans.Selected[:0]
		for _, id := range ans.Selected {
			if id != none.ID {
				kept = append(kept, id)
			}
		}
		ans.Selected = kept
	}
	ans.Note = note
	return ans
}

// awaf's CSV writes a not-applicable question as "Not applicable: <reason>[. note]".
var naReasons = []struct {
	text   string
	reason awaf.NAReason
}{
	{"Out of scope", awaf.NAOutOfScope},
	{"Business priorities", awaf.NABusinessPriorities},
	{"Architecture constraints", awaf.NAArchitectureConstraints},
	{"Other", awaf.NAOther},
	// The profile is not in the CSV; a profile exclusion comes back as "other", with
	// the reason kept in the note.
	{profileText, awaf.NAOther},
}

const (
	naPrefix    = "Not applicable: "
	profileText = "Does not apply to this workload profile"
)

func notApplicable(note string) (*awaf.NotApplicable, bool) {
	rest, ok := strings.CutPrefix(note, naPrefix)
	if !ok {
		return nil, false
	}
	for _, r := range naReasons {
		if tail, ok := strings.CutPrefix(rest, r.text); ok {
			na := &awaf.NotApplicable{Reason: r.reason}
			tail = strings.TrimPrefix(tail, ". ")
			if r.text == profileText {
				tail = rest
			}
			na.Note = strings.TrimSpace(tail)
			return na, true
		}
	}
	return &awaf.NotApplicable{Reason: awaf.NAOther, Note: rest}, true
}

var space = regexp.MustCompile(`\s+`)

// norm compares titles loosely: case, spacing and a final full stop do not matter.
func norm(s string) string {
	s = strings.ToLower(space.ReplaceAllString(strings.TrimSpace(s), " "))
	return strings.TrimRight(s, ". ")
}

// optionCode is the code some assessments put before an option: "R-1-12: None of
// the above." in the Cloud Adoption Security Assessment.
var optionCode = regexp.MustCompile(`^[A-Za-z]{1,4}[-:]?\d+(?:[-.]\d+)*\s*[:.)-]\s*`)

func isNoneText(s string) bool {
	n := norm(optionCode.ReplaceAllString(strings.TrimSpace(s), ""))
	return strings.HasPrefix(n, "none of")
}

// title drops the date Microsoft appends: "Azure Well-Architected Review - Nov 17, ...".
func title(s string) string {
	if i := strings.Index(s, " - "); i > 0 {
		return strings.TrimSpace(s[:i])
	}
	return strings.TrimSpace(s)
}

var pillarWords = []struct {
	word   string
	pillar awaf.PillarID
}{
	{"responsible", awaf.ResponsibleAI}, {"secur", awaf.Security}, {"reliab", awaf.Reliability},
	{"cost", awaf.Cost}, {"operat", awaf.Operations}, {"perform", awaf.Performance},
}

// PillarOf maps a CSV category onto a pillar by its words; unknown ones are
// operations.
func PillarOf(category string) awaf.PillarID {
	c := strings.ToLower(category)
	for _, p := range pillarWords {
		if strings.Contains(c, p.word) {
			return p.pillar
		}
	}
	return awaf.Operations
}

var pillarNames = map[awaf.PillarID]string{
	awaf.Security: "Security", awaf.Reliability: "Reliability", awaf.Cost: "Cost Optimization",
	awaf.Operations: "Operational Excellence", awaf.Performance: "Performance Efficiency", awaf.ResponsibleAI: "Responsible AI",
}

const (
	fallbackURL   = "https://learn.microsoft.com/assessments/"
	defaultWeight = 10
)

// codeOf gives the code an option or a recommendation starts with ("T-1-5" of
// "T-1-5: Security roles are not clearly defined"), or "".
var codeOf = regexp.MustCompile(`^([A-Za-z]{1,4}(?:-\d+){1,4})\s*:`)

// optionWeights holds Microsoft's Weight for the answer options a recommendation
// names by code: the Cloud Adoption Security Assessment writes recommendation
// "S-1-1-1" for option "S-1-1". Most exports name no option, and none gives the
// weight of a ticked practice, so the rest weigh defaultWeight.
type optionWeights map[string]int // category + code -> weight

func recommendationWeights(e *Export) optionWeights {
	w := optionWeights{}
	for _, r := range e.Recommendations {
		m := codeOf.FindStringSubmatch(r.LinkText)
		if m == nil || r.Weight <= 0 {
			continue
		}
		code := m[1]
		parent := code[:strings.LastIndex(code, "-")]
		k := r.Category + "\x00" + parent
		w[k] = max(w[k], min(r.Weight, 100))
	}
	return w
}

// of gives the weight of one option of q. A recommendation on a ticked option means
// the option is a level reached, not a practice missing (the maturity questions):
// its weight says how urgent the advice is, not what the option is worth.
func (w optionWeights) of(q Question, opt string) int {
	m := codeOf.FindStringSubmatch(strings.TrimSpace(opt))
	if m == nil || slices.Contains(q.Selected, opt) {
		return defaultWeight
	}
	if n, ok := w[q.Category+"\x00"+m[1]]; ok {
		return n
	}
	return defaultWeight
}

// makeLens builds a lens from CSV questions: an area per category, a question per
// CSV question, a practice per answer option, and "none of the above" as the none
// choice. A practice weighs what Microsoft's recommendation for it weighs, where the
// export ties one to it, and defaultWeight otherwise; risk follows the score (no
// rules).
func makeLens(e *Export, qs []Question, id string) (*awaf.Lens, []int) {
	name := title(e.Title)
	if name == "" {
		name = "Imported assessment"
	}
	if id == "" {
		id = lens.Slug(name, '-', 56)
		if len(id) < 2 {
			id = "imported-" + id
		}
	}
	l := &awaf.Lens{ID: id, Name: name, Version: "1.0.0",
		Description: fmt.Sprintf("Made by awaf from the CSV export %q: one area per category, one question per question of the export.", e.Title),
		Metadata:    map[string]string{"mscsv.title": e.Title}}
	links := map[string]awaf.Link{}
	for _, r := range e.Recommendations {
		if _, ok := links[r.Category]; !ok && strings.HasPrefix(r.Link, "https://") {
			links[r.Category] = awaf.Link{Title: r.LinkText, URL: r.Link}
		}
	}
	weights := recommendationWeights(e)
	areas := map[string]awaf.AreaID{}
	usedArea := map[awaf.AreaID]bool{}
	usedPillar := map[awaf.PillarID]bool{}
	qids := map[string]bool{}
	at := make([]int, len(qs))
	for qi, q := range qs {
		at[qi] = -1
		practices := 0
		for _, opt := range q.Options {
			if !isNoneText(opt) {
				practices++
			}
		}
		if practices == 0 {
			continue
		}
		area, ok := areas[q.Category]
		if !ok {
			base := lens.Slug(q.Category, '-', 58)
			if len(base) < 2 {
				base = "area-" + base
			}
			area = awaf.AreaID(base)
			for n := 2; usedArea[area]; n++ {
				area = awaf.AreaID(base + "-" + strconv.Itoa(n))
			}
			usedArea[area] = true
			areas[q.Category] = area
			name := strings.TrimSpace(q.Category)
			if name == "" {
				// An answers row without a category still needs a named area to
				// land in; found by FuzzImport.
				name = "No category"
			}
			l.Areas = append(l.Areas, awaf.Area{ID: area, Name: name})
		}
		p := PillarOf(q.Category)
		usedPillar[p] = true
		base := lens.Slug(q.Question, '_', 48)
		if base == "" || base[0] < 'a' || base[0] > 'z' {
			base = "q_" + base
		}
		qid := base
		for n := 2; qids[qid] || len(qid) < 3; n++ {
			qid = base + "_" + strconv.Itoa(n)
		}
		qids[qid] = true
		lq := awaf.Question{ID: qid, Title: strings.TrimSpace(q.Question), Area: area, Pillars: []awaf.PillarID{p},
			Metadata: map[string]string{"mscsv.category": q.Category}}
		link, ok := links[q.Category]
		if !ok {
			link = awaf.Link{Title: "Microsoft Assessments", URL: fallbackURL}
		}
		var none *awaf.Choice
		for i, opt := range q.Options {
			if isNoneText(opt) && none == nil {
				none = &awaf.Choice{ID: "c_none", Title: strings.TrimSpace(opt), None: true}
				continue
			}
			lq.Choices = append(lq.Choices, awaf.Choice{
				ID: fmt.Sprintf("c%02d", i+1), Title: strings.TrimSpace(opt), Weight: weights.of(q, opt), Effort: awaf.EffortMedium,
				Pillars: []awaf.PillarID{p}, Links: []awaf.Link{link},
				Guidance: awaf.Guidance{What: strings.TrimSpace(opt), Why: fmt.Sprintf("An answer option of %q in the %s category.", name, q.Category),
					Verify: "A reviewer confirms the statement holds for the workload."},
			})
		}
		if none == nil {
			none = &awaf.Choice{ID: "c_none", Title: "None of these", None: true, Metadata: map[string]string{"mscsv.synthesized": "true"}}
		}
		lq.Choices = append(lq.Choices, *none)
		at[qi] = len(l.Questions)
		l.Questions = append(l.Questions, lq)
	}
	for _, p := range awaf.Pillars {
		if usedPillar[p] {
			l.Pillars = append(l.Pillars, awaf.Pillar{ID: p, Name: pillarNames[p]})
		}
	}
	return l, at
}
