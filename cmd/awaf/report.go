package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/multilens"
	"github.com/awaf/awaf/internal/report"
)

// reportFlags are the flags of awaf report.
type reportFlags struct {
	answers, lenses []string
	format, out     string
	mixed           bool
	failOn          string
	// portfolio: one answers file per workload, reported across them.
	portfolio   bool
	title, sort string
	desc        bool
}

func newReportCmd(s *streams) *cobra.Command {
	var f reportFlags
	cmd := &cobra.Command{
		Use:   "report",
		Short: "score the answers and write a report (md, html, json, csv, xlsx)",
		Long: `Scores the answers and writes a report: Markdown for pull requests, one self-contained
HTML page, JSON (see docs/report-json.md), Microsoft's assessment CSV, or an Excel
workbook. With --fail-on it also works as a CI gate.

Several lenses on one workload: give one --answers per lens. Each answers file is
scored against the --lens whose id it records, else the built-in lens of that id; a
file that records no lens id takes the --lens in its own position. The report then
shows each lens's scores and one plan across them (md, html, json, xlsx; csv holds
one lens, so write it per lens).

Several workloads: --portfolio reads one --answers per workload and writes the view
across them: each workload's scores by pillar with their bands, high and medium risks,
Top 10 status, lens version and last change; the risks two or more workloads share,
with each one's plan item; and the average scores at each month end, from the files'
updated dates.`,
		Example: `  awaf report
  awaf report --answers team.yaml -o report.html
  awaf report --format json --fail-on high > report.json
  awaf report --answers ai.yaml --answers policy.yaml --lens policy.lens.yaml -o all.md
  awaf report --portfolio --answers chat.yaml --answers fraud.yaml -o portfolio.html`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runReport(cmd, &f, s)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.answers, "answers", nil, "answers `FILE` to score (default awaf.yaml); repeat it, one file per lens, for a combined report")
	fl.StringVar(&f.format, "format", "", "report `format`: md, html, json, csv or xlsx (default: from the -o extension, else md)")
	fl.StringVarP(&f.out, "output", "o", "", "write the report to `FILE` instead of standard output (written atomically)")
	fl.StringArrayVar(&f.lenses, "lens", nil, "lens `ID|FILE` to score against (default: the lens the answers name); repeatable, matched to answers files by the lens id they record")
	fl.BoolVar(&f.mixed, "mixed-workloads", false, "with several --answers, combine them even when they name different workloads")
	fl.StringVar(&f.failOn, "fail-on", "", "exit 1 after writing the report if any question has this `risk` or worse: high or medium")
	fl.BoolVar(&f.portfolio, "portfolio", false, "one --answers per workload: report across the workloads (md, html, json, xlsx)")
	fl.StringVar(&f.title, "title", "", "with --portfolio, the report's `title` (default Portfolio)")
	fl.StringVar(&f.sort, "sort", "", "with --portfolio, order workloads by `column`: name, owner, criticality, overall, high, medium, updated or a pillar id (default: argument order)")
	fl.BoolVar(&f.desc, "desc", false, "with --portfolio and --sort, highest first")
	enumFlag(cmd, "format", false, []string{"md", "html", "json", "csv", "xlsx"}, "markdown")
	enumFlag(cmd, "fail-on", false, []string{"high", "medium"})
	_ = cmd.RegisterFlagCompletionFunc("lens", completeLens(0))
	_ = cmd.RegisterFlagCompletionFunc("answers", cobra.FixedCompletions(nil, cobra.ShellCompDirectiveFilterFileExt))
	return cmd
}

