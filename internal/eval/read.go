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
	File string `json:"file"`
	Role string `json:"role"` // "current" or "baseline"
	Rows int    `json:"rows"` // rows used
	Bad  int    `json:"bad"`  // rows left out
	// Dropped counts rows left out because their class is not one of the classes
	// (unknownLabels: drop).
	Dropped int      `json:"dropped,omitempty"`
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

// jsonlBatch is a run of lines split into keys and values by the first stage of
// scanJSONL, for the second stage to turn into rows. Lines are copied into buf, which
// never grows past its capacity, so the key and value slices stay valid.
type jsonlBatch struct {
	buf        []byte
	keys, vals [][]byte
	rows       []jsonlRow
	err        error // a read error after the rows
}

type jsonlRow struct {
	line       int
	start, end int // into keys and vals
	err        error
}

const batchBytes = 1 << 20

// scanJSONL runs in two stages, so that two cores share the work: one goroutine reads
// lines and checks their JSON, the calling goroutine turns them into rows in order.
// Line numbers, bad rows and results are the same as a single loop's.
func scanJSONL(ctx context.Context, r io.Reader, stats *InputStats, fn func(*Row) error) error {
	full := make(chan *jsonlBatch, 2)
	free := make(chan *jsonlBatch, 3)
	for range 3 {
		free <- &jsonlBatch{buf: make([]byte, 0, batchBytes)}
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(full)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 64<<10), maxLine)
		var scratch Row
		var b *jsonlBatch
		send := func() bool {
			select {
			case full <- b:
				b = nil
				return true
			case <-stop:
				return false
			}
		}
		for line := 1; sc.Scan(); line++ {
			text := sc.Bytes()
			if isBlank(text) {
				continue
			}
			if b != nil && len(b.buf)+len(text) > cap(b.buf) {
				if !send() {
					return
				}
			}
			if b == nil {
				select {
				case b = <-free:
				case <-stop:
					return
				}
				b.buf, b.keys, b.vals, b.rows, b.err = b.buf[:0], b.keys[:0], b.vals[:0], b.rows[:0], nil
				if len(text) > cap(b.buf) {
					b.buf = make([]byte, 0, len(text)) // one long line: a batch of its own
				}
			}
			at := len(b.buf)
			b.buf = append(b.buf, text...)
			row := jsonlRow{line: line, start: len(b.keys)}
			if row.err = scratch.parseObject(b.buf[at:]); row.err == nil {
				b.keys = append(b.keys, scratch.keys...)
				b.vals = append(b.vals, scratch.vals...)
			}
			row.end = len(b.keys)
			b.rows = append(b.rows, row)
		}
		if err := sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				err = fmt.Errorf("line longer than %d MiB", maxLine>>20)
			}
			if b == nil {
				b = &jsonlBatch{}
			}
			b.err = err
		}
		if b != nil {
			send()
		}
	}()
	var row Row
	n := 0
	for b := range full {
		for _, jr := range b.rows {
			if n++; n&4095 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if jr.err != nil {
				stats.bad(jr.line, jr.err)
				continue
			}
			row.Line, row.keys, row.vals = jr.line, b.keys[jr.start:jr.end], b.vals[jr.start:jr.end]
			if err := fn(&row); err != nil {
				stats.bad(jr.line, err)
				continue
			}
			stats.Rows++
		}
		if b.err != nil {
			return b.err
		}
		if cap(b.buf) == batchBytes {
			free <- b
		} else {
			free <- &jsonlBatch{buf: make([]byte, 0, batchBytes)}
		}
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
	// Two stages, as for JSONL: a goroutine splits records, this one builds rows.
	type csvRow struct {
		line int
		err  error
	}
	type csvBatch struct {
		cells []string // width cells per good row
		rows  []csvRow
		err   error
	}
	const batchRows = 4096
	full := make(chan *csvBatch, 2)
	free := make(chan *csvBatch, 3)
	for range 3 {
		free <- &csvBatch{cells: make([]string, 0, batchRows*width), rows: make([]csvRow, 0, batchRows)}
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(full)
		var b *csvBatch
		for {
			if b == nil {
				select {
				case b = <-free:
				case <-stop:
					return
				}
				b.cells, b.rows, b.err = b.cells[:0], b.rows[:0], nil
			}
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				var pe *csv.ParseError
				if !errors.As(err, &pe) {
					b.err = err
					break
				}
				b.rows = append(b.rows, csvRow{line: pe.StartLine, err: pe.Err})
			} else {
				line, _ := cr.FieldPos(0)
				if len(rec) != width {
					b.rows = append(b.rows, csvRow{line: line, err: fmt.Errorf("%d fields, header has %d", len(rec), width)})
				} else {
					// The strings are the reader's fresh copies; only the slice is reused.
					b.cells = append(b.cells, rec...)
					b.rows = append(b.rows, csvRow{line: line})
				}
			}
			if len(b.rows) == batchRows {
				select {
				case full <- b:
					b = nil
				case <-stop:
					return
				}
			}
		}
		if b != nil {
			select {
			case full <- b:
			case <-stop:
			}
		}
	}()
	n := 0
	for b := range full {
		at := 0
		for _, rr := range b.rows {
			if n++; n&4095 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if rr.err != nil {
				stats.bad(rr.line, rr.err)
				continue
			}
			row.Line, row.cells = rr.line, b.cells[at:at+width]
			at += width
			if err := fn(&row); err != nil {
				stats.bad(rr.line, err)
				continue
			}
			stats.Rows++
		}
		if b.err != nil {
			return b.err
		}
		free <- b
	}
	return nil
}
