package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/fileout"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/iac/arm"
	"github.com/awaf/awaf/internal/iac/bicep"
	"github.com/awaf/awaf/internal/iac/export"
	"github.com/awaf/awaf/internal/iac/terraform"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/rules"
	"github.com/awaf/awaf/internal/scan"
)

const scanUsage = `Usage: awaf scan [PATH...] [flags]

Checks Bicep, ARM JSON, Terraform (source and plan JSON) and exported Azure resources
for AI workload practices. PATHs are files or directories (default: the current
directory). Flags may come before or after the paths.

Exit status: 0 when no finding reaches --fail-on, 1 when one does, 2 for usage or
input errors (including a file that could not be read, after the report is written).

Flags:
`

// scanFrontends wires every front end the scan knows.
func scanFrontends() scan.Frontends {
	return scan.Frontends{
		ARM:       arm.Scan,
		Bicep:     bicep.Scan,
		Terraform: terraform.Scan,
		Plan: func(ctx context.Context, fsys fs.FS, paths []string) ([]iac.Resource, []iac.Diagnostic, error) {
			var res []iac.Resource
			var diags []iac.Diagnostic
			for _, p := range paths {
				r, d, err := terraform.ScanPlan(ctx, fsys, p)
				if err != nil {
					return nil, nil, err
				}
				res, diags = append(res, r...), append(diags, d...)
			}
			return res, diags, nil
		},
		Export: export.Scan,
	}
}

