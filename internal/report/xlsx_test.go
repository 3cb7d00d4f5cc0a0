package report

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestXLSXLayout checks what the text dump of the golden test cannot show: numbers
// stored as numbers, column widths, and the table that gives the plan its filters.
func TestXLSXLayout(t *testing.T) {
	in := exampleInput(t)
	f, err := excelize.OpenReader(bytes.NewReader(MustRender(t, XLSX, in)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 3 || got[0] != sheetSummary || got[1] != sheetPlan || got[2] != sheetAnswers {
		t.Fatalf("sheets %q", got)
	}
	for _, c := range []struct{ sheet, cell string }{
		{sheetPlan, "A2"}, {sheetPlan, "C2"}, {sheetPlan, "L2"}, {sheetSummary, "B7"}, {sheetAnswers, "F2"},
	} {
		typ, err := f.GetCellType(c.sheet, c.cell)
		if err != nil {
			t.Fatal(err)
		}
		if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s!%s has type %v, want a number", c.sheet, c.cell, typ)
		}
		v, _ := f.GetCellValue(c.sheet, c.cell)
		if v == "" {
			t.Errorf("%s!%s is empty", c.sheet, c.cell)
		}
	}
	if w, err := f.GetColWidth(sheetPlan, "D"); err != nil || w != planColumns[3].Width {
		t.Errorf("Plan column D width %v (%v), want %v", w, err, planColumns[3].Width)
	}
	tables, err := f.GetTables(sheetPlan)
	if err != nil || len(tables) != 1 {
		t.Fatalf("plan tables %v, %v", tables, err)
	}
	rows, err := f.GetRows(sheetPlan)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(in.Result.Plan)+1 {
		t.Errorf("plan sheet has %d rows for %d recommendations", len(rows), len(in.Result.Plan))
	}
	rows, err = f.GetRows(sheetAnswers)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(in.Result.Questions)+1 {
		t.Errorf("answers sheet has %d rows for %d questions", len(rows), len(in.Result.Questions))
	}
}