func runReport(cmd *cobra.Command, rf *reportFlags, s *streams) error {
	ctx, stdout := cmd.Context(), s.out
	paths, lensRefs, out, format, failOn, mixed := rf.answers, rf.lenses, rf.out, &rf.format, &rf.failOn, &rf.mixed
	if *format == "" {
		*format = string(report.Markdown)
		if f, err := report.ParseFormat(strings.TrimPrefix(filepath.Ext(out), ".")); err == nil && out != "-" {
			*format = string(f)
		}
	}
	f, err := report.ParseFormat(*format)
	if err != nil {
		return usagef(cmd, "%s", awaf.ErrorMessage(err))
	}
	switch *failOn {
	case "", "high", "medium":
	default:
		return usagef(cmd, "--fail-on %q: want high or medium", *failOn)
	}
	if err := checkOutput(out); err != nil {
		return err
	}
	toStdout := out == "" || out == "-"
	if toStdout && f.Binary() && isTerminalWriter(stdout) {
		return awaf.Errorf(awaf.EINVALID, "%s is a binary format; write it to a file with -o report.%s", f, f)
	}

	if len(paths) == 0 {
		paths = []string{"awaf.yaml"}
	}
	if !rf.portfolio && (rf.title != "" || rf.sort != "" || rf.desc) {
		return usagef(cmd, "--title, --sort and --desc go with --portfolio")
	}
	if rf.portfolio {
		rf.answers = paths
		return reportPortfolio(ctx, rf, f, s)
	}
	if len(paths) > 1 || len(lensRefs) > 1 {
		if f == report.CSV {
			return awaf.Errorf(awaf.EINVALID, "csv is Microsoft's single-assessment export and holds one lens: run awaf report once per answers file, e.g. awaf report --answers %s --format csv -o %s.csv", paths[0], strings.TrimSuffix(filepath.Base(paths[0]), filepath.Ext(paths[0])))
		}
		return reportCombined(ctx, paths, lensRefs, *mixed, f, out, *failOn, s)
	}
	var lensRef string
	if len(lensRefs) == 1 {
		lensRef = lensRefs[0]
	}
	path := paths[0]
	a, l, err := openAssessment(path, lensRef, false)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r, err := assess.Evaluate(l, a)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	// Render into memory first, so a failure never leaves half a report behind.
	var buf bytes.Buffer
	in := report.Input{Lens: l, Assessment: a, Result: r, Generated: reportTime()}
	if err := report.Render(&buf, f, in); err != nil {
		return err
	}
	summary := fmt.Sprintf("%s report, %s/100 %s, %d high and %d medium risks, %s",
		f, strconv.FormatFloat(r.Overall.Score, 'f', -1, 64), r.Overall.Band, r.Overall.High, r.Overall.Medium, plural(len(r.Plan), "recommendation"))
	if err := emitReport(buf.Bytes(), out, summary, s); err != nil {
		return err
	}
	return gate(*failOn, r.Overall)
}

// emitReport sends a rendered report to stdout, or atomically to the file out and a
// one-line summary to stderr.
func emitReport(b []byte, out, summary string, s *streams) error {
	if out == "" || out == "-" {
		if _, err := s.out.Write(b); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
		return nil
	}
	if err := answers.WriteFileAtomic(out, b, 0o644); err != nil {
		return err
	}
	wrote(s, out, summary)
	return nil
}