func runScan(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("awaf scan", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprint(stderr, scanUsage)
		fset.PrintDefaults()
	}
	format := fset.String("format", "text", "output format: "+strings.Join(scan.Formats, ", "))
	out := fset.String("o", "", "write the report to `file` instead of standard output")
	failOn := fset.String("fail-on", "low", "exit 1 when an unsuppressed failure has this `severity` or higher: high, medium, low, or none")
	failUnknown := fset.Bool("fail-on-unknown", false, "count unknown outcomes (values not known before deployment) toward --fail-on")
	rulesDir := fset.String("rules", "", "add the rules in this `directory` (YAML, same format as the built-in catalog)")
	baselinePath := fset.String("baseline", "", "accept the findings listed in this baseline `file`")
	writeBaseline := fset.String("write-baseline", "", "write every current failure and unknown to this baseline `file`")
	baselineReason := fset.String("baseline-reason", "", "reason recorded with --write-baseline entries (required with it)")
	baselineExpires := fset.String("baseline-expires", "", "expiry `date` (YYYY-MM-DD) for --write-baseline entries")
	answersPath := fset.String("answers", "", "answers `file` (awaf.yaml): its profile informs the rules, and findings are recorded in it as evidence (created by --propose when missing)")
	propose := fset.Bool("propose", false, "with --answers: fill an empty profile's components from the resources and list the answers the evidence supports")
	showPass := fset.Bool("show-pass", false, "list passing checks too (text, md)")
	color := fset.String("color", "auto", "colour text output: auto (terminal without NO_COLOR), always, never")
	progress := fset.String("progress", "auto", "progress bar on standard error: auto (on a terminal, for scans over half a second), always, never")
	paths, err := parseInterleaved(fset, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	bad := func(format string, a ...any) error {
		fmt.Fprintf(stderr, "awaf scan: "+format+"\n", a...)
		return errUsage
	}
	if !slices.Contains(scan.Formats, *format) && *format != "markdown" {
		return bad("unknown format %q: want one of %s", *format, strings.Join(scan.Formats, ", "))
	}
	var minSev rules.Severity
	if *failOn != "none" {
		if minSev, err = rules.ParseSeverity(*failOn); err != nil {
			return bad("--fail-on: %v, or none", err)
		}
	}
	switch *progress {
	case "always", "never", "auto":
	default:
		return bad("--progress %q: want auto, always or never", *progress)
	}
	if *propose && *answersPath == "" {
		return bad("--propose needs --answers FILE")
	}
	if *writeBaseline != "" && strings.TrimSpace(*baselineReason) == "" {
		return bad("--write-baseline needs --baseline-reason \"why these findings are accepted\"")
	}
	if *baselineExpires != "" {
		if _, err := time.Parse(time.DateOnly, *baselineExpires); err != nil {
			return bad("--baseline-expires %q: want a date such as 2026-12-31", *baselineExpires)
		}
	}

	cat, err := rules.Builtin()
	if err != nil {
		return fmt.Errorf("built-in rules: %w", err)
	}
	if *rulesDir != "" {
		if cat, err = rules.LoadDir(os.DirFS(*rulesDir), ".", cat); err != nil {
			return problemsIn(*rulesDir, err)
		}
	}
	opt := scan.Options{Frontends: scanFrontends(), Catalog: cat, Now: time.Now}
	if *baselinePath != "" {
		if opt.Baseline, err = scan.LoadBaseline(*baselinePath); err != nil {
			return err
		}
	}
	var assessment *awaf.Assessment
	if *answersPath != "" {
		if _, statErr := os.Stat(*answersPath); errors.Is(statErr, fs.ErrNotExist) && *propose {
			// A first scan may start the answers file: lens, workload name, and the
			// components and evidence the scan finds.
			l, err := lens.Builtin()
			if err != nil {
				return err
			}
			name := "workload"
			if len(paths) > 0 {
				if abs, err := filepath.Abs(paths[0]); err == nil {
					name = filepath.Base(abs)
				}
			}
			assessment = &awaf.Assessment{Lens: awaf.LensRef{ID: l.ID, Version: l.Version}, Workload: awaf.Workload{Name: name}}
			fmt.Fprintf(stderr, "awaf scan: starting a new answers file %s\n", *answersPath)
		} else if assessment, err = answers.Load(*answersPath); err != nil {
			return err
		}
		if p := assessment.Profile; p.Criticality != "" || p.Sensitivity != "" || len(p.Components) > 0 {
			opt.Profile = &assessment.Profile
		}
	}
	root, rel, err := scanRoot(paths)
	if err != nil {
		return err
	}
	var bar *scan.Bar
	if wantProgress(*progress, stderr) {
		// On auto the bar waits half a second, so quick scans print nothing extra.
		delay := 500 * time.Millisecond
		if *progress == "always" {
			delay = 0
		}
		bar = scan.NewBar(stderr, time.Now, delay, 100*time.Millisecond)
		opt.Progress = bar.Update
	}

	res, err := scan.Run(ctx, os.DirFS(root), rel, opt)
	if bar != nil {
		// The line is cleared before any report or message reaches the terminal.
		bar.Stop()
	}
	if err != nil {
		return err
	}
	if root != "." {
		relocate(res, root)
	}

	wopt := scan.WriteOptions{ShowPass: *showPass, Version: version}
	wopt.Color = *format == "text" && *out == "" && wantColor(*color, stdout)
	// The report is written as it is made: a large scan's report is never held in
	// memory whole.
	report := func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 64<<10)
		if err := scan.Write(bw, res, *format, wopt); err != nil {
			return err
		}
		return bw.Flush()
	}
	if *out != "" && *out != "-" {
		if err := writeScanOutput(*out, report); err != nil {
			return err
		}
	} else if err := report(stdout); err != nil {
		return err
	}

	if *writeBaseline != "" {
		data, err := scan.NewBaseline(res, *baselineReason, *baselineExpires).Marshal()
		if err != nil {
			return err
		}
		if err := writeScanOutput(*writeBaseline, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "awaf scan: wrote baseline %s\n", *writeBaseline)
	}
	if assessment != nil {
		if err := recordEvidence(*answersPath, assessment, res, *propose, stderr); err != nil {
			return err
		}
	}
	if minSev != "" {
		if gate := res.Gate(minSev, *failUnknown); len(gate) > 0 {
			return &exitError{code: 1, msg: fmt.Sprintf("scan: %d finding(s) at or above %s", len(gate), minSev)}
		}
	}
	if n := countErrors(res.Diagnostics); n > 0 {
		// The report is out and the gate passed, but some input was not read: that is
		// an input error, or CI would pass on a template it never checked.
		return &exitError{code: 2, msg: fmt.Sprintf("scan: %d input error(s), see the diagnostics", n)}
	}
	return nil
}

// recordEvidence writes the findings into the answers file as evidence and, with
// propose, fills an empty profile's components and lists the supported answers.
func recordEvidence(path string, a *awaf.Assessment, res *scan.Result, propose bool, stderr io.Writer) error {
	var l *awaf.Lens
	var err error
	if a.Lens.File != "" {
		l, err = lens.LoadFile(recordedLens(path, a.Lens.File))
	} else {
		l, err = lens.Resolve(a.Lens.ID)
	}
	if err != nil {
		return fmt.Errorf("lens of %s: %w", path, err)
	}
	props := scan.Attach(a, l, res, time.Now().UTC().Truncate(time.Second))
	if propose {
		comps := res.Components()
		if len(a.Profile.Components) == 0 {
			a.Profile.Components = comps
			if len(comps) > 0 {
				fmt.Fprintf(stderr, "awaf scan: profile components set from the resources: %s\n", joinStrings(comps))
			}
		} else {
			var extra []awaf.Component
			for _, c := range comps {
				if !slices.Contains(a.Profile.Components, c) {
					extra = append(extra, c)
				}
			}
			if len(extra) > 0 {
				fmt.Fprintf(stderr, "awaf scan: the resources also show components the profile leaves out (not changed): %s\n", joinStrings(extra))
			}
		}
		if len(props) > 0 {
			fmt.Fprintf(stderr, "awaf scan: %d answer(s) proposed from evidence; confirm them with `awaf assess`:\n", len(props))
			for _, p := range props {
				fmt.Fprintf(stderr, "  %s: %s (%s)\n", p.Question, p.Choice, strings.Join(p.Rules, ", "))
			}
		}
	}
	a.Updated = time.Now().UTC().Truncate(time.Second)
	if err := answers.Save(path, a); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "awaf scan: recorded evidence in %s\n", path)
	return nil
}

