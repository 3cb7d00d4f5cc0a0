package report

import (
	"embed"
	"fmt"
	"io"
	"strings"
	"sync"
	"text/template"

	"github.com/awaf/awaf"
)

//go:embed templates
var templates embed.FS

// markdownFuncs are the functions of the Markdown report templates, single-lens and
// combined.
var markdownFuncs = template.FuncMap{
	"cell":    mdCell,
	"url":     mdURL.Replace,
	"line":    mdLine,
	"num":     num,
	"inc":     func(i int) int { return i + 1 },
	"band":    func(b awaf.Band) string { return string(b) },
	"risk":    riskTitle,
	"status":  top10Status,
	"join":    strings.Join,
	"str":     func(v any) string { return fmt.Sprint(v) },
	"profile": profileLine,
	"pillars": func(ids []awaf.PillarID) string { return joinIDs(ids) },
	"rows": func(head string, rows []scoreRow) map[string]any {
		return map[string]any{"Head": head, "Rows": rows}
	},
}

// markdownTemplate is parsed on first use, like htmlTemplate.
var markdownTemplate = sync.OnceValue(func() *template.Template {
	return parseMarkdown("templates/report.md.tmpl")
})

// parseMarkdown parses a Markdown template set whose first file is report.md.tmpl,
// with the report's functions.
func parseMarkdown(files ...string) *template.Template {
	return template.Must(template.New("report.md.tmpl").Funcs(markdownFuncs).ParseFS(templates, files...))
}

func renderMarkdown(w io.Writer, in Input) error {
	if err := markdownTemplate().Execute(w, newView(in)); err != nil {
		return fmt.Errorf("render markdown: %w", err)
	}
	return nil
}

// mdCell makes text safe inside a GitHub table cell: pipes would end the cell, line
// breaks the row, and raw angle brackets would be taken for HTML.
func mdCell(s string) string {
	s = strings.TrimSpace(mdLine(s))
	return strings.ReplaceAll(s, "|", `\|`)
}

// mdLine makes text safe on one Markdown line outside tables.
func mdLine(s string) string { return mdEscaper.Replace(s) }

// mdURL percent-encodes what would end a Markdown link target early.
var mdURL = strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E")

var mdEscaper = strings.NewReplacer(
	"\r\n", "<br>", "\n", "<br>", "\r", "<br>",
	"<", "&lt;", ">", "&gt;",
)

func top10Status(s awaf.Top10Status) string {
	switch s {
	case awaf.Top10Met:
		return "✅ met"
	case awaf.Top10Partial:
		return "🟡 partial"
	case awaf.Top10Missing:
		return "❌ missing"
	case awaf.Top10NotApplicable:
		return "not applicable"
	}
	return string(s)
}

// profileLine describes the workload profile in one sentence, leaving out what is unset.
func profileLine(p awaf.Profile) string {
	var parts []string
	if len(p.Kinds) > 0 {
		parts = append(parts, joinIDs(p.Kinds))
	}
	if p.Criticality != "" {
		parts = append(parts, string(p.Criticality))
	}
	if p.Sensitivity != "" {
		parts = append(parts, string(p.Sensitivity)+" data")
	}
	if p.Exposure != "" {
		parts = append(parts, string(p.Exposure)+" users")
	}
	if len(p.Priorities) > 0 {
		parts = append(parts, "priorities "+joinIDs(p.Priorities))
	}
	if len(parts) == 0 {
		return "not set"
	}
	return mdLine(strings.Join(parts, "; "))
}

func joinIDs[T ~string](ids []T) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return strings.Join(s, ", ")
}
