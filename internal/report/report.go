// Package report renders the result of an assessment for people and for other tools:
// Markdown for pull requests, one self-contained HTML page, a documented JSON document,
// Microsoft's assessment CSV export and an Excel workbook. Rendering is pure: it reads
// the lens, the answers and the evaluated result and writes bytes, nothing else.
package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/awaf/awaf"
)

// Format names an output format.
type Format string

// Formats, as the --format flag spells them.
const (
	Markdown Format = "md"
	HTML     Format = "html"
	JSON     Format = "json"
	CSV      Format = "csv"
	XLSX     Format = "xlsx"
)

// Formats lists every format in the order the help text shows them.
func Formats() []Format { return []Format{Markdown, HTML, JSON, CSV, XLSX} }

// ParseFormat reads a format name; "markdown" is accepted for md.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case Markdown, HTML, JSON, CSV, XLSX:
		return f, nil
	case "markdown":
		return Markdown, nil
	}
	return "", awaf.Errorf(awaf.EINVALID, "unknown report format %q (want md, html, json, csv or xlsx)", s)
}

// Binary reports whether the format is not text, so it must not go to a terminal.
func (f Format) Binary() bool { return f == XLSX }

// Ext returns the usual file extension of the format, with the dot.
func (f Format) Ext() string { return "." + string(f) }

// Input is everything a report shows.
type Input struct {
	Lens       *awaf.Lens
	Assessment *awaf.Assessment // optional: supplies not-applicable notes
	Result     *awaf.Result
	// Generated is the time printed on the report; injected so output is stable.
	Generated time.Time
}

// Render writes the report in format f to w.
func Render(w io.Writer, f Format, in Input) error {
	if in.Lens == nil || in.Result == nil {
		return fmt.Errorf("render %s: lens and result are required", f)
	}
	switch f {
	case Markdown:
		return renderMarkdown(w, in)
	case HTML:
		return renderHTML(w, in)
	case JSON:
		return renderJSON(w, in)
	case CSV:
		return renderCSV(w, in)
	case XLSX:
		return renderXLSX(w, in)
	}
	_, err := ParseFormat(string(f))
	return err
}
