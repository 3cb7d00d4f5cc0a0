package server

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/scan"
)

// maxScanFindings bounds the findings of one upload; a body limit already bounds the
// bytes, this bounds the work done per byte.
const maxScanFindings = 200_000

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

// parseScanJSON reads a scan document with scan.ReadJSON, the reader that matches the
// writer, into the outcomes scan.Attach records as evidence, as `awaf scan --answers`
// does. Errors name the file, and the line and column or the finding.
func parseScanJSON(name string, data []byte) ([]scan.Outcome, error) {
	bad := func(format string, args ...any) error {
		return awaf.Errorf(awaf.EINVALID, "%s: %s", name, fmt.Sprintf(format, args...))
	}
	doc, err := scan.ReadJSON(bytes.NewReader(data), int64(len(data))+1)
	if err != nil {
		return nil, bad("%s", awaf.ErrorMessage(err))
	}
	// ReadJSON has checked the version, the tool, and each finding's rule, status and
	// outcome; what is left is the bound on work per upload.
	if len(doc.Findings) > maxScanFindings {
		return nil, bad("%d findings; at most %d are read", len(doc.Findings), maxScanFindings)
	}
	return doc.Outcomes(), nil
}
