package scan

import (
	"bytes"
	"fmt"
	"io"

	"github.com/awaf/awaf/internal/rules"
)

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiBlue   = "\x1b[34m"
	ansiGreen  = "\x1b[32m"
	ansiDim    = "\x1b[2m"
)

func writeText(w io.Writer, r *Result, opt WriteOptions) error {
	paint := func(code, s string) string {
		if !opt.Color {
			return s
		}
		return code + s + ansiReset
	}
	makeLabel := func(f *Finding) string {
		switch f.Effective() {
		case rules.Fail:
			code := ansiBlue
			switch f.Rule.Severity {
			case rules.High:
				code = ansiRed
			case rules.Medium:
				code = ansiYellow
			}
			return paint(code, fmt.Sprintf("%-7s %-6s", "FAIL", f.Rule.Severity))
		case rules.Unknown:
			return paint(ansiBlue, fmt.Sprintf("%-14s", "UNKNOWN"))
		case rules.Suppressed:
			return paint(ansiDim, fmt.Sprintf("%-14s", "SUPPRESSED"))
		}
		return paint(ansiGreen, fmt.Sprintf("%-14s", "PASS"))
	}
	gs := groups(r, func(f *Finding) bool { return opt.ShowPass || f.Status != rules.Pass })
	// The resources are written in batches made side by side (writeSideBySide), each
	// maker with labels of its own; a batch names the workload when it differs from
	// the one of the resource before it.
	resources := func() batchFunc {
		// A label depends only on the status and the severity: made once each.
		labels := map[[2]string]string{}
		label := func(f *Finding) string {
			key := [2]string{string(f.Effective()), string(f.Rule.Severity)}
			l, ok := labels[key]
			if !ok {
				l = makeLabel(f)
				labels[key] = l
			}
			return l
		}
		return func(dst []byte, lo, hi int) ([]byte, error) {
			b := bytes.NewBuffer(dst)
			workload := "\x00"
			if lo > 0 {
				workload = gs[lo-1].findings[0].Workload
			}
			for _, g := range gs[lo:hi] {
				if w := g.findings[0].Workload; w != workload {
					workload = w
					if w == "" {
						w = "(the scan)"
					}
					fmt.Fprintf(b, "%s\n", paint(ansiBold, "workload "+w))
				}
				fmt.Fprintf(b, "%s %s %s\n", paint(ansiBold, g.res.Type), paint(ansiBold, "'"+displayName(g.res)+"'"), paint(ansiDim, locString(g.res.Loc)))
				for _, via := range g.res.Via {
					fmt.Fprintf(b, "  %s\n", paint(ansiDim, "via "+locString(via)))
				}
				for _, f := range g.findings {
					fmt.Fprintf(b, "  %s %s  %s\n", label(f), f.Rule.ID, f.Message)
					if f.Rule.Scope == rules.ScopeWorkload {
						fmt.Fprintf(b, "  %14s %s\n", "", paint(ansiDim, "about the whole workload, judged once"))
					}
					if f.Loc != g.res.Loc && f.Loc.Line > 0 {
						fmt.Fprintf(b, "  %14s %s\n", "", paint(ansiDim, "at "+locString(f.Loc)))
					}
					if s := f.Suppression; s != nil {
						fmt.Fprintf(b, "  %14s %s\n", "", paint(ansiDim, fmt.Sprintf("suppressed (%s, %s): %s", s.Kind, locString(s.Loc), s.Reason)))
					}
					if f.Effective() == rules.Fail && f.Rule.HelpURI() != "" {
						fmt.Fprintf(b, "  %14s %s\n", "", paint(ansiDim, f.Rule.HelpURI()))
					}
				}
				b.WriteString("\n")
			}
			return b.Bytes(), nil
		}
	}
	if err := writeSideBySide(w, len(gs), resources, 0); err != nil {
		return err
	}
	var b bytes.Buffer
	if len(r.Diagnostics) > 0 {
		fmt.Fprintf(&b, "%s\n", paint(ansiBold, "Diagnostics"))
		for _, d := range r.Diagnostics {
			fmt.Fprintf(&b, "  %-7s %s: %s\n", d.Severity, locString(d.Loc), d.Message)
		}
		b.WriteString("\n")
	}
	c := r.Count()
	fmt.Fprintf(&b, "%s, %s, %s: %s, %s (%d high, %d medium, %d low), %s, %d suppressed, %s\n",
		count(len(r.Files), "file"), count(len(r.listed()), "resource"), count(len(r.Catalog.Rules), "rule"),
		paint(ansiGreen, fmt.Sprintf("%d pass", c.Pass)), paint(ansiRed, fmt.Sprintf("%d fail", c.Fail)), c.High, c.Medium, c.Low,
		paint(ansiBlue, fmt.Sprintf("%d unknown", c.Unknown)), c.Suppressed, count(len(r.Diagnostics), "diagnostic"))
	_, err := w.Write(b.Bytes())
	return err
}

// count writes "1 file" or "2 files".
func count(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