// writeScanOutput writes a report or baseline file (fileout.Write: a regular file is
// replaced atomically, a device or pipe such as /dev/null is written in place).
func writeScanOutput(path string, write func(io.Writer) error) error {
	return fileout.Write(path, 0o644, write)
}

func joinStrings[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

// parseInterleaved lets flags follow positional arguments, as in
// `awaf scan infra/ --format sarif`.
func parseInterleaved(fset *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fset.Parse(args); err != nil {
			return nil, err
		}
		args = fset.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// scanRoot picks the directory the scan's fs.FS is rooted at and the paths inside it.
// Paths under the working directory keep their relative spelling, so findings read
// "infra/main.bicep:12"; others are rooted at their common ancestor.
func scanRoot(paths []string) (string, []string, error) {
	if len(paths) == 0 {
		return ".", []string{"."}, nil
	}
	var rel []string
	inside := true
	for _, p := range paths {
		c := filepath.Clean(p)
		if filepath.IsAbs(c) || c == ".." || strings.HasPrefix(c, ".."+string(filepath.Separator)) {
			if wd, err := os.Getwd(); err == nil && filepath.IsAbs(c) {
				if r, err := filepath.Rel(wd, c); err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
					rel = append(rel, filepath.ToSlash(r))
					continue
				}
			}
			inside = false
			break
		}
		rel = append(rel, filepath.ToSlash(c))
	}
	if inside {
		return ".", rel, nil
	}
	var abs []string
	for _, p := range paths {
		a, err := filepath.Abs(p)
		if err != nil {
			return "", nil, awaf.Errorf(awaf.EINVALID, "path %s: %v", p, err)
		}
		abs = append(abs, a)
	}
	root := abs[0]
	if st, err := os.Stat(root); err == nil && !st.IsDir() {
		root = filepath.Dir(root)
	}
	for _, a := range abs[1:] {
		for root != filepath.Dir(root) && a != root && !strings.HasPrefix(a, root+string(filepath.Separator)) {
			root = filepath.Dir(root)
		}
	}
	rel = rel[:0]
	for _, a := range abs {
		r, err := filepath.Rel(root, a)
		if err != nil {
			return "", nil, awaf.Errorf(awaf.EINVALID, "path %s: %v", a, err)
		}
		rel = append(rel, filepath.ToSlash(r))
	}
	return root, rel, nil
}

// relocate prefixes locations with the scan root when it is not the working
// directory, so that every printed location can be opened as it is.
func relocate(res *scan.Result, root string) {
	fix := func(l *awaf.Location) {
		if l.File != "" && !filepath.IsAbs(l.File) {
			l.File = filepath.ToSlash(filepath.Join(root, filepath.FromSlash(l.File)))
		}
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		fix(&f.Loc)
		for j := range f.Unresolved {
			fix(&f.Unresolved[j].Loc)
		}
	}
	for i := range res.Resources {
		fix(&res.Resources[i].Loc)
		for j := range res.Resources[i].Via {
			fix(&res.Resources[i].Via[j])
		}
	}
	for i := range res.Diagnostics {
		fix(&res.Diagnostics[i].Loc)
	}
	for i := range res.Files {
		res.Files[i].Path = filepath.ToSlash(filepath.Join(root, filepath.FromSlash(res.Files[i].Path)))
	}
}

func countErrors(ds []iac.Diagnostic) int {
	n := 0
	for _, d := range ds {
		if d.Severity == "error" {
			n++
		}
	}
	return n
}

// problemsIn names the rules directory in problem locations.
func problemsIn(dir string, err error) error {
	var ps awaf.Problems
	if errors.As(err, &ps) {
		for i := range ps {
			ps[i].File = filepath.ToSlash(filepath.Join(dir, ps[i].File))
		}
		return ps
	}
	return err
}

func wantColor(mode string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func wantProgress(mode string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
