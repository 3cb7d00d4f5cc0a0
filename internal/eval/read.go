package eval

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxBadRows caps how many bad rows are listed; all of them are counted.
const maxBadRows = 50

// maxLine is the longest JSONL line read; RAG rows with long contexts need room.
const maxLine = 64 << 20

// BadRow is a row left out of the metrics, with why.
type BadRow struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// InputStats says what was read from one prediction file.
type InputStats struct {
	File    string   `json:"file"`
	Role    string   `json:"role"` // "current" or "baseline"
	Rows    int      `json:"rows"` // rows used
	Bad     int      `json:"bad"`  // rows left out
	BadRows []BadRow `json:"badRows,omitempty"`
}

func (s *InputStats) bad(line int, err error) {
	s.Bad++
	if len(s.BadRows) < maxBadRows {
		s.BadRows = append(s.BadRows, BadRow{Line: line, Reason: err.Error()})
	}
}

// Format is a prediction file format.
type Format string

// Prediction file formats.
const (
	JSONL Format = "jsonl"
	CSV   Format = "csv"
)

// FormatOf guesses a format from a file name.
func FormatOf(name string) (Format, bool) {
	n := strings.ToLower(name)
	switch {
	case strings.HasSuffix(n, ".jsonl"), strings.HasSuffix(n, ".ndjson"), strings.HasSuffix(n, ".json"):
		return JSONL, true
	case strings.HasSuffix(n, ".csv"):
		return CSV, true
	}
	return "", false
}

// Scan streams rows from r to fn. A row that fails to parse, or that fn rejects, is
// counted in stats with its line number and skipped; only a read error or a CSV file
// without a header stops the scan. The context is checked every 4096 rows.
func Scan(ctx context.Context, r io.Reader, format Format, stats *InputStats, fn func(*Row) error) error {
	switch format {
	case CSV:
		return scanCSV(ctx, r, stats, fn)
	case JSONL:
		return scanJSONL(ctx, r, stats, fn)
	}
	return fmt.Errorf("unknown format %q (want jsonl or csv)", format)
}

func scanJSONL(ctx context.Context, r io.Reader, stats *InputStats, fn func(*Row) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	var row Row
	for line := 1; sc.Scan(); line++ {
		if line&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		b := sc.Bytes()
		if isBlank(b) {
			continue
		}
		row.Line = line
		if err := row.parseObject(b); err != nil {
			stats.bad(line, err)
			continue
		}
		if err := fn(&row); err != nil {
			stats.bad(line, err)
			continue
		}
		stats.Rows++
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("line longer than %d MiB", maxLine>>20)
		}
		return err
	}
	return nil
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

func scanCSV(ctx context.Context, r io.Reader, stats *InputStats, fn func(*Row) error) error {
	cr := csv.NewReader(bufio.NewReaderSize(r, 64<<10))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return errors.New("empty CSV file: want a header line")
		}
		return fmt.Errorf("header: %w", err)
	}
	row := Row{header: make(map[string]int, len(head))}
	for i, h := range head {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := row.header[h]; dup {
			return fmt.Errorf("header: column %q appears twice", h)
		}
		row.header[h] = i
	}
	width := len(head)
	for n := 1; ; n++ {
		if n&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				stats.bad(pe.StartLine, pe.Err)
				continue
			}
			return err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != width {
			stats.bad(line, fmt.Errorf("%d fields, header has %d", len(rec), width))
			continue
		}
		row.Line, row.cells = line, rec
		if err := fn(&row); err != nil {
			stats.bad(line, err)
			continue
		}
		stats.Rows++
	}
}
