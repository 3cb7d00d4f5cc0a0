package report

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/awaf/awaf/internal/goldenfile"
)

// MustRender renders in format f or fails the test.
func MustRender(tb testing.TB, f Format, in Input) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, f, in); err != nil {
		tb.Fatalf("render %s: %v", f, err)
	}
	return buf.Bytes()
}

// dumpXLSX reads a workbook back and prints what a reader sees: sheets, frozen panes,
// filters and cell values. The xlsx bytes themselves carry zip timestamps.
func dumpXLSX(tb testing.TB, b []byte) []byte {
	tb.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("open xlsx: %v", err)
	}
	defer f.Close()
	var out strings.Builder
	for _, dn := range f.GetDefinedName() {
		fmt.Fprintf(&out, "defined name %s (%s) = %s\n", dn.Name, dn.Scope, dn.RefersTo)
	}
	for _, sheet := range f.GetSheetList() {
		fmt.Fprintf(&out, "== %s\n", sheet)
		panes, err := f.GetPanes(sheet)
		if err != nil {
			tb.Fatal(err)
		}
		if panes.Freeze {
			fmt.Fprintf(&out, "frozen at %s\n", panes.TopLeftCell)
		}
		tables, err := f.GetTables(sheet)
		if err != nil {
			tb.Fatal(err)
		}
		for _, tbl := range tables {
			fmt.Fprintf(&out, "table %s %s\n", tbl.Name, tbl.Range)
		}
		rows, err := f.GetRows(sheet)
		if err != nil {
			tb.Fatal(err)
		}
		for i, r := range rows {
			fmt.Fprintf(&out, "%d: %q\n", i+1, r)
		}
	}
	return []byte(out.String())
}

func TestGolden(t *testing.T) {
	cases := []struct {
		name string
		in   Input
	}{
		{"tiny", tinyInput()},
		{"edge", tinyEdge()},
	}
	for _, c := range cases {
		for _, f := range Formats() {
			t.Run(c.name+"."+string(f), func(t *testing.T) {
				got := MustRender(t, f, c.in)
				name := c.name + "." + string(f)
				if f == XLSX {
					got, name = dumpXLSX(t, got), name+".txt"
				}
				goldenfile.Check(t, filepath.Join("testdata", name), got)
			})
		}
	}
}

// TestTemplatesParse parses every template set, which the package does on first use
// rather than at start-up, so a broken embedded template fails here. It renders a
// single-lens report before the combined one in each format, the order a server meets
// them in: the combined set must not be made from the executed single-lens set.
func TestTemplatesParse(t *testing.T) {
	for _, f := range []Format{HTML, Markdown} {
		MustRender(t, f, tinyInput())
		MustRenderCombined(t, f, tinyCombined(t))
	}
	for name, parse := range map[string]func(){
		"html":               func() { htmlTemplate() },
		"markdown":           func() { markdownTemplate() },
		"combined html":      func() { combinedHTMLTemplate() },
		"combined markdown":  func() { combinedMarkdownTemplate() },
		"portfolio html":     func() { portfolioHTML() },
		"portfolio markdown": func() { portfolioMarkdown() },
	} {
		t.Run(name, func(t *testing.T) { parse() })
	}
}

func TestParseFormat(t *testing.T) {
	cases := []struct {
		in   string
		want Format
		err  bool
	}{
		{"md", Markdown, false},
		{"Markdown", Markdown, false},
		{" HTML ", HTML, false},
		{"json", JSON, false},
		{"csv", CSV, false},
		{"xlsx", XLSX, false},
		{"pdf", "", true},
		{"", "", true},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseFormat(c.in)
			if (err != nil) != c.err || got != c.want {
				t.Errorf("ParseFormat(%q) = %q, %v; want %q, error %v", c.in, got, err, c.want, c.err)
			}
		})
	}
}

func TestRenderRejects(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, "pdf", tinyInput()); err == nil || !strings.Contains(err.Error(), "pdf") {
		t.Errorf("unknown format: err = %v", err)
	}
	if err := Render(&buf, Markdown, Input{}); err == nil {
		t.Error("missing lens and result: no error")
	}
}
