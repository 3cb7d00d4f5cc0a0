package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/report"
)

func runReport(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("awaf report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("answers", "awaf.yaml", "answers file to score")
	format := fs.String("format", "", "report format: md, html, json, csv or xlsx (default: from the -o extension, else md)")
	var out string
	fs.StringVar(&out, "o", "", "write the report to this file instead of stdout (written atomically)")
	fs.StringVar(&out, "output", "", "same as -o")
	lensRef := fs.String("lens", "", "lens file or id to score against (default: the lens the answers name)")
	failOn := fs.String("fail-on", "", "exit with status 1 after writing the report if any question has this risk or worse: high or medium")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: awaf report [--answers awaf.yaml] [--format md|html|json|csv|xlsx] [-o FILE] [--lens FILE] [--fail-on high|medium]\n\n"+
			"Scores the answers and writes a report: Markdown for pull requests, one self-contained\n"+
			"HTML page, JSON (see docs/report-json.md), Microsoft's assessment CSV, or an Excel\n"+
			"workbook. With --fail-on it also works as a CI gate.\n\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, "unexpected arguments: "+strings.Join(fs.Args(), " "))
	}
	if *format == "" {
		*format = string(report.Markdown)
		if f, err := report.ParseFormat(strings.TrimPrefix(filepath.Ext(out), ".")); err == nil && out != "-" {
			*format = string(f)
		}
	}
	f, err := report.ParseFormat(*format)
	if err != nil {
		return usageError(fs, awaf.ErrorMessage(err))
	}
	switch *failOn {
	case "", "high", "medium":
	default:
		return usageError(fs, fmt.Sprintf("--fail-on %q: want high or medium", *failOn))
	}
	toStdout := out == "" || out == "-"
	if toStdout && f.Binary() && isTerminalWriter(stdout) {
		return awaf.Errorf(awaf.EINVALID, "%s is a binary format; write it to a file with -o report.%s", f, f)
	}

	a, l, err := openAssessment(*path, *lensRef, false)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r, err := assess.Evaluate(l, a)
	if err != nil {
		return fmt.Errorf("%s: %w", *path, err)
	}
	// Render into memory first, so a failure never leaves half a report behind.
	var buf bytes.Buffer
	in := report.Input{Lens: l, Assessment: a, Result: r, Generated: reportTime()}
	if err := report.Render(&buf, f, in); err != nil {
		return err
	}
	if toStdout {
		if _, err := stdout.Write(buf.Bytes()); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	} else {
		if err := answers.WriteFileAtomic(out, buf.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "awaf: wrote %s: %s/100 %s, %d high and %d medium risks, %d recommendations\n",
			out, strconv.FormatFloat(r.Overall.Score, 'f', -1, 64), r.Overall.Band, r.Overall.High, r.Overall.Medium, len(r.Plan))
	}
	return gate(*failOn, r.Overall)
}

// gate fails a CI run when the assessment leaves risks at or above the threshold.
func gate(failOn string, s awaf.Score) error {
	switch {
	case failOn == "high" && s.High > 0:
		return &exitError{code: 1, msg: fmt.Sprintf("%d high-risk questions (gate: --fail-on high)", s.High)}
	case failOn == "medium" && s.High+s.Medium > 0:
		return &exitError{code: 1, msg: fmt.Sprintf("%d high-risk and %d medium-risk questions (gate: --fail-on medium)", s.High, s.Medium)}
	}
	return nil
}

// reportTime is the date printed on the report: now, or SOURCE_DATE_EPOCH when set, so
// reports built in CI can be reproduced byte for byte.
func reportTime() time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	return time.Now().UTC().Truncate(time.Second)
}

func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isTerminal(f)
}
