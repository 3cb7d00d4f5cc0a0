package compare

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/awaf/awaf"
)

// Format names an output format of a comparison.
type Format string

// Formats.
const (
	Text     Format = "text"
	Markdown Format = "md"
	JSON     Format = "json"
)

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case Text, Markdown, JSON:
		return f, nil
	case "markdown":
		return Markdown, nil
	case "txt":
		return Text, nil
	}
	return "", awaf.Errorf(awaf.EINVALID, "unknown comparison format %q (want text, md or json)", s)
}

// Render writes c in format f.
func Render(w io.Writer, f Format, c *Comparison) error {
	switch f {
	case Text:
		return renderText(w, c)
	case Markdown:
		return renderMarkdown(w, c)
	case JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(c); err != nil {
			return fmt.Errorf("render comparison: %w", err)
		}
		return nil
	}
	return fmt.Errorf("render comparison: unknown format %q", f)
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func signed(d ScoreDelta) string {
	switch {
	case !d.Comparable:
		return "n/a"
	case d.Delta > 0:
		return "+" + num(d.Delta)
	case d.Delta == 0:
		return "0"
	}
	return num(d.Delta)
}

func scoreText(s awaf.Score) string {
	if s.Band == awaf.BandNotAssessed || s.Band == "" {
		return string(awaf.BandNotAssessed)
	}
	return num(s.Score) + " " + string(s.Band)
}

func lensText(s Side) string {
	if s.Lens.ID == "" {
		return ""
	}
	return " (" + s.Lens.ID + " " + s.Lens.Version + ")"
}

func riskText(r awaf.Risk) string {
	if r == "" {
		return "absent"
	}
	return string(r)
}

func statusText(s awaf.Top10Status) string {
	if s == "" {
		return "absent"
	}
	return string(s)
}

func changedOnly(ds []ScoreDelta) []ScoreDelta {
	var out []ScoreDelta
	for _, d := range ds {
		if d.Changed() {
			out = append(out, d)
		}
	}
	return out
}

// clean keeps lens-supplied text on one line of a table or a terminal: no line breaks,
// no control characters, no Markdown table separators.
func clean(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
}

func renderText(w io.Writer, c *Comparison) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }
	p("Comparison: %s%s -> %s%s\n", clean(c.Old.Name), lensText(c.Old), clean(c.New.Name), lensText(c.New))
	if c.Empty() {
		p("\nNo changes.\n")
		return tw.Flush()
	}
	o := c.Overall
	p("\nOverall: %s -> %s (%s); high risks %d -> %d, medium risks %d -> %d\n",
		scoreText(o.Old), scoreText(o.New), signed(o), o.Old.High, o.New.High, o.Old.Medium, o.New.Medium)
	for _, group := range []struct {
		title string
		rows  []ScoreDelta
	}{{"Pillars", c.Pillars}, {"Design areas that changed", changedOnly(c.Areas)}} {
		if len(group.rows) == 0 {
			continue
		}
		p("\n%s\n", group.title)
		for _, d := range group.rows {
			band := ""
			if d.BandChanged {
				band = ", band changed"
			}
			p("  %s\t%s\t->\t%s\t%s%s\n", clean(d.Name), scoreText(d.Old), scoreText(d.New), signed(d), band)
		}
	}
	if len(c.Risks) > 0 {
		p("\nRisks\n")
		for _, r := range c.Risks {
			reason := ""
			if r.Reason != "" {
				reason = " (" + string(r.Reason) + ")"
			}
			p("  %s\t%s -> %s%s\t%s\t%s\n", r.Kind, riskText(r.Old), riskText(r.New), reason, r.Question, clean(r.Title))
		}
	}
	for _, group := range []struct {
		title string
		recs  []RecChange
	}{{"Recommendations resolved", c.Resolved}, {"Recommendations added", c.Added}} {
		if len(group.recs) == 0 {
			continue
		}
		p("\n%s (%d)\n", group.title, len(group.recs))
		for _, r := range group.recs {
			p("  %s\t%s\t%s/%s\t%s\n", r.Because, r.Horizon, r.Question, r.Choice, clean(r.Title))
		}
	}
	if len(c.Top10) > 0 {
		p("\nTop 10\n")
		for _, t := range c.Top10 {
			p("  %s -> %s\t%s\n", statusText(t.Old), statusText(t.New), clean(t.Title))
		}
	}
	if c.LensChanged || len(c.OnlyOld)+len(c.OnlyNew) > 0 {
		p("\nLens: %s %s -> %s %s\n", c.Old.Lens.ID, c.Old.Lens.Version, c.New.Lens.ID, c.New.Lens.Version)
		for _, q := range c.OnlyOld {
			p("  only in old\t%s\t%s\n", q.Question, clean(q.Title))
		}
		for _, q := range c.OnlyNew {
			p("  only in new\t%s\t%s\n", q.Question, clean(q.Title))
		}
	}
	return tw.Flush()
}

