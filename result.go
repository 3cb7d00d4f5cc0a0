package awaf

// Risk is the risk a question's answer leaves, as the AWS tool names them.
type Risk string

// Risks.
const (
	RiskHigh          Risk = "high"
	RiskMedium        Risk = "medium"
	RiskNone          Risk = "none"
	RiskUnanswered    Risk = "unanswered"
	RiskNotApplicable Risk = "not-applicable"
)

// Band is Microsoft's three-way reading of a 0-100 score.
type Band string

// Bands: Critical below 33, Moderate below 67, Excellent from 67.
const (
	BandCritical  Band = "Critical"
	BandModerate  Band = "Moderate"
	BandExcellent Band = "Excellent"
	// BandNotAssessed marks a pillar or area without any applicable question.
	BandNotAssessed Band = "Not assessed"
)

// BandOf returns the band of a score.
func BandOf(score float64) Band {
	switch {
	case score < 33:
		return BandCritical
	case score < 67:
		return BandModerate
	default:
		return BandExcellent
	}
}

// Horizon groups recommendations by when to act.
type Horizon string

// Horizons.
const (
	Now   Horizon = "now"
	Next  Horizon = "next"
	Later Horizon = "later"
)

// Top10Status is how a workload does on one Top 10 item.
type Top10Status string

// Top 10 statuses.
const (
	Top10Met           Top10Status = "met"
	Top10Partial       Top10Status = "partial"
	Top10Missing       Top10Status = "missing"
	Top10NotApplicable Top10Status = "not-applicable"
)

// Result is the evaluation of an assessment against its lens.
type Result struct {
	Lens      LensRef          `json:"lens"`
	Workload  Workload         `json:"workload"`
	Profile   Profile          `json:"profile"`
	Overall   Score            `json:"overall"`
	Pillars   []PillarScore    `json:"pillars"`
	Areas     []AreaScore      `json:"areas"`
	Questions []QuestionResult `json:"questions"`
	Top10     []Top10Result    `json:"top10"`
	Plan      []Recommendation `json:"plan"`
}

// Score summarizes a set of questions.
type Score struct {
	Score      float64 `json:"score"` // 0 to 100, one decimal
	Band       Band    `json:"band"`
	High       int     `json:"highRisks"`
	Medium     int     `json:"mediumRisks"`
	Questions  int     `json:"questions"`  // applicable questions
	Answered   int     `json:"answered"`   // applicable questions with an answer
	Unanswered int     `json:"unanswered"` // applicable questions without one
}

// PillarScore is the score of one pillar.
type PillarScore struct {
	Pillar PillarID `json:"pillar"`
	Name   string   `json:"name"`
	Score
}

// AreaScore is the score of one design area.
type AreaScore struct {
	Area AreaID `json:"area"`
	Name string `json:"name"`
	Score
}

// QuestionResult is the evaluation of one question.
type QuestionResult struct {
	Question string     `json:"question"`
	Title    string     `json:"title"`
	Area     AreaID     `json:"area"`
	Pillars  []PillarID `json:"pillars"`
	Risk     Risk       `json:"risk"`
	Score    float64    `json:"score"`
	// Reason explains a not-applicable risk.
	Reason   NAReason `json:"reason,omitempty"`
	Note     string   `json:"note,omitempty"`
	Selected []string `json:"selected,omitempty"`
	// Missing lists applicable practices not selected.
	Missing []string `json:"missing,omitempty"`
	// Evidence is what scans and evaluation runs recorded on this question's choices.
	Evidence []Evidence `json:"evidence,omitempty"`
	// Contradicted lists selected choices that failing evidence disputes: the team
	// says the practice is in place, a machine check says otherwise.
	Contradicted []string `json:"contradicted,omitempty"`
	// NotNeeded lists the practices the answer declares not needed, with the reason
	// from its note; they leave the score's total and count as met in risk rules.
	NotNeeded []NotNeededResult `json:"notNeeded,omitempty"`
}

// NotNeededResult is one practice an answer declares not needed for the workload.
type NotNeededResult struct {
	Choice   string `json:"choice"`   // the "not needed" choice selected
	Practice string `json:"practice"` // the practice it stands in for
	Title    string `json:"title"`    // the practice's title
	Reason   string `json:"reason"`   // the answer's note
}

// Top10Result is how the workload does on one Top 10 item.
type Top10Result struct {
	ID     string      `json:"id"`
	Title  string      `json:"title"`
	Status Top10Status `json:"status"`
	Met    int         `json:"met"`   // supporting practices in place
	Total  int         `json:"total"` // applicable supporting practices
	// NotNeeded counts the supporting practices declared not needed (with a reason);
	// they are included in Met.
	NotNeeded int `json:"notNeeded,omitempty"`
}

// Recommendation is one practice to adopt, ranked by business impact.
type Recommendation struct {
	Rank     int        `json:"rank"`
	Question string     `json:"question"`
	Choice   string     `json:"choice"`
	Title    string     `json:"title"`
	Area     AreaID     `json:"area"`
	Pillars  []PillarID `json:"pillars"`
	Top10    []string   `json:"top10,omitempty"`
	Risk     Risk       `json:"risk"`
	Weight   int        `json:"weight"`
	Effort   Effort     `json:"effort"`
	Impact   float64    `json:"impact"`   // business impact multiplier from the profile
	Priority float64    `json:"priority"` // 0 to 100, higher first
	Horizon  Horizon    `json:"horizon"`
	Why      string     `json:"why"`
	Guidance Guidance   `json:"guidance"`
	Links    []Link     `json:"links"`
	// Evidence is what scans and evaluation runs found about this practice.
	Evidence []Evidence `json:"evidence,omitempty"`
}
