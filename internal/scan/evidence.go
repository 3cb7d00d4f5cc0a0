package scan

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/rules"
)

// EvidenceSource is the Evidence.Source of everything awaf scan records.
const EvidenceSource = "scan"

// Proposal is a choice the scan's evidence supports on a question nobody answered
// yet. It is shown to the user, who confirms it; it is never written as an answer.
type Proposal struct {
	Question string
	Choice   string
	Rules    []string
	// Evidence is where the passing evidence is (file, line, column), in order.
	Evidence []awaf.Location
}

// Outcome is what Attach reads of one finding: the rule and the lens choices it is
// evidence for, the status the finding counts as, and the resource and place it is
// about. Result.Outcomes and Document.Outcomes give them.
type Outcome struct {
	Rule    string
	Title   string
	Choices []string
	// Status is the effective status: pass, fail, unknown or suppressed.
	Status       rules.Status
	ResourceType string
	ResourceName string
	Loc          awaf.Location
}

// Outcomes gives what Attach reads of the scan's findings.
func (r *Result) Outcomes() []Outcome {
	out := make([]Outcome, 0, r.Findings.Len())
	for _, f := range r.Findings.All() {
		out = append(out, Outcome{Rule: f.Rule.ID, Title: f.Rule.Title, Choices: f.Rule.Choices, Status: f.Effective(),
			ResourceType: f.Resource.Type, ResourceName: displayName(f.Resource), Loc: f.Loc})
	}
	return out
}

// Attach records a scan's findings as evidence on the assessment's answers: one item
// per (choice, rule), passed only when every resource the rule checked passes. Earlier
// scan evidence is replaced; selections, notes and not-applicable marks are left as
// the team wrote them. It returns the proposals: choices whose evidence all passed on
// questions without an answer. A rule's title is the one its first finding gives.
func Attach(a *awaf.Assessment, l *awaf.Lens, findings []Outcome, at time.Time) []Proposal {
	questionOf := map[string]string{}
	for _, q := range l.Questions {
		for _, c := range q.Choices {
			questionOf[c.ID] = q.ID
		}
	}
	type key struct{ choice, rule string }
	type tally struct {
		title                      string
		pass, fail, unknown, suppr int
		firstFail, firstPass       *Outcome
		passLocs                   []awaf.Location
	}
	titleOf := map[string]string{}
	tallies := map[key]*tally{}
	var keys []key
	for i := range findings {
		f := &findings[i]
		if _, ok := titleOf[f.Rule]; !ok {
			titleOf[f.Rule] = f.Title
		}
		for _, c := range f.Choices {
			if _, ok := questionOf[c]; !ok {
				continue
			}
			k := key{c, f.Rule}
			t := tallies[k]
			if t == nil {
				t = &tally{title: titleOf[f.Rule]}
				tallies[k] = t
				keys = append(keys, k)
			}
			switch f.Status {
			case rules.Pass:
				t.pass++
				if t.firstPass == nil {
					t.firstPass = f
				}
				t.passLocs = append(t.passLocs, f.Loc)
			case rules.Fail:
				t.fail++
				if t.firstFail == nil {
					t.firstFail = f
				}
			case rules.Unknown:
				t.unknown++
			case rules.Suppressed:
				t.suppr++
			}
		}
	}
	// Earlier scan evidence goes, whatever question it sat on. An item that comes
	// back unchanged keeps its time, so scanning unchanged templates again leaves
	// the answers file as it was.
	type same struct {
		choice, summary string
		passed          bool
		loc             awaf.Location
	}
	before := map[same]time.Time{}
	for i := range a.Answers {
		for _, e := range a.Answers[i].Evidence {
			if e.Source == EvidenceSource && e.Location != nil {
				before[same{e.Choice, e.Summary, e.Passed, *e.Location}] = e.At
			}
		}
	}
	for i := range a.Answers {
		a.Answers[i].Evidence = slices.DeleteFunc(a.Answers[i].Evidence, func(e awaf.Evidence) bool { return e.Source == EvidenceSource })
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].choice != keys[j].choice {
			return keys[i].choice < keys[j].choice
		}
		return keys[i].rule < keys[j].rule
	})
	passedAll := map[string]bool{}
	rulesOf := map[string][]string{}
	locsOf := map[string][]awaf.Location{}
	for _, k := range keys {
		t := tallies[k]
		if t.pass+t.fail == 0 {
			// Only unknowns or accepted findings: no evidence either way. (Such a rule
			// does not withhold the choice's proposal either: the stored evidence has no
			// "unknown" state, and the server and awaf assess derive proposals from it.)
			continue
		}
		passed := t.fail == 0 && t.unknown == 0 && t.suppr == 0
		var parts []string
		for _, p := range []struct {
			n    int
			word string
		}{{t.pass, string(rules.Pass)}, {t.fail, string(rules.Fail)}, {t.unknown, string(rules.Unknown)}, {t.suppr, string(rules.Suppressed)}} {
			if p.n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", p.n, p.word))
			}
		}
		summary := fmt.Sprintf("%s %s: %s", k.rule, t.title, strings.Join(parts, ", "))
		first := t.firstPass
		if t.firstFail != nil {
			first = t.firstFail
			summary += fmt.Sprintf(" (first failure: %s '%s')", first.ResourceType, first.ResourceName)
		}
		loc := first.Loc
		ev := awaf.Evidence{Choice: k.choice, Source: EvidenceSource, Passed: passed, Summary: summary, Location: &loc, At: at}
		if t, ok := before[same{k.choice, summary, passed, loc}]; ok {
			ev.At = t
		}
		q := questionOf[k.choice]
		ans, ok := a.Answer(q)
		if !ok {
			a.SetAnswer(awaf.Answer{Question: q})
			ans, _ = a.Answer(q)
		}
		ans.Evidence = append(ans.Evidence, ev)
		if prev, seen := passedAll[k.choice]; !seen || prev {
			passedAll[k.choice] = passed
		}
		rulesOf[k.choice] = append(rulesOf[k.choice], k.rule)
		locsOf[k.choice] = append(locsOf[k.choice], t.passLocs...)
	}
	var props []Proposal
	for _, q := range l.Questions {
		if ans, ok := a.Answer(q.ID); ok && ans.Answered() {
			continue
		}
		for _, c := range q.Choices {
			if passedAll[c.ID] {
				props = append(props, Proposal{Question: q.ID, Choice: c.ID, Rules: rulesOf[c.ID], Evidence: sortedLocs(locsOf[c.ID])})
			}
		}
	}
	return props
}

