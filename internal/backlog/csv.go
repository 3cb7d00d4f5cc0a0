package backlog

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/awaf/awaf/internal/sheetcell"
)

// writeCSV writes a header and rows, neutralizing every data cell. The header is ours
// and left as it is.
func writeCSV(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write backlog csv: %w", err)
	}
	for _, row := range rows {
		out := make([]string, len(row))
		for i, c := range row {
			out[i] = sheetcell.Text(c)
		}
		if err := cw.Write(out); err != nil {
			return fmt.Errorf("write backlog csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write backlog csv: %w", err)
	}
	return nil
}

// ADO columns are field names of Azure Boards' CSV import. Work Item Type and Title are
// required; ID, State, Assigned To and the dates must be left out of an import of new
// items, so they are.
func writeADO(w io.Writer, items []Item, o Options) error {
	typ := o.WorkItemType
	if typ == "" {
		typ = "Task"
	}
	header := []string{"Work Item Type", "Title", "Description", "Priority", "Tags"}
	if o.AreaPath != "" {
		header = append(header, "Area Path")
	}
	if o.IterationPath != "" {
		header = append(header, "Iteration Path")
	}
	rows := make([][]string, 0, len(items))
	for _, it := range items {
		row := []string{typ, title(it), htmlBody(it), strconv.Itoa(ADOPriority(it.Priority)), strings.Join(Labels(it), "; ")}
		if o.AreaPath != "" {
			row = append(row, o.AreaPath)
		}
		if o.IterationPath != "" {
			row = append(row, o.IterationPath)
		}
		rows = append(rows, row)
	}
	return writeCSV(w, header, rows)
}

// GitHub has no CSV import of its own. The columns are the ones the common import
// scripts and actions read: labels and assignees comma-separated in one cell.
func writeGitHubCSV(w io.Writer, items []Item, o Options) error {
	header := []string{"title", "body", "labels", "milestone", "assignees", "external_id", "priority"}
	rows := make([][]string, 0, len(items))
	for _, it := range items {
		rows = append(rows, []string{title(it), markdownBody(it), strings.Join(Labels(it), ","), o.Milestone, label(it.Owner), it.ExternalID(), score(it.Priority)})
	}
	return writeCSV(w, header, rows)
}

// Jira's CSV importer maps one column to one value, so multiple labels take repeated
// Labels columns, as many as the item with the most labels needs. External ID is for
// mapping to a text custom field: Jira's importer has no upsert by foreign key, but a
// JQL search on that field finds what an earlier import created.
func writeJira(w io.Writer, items []Item, o Options) error {
	typ := o.IssueType
	if typ == "" {
		typ = "Task"
	}
	nLabels := 1
	for _, it := range items {
		nLabels = max(nLabels, len(Labels(it)))
	}
	header := []string{"Summary", "Issue Type", "Priority", "Description", "Assignee", "External ID"}
	for range nLabels {
		header = append(header, "Labels")
	}
	rows := make([][]string, 0, len(items))
	for _, it := range items {
		row := []string{title(it), typ, JiraPriority(it.Priority), jiraBody(it), oneLine(it.Owner), it.ExternalID()}
		ls := Labels(it)
		for i := range nLabels {
			if i < len(ls) {
				row = append(row, ls[i])
			} else {
				row = append(row, "")
			}
		}
		rows = append(rows, row)
	}
	return writeCSV(w, header, rows)
}
