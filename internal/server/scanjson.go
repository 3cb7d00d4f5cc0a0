package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/rules"
	"github.com/awaf/awaf/internal/scan"
)

// internal/scan writes its JSON document but has no reader, so the server decodes
// the documented shape (docs/scan.md, version 1) itself, keeping only what evidence
// needs: the rule, its lens choices, the status and where the first finding is.

// maxScanFindings bounds the findings of one upload; a body limit already bounds the
// bytes, this bounds the work done per byte.
const maxScanFindings = 200_000

type scanDoc struct {
	Version  *int          `json:"version"`
	Tool     scanTool      `json:"tool"`
	Findings []scanFinding `json:"findings"`
}

type scanTool struct {
	Name string `json:"name"`
}

type scanFinding struct {
	Rule     string        `json:"rule"`
	Title    string        `json:"title"`
	Status   string        `json:"status"`
	Outcome  string        `json:"outcome"`
	Choices  []string      `json:"choices"`
	Resource scanRef       `json:"resource"`
	Location awaf.Location `json:"location"`
}

type scanRef struct {
	Type string `json:"type"`
	Name string `json:"name"`
}

// isScanJSON tells the JSON of `awaf scan --format json` from an answers file, which
// may be JSON too: only the scan document has a top-level "findings" array next to
// "tool".
func isScanJSON(data []byte) bool {
	data = bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(data) == 0 || data[0] != '{' {
		return false
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		// Not valid JSON: a scan document if it says so early on, so the user gets the
		// JSON error rather than a YAML one.
		head := data[:min(len(data), 512)]
		return bytes.Contains(head, []byte(`"findings"`)) || bytes.Contains(head, []byte(`"tool"`))
	}
	_, f := top["findings"]
	_, t := top["tool"]
	return f && t
}

// parseScanJSON decodes a scan document into a scan.Result that scan.Attach can
// record as evidence, as `awaf scan --answers` does. Errors name the file, and the
// line and column or the finding.
func parseScanJSON(name string, data []byte) (*scan.Result, error) {
	bad := func(format string, args ...any) error {
		return awaf.Errorf(awaf.EINVALID, "%s: %s", name, fmt.Sprintf(format, args...))
	}
	var doc scanDoc
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			line, col := lineCol(data, syn.Offset)
			return nil, bad("line %d, column %d: %s", line, col, syn.Error())
		case errors.As(err, &typ):
			line, col := lineCol(data, typ.Offset)
			return nil, bad("line %d, column %d: %s should be %s, not %s", line, col, typ.Field, typ.Type, typ.Value)
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			return nil, bad("the JSON ends early (is the file truncated?)")
		}
		return nil, bad("%v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := lineCol(data, dec.InputOffset())
		return nil, bad("line %d, column %d: more data after the JSON document", line, col)
	}
	switch {
	case doc.Version == nil:
		return nil, bad(`no "version": expected the JSON of awaf scan --format json`)
	case *doc.Version != 1:
		return nil, bad("scan JSON version %d; this server reads version 1", *doc.Version)
	case doc.Tool.Name != "awaf":
		return nil, bad(`tool.name is %q, expected "awaf"`, doc.Tool.Name)
	case doc.Findings == nil:
		return nil, bad(`no "findings" array`)
	case len(doc.Findings) > maxScanFindings:
		return nil, bad("%d findings; at most %d are read", len(doc.Findings), maxScanFindings)
	}
	res := &scan.Result{Findings: make([]scan.Finding, 0, len(doc.Findings))}
	ruleOf := map[string]*rules.Rule{}
	for i, f := range doc.Findings {
		if f.Rule == "" {
			return nil, bad("findings[%d]: no rule id", i)
		}
		outcome := rules.Status(f.Outcome)
		if f.Outcome == "" && f.Status != "suppressed" {
			outcome = rules.Status(f.Status) // tolerate a document without outcome
		}
		switch outcome {
		case rules.Pass, rules.Fail, rules.Unknown:
		default:
			return nil, bad("findings[%d] (%s): outcome %q is not pass, fail or unknown", i, f.Rule, f.Outcome)
		}
		var sup *scan.Suppression
		switch f.Status {
		case "pass", "fail", "unknown":
		case "suppressed":
			sup = &scan.Suppression{Kind: "uploaded"}
		default:
			return nil, bad("findings[%d] (%s): status %q is not pass, fail, unknown or suppressed", i, f.Rule, f.Status)
		}
		// One rule object per id, as in a real catalog; the first finding's title and
		// choices stand for the rule.
		r := ruleOf[f.Rule]
		if r == nil {
			r = &rules.Rule{ID: f.Rule, Title: f.Title, Choices: f.Choices}
			ruleOf[f.Rule] = r
		}
		res.Findings = append(res.Findings, scan.Finding{
			Finding: rules.Finding{
				Rule:     r,
				Status:   outcome,
				Resource: &iac.Resource{Type: f.Resource.Type, Name: iac.NewString(f.Resource.Name, f.Location), Loc: f.Location},
				Loc:      f.Location,
			},
			Suppression: sup,
		})
	}
	return res, nil
}

// lineCol turns a byte offset into a 1-based line and column.
func lineCol(data []byte, off int64) (int, int) {
	off = max(0, min(off, int64(len(data))))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}
