package awaf

import "time"

// LensRef names a lens at a version.
type LensRef struct {
	ID      string `yaml:"id" json:"id"`
	Version string `yaml:"version" json:"version"`
	// File is where a lens that is not built in was read from, relative to the
	// answers file (slash-separated), so later commands find it without --lens.
	File string `yaml:"file,omitempty" json:"file,omitempty"`
}

// Workload describes what is being assessed.
type Workload struct {
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	Owner       string `yaml:"owner,omitempty" json:"owner,omitempty"`
	Environment string `yaml:"environment,omitempty" json:"environment,omitempty"`
}

// Assessment is one workload's answers to one lens: what the answers file holds.
type Assessment struct {
	Lens     LensRef   `yaml:"lens" json:"lens"`
	Workload Workload  `yaml:"workload" json:"workload"`
	Profile  Profile   `yaml:"profile" json:"profile"`
	Answers  []Answer  `yaml:"answers" json:"answers"`
	Updated  time.Time `yaml:"updated,omitempty" json:"updated,omitzero"`
}

// NAReason says why a question does not apply, as the AWS tool records it.
type NAReason string

// Reasons for marking a question not applicable.
const (
	NAOutOfScope              NAReason = "out-of-scope"
	NABusinessPriorities      NAReason = "business-priorities"
	NAArchitectureConstraints NAReason = "architecture-constraints"
	NAOther                   NAReason = "other"
	// NAProfile is set by evaluation when the profile rules a question out.
	NAProfile NAReason = "profile"
)

// NAReasons lists the reasons a user may give.
var NAReasons = []NAReason{NAOutOfScope, NABusinessPriorities, NAArchitectureConstraints, NAOther}

// Answer is what a team said about one question.
type Answer struct {
	Question string `yaml:"question" json:"question"`
	// Selected holds the chosen choice ids; a "none of these" choice stands alone.
	Selected []string `yaml:"selected,flow,omitempty" json:"selected,omitempty"`
	// NotApplicable marks the whole question out of scope, with a reason.
	NotApplicable *NotApplicable `yaml:"notApplicable,omitempty" json:"notApplicable,omitempty"`
	Note          string         `yaml:"note,omitempty" json:"note,omitempty"`
	// Evidence backs selected choices with machine findings (scan, eval).
	Evidence []Evidence `yaml:"evidence,omitempty" json:"evidence,omitempty"`
	// Template marks an answer applied from a review template, with its version;
	// an answer changed by hand after that carries no mark.
	Template *TemplateRef `yaml:"template,omitempty" json:"template,omitempty"`
}

// TemplateRef names a review template and one of its versions.
type TemplateRef struct {
	Name    string `yaml:"name" json:"name"`
	Version int    `yaml:"version" json:"version"`
}

// NotApplicable records why a question was left out.
type NotApplicable struct {
	Reason NAReason `yaml:"reason" json:"reason"`
	Note   string   `yaml:"note,omitempty" json:"note,omitempty"`
}

// Evidence is a machine-made fact that supports or contradicts a choice.
type Evidence struct {
	Choice   string    `yaml:"choice" json:"choice"`
	Source   string    `yaml:"source" json:"source"` // "scan", "eval", ...
	Passed   bool      `yaml:"passed" json:"passed"`
	Summary  string    `yaml:"summary" json:"summary"`
	Location *Location `yaml:"location,omitempty,flow" json:"location,omitempty"`
	At       time.Time `yaml:"at,omitempty" json:"at,omitzero"`
}

// Answer returns the answer to a question, if any.
func (a *Assessment) Answer(question string) (*Answer, bool) {
	for i := range a.Answers {
		if a.Answers[i].Question == question {
			return &a.Answers[i], true
		}
	}
	return nil, false
}

// SetAnswer replaces the answer to ans.Question, or appends it.
func (a *Assessment) SetAnswer(ans Answer) {
	for i := range a.Answers {
		if a.Answers[i].Question == ans.Question {
			a.Answers[i] = ans
			return
		}
	}
	a.Answers = append(a.Answers, ans)
}

// Answered reports whether the answer says anything about its question.
func (a Answer) Answered() bool {
	return len(a.Selected) > 0 || a.NotApplicable != nil
}
