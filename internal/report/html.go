package report

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/awaf/awaf"
)

// htmlFuncs are the functions of the HTML report templates, single-lens and combined.
var htmlFuncs = template.FuncMap{
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
}

// htmlTemplate is parsed on first use, not at start-up, which every command would pay
// for; TestTemplatesParse parses it, so a broken template still fails the tests.
// html/template escapes every value for its context, so notes and titles cannot
// inject markup.
var htmlTemplate = sync.OnceValue(func() *template.Template {
	return parseHTML("templates/report.html.tmpl", "templates/style.html.tmpl")
})

// parseHTML parses an HTML template set whose first file is report.html.tmpl, with
// the report's functions. The combined report parses its own set rather than cloning
// htmlTemplate, as html/template refuses to clone a set that has been executed.
func parseHTML(files ...string) *template.Template {
	return template.Must(template.New("report.html.tmpl").Funcs(htmlFuncs).ParseFS(templates, files...))
}

func renderHTML(w io.Writer, in Input) error {
	if err := htmlTemplate().Execute(w, newView(in)); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	return nil
}
