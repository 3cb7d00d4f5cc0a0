package backlog

import (
	"fmt"
	"io"
	"strings"
)

// labelColors keep the labels the script creates readable on GitHub; others get grey.
var labelColors = map[string]string{
	"awaf":           "5319e7",
	"horizon:now":    "d93f0b",
	"horizon:next":   "fbca04",
	"horizon:later":  "c2e0c6",
	"risk:high":      "b60205",
	"risk:medium":    "ff9f1c",
	"risk:none":      "ededed",
	"security":       "1d76db",
	"reliability":    "1d76db",
	"cost":           "1d76db",
	"operations":     "1d76db",
	"performance":    "1d76db",
	"responsible-ai": "1d76db",
}

// writeGitHubScript writes a POSIX shell script of GitHub CLI commands: it creates the
// labels (gh refuses unknown ones), then each issue unless one carrying the same
// external id exists already, so running it twice does not duplicate the backlog.
// Every value is one single-quoted word; nothing in a title or body is ever expanded.
func writeGitHubScript(w io.Writer, items []Item, o Options) error {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	b.WriteString("# Remediation backlog from awaf: creates one GitHub issue per recommendation.\n")
	b.WriteString("# Needs the GitHub CLI, signed in (gh auth login). Run it inside a clone of the\n")
	b.WriteString("# repository, or set GH_REPO=OWNER/NAME. Issues that already carry their awaf id\n")
	b.WriteString("# are skipped, so the script can run again after a new assessment.\n")
	b.WriteString("set -eu\n\n")
	if o.Repo != "" {
		b.WriteString("GH_REPO=${GH_REPO:-" + shQuote(o.Repo) + "}\nexport GH_REPO\n\n")
	}
	b.WriteString("command -v gh >/dev/null 2>&1 || { echo 'awaf: the GitHub CLI (gh) is not installed' >&2; exit 1; }\n\n")
	b.WriteString("# awaf_exists ID: is there an issue, open or closed, whose body holds ID?\n")
	b.WriteString("awaf_exists() {\n")
	b.WriteString("\tn=$(gh issue list --state all --limit 1 --search \"\\\"$1\\\" in:body\" --json number --jq length) ||\n")
	b.WriteString("\t\t{ echo \"awaf: gh issue list failed; stopping\" >&2; exit 1; }\n")
	b.WriteString("\t[ \"$n\" != 0 ]\n")
	b.WriteString("}\n\n")

	var labels []string
	seen := map[string]bool{}
	for _, it := range items {
		for _, l := range Labels(it) {
			if !seen[l] {
				seen[l] = true
				labels = append(labels, l)
			}
		}
	}
	if len(labels) > 0 {
		b.WriteString("# Labels\n")
	}
	for _, l := range labels {
		color := labelColors[l]
		if color == "" {
			color = "ededed"
		}
		fmt.Fprintf(&b, "gh label create %s --color %s --description %s --force >/dev/null\n", shQuote(l), color, shQuote("Azure Well-Architected AI assessment (awaf)"))
	}
	for _, it := range items {
		fmt.Fprintf(&b, "\n# %d. %s\n", it.Rank, strings.Map(func(r rune) rune {
			if r < ' ' || r == 0x7f {
				return ' '
			}
			return r
		}, title(it)))
		id := shQuote(it.ExternalID())
		fmt.Fprintf(&b, "if awaf_exists %s; then\n\techo %s >&2\nelse\n", id, shQuote("skip "+it.ExternalID()+": an issue exists"))
		b.WriteString("\tgh issue create \\\n")
		b.WriteString("\t\t--title=" + shQuote(title(it)) + " \\\n")
		b.WriteString("\t\t--label=" + shQuote(strings.Join(Labels(it), ",")) + " \\\n")
		if o.Milestone != "" {
			b.WriteString("\t\t--milestone=" + shQuote(o.Milestone) + " \\\n")
		}
		if it.Owner != "" {
			b.WriteString("\t\t--assignee=" + shQuote(label(it.Owner)) + " \\\n")
		}
		b.WriteString("\t\t--body=" + shQuote(markdownBody(it)) + "\n")
		b.WriteString("fi\n")
	}
	_, err := io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("write backlog script: %w", err)
	}
	return nil
}

// shQuote makes s one shell word that the shell passes on unchanged: inside single
// quotes nothing is special but the single quote itself, which is closed, escaped and
// reopened. A NUL cannot be passed in an argument at all, so it is dropped.
func shQuote(s string) string {
	s = strings.ReplaceAll(s, "\x00", "")
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