// gate fails a CI run when the assessment leaves risks at or above the threshold.
func gate(failOn string, s awaf.Score) error {
	switch {
	case failOn == "high" && s.High > 0:
		return &exitError{code: 1, msg: fmt.Sprintf("%s (gate: --fail-on high)", plural(s.High, "high-risk question"))}
	case failOn == "medium" && s.High+s.Medium > 0:
		return &exitError{code: 1, msg: fmt.Sprintf("%d high-risk and %s (gate: --fail-on medium)", s.High, plural(s.Medium, "medium-risk question"))}
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

// reportCombined scores one workload under several lenses, one answers file per lens,
// and writes the combined report.
func reportCombined(ctx context.Context, paths, lensRefs []string, mixed bool, f report.Format, out, failOn string, s *streams) error {
	stderr := s.err
	parts, err := openParts(paths, lensRefs)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !mixed {
		first := parts[0].Result.Workload.Name
		for i, p := range parts[1:] {
			if !multilens.SameWorkload(first, p.Result.Workload.Name) {
				return awaf.Errorf(awaf.EINVALID, "%s is about workload %q but %s about %q: give the answers files of one workload, or pass --mixed-workloads to combine them anyway",
					paths[0], first, paths[i+1], p.Result.Workload.Name)
			}
		}
	}
	for i, p := range parts[1:] {
		// Priorities compare across lenses only when the same profile ranked them.
		if !reflect.DeepEqual(p.Result.Profile, parts[0].Result.Profile) {
			fmt.Fprintf(stderr, "awaf: note: %s and %s give different workload profiles; each lens's plan is ranked with its own file's profile, and the report shows the first\n", paths[0], paths[i+1])
		}
	}
	c, err := multilens.Combine(parts, multilens.Options{MixedWorkloads: mixed})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.RenderCombined(&buf, f, report.Combined{Lenses: c, Generated: reportTime()}); err != nil {
		return err
	}
	summary := fmt.Sprintf("%s report, %s, %s/100 %s across them, %d high and %d medium risks, %s",
		f, plural(len(parts), "lens"), strconv.FormatFloat(c.Overall.Score, 'f', -1, 64), c.Overall.Band, c.Overall.High, c.Overall.Medium, plural(len(c.Plan), "recommendation"))
	if err := emitReport(buf.Bytes(), out, summary, s); err != nil {
		return err
	}
	return gate(failOn, c.Overall)
}

// openParts loads each answers file with its lens and evaluates it. The lens of an
// answers file is the --lens with the id the file records, else the built-in lens of
// that id; a file that records no id takes the --lens in its own position (or the
// built-in AI lens). Every --lens must be used, so a typo does not pass unnoticed.
// Problems in every file are reported together.
func openParts(paths, lensRefs []string) ([]multilens.Part, error) {
	lenses := make([]*awaf.Lens, len(lensRefs))
	byID := map[string]int{}
	var errs []error
	for i, ref := range lensRefs {
		l, err := lensFrom(ref)
		if err != nil {
			errs = append(errs, fmt.Errorf("--lens %s: %w", ref, err))
			continue
		}
		if j, ok := byID[l.ID]; ok {
			errs = append(errs, awaf.Errorf(awaf.EINVALID, "--lens %s and --lens %s are both lens %q", lensRefs[j], ref, l.ID))
			continue
		}
		lenses[i], byID[l.ID] = l, i
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	used := make([]bool, len(lensRefs))
	var parts []multilens.Part
	for i, path := range paths {
		if err := checkInput(path, "an answers file (YAML)"); err != nil {
			errs = append(errs, err)
			continue
		}
		file, err := answers.LoadFile(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var l *awaf.Lens
		switch j, ok := byID[file.Lens.ID]; {
		case file.Lens.ID != "" && ok:
			l, used[j] = lenses[j], true
		case file.Lens.ID != "" && file.Lens.File != "":
			if l, err = lens.LoadFile(recordedLens(path, file.Lens.File)); err != nil {
				errs = append(errs, fmt.Errorf("%s names lens file %s: %w", path, file.Lens.File, err))
				continue
			}
		case file.Lens.ID != "":
			l, err = builtinFor(file.Lens)
			if err != nil {
				errs = append(errs, awaf.Errorf(awaf.EINVALID, "%s names lens %q, which is not built in and no --lens has: pass its file with --lens", path, file.Lens.ID))
				continue
			}
		case i < len(lenses):
			l, used[i] = lenses[i], true
		default:
			if l, err = lens.Builtin(); err != nil {
				return nil, err
			}
		}
		if err := file.Check(l); err != nil {
			errs = append(errs, err)
			continue
		}
		if file.Lens.ID == "" {
			file.Lens = awaf.LensRef{ID: l.ID, Version: l.Version}
		}
		r, err := assess.Evaluate(l, file.Assessment)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path, err))
			continue
		}
		parts = append(parts, multilens.Part{Lens: l, Assessment: file.Assessment, Result: r})
	}
	for i, u := range used {
		if !u && lenses[i] != nil {
			errs = append(errs, awaf.Errorf(awaf.EINVALID, "--lens %s (lens %q) matches no answers file: each answers file names its lens under lens.id", lensRefs[i], lenses[i].ID))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return parts, nil
}