// mdCell escapes text for a Markdown table cell.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;").Replace(clean(s))
}

func renderMarkdown(w io.Writer, c *Comparison) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Comparison: %s → %s\n\n", mdCell(c.Old.Name), mdCell(c.New.Name))
	p("Lens: %s %s → %s %s\n\n", mdCell(c.Old.Lens.ID), mdCell(c.Old.Lens.Version), mdCell(c.New.Lens.ID), mdCell(c.New.Lens.Version))
	if c.Empty() {
		p("No changes.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	o := c.Overall
	p("**Overall:** %s → %s (%s); high risks %d → %d, medium risks %d → %d\n\n",
		scoreText(o.Old), scoreText(o.New), signed(o), o.Old.High, o.New.High, o.Old.Medium, o.New.Medium)
	table := func(title string, rows []ScoreDelta) {
		if len(rows) == 0 {
			return
		}
		p("## %s\n\n| | Before | After | Change | High risks | Medium risks |\n|---|---|---|---|---|---|\n", title)
		for _, d := range rows {
			band := ""
			if d.BandChanged {
				band = " (band)"
			}
			p("| %s | %s | %s | %s%s | %d → %d | %d → %d |\n", mdCell(d.Name), scoreText(d.Old), scoreText(d.New), signed(d), band, d.Old.High, d.New.High, d.Old.Medium, d.New.Medium)
		}
		p("\n")
	}
	table("Pillars", c.Pillars)
	table("Design areas that changed", changedOnly(c.Areas))
	if len(c.Risks) > 0 {
		p("## Risks\n\n| Change | Before | After | Question |\n|---|---|---|---|\n")
		for _, r := range c.Risks {
			after := riskText(r.New)
			if r.Reason != "" {
				after += " (" + string(r.Reason) + ")"
			}
			p("| %s | %s | %s | %s (`%s`) |\n", r.Kind, riskText(r.Old), after, mdCell(r.Title), r.Question)
		}
		p("\n")
	}
	for _, group := range []struct {
		title string
		recs  []RecChange
	}{{"Recommendations resolved", c.Resolved}, {"Recommendations added", c.Added}} {
		if len(group.recs) == 0 {
			continue
		}
		p("## %s (%d)\n\n| Why | Horizon | Practice | Question |\n|---|---|---|---|\n", group.title, len(group.recs))
		for _, r := range group.recs {
			p("| %s | %s | %s | `%s` |\n", r.Because, r.Horizon, mdCell(r.Title), r.Question)
		}
		p("\n")
	}
	if len(c.Top10) > 0 {
		p("## Top 10\n\n| Item | Before | After |\n|---|---|---|\n")
		for _, t := range c.Top10 {
			p("| %s | %s | %s |\n", mdCell(t.Title), statusText(t.Old), statusText(t.New))
		}
		p("\n")
	}
	if len(c.OnlyOld)+len(c.OnlyNew) > 0 {
		p("## Questions in one lens only\n\n")
		for _, q := range c.OnlyOld {
			p("- only in %s: %s (`%s`)\n", mdCell(c.Old.Name), mdCell(q.Title), q.Question)
		}
		for _, q := range c.OnlyNew {
			p("- only in %s: %s (`%s`)\n", mdCell(c.New.Name), mdCell(q.Title), q.Question)
		}
		p("\n")
	}
	_, err := io.WriteString(w, strings.TrimRight(b.String(), "\n")+"\n")
	return err
}
