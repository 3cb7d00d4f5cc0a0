package mscsv

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/awaf/awaf"
)

// Export is an assessment export in Microsoft's CSV layout, as awaf writes it and as
// the Azure Well-Architected Review and its variants (the Gen AI security assessment)
// do.
type Export struct {
	Title           string
	Overall         Score
	Categories      []Score // one per pillar or section, in file order
	NextSteps       []Link
	Recommendations []Recommendation
	Answers         []AnswerRow // one per answer option
}

// The layout of Microsoft's assessment export (see docs/interop.md).
const (
	msOverall     = "Your overall results"
	msNextSteps   = "Next Steps"
	msNotAssessed = "Not assessed"
	msSeparator   = "-----------"
	msCompleteNo  = "N"
	msCompleteYes = "Y"
)

var (
	msRecommendationHeader = []string{"Category", "Link-Text", "Link", "Priority", "ReportingCategory", "ReportingSubcategory", "Weight", "Context", "CompleteY/N", "Note"}
	msAnswerHeader         = []string{"Category", "Question", "Answers", "Selected Answer", "Note"}
)

// Score is a score line of the header block: `<name>,<band>,'<score>/<max>'`.
type Score struct {
	Name string
	// Band is kept as Microsoft wrote it: Critical, Moderate, Excellent, an
	// assessment's own levels (the DevOps Capability Review writes "Proficent"), or
	// "Not assessed" (then Score and Max are zero).
	Band  string
	Score int
	Max   int
	Line  int
}

// Assessed reports whether the line carries a score.
func (s Score) Assessed() bool { return s.Band != msNotAssessed }

// Percent is the score on a 0-100 scale. Microsoft's maximum is not always 100 (the
// DevOps Capability Review writes '71/260'); its band follows this share.
func (s Score) Percent() float64 {
	if s.Max <= 0 {
		return 0
	}
	return float64(s.Score) * 100 / float64(s.Max)
}

// Link is a Next Steps row.
type Link struct {
	Text string
	URL  string
	Line int
}

// Recommendation is a row of the recommendations table.
type Recommendation struct {
	Category             string
	LinkText             string
	Link                 string
	Priority             string // High, Medium or Low
	ReportingCategory    string
	ReportingSubcategory string
	Weight               int // 0 to 100
	Context              string
	Complete             bool
	Note                 string
	Line                 int
}

// AnswerRow is a row of the answers table: one answer option of one question.
type AnswerRow struct {
	Category string
	Question string
	Answer   string
	// Selected repeats Answer when the option was ticked, and is empty otherwise.
	Selected string
	Note     string
	Line     int
}

// Question is the answer rows of one question taken together.
type Question struct {
	Category string
	Question string
	Options  []string
	Selected []string
	Note     string // the notes of its rows, joined
	Line     int
}

// Questions groups the answer rows by question, in file order.
func (e *Export) Questions() []Question {
	var qs []Question
	index := map[string]int{}
	for _, a := range e.Answers {
		key := a.Category + "\x00" + a.Question
		i, ok := index[key]
		if !ok {
			i = len(qs)
			index[key] = i
			qs = append(qs, Question{Category: a.Category, Question: a.Question, Line: a.Line})
		}
		q := &qs[i]
		q.Options = append(q.Options, a.Answer)
		if a.Selected != "" {
			q.Selected = append(q.Selected, a.Answer)
		}
		if a.Note != "" {
			if q.Note != "" {
				q.Note += "\n"
			}
			q.Note += a.Note
		}
	}
	return qs
}

// The patterns are compiled on first use: a letter class repeated forty times makes a
// large program (about 1 ms and 1 MB to compile), which commands that read no export
// should not pay for at start-up.
var (
	scorePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^'(\d{1,9})/(\d{1,9})'$`) })
	// Bands are words; Microsoft's assessments name their own levels.
	bandPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\p{L}[\p{L} -]{0,39}$`) })
)

