// Package rules holds the catalog of machine-checkable practices for AI workload
// resources, as embedded YAML with conditions in CEL, and evaluates it over the iac
// resource model. Each check has three outcomes: pass, fail, and unknown when the
// answer depends on a value that cannot be known before deployment.
package rules

import (
	"fmt"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"

	"github.com/awaf/awaf"
)

// Severity ranks how much a failed rule matters.
type Severity string

// Severities, most severe first.
const (
	High   Severity = "high"
	Medium Severity = "medium"
	Low    Severity = "low"
)

// Rank orders severities: high 3, medium 2, low 1, anything else 0.
func (s Severity) Rank() int {
	switch s {
	case High:
		return 3
	case Medium:
		return 2
	case Low:
		return 1
	}
	return 0
}

// ParseSeverity reads a severity name, case-insensitively.
func ParseSeverity(s string) (Severity, error) {
	switch sev := Severity(strings.ToLower(strings.TrimSpace(s))); sev {
	case High, Medium, Low:
		return sev, nil
	}
	return "", fmt.Errorf("severity %q: want high, medium or low", s)
}

// Default states what the platform does when a template leaves the checked property
// out. Defaults move between API versions, so APIVersions says which ones it holds for.
type Default struct {
	Value       string `yaml:"value" json:"value"`
	Meaning     string `yaml:"meaning" json:"meaning"`
	APIVersions string `yaml:"apiVersions,omitempty" json:"apiVersions,omitempty"`
}

// Remediation says how to fix a failed rule, with snippets for both IaC languages.
type Remediation struct {
	Text      string `yaml:"text" json:"text"`
	Bicep     string `yaml:"bicep,omitempty" json:"bicep,omitempty"`
	Terraform string `yaml:"terraform,omitempty" json:"terraform,omitempty"`
}

// Rule is one check in the catalog.
type Rule struct {
	ID       string          `yaml:"id" json:"id"`
	Title    string          `yaml:"title" json:"title"`
	Severity Severity        `yaml:"severity" json:"severity"`
	Pillars  []awaf.PillarID `yaml:"pillars" json:"pillars"`
	// Types are the ARM resource types the rule selects, compared case-insensitively.
	Types []string `yaml:"types" json:"types"`
	// When narrows the selection (e.g. to OpenAI accounts); empty means every resource
	// of the types. An unknown When gives an unknown outcome.
	When string `yaml:"when,omitempty" json:"when,omitempty"`
	// Condition is true when the resource follows the practice.
	Condition string `yaml:"condition" json:"condition"`
	// Path is the property the rule is about; findings point at it when it is declared.
	Path        string      `yaml:"path,omitempty" json:"path,omitempty"`
	Message     string      `yaml:"message,omitempty" json:"message,omitempty"`
	Default     Default     `yaml:"default" json:"default"`
	Rationale   string      `yaml:"rationale" json:"rationale"`
	Remediation Remediation `yaml:"remediation" json:"remediation"`
	Links       []string    `yaml:"links" json:"links"`
	// Choices are the lens choice ids (built-in lens) the rule is evidence for.
	Choices []string `yaml:"choices,omitempty" json:"choices,omitempty"`
	// Row is the row of the research table the rule covers, for traceability.
	Row int `yaml:"row,omitempty" json:"row,omitempty"`
	// Scope is "workload" for a rule about the workload as a whole (two regions, a
	// Content Safety account): it is judged once per workload, on the first resource
	// of the workload it selects, and reports on the workload. Empty: every resource.
	Scope string `yaml:"scope,omitempty" json:"scope,omitempty"`

	Source awaf.Location `yaml:"-" json:"-"`

	// condition is the condition's program. gated is When and Condition as one
	// program giving 1 (pass), 0 (fail) or 2 (not selected): one evaluation instead
	// of two for rules with a When. Both are built on first use: most rules are
	// judged on the fast path and never need them, and building them was most of a
	// scan's start-up.
	condition lazyProgram
	gated     lazyProgram
	// fastCond (and fastWhen, for rules with a When) judge simple conditions without
	// CEL; nil when the rule needs CEL.
	fastCond, fastWhen *fastExpr
	// pathGet reads Path, compiled once.
	pathGet *fastGet
	// deferred rules read other resources (related) or the workload facts, so a
	// Session judges them in Finish; whenLocal tells that When reads neither, so it
	// can settle the rule when the resource is read. reads is what they read.
	deferred, whenLocal bool
	reads               reads
	self                *keepPlan // what a deferred rule reads of its resource
	// failSet and failUnset are the failure messages when the rule's property is set
	// and when it is left to the platform default.
	msgOnce            sync.Once
	failSet, failUnset string
	types              map[string]bool // lower-cased
}

// Selects reports whether the rule applies to resources of type typ.
func (r *Rule) Selects(typ string) bool { return r.types[strings.ToLower(typ)] }

// HelpURI is the first Learn link, for SARIF and short reports.
func (r *Rule) HelpURI() string {
	if len(r.Links) > 0 {
		return r.Links[0]
	}
	return ""
}

// Status is the outcome of one rule on one resource: pass, fail or unknown, or, as
// the status a finding counts as (Finding.Effective), suppressed.
type Status string

// Outcomes. Unknown is never counted as a pass. Suppressed is never an outcome, only
// the effective status of a finding that was accepted.
const (
	Pass       Status = "pass"
	Fail       Status = "fail"
	Unknown    Status = "unknown"
	Suppressed Status = "suppressed"
)

// IsOutcome reports whether s is an outcome a rule can give: pass, fail or unknown.
func (s Status) IsOutcome() bool { return s == Pass || s == Fail || s == Unknown }

// IsEffective reports whether s is a status a finding can count as: an outcome, or
// suppressed.
func (s Status) IsEffective() bool { return s.IsOutcome() || s == Suppressed }

// A lazyProgram is a CEL program built the first time it is needed; rules are
// judged side by side, so the first use may come from several goroutines at once.
type lazyProgram struct {
	once  sync.Once
	build func() (cel.Program, error) // nil: no program
	prg   cel.Program
	err   error
}

func (l *lazyProgram) get() (cel.Program, error) {
	l.once.Do(func() {
		if l.build != nil {
			l.prg, l.err = l.build()
		}
	})
	return l.prg, l.err
}
