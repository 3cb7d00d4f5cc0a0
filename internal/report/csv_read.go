package report

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/awaf/awaf"
)

// MSExport is an assessment export in Microsoft's CSV layout, as awaf writes it and as
// the Azure Well-Architected Review and its variants (the Gen AI security assessment)
// do.
type MSExport struct {
	Title           string
	Overall         MSScore
	Categories      []MSScore // one per pillar or section, in file order
	NextSteps       []MSLink
	Recommendations []MSRecommendation
	Answers         []MSAnswer // one per answer option
}

// MSScore is a score line of the header block: `<name>,<band>,'<score>/<max>'`.
type MSScore struct {
	Name string
	// Band is Critical, Moderate or Excellent, or "Not assessed" (then Score and Max
	// are zero).
	Band  string
	Score int
	Max   int
	Line  int
}

// Assessed reports whether the line carries a score.
func (s MSScore) Assessed() bool { return s.Band != msNotAssessed }

// MSLink is a Next Steps row.
type MSLink struct {
	Text string
	URL  string
	Line int
}

// MSRecommendation is a row of the recommendations table.
type MSRecommendation struct {
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

// MSAnswer is a row of the answers table: one answer option of one question.
type MSAnswer struct {
	Category string
	Question string
	Answer   string
	// Selected repeats Answer when the option was ticked, and is empty otherwise.
	Selected string
	Note     string
	Line     int
}

// MSQuestion is the answer rows of one question taken together.
type MSQuestion struct {
	Category string
	Question string
	Options  []string
	Selected []string
	Note     string // the notes of its rows, joined
	Line     int
}

// Questions groups the answer rows by question, in file order.
func (e *MSExport) Questions() []MSQuestion {
	var qs []MSQuestion
	index := map[string]int{}
	for _, a := range e.Answers {
		key := a.Category + "\x00" + a.Question
		i, ok := index[key]
		if !ok {
			i = len(qs)
			index[key] = i
			qs = append(qs, MSQuestion{Category: a.Category, Question: a.Question, Line: a.Line})
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

var msScorePattern = regexp.MustCompile(`^'(\d+)/(\d+)'$`)

// ReadMSCSV reads an assessment export in Microsoft's CSV layout. It reports every
// problem it finds as awaf.Problems with line numbers; callers set the file name.
func ReadMSCSV(r io.Reader) (*MSExport, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // variants pad to different widths
	e := &MSExport{}
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
		if first {
			rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
		}
		fields := trimFields(rec)
		if len(fields) == 0 {
			continue
		}
		if first {
			first = false
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
				e.NextSteps = append(e.NextSteps, MSLink{Text: f(0), URL: f(1), Line: line})
			case state == inHeader && len(fields) >= 2:
				s, err := parseMSScore(f(0), f(1), f(2), line)
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
			rec := MSRecommendation{
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
			e.Answers = append(e.Answers, MSAnswer{Category: f(0), Question: f(1), Answer: f(2), Selected: f(3), Note: f(4), Line: line})
		}
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

func parseMSScore(name, band, score string, line int) (MSScore, error) {
	s := MSScore{Name: name, Band: band, Line: line}
	switch band {
	case msNotAssessed:
		return s, nil
	case string(awaf.BandCritical), string(awaf.BandModerate), string(awaf.BandExcellent):
	default:
		return s, fmt.Errorf("band %q of %q: expected Critical, Moderate, Excellent or %s", band, name, msNotAssessed)
	}
	m := msScorePattern.FindStringSubmatch(score)
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
