package scan

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/rules"
)

// SARIF 2.1.0, the subset awaf writes. GitHub code scanning reads rules from
// tool.driver.rules (with help text and a helpUri), results with a physical location,
// and partialFingerprints to follow a result across commits.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool         `json:"tool"`
	Results            []sarifResult     `json:"results"`
	Invocations        []sarifInvocation `json:"invocations"`
	OriginalURIBaseIDs map[string]any    `json:"originalUriBaseIds,omitempty"`
	ColumnKind         string            `json:"columnKind"`
	AutomationDetails  *sarifAutomation  `json:"automationDetails,omitempty"`
}

type sarifAutomation struct {
	ID string `json:"id"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Kind                string            `json:"kind"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Suppressions        []sarifSupp       `json:"suppressions,omitempty"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	ID               int               `json:"id,omitempty"`
	PhysicalLocation *sarifPhysical    `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogicalLoc `json:"logicalLocations,omitempty"`
	Message          *sarifText        `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifLogicalLoc struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName,omitempty"`
	Kind               string `json:"kind,omitempty"`
}

type sarifSupp struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

// sarifLevel maps severity to a SARIF level: high is an error, medium a warning, low a
// note.
func sarifLevel(s rules.Severity) string {
	switch s {
	case rules.High:
		return "error"
	case rules.Medium:
		return "warning"
	}
	return "note"
}

// securitySeverity is the CVSS-like score GitHub uses to rank security alerts.
func securitySeverity(s rules.Severity) string {
	switch s {
	case rules.High:
		return "8.0"
	case rules.Medium:
		return "5.5"
	}
	return "3.0"
}

func ruleHelp(r *rules.Rule) sarifText {
	var t, m strings.Builder
	fmt.Fprintf(&t, "%s\n\nWhy: %s\n\nFix: %s\n\nIf the property is missing: %s (%s).", r.Title, r.Rationale, r.Remediation.Text, r.Default.Value, r.Default.Meaning)
	fmt.Fprintf(&m, "**%s**\n\n%s\n\n**Remediation.** %s\n\n", r.Title, r.Rationale, r.Remediation.Text)
	if r.Remediation.Bicep != "" {
		fmt.Fprintf(&m, "Bicep:\n\n```bicep\n%s```\n\n", r.Remediation.Bicep)
	}
	if r.Remediation.Terraform != "" {
		fmt.Fprintf(&m, "Terraform:\n\n```hcl\n%s```\n\n", r.Remediation.Terraform)
	}
	fmt.Fprintf(&m, "**If the property is missing:** %s — %s", r.Default.Value, r.Default.Meaning)
	if r.Default.APIVersions != "" {
		fmt.Fprintf(&m, " (%s)", r.Default.APIVersions)
	}
	m.WriteString(".\n\n")
	for _, l := range r.Links {
		fmt.Fprintf(&m, "- <%s>\n", l)
	}
	return sarifText{Text: t.String(), Markdown: m.String()}
}

func sarifPhysicalLoc(l awaf.Location) *sarifPhysical {
	if l.File == "" {
		return nil
	}
	p := &sarifPhysical{ArtifactLocation: sarifArtifact{URI: uriPath(l.File), URIBaseID: "%SRCROOT%"}}
	if l.Line > 0 {
		p.Region = &sarifRegion{StartLine: l.Line, StartColumn: max(l.Column, 0)}
	}
	return p
}

// uriPath writes a slash path as a relative URI reference, escaping what a URI may
// not hold.
func uriPath(p string) string {
	return uriEscaper.Replace(strings.TrimPrefix(p, "./"))
}

var uriEscaper = strings.NewReplacer("%", "%25", " ", "%20", "#", "%23", "?", "%3F", "[", "%5B", "]", "%5D")

