package scan

import (
	"fmt"
	"io"
	"strings"

	"github.com/awaf/awaf/internal/rules"
)

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

func writeMarkdown(w io.Writer, r *Result, opt WriteOptions) error {
	var b strings.Builder
	c := r.Count()
	b.WriteString("# awaf scan\n\n")
	fmt.Fprintf(&b, "%s, %s, %s.\n\n", count(len(r.Files), "file"), count(len(r.listed()), "resource"), count(len(r.Catalog.Rules), "rule"))
	b.WriteString("| pass | fail | high | medium | low | unknown | suppressed | diagnostics |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %d | %d | %d |\n\n", c.Pass, c.Fail, c.High, c.Medium, c.Low, c.Unknown, c.Suppressed, len(r.Diagnostics))
	for _, g := range groups(r, func(f *Finding) bool { return opt.ShowPass || f.Status != rules.Pass }) {
		fmt.Fprintf(&b, "## %s `%s`\n\n`%s`\n\n", mdEscape(g.res.Type), mdEscape(displayName(g.res)), locString(g.res.Loc))
		b.WriteString("| status | severity | rule | finding | location |\n|---|---|---|---|---|\n")
		for _, f := range g.findings {
			msg := mdEscape(f.Message)
			if s := f.Suppression; s != nil {
				msg += " — suppressed: " + mdEscape(s.Reason)
			}
			rule := f.Rule.ID
			if u := f.Rule.HelpURI(); u != "" {
				rule = fmt.Sprintf("[%s](%s)", f.Rule.ID, u)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | `%s` |\n", f.Effective(), f.Rule.Severity, rule, msg, locString(f.Loc))
		}
		b.WriteString("\n")
	}
	if len(r.Diagnostics) > 0 {
		b.WriteString("## Diagnostics\n\n| severity | location | message |\n|---|---|---|\n")
		for _, d := range r.Diagnostics {
			fmt.Fprintf(&b, "| %s | `%s` | %s |\n", d.Severity, locString(d.Loc), mdEscape(d.Message))
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
