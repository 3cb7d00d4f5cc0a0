package scan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/rules"
)

// MaxJSONReport bounds the JSON reports ReadJSON accepts: a scan of 100,000 resources
// with every finding listed stays well below it.
const MaxJSONReport = 256 << 20

// ReadJSON reads a report written by Write in the JSON format (`awaf scan --format
// json`), at most limit bytes (MaxJSONReport when limit <= 0). Its errors are
// awaf.EINVALID and name the place: the line and column of a syntax error, or the
// field, such as findings[3].status, that does not hold what a version 1 report holds.
// Fields it does not know are ignored, since later versions only add fields.
func ReadJSON(r io.Reader, limit int64) (*Document, error) {
	if limit <= 0 {
		limit = MaxJSONReport
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read scan report: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, awaf.Errorf(awaf.EINVALID, "scan report is over the %d-byte limit", limit)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, awaf.Errorf(awaf.EINVALID, "scan report is empty: want the JSON of awaf scan --format json")
	}
	var doc Document
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, jsonError(data, err)
	}
	if end := dec.InputOffset(); len(bytes.TrimSpace(data[end:])) > 0 {
		extra := end + int64(len(data[end:])-len(bytes.TrimLeft(data[end:], " \t\r\n")))
		line, col := lineCol(data, extra)
		return nil, awaf.Errorf(awaf.EINVALID, "scan report line %d, column %d: data after the end of the document", line, col)
	}
	if err := doc.check(); err != nil {
		return nil, err
	}
	return &doc, nil
}

// check holds the document to what version 1 promises.
func (d *Document) check() error {
	bad := func(format string, a ...any) error {
		return awaf.Errorf(awaf.EINVALID, "scan report: "+format, a...)
	}
	switch {
	case d.Version == 0:
		return bad("version is missing: is this the JSON of awaf scan --format json?")
	case d.Version != 1:
		return bad("version %d: this build reads version 1", d.Version)
	case d.Tool.Name != "awaf":
		return bad("tool.name %q: want \"awaf\"", d.Tool.Name)
	}
	for i, f := range d.Findings {
		switch {
		case f.Rule == "":
			return bad("findings[%d].rule is missing", i)
		case !f.Status.IsEffective():
			return bad("findings[%d].status %q: want pass, fail, unknown or suppressed", i, f.Status)
		case f.Outcome != "" && !f.Outcome.IsOutcome():
			return bad("findings[%d].outcome %q: want pass, fail or unknown", i, f.Outcome)
		case f.Severity != "" && f.Severity.Rank() == 0:
			return bad("findings[%d].severity %q: want %s, %s or %s", i, f.Severity, rules.High, rules.Medium, rules.Low)
		case f.Status == rules.Suppressed && f.Suppression == nil:
			return bad("findings[%d] is suppressed without a suppression", i)
		}
	}
	for i, r := range d.Resources {
		if r.Type == "" {
			return bad("resources[%d].type is missing", i)
		}
	}
	return nil
}

// Outcomes gives what Attach reads of the document's findings. A finding without an
// outcome (written by hand) counts as its status.
func (d *Document) Outcomes() []Outcome {
	out := make([]Outcome, 0, len(d.Findings))
	for i := range d.Findings {
		f := &d.Findings[i]
		st := f.Status
		if st != rules.Suppressed && f.Outcome != "" {
			st = f.Outcome
		}
		out = append(out, Outcome{Rule: f.Rule, Title: f.Title, Choices: f.Choices, Status: st,
			ResourceType: f.Resource.Type, ResourceName: f.Resource.Name, Loc: f.Location})
	}
	return out
}

// jsonError turns a decoding error into one naming the line and column.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// Offset counts the bytes read, the offending one included.
		line, col := lineCol(data, syn.Offset-1)
		return awaf.Errorf(awaf.EINVALID, "scan report line %d, column %d: %v", line, col, syn)
	case errors.As(err, &typ):
		line, col := lineCol(data, typ.Offset)
		return awaf.Errorf(awaf.EINVALID, "scan report line %d, column %d: %s holds a JSON %s, want %s", line, col, typ.Field, typ.Value, typ.Type)
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := lineCol(data, int64(len(data)))
		return awaf.Errorf(awaf.EINVALID, "scan report line %d, column %d: the document ends early (truncated?)", line, col)
	}
	return awaf.Errorf(awaf.EINVALID, "scan report: %v", err)
}

// lineCol gives the 1-based line and column of a byte offset.
func lineCol(data []byte, off int64) (int, int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}
