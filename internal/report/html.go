package report

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/awaf/awaf"
)

// htmlTemplate is parsed once; html/template escapes every value for its context, so
// notes and titles cannot inject markup.
var htmlTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"num": num,
	"inc": func(i int) int { return i + 1 },
	"iso": func(t time.Time) string { return t.Format(time.RFC3339) },
	"bandClass": func(b awaf.Band) string {
		return "band-" + strings.ReplaceAll(strings.ToLower(string(b)), " ", "-")
	},
	"riskClass":   func(r awaf.Risk) string { return "risk-" + string(r) },
	"riskTitle":   riskTitle,
	"statusClass": func(s awaf.Top10Status) string { return "st-" + string(s) },
	"statusTitle": func(s awaf.Top10Status) string {
		if s == awaf.Top10NotApplicable {
			return "not applicable"
		}
		return string(s)
	},
	"join": func(v any) string {
		switch s := v.(type) {
		case []string:
			return strings.Join(s, "; ")
		case []awaf.Kind:
			return joinIDs(s)
		case []awaf.PillarID:
			return joinIDs(s)
		}
		return fmt.Sprint(v)
	},
}).ParseFS(templates, "templates/report.html.tmpl", "templates/style.html.tmpl"))

func renderHTML(w io.Writer, in Input) error {
	if err := htmlTemplate.Execute(w, newView(in)); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	return nil
}
