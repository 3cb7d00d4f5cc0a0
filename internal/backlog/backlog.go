// Package backlog turns the remediation plan into files that work trackers import:
// Azure DevOps Boards' work item CSV, GitHub issues (a CSV for the usual import tools
// and a shell script of `gh issue create` commands) and Jira's CSV importer. It is pure:
// it reads an evaluated result and writes bytes.
//
// Every cell and argument is treated as hostile, since custom and imported lenses supply
// the text: CSV cells are neutralized against formula injection, HTML is escaped, Jira
// wiki markup is escaped and shell arguments are single-quoted.
package backlog

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/awaf/awaf"
)

// Target names a tracker's import format.
type Target string

// Targets, as the --target flag spells them.
const (
	ADO          Target = "ado"
	GitHub       Target = "github"
	GitHubScript Target = "github-sh"
	Jira         Target = "jira"
)

// Targets lists every target in the order the help text shows them.
func Targets() []Target { return []Target{ADO, GitHub, GitHubScript, Jira} }

// ParseTarget reads a target name.
func ParseTarget(s string) (Target, error) {
	switch t := Target(strings.ToLower(strings.TrimSpace(s))); t {
	case ADO, GitHub, GitHubScript, Jira:
		return t, nil
	case "azure-devops", "azdo":
		return ADO, nil
	}
	return "", awaf.Errorf(awaf.EINVALID, "unknown backlog target %q (want ado, github, github-sh or jira)", s)
}

// Ext is the usual file extension of a target's output, with the dot.
func (t Target) Ext() string {
	if t == GitHubScript {
		return ".sh"
	}
	return ".csv"
}

// Filter narrows the plan. Empty fields keep everything.
type Filter struct {
	Horizons    []awaf.Horizon
	Pillars     []awaf.PillarID // a recommendation matches when it serves any of them
	MinPriority float64
}

// Item is one backlog entry: a recommendation with the names a reader needs.
type Item struct {
	awaf.Recommendation
	QuestionTitle string
	AreaName      string
	PillarNames   []string
	Top10Titles   []string
	// Owner is who the work goes to, when a team tracks it (the server knows owners;
	// the CLI leaves it empty). GitHub wants a login, Jira an e-mail address.
	Owner string
}

// ExternalID is a stable key for the item across exports: the same practice of the
// same question always gets the same id, whatever its rank.
func (it Item) ExternalID() string { return "awaf:" + it.Question + "/" + it.Choice }

// Select keeps the recommendations of r that pass f, in plan order, with names from r.
func Select(r *awaf.Result, f Filter) []Item {
	qTitle := map[string]string{}
	for _, q := range r.Questions {
		qTitle[q.Question] = q.Title
	}
	area := map[awaf.AreaID]string{}
	for _, a := range r.Areas {
		area[a.Area] = a.Name
	}
	pillar := map[awaf.PillarID]string{}
	for _, p := range r.Pillars {
		pillar[p.Pillar] = p.Name
	}
	top10 := map[string]string{}
	for _, t := range r.Top10 {
		top10[t.ID] = t.Title
	}
	items := []Item{}
	for _, rec := range r.Plan {
		if !f.keep(rec) {
			continue
		}
		it := Item{Recommendation: rec, QuestionTitle: qTitle[rec.Question], AreaName: area[rec.Area]}
		if it.AreaName == "" {
			it.AreaName = string(rec.Area)
		}
		for _, p := range rec.Pillars {
			name := pillar[p]
			if name == "" {
				name = string(p)
			}
			it.PillarNames = append(it.PillarNames, name)
		}
		for _, id := range rec.Top10 {
			if t := top10[id]; t != "" {
				it.Top10Titles = append(it.Top10Titles, t)
			} else {
				it.Top10Titles = append(it.Top10Titles, id)
			}
		}
		items = append(items, it)
	}
	return items
}

func (f Filter) keep(rec awaf.Recommendation) bool {
	if len(f.Horizons) > 0 && !slices.Contains(f.Horizons, rec.Horizon) {
		return false
	}
	if rec.Priority < f.MinPriority {
		return false
	}
	if len(f.Pillars) > 0 && !slices.ContainsFunc(rec.Pillars, func(p awaf.PillarID) bool { return slices.Contains(f.Pillars, p) }) {
		return false
	}
	return true
}