// writeSARIF writes failures, unknowns and suppressed findings as results; passes are
// left out, as code scanning shows only problems. Unknowns are results of kind
// "review" (level none): someone has to look, the tool could not decide.
func writeSARIF(w io.Writer, r *Result, opt WriteOptions) error {
	driver := sarifDriver{Name: "awaf", Version: opt.Version, InformationURI: "https://github.com/awaf/awaf"}
	index := map[string]int{}
	// Every rule of the catalog is listed, so that a rule's help is there even when
	// only suppressed results point at it.
	for _, rule := range r.Catalog.Rules {
		index[rule.ID] = len(driver.Rules)
		tags := []string{"azure", "ai", "well-architected"}
		for _, p := range rule.Pillars {
			tags = append(tags, string(p))
		}
		props := map[string]any{"tags": tags, "precision": "high", "problem.severity": map[rules.Severity]string{rules.High: "error", rules.Medium: "warning", rules.Low: "recommendation"}[rule.Severity]}
		if slices.Contains(rule.Pillars, awaf.Security) {
			props["security-severity"] = securitySeverity(rule.Severity)
		}
		if len(rule.Choices) > 0 {
			props["lensChoices"] = rule.Choices
		}
		driver.Rules = append(driver.Rules, sarifRule{
			ID: rule.ID, Name: sarifName(rule.ID),
			ShortDescription:     sarifText{Text: rule.Title},
			FullDescription:      sarifText{Text: rule.Rationale},
			Help:                 ruleHelp(rule),
			HelpURI:              rule.HelpURI(),
			DefaultConfiguration: sarifConfig{Level: sarifLevel(rule.Severity)},
			Properties:           props,
		})
	}
	run := sarifRun{
		Tool:               sarifTool{Driver: driver},
		Results:            []sarifResult{},
		ColumnKind:         "unicodeCodePoints",
		OriginalURIBaseIDs: map[string]any{"%SRCROOT%": map[string]any{"description": map[string]string{"text": "The directory awaf scan was run from."}}},
		AutomationDetails:  &sarifAutomation{ID: "awaf/scan/"},
	}
	inv := sarifInvocation{ExecutionSuccessful: true}
	for _, d := range r.Diagnostics {
		n := sarifNotification{Level: "warning", Message: sarifText{Text: d.Message}}
		switch d.Severity {
		case iac.DiagError:
			n.Level = "error"
		case iac.DiagInfo:
			n.Level = "note"
		}
		if p := sarifPhysicalLoc(d.Loc); p != nil {
			n.Locations = []sarifLocation{{PhysicalLocation: p}}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	run.Invocations = []sarifInvocation{inv}
	doc := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	}
	// Compact: SARIF is read by tools, and indenting tens of thousands of results
	// costs more than building them. The results are written one at a time where
	// the document's empty list stands, so the log is never held whole.
	var head bytes.Buffer
	enc := json.NewEncoder(&head)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	marker := []byte(`"results":[]`)
	cut := bytes.Index(head.Bytes(), marker)
	if cut < 0 {
		return fmt.Errorf("sarif: no results list in the log")
	}
	cut += len(marker) - 1 // at the closing bracket
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.Write(head.Bytes()[:cut])
	// Failures, unknowns and suppressed findings are results; passes are not. Each
	// result is made with a comma before it, and the first one's is left out.
	results := func() batchFunc {
		enc := newSARIFEncoder(index)
		return func(dst []byte, lo, hi int) ([]byte, error) {
			for _, f := range r.Findings.Between(lo, hi) {
				if f.Status != rules.Pass {
					dst = enc.appendResult(append(dst, ','), f)
				}
			}
			return dst, nil
		}
	}
	if err := writeSideBySide(bw, r.Findings.Len(), results, 1); err != nil {
		return err
	}
	bw.Write(head.Bytes()[cut:])
	return bw.Flush()
}

// sarifName turns AWAF-AOAI-001 into AwafAoai001, the kind of name SARIF viewers show.
func sarifName(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part == "" {
			continue
		}
		b.WriteString(part[:1])
		b.WriteString(strings.ToLower(part[1:]))
	}
	return b.String()
}
