package rules

import (
	"bytes"
	"fmt"
	"strings"
)

// Markdown renders the catalog as the reference page docs/rules.md: a summary table,
// then each rule with its condition, platform default, remediation and links.
func (c *Catalog) Markdown() []byte {
	var b bytes.Buffer
	b.WriteString("# awaf scan rules\n\n")
	b.WriteString("Generated from `internal/rules/catalog/*.yaml` by `go test ./internal/rules -run TestRulesDoc -update`; do not edit by hand.\n\n")
	fmt.Fprintf(&b, "%d rules. Each rule gives **pass**, **fail** or **unknown** (a value it reads is not known before deployment) on every resource it selects. ", len(c.Rules))
	b.WriteString("Conditions are CEL over the resource in ARM shape; see [scan.md](scan.md#writing-rules) for the variables and functions.\n\n")
	b.WriteString("| id | severity | pillars | resource types | title | lens choices |\n|---|---|---|---|---|---|\n")
	for _, r := range c.Rules {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s | %s | %s |\n", r.ID, strings.ToLower(r.ID), r.Severity, joinPillars(r), shortTypes(r.Types), mdCell(r.Title), strings.Join(r.Choices, ", "))
	}
	b.WriteString("\n")
	for _, r := range c.Rules {
		fmt.Fprintf(&b, "## %s\n\n**%s**\n\n", r.ID, r.Title)
		fmt.Fprintf(&b, "- Severity: %s; pillars: %s\n", r.Severity, joinPillars(r))
		fmt.Fprintf(&b, "- Resource types: %s\n", "`"+strings.Join(r.Types, "`, `")+"`")
		if r.When != "" {
			fmt.Fprintf(&b, "- Applies when: `%s`\n", oneLine(r.When))
		}
		fmt.Fprintf(&b, "- Condition: `%s`\n", oneLine(r.Condition))
		if r.Path != "" {
			fmt.Fprintf(&b, "- Property: `%s`\n", r.Path)
		}
		fmt.Fprintf(&b, "- If missing: %s — %s", r.Default.Value, r.Default.Meaning)
		if r.Default.APIVersions != "" {
			fmt.Fprintf(&b, " (%s)", r.Default.APIVersions)
		}
		b.WriteString("\n")
		if len(r.Choices) > 0 {
			fmt.Fprintf(&b, "- Evidence for lens choices: %s\n", strings.Join(r.Choices, ", "))
		}
		if r.Row > 0 {
			fmt.Fprintf(&b, "- Research table row: %d\n", r.Row)
		}
		fmt.Fprintf(&b, "\n%s\n\n**Remediation.** %s\n\n", r.Rationale, r.Remediation.Text)
		if r.Remediation.Bicep != "" {
			fmt.Fprintf(&b, "```bicep\n%s```\n\n", r.Remediation.Bicep)
		}
		if r.Remediation.Terraform != "" {
			fmt.Fprintf(&b, "```hcl\n%s```\n\n", r.Remediation.Terraform)
		}
		for _, l := range r.Links {
			fmt.Fprintf(&b, "- <%s>\n", l)
		}
		b.WriteString("\n")
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}

func joinPillars(r *Rule) string {
	s := make([]string, len(r.Pillars))
	for i, p := range r.Pillars {
		s[i] = string(p)
	}
	return strings.Join(s, ", ")
}

func shortTypes(ts []string) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = strings.TrimPrefix(t, "Microsoft.")
	}
	return strings.Join(s, ", ")
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