// ParseHorizons reads a comma-separated list such as "now,next".
func ParseHorizons(s string) ([]awaf.Horizon, error) {
	var hs []awaf.Horizon
	for _, part := range splitList(s) {
		h := awaf.Horizon(strings.ToLower(part))
		switch h {
		case awaf.Now, awaf.Next, awaf.Later:
			hs = append(hs, h)
		default:
			return nil, awaf.Errorf(awaf.EINVALID, "unknown horizon %q (want now, next or later)", part)
		}
	}
	return hs, nil
}

// ParsePillars reads a comma-separated list of pillar ids.
func ParsePillars(s string) ([]awaf.PillarID, error) {
	var ps []awaf.PillarID
	for _, part := range splitList(s) {
		p := awaf.PillarID(strings.ToLower(part))
		if !slices.Contains(awaf.Pillars, p) {
			return nil, awaf.Errorf(awaf.EINVALID, "unknown pillar %q (want security, reliability, cost, operations, performance or responsible-ai)", part)
		}
		ps = append(ps, p)
	}
	return ps, nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// Options tune a target's output to the tracker's set-up.
type Options struct {
	// WorkItemType is the Azure DevOps type to create (default Task, which every
	// process template has: Basic, Agile, Scrum and CMMI).
	WorkItemType string
	// AreaPath and IterationPath add those Azure DevOps columns when set; they name
	// nodes of one project, so they are off by default.
	AreaPath, IterationPath string
	// IssueType is the Jira issue type (default Task).
	IssueType string
	// Milestone is the GitHub milestone title for every issue (it must exist).
	Milestone string
	// Repo is the GitHub repository (OWNER/NAME) the script creates issues in;
	// empty means the repository of the directory the script runs in.
	Repo string
}

// adoMaxItems is the most work items Azure Boards imports from one file.
const adoMaxItems = 1000

// Write writes items in target t's format.
func Write(w io.Writer, t Target, items []Item, o Options) error {
	switch t {
	case ADO:
		if len(items) > adoMaxItems {
			return awaf.Errorf(awaf.EINVALID, "%d work items: Azure Boards imports at most %d per file; narrow with --horizon, --pillar or --min-priority", len(items), adoMaxItems)
		}
		return writeADO(w, items, o)
	case GitHub:
		return writeGitHubCSV(w, items, o)
	case GitHubScript:
		return writeGitHubScript(w, items, o)
	case Jira:
		return writeJira(w, items, o)
	}
	return fmt.Errorf("write backlog: unknown target %q", t)
}

// Labels are the tags every tracker gets: awaf, the pillars, the horizon and the risk.
// They are safe in all three trackers: no spaces (Jira splits on them), no commas or
// semicolons (GitHub and Azure DevOps separate tags with them).
func Labels(it Item) []string {
	ls := []string{"awaf"}
	for _, p := range it.Pillars {
		ls = append(ls, string(p))
	}
	ls = append(ls, "horizon:"+string(it.Horizon), "risk:"+string(it.Risk))
	for i, l := range ls {
		ls[i] = label(l)
	}
	return ls
}

func label(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ',' || r == ';' || r == '"' || r == '\'' || r == '`' || r == '\\':
			return '-'
		case r <= ' ' || r == 0x7f:
			return '-'
		}
		return r
	}, s)
}

// ADOPriority maps a priority score to Azure DevOps' 1 (highest) to 4. The bands follow
// the plan's horizons: Now splits into 1 and 2, Next is 3, Later is 4.
func ADOPriority(score float64) int {
	switch {
	case score >= 50:
		return 1
	case score >= 40:
		return 2
	case score >= 20:
		return 3
	}
	return 4
}

// JiraPriority maps a priority score to Jira's default priority names.
func JiraPriority(score float64) string {
	switch {
	case score >= 50:
		return "Highest"
	case score >= 40:
		return "High"
	case score >= 30:
		return "Medium"
	case score >= 20:
		return "Low"
	}
	return "Lowest"
}

// safeURL reports whether a link may be rendered as a link: only web addresses, never
// javascript: or data: ones.
func safeURL(u string) bool {
	l := strings.ToLower(strings.TrimSpace(u))
	return (strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")) && !strings.ContainsAny(u, " \t\r\n\"'<>`")
}

// score prints a priority score as the plan does: one decimal at most.
func score(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

// maxTitle is the longest title all three trackers take: Azure DevOps and Jira stop at
// 255 characters, GitHub at 256.
const maxTitle = 255

// title is the item's title on one line, cut to maxTitle characters.
func title(it Item) string {
	t := oneLine(it.Title)
	if r := []rune(t); len(r) > maxTitle {
		t = string(r[:maxTitle-1]) + "…"
	}
	return t
}