// Read reads an assessment export in Microsoft's CSV layout. It reports every
// problem it finds as awaf.Problems with line numbers; callers set the file name.
func Read(r io.Reader) (*Export, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // variants pad to different widths
	e := &Export{}
	var problems awaf.Problems
	problem := func(line int, format string, args ...any) {
		problems = append(problems, awaf.Problem{Location: awaf.Location{Line: line}, Message: fmt.Sprintf(format, args...)})
	}
	const (
		inHeader = iota
		inNextSteps
		inRecommendations
		afterSeparator
		inAnswers
	)
	state := inHeader
	sawOverall := false
	first := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				problem(pe.Line, "malformed CSV: %v", pe.Err)
			} else {
				problem(0, "read: %v", err)
			}
			break
		}
		line, _ := cr.FieldPos(0)
		// An export is UTF-8 text: a field that is not would reach the lens and the
		// answers as bytes no reader shows (YAML writes them as base64).
		if i := slices.IndexFunc(rec, func(f string) bool { return !utf8.ValidString(f) }); i >= 0 {
			l, c := cr.FieldPos(i)
			problems = append(problems, awaf.Problem{Location: awaf.Location{Line: l, Column: c},
				Message: fmt.Sprintf("field %d is not UTF-8 text; save the export as UTF-8", i+1)})
			continue
		}
		if first {
			rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
		}
		fields := trimFields(rec)
		if len(fields) == 0 {
			continue
		}
		if first {
			first = false
			if what := describes(fields); what != "" {
				return nil, awaf.Problems{{Location: awaf.Location{Line: line}, Message: what + "; " + expectExport}}
			}
			e.Title = fields[0]
			continue
		}
		f := func(i int) string {
			if i < len(fields) {
				return fields[i]
			}
			return ""
		}
		switch state {
		case inHeader, inNextSteps:
			switch {
			case hasPrefixFields(fields, msRecommendationHeader):
				state = inRecommendations
			case f(0) == msNextSteps:
				state = inNextSteps
			case strings.HasPrefix(f(0), "Recommendations for"):
			case strings.HasPrefix(f(1), "http://") || strings.HasPrefix(f(1), "https://"):
				e.NextSteps = append(e.NextSteps, Link{Text: f(0), URL: f(1), Line: line})
			case state == inHeader && len(fields) >= 2:
				s, err := parseScore(f(0), f(1), f(2), line)
				if err != nil {
					problem(line, "%v", err)
					continue
				}
				if f(0) == msOverall {
					e.Overall, sawOverall = s, true
				} else {
					e.Categories = append(e.Categories, s)
				}
			default:
				problem(line, "unexpected row %q in the header block; expected a score line, a Next Steps link, or the recommendations header", strings.Join(fields, ","))
			}
		case inRecommendations:
			if f(0) == msSeparator {
				state = afterSeparator
				continue
			}
			rec := Recommendation{
				Category: f(0), LinkText: f(1), Link: f(2), Priority: f(3),
				ReportingCategory: f(4), ReportingSubcategory: f(5), Context: f(7), Note: f(9), Line: line,
			}
			switch rec.Priority {
			case "High", "Medium", "Low":
			default:
				problem(line, "priority %q: expected High, Medium or Low", rec.Priority)
			}
			if w := f(6); w != "" {
				n, err := strconv.Atoi(w)
				if err != nil || n < 0 || n > 100 {
					problem(line, "weight %q: expected a whole number from 0 to 100", w)
				}
				rec.Weight = n
			}
			switch f(8) {
			case msCompleteYes:
				rec.Complete = true
			case msCompleteNo, "":
			default:
				problem(line, "CompleteY/N %q: expected Y or N", f(8))
			}
			e.Recommendations = append(e.Recommendations, rec)
		case afterSeparator:
			if !hasPrefixFields(fields, msAnswerHeader) {
				problem(line, "expected the answers header %q after the separator", strings.Join(msAnswerHeader, ","))
				return nil, problems
			}
			state = inAnswers
		case inAnswers:
			if f(1) == "" || f(2) == "" {
				problem(line, "answer row without a question or an answer option")
				continue
			}
			e.Answers = append(e.Answers, AnswerRow{Category: f(0), Question: f(1), Answer: f(2), Selected: f(3), Note: f(4), Line: line})
		}
	}
	if state == inHeader && !sawOverall && !first {
		// Nothing of an export was found: one line says so instead of one per row.
		return nil, awaf.Problems{{Location: awaf.Location{Line: 1}, Message: "no \"" + msOverall + "\" score line and no recommendations table: this is not an assessment export; " + expectExport}}
	}
	switch state {
	case inHeader, inNextSteps:
		problem(0, "no recommendations table: expected a row %q", strings.Join(msRecommendationHeader, ","))
	case inRecommendations:
		problem(0, "no %q separator after the recommendations table", msSeparator)
	case afterSeparator:
		problem(0, "no answers table: expected a row %q", strings.Join(msAnswerHeader, ","))
	}
	if !sawOverall && state != inHeader {
		problem(0, "no %q line in the header block", msOverall)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return e, nil
}

// expectExport says what an assessment export looks like, for files that are not one.
const expectExport = "expected a CSV exported from an assessment on Microsoft's assessment platform (or by 'awaf report --format csv'): a title line, \"" + msOverall + ",<band>,'<score>/<max>'\", a recommendations table and an answers table"

// describes names the other CSV files Microsoft publishes beside its exports (the
// category descriptions the WARP scripts read: "Category,Description",
// "Pillar,Category,Description", "Pillar,Category,Caption,Description"), from their
// header row.
func describes(fields []string) string {
	if len(fields) < 2 || len(fields) > 5 || fields[len(fields)-1] != "Description" || !slices.Contains(fields, "Category") {
		return ""
	}
	return fmt.Sprintf("this is a category-description file (columns %s, as the WARP scripts read beside an export), not an assessment export", strings.Join(fields, ","))
}

func parseScore(name, band, score string, line int) (Score, error) {
	s := Score{Name: name, Band: band, Line: line}
	if band == msNotAssessed {
		return s, nil
	}
	if !bandPattern().MatchString(band) {
		return s, fmt.Errorf("band %q of %q: expected a word such as Critical, Moderate or Excellent, or %s", band, name, msNotAssessed)
	}
	m := scorePattern().FindStringSubmatch(score)
	if m == nil {
		return s, fmt.Errorf("score %q of %q: expected '<n>/<max>' in apostrophes", score, name)
	}
	var err1, err2 error
	s.Score, err1 = strconv.Atoi(m[1])
	s.Max, err2 = strconv.Atoi(m[2])
	if err := errors.Join(err1, err2); err != nil {
		return s, fmt.Errorf("score %q of %q: %w", score, name, err)
	}
	return s, nil
}

// trimFields trims spaces around every field and drops the empty fields that pad a
// row; nil means a blank row.
func trimFields(rec []string) []string {
	out := make([]string, len(rec))
	n := 0
	for i, s := range rec {
		out[i] = strings.TrimSpace(s)
		if out[i] != "" {
			n = i + 1
		}
	}
	if n == 0 {
		return nil
	}
	return out[:n]
}

func hasPrefixFields(fields, want []string) bool {
	if len(fields) < len(want) {
		return false
	}
	for i, w := range want {
		if fields[i] != w {
			return false
		}
	}
	return true
}