// Components detects the reference-architecture components the scanned resources
// show, in the order of awaf.Components.
func Components(res []iac.Resource) []awaf.Component {
	found := map[awaf.Component]bool{}
	for i := range res {
		r := &res[i]
		kind, _, _ := r.Kind.AsString()
		kind = strings.ToLower(kind)
		switch strings.ToLower(r.Type) {
		case "microsoft.network/applicationgateways", "microsoft.network/frontdoors", "microsoft.cdn/profiles",
			"microsoft.network/applicationgatewaywebapplicationfirewallpolicies", "microsoft.network/frontdoorwebapplicationfirewallpolicies":
			found[awaf.CompGateway] = true
		case "microsoft.apimanagement/service":
			found[awaf.CompAIGateway] = true
		case "microsoft.web/sites", "microsoft.app/containerapps", "microsoft.containerservice/managedclusters":
			found[awaf.CompFrontEnd] = true
		case "microsoft.cognitiveservices/accounts":
			switch kind {
			case "openai", "aiservices":
				found[awaf.CompModelHosting] = true
				if kind == "aiservices" {
					found[awaf.CompContentSafety] = true
				}
			case "contentsafety":
				found[awaf.CompContentSafety] = true
			}
		case "microsoft.cognitiveservices/accounts/deployments", "microsoft.machinelearningservices/workspaces/onlineendpoints",
			"microsoft.machinelearningservices/workspaces/serverlessendpoints":
			found[awaf.CompModelHosting] = true
		case "microsoft.search/searchservices":
			found[awaf.CompGroundingIndex] = true
		case "microsoft.documentdb/databaseaccounts":
			found[awaf.CompChatMemory] = true
		case "microsoft.operationalinsights/workspaces", "microsoft.insights/components":
			found[awaf.CompMonitoring] = true
		case "microsoft.network/privateendpoints", "microsoft.network/privatednszones":
			found[awaf.CompPrivateNetworking] = true
		case "microsoft.keyvault/vaults":
			found[awaf.CompKeyVault] = true
		case "microsoft.machinelearningservices/workspaces":
			if kind == "featurestore" {
				found[awaf.CompFeatureStore] = true
			}
		case "microsoft.machinelearningservices/workspaces/computes":
			if t, _, _ := r.Properties.Get("computeType").AsString(); strings.EqualFold(t, "AmlCompute") {
				found[awaf.CompTrainingCompute] = true
			}
		case "microsoft.storage/storageaccounts":
			if r.Properties.Get("isHnsEnabled").Truthy() {
				found[awaf.CompDataLake] = true
			}
		}
	}
	var out []awaf.Component
	for _, c := range awaf.Components {
		if found[c] {
			out = append(out, c)
		}
	}
	return out
}

// sortedLocs orders locations by file, line and column without repeats.
func sortedLocs(ls []awaf.Location) []awaf.Location {
	slices.SortFunc(ls, func(a, b awaf.Location) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
	return slices.Compact(ls)
}
