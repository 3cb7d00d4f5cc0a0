package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/fileout"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/rules"
	"github.com/awaf/awaf/internal/scan"
	"github.com/awaf/awaf/internal/scancache"
)

// scanFrontends wires every front end the scan knows.
func scanFrontends() scan.Frontends { return scan.DefaultFrontends() }

// scanFlags are the flags of awaf scan.
type scanFlags struct {
	format, out, failOn                              string
	failUnknown, propose, showPass                   bool
	rulesDir, answers                                string
	workloads                                        []string
	baseline, writeBaseline, baselineReason, expires string
	verbose                                          bool
	cache                                            string
	cacheMaxMB                                       int64
	color, progress                                  string // the global flags

	minSev rules.Severity // from failOn by validate; "" for none
}

func newScanCmd(s *streams) *cobra.Command {
	var f scanFlags
	cmd := &cobra.Command{
		Use:   "scan [PATH...]",
		Short: "check Bicep, ARM, Terraform and exported resources for AI practices",
		Long: `Checks Bicep, ARM JSON, Terraform (source and plan JSON) and exported Azure resources
for AI workload practices. PATHs are files or directories (default: the current
directory). Flags may come before or after the paths.

Files are taken by name and content: .bicep and .bicepparam as Bicep, .tf and .tf.json
as Terraform, and .json by content (ARM template or parameter file, Terraform plan,
Azure export); other files are left alone. --verbose lists what each file was taken
for, and why a .json file was skipped. A .json file that is binary or not valid JSON
is always reported, and so is a scan that found nothing to check.

Exit status: 0 when no finding reaches --fail-on; 1 when one does; 2 for bad usage or
an input error, such as a file that could not be read or parsed. Input errors win
over findings: a scan that could not read all its input exits 2 even when findings
also reach --fail-on, since the report may be missing what it could not read. The
report is written in every case.`,
		Example: `  awaf scan infra/
  awaf scan infra/ --format sarif -o awaf.sarif
  awaf scan . --answers awaf.yaml --propose --fail-on none`,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.color, f.progress = s.color, s.progress
			if err := f.validate(); err != nil {
				return usagef(cmd, "%v", err)
			}
			return runScan(cmd.Context(), &f, args, s)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.format, "format", "text", "output `format`: "+strings.Join(scan.Formats, ", "))
	fl.StringVarP(&f.out, "output", "o", "", "write the report to `FILE` instead of standard output")
	fl.StringVar(&f.failOn, "fail-on", "low", "exit 1 when an unsuppressed failure has this `severity` or higher: high, medium, low, or none")
	fl.BoolVar(&f.failUnknown, "fail-on-unknown", false, "count unknown outcomes (values not known before deployment) toward --fail-on")
	fl.StringVar(&f.rulesDir, "rules", "", "add the rules in this `DIR` (YAML, same format as the built-in catalog)")
	fl.StringVar(&f.baseline, "baseline", "", "accept the findings listed in this baseline `FILE`")
	fl.StringVar(&f.writeBaseline, "write-baseline", "", "write every current failure and unknown to this baseline `FILE`")
	fl.StringVar(&f.baselineReason, "baseline-reason", "", "`reason` recorded with --write-baseline entries (required with it)")
	fl.StringVar(&f.expires, "baseline-expires", "", "expiry `date` (YYYY-MM-DD) for --write-baseline entries")
	fl.StringArrayVar(&f.workloads, "workload", nil, "group every deployment entry point under `DIR` into one workload (repeatable); by default each entry point (a Bicep or ARM file no scanned file calls as a module, a Terraform root module, an export file) is one, and an answers file makes the whole scan one")
	fl.StringVar(&f.answers, "answers", "", "answers `FILE` (awaf.yaml): its profile informs the rules, and findings are recorded in it as evidence (created by --propose when missing)")
	fl.BoolVar(&f.propose, "propose", false, "with --answers: fill an empty profile's components from the resources and list the answers the evidence supports")
	fl.BoolVar(&f.showPass, "show-pass", false, "list passing checks too (text, md)")
	fl.StringVar(&f.cache, "cache", "", "keep what each group of files gave in `DIR` and reuse it while the files are unchanged (same report as without it)")
	fl.Int64Var(&f.cacheMaxMB, "cache-max-mb", scancache.DefaultMaxBytes>>20, "with --cache: trim DIR to this many `MB`, least recently used entries first")
	fl.BoolVar(&f.verbose, "verbose", false, "list every file read and what it was taken for, and every .json file skipped and why, on standard error")
	enumFlag(cmd, "format", false, scan.Formats, "markdown")
	enumFlag(cmd, "fail-on", false, []string{"high", "medium", "low", "none"})
	return cmd
}

// validate checks the flags against each other before anything is read.
func (f *scanFlags) validate() error {
	if !slices.Contains(scan.Formats, f.format) && f.format != "markdown" {
		return fmt.Errorf("unknown format %q: want one of %s", f.format, strings.Join(scan.Formats, ", "))
	}
	f.minSev = ""
	if f.failOn != "none" {
		sev, err := rules.ParseSeverity(f.failOn)
		if err != nil {
			return fmt.Errorf("--fail-on: %v, or none", err)
		}
		f.minSev = sev
	}
	switch f.progress {
	case "always", "never", "auto":
	default:
		return fmt.Errorf("--progress %q: want auto, always or never", f.progress)
	}
	switch f.color {
	case "always", "never", "auto":
	default:
		return fmt.Errorf("--color %q: want auto, always or never", f.color)
	}
	if f.propose && f.answers == "" {
		return errors.New("--propose needs --answers FILE")
	}
	if f.writeBaseline != "" && strings.TrimSpace(f.baselineReason) == "" {
		return errors.New("--write-baseline needs --baseline-reason \"why these findings are accepted\"")
	}
	if f.cacheMaxMB <= 0 {
		return fmt.Errorf("--cache-max-mb %d: want a size above 0", f.cacheMaxMB)
	}
	if f.expires != "" {
		if _, err := time.Parse(time.DateOnly, f.expires); err != nil {
			return fmt.Errorf("--baseline-expires %q: want a date such as 2026-12-31", f.expires)
		}
	}
	return nil
}

func runScan(ctx context.Context, f *scanFlags, paths []string, s *streams) error {
	stdout, stderr := s.out, s.err
	minSev := f.minSev
	for _, out := range []string{f.out, f.writeBaseline} {
		if err := checkOutput(out); err != nil {
			return err
		}
	}
	if f.rulesDir != "" {
		if err := checkInputDir(f.rulesDir, "a folder of rule files (YAML)"); err != nil {
			return err
		}
	}
	if f.baseline != "" {
		if err := checkInput(f.baseline, "a baseline file (YAML) written by --write-baseline"); err != nil {
			return err
		}
	}
	if f.answers != "" && (!f.propose || exists(f.answers)) {
		if err := checkInput(f.answers, "an answers file (YAML)"); err != nil {
			return err
		}
	} else if f.answers != "" {
		if err := checkOutput(f.answers); err != nil { // --propose starts it
			return err
		}
	}
	cat, err := rules.Builtin()
	if err != nil {
		return fmt.Errorf("built-in rules: %w", err)
	}
	if f.rulesDir != "" {
		if cat, err = rules.LoadDir(os.DirFS(f.rulesDir), ".", cat); err != nil {
			return problemsIn(f.rulesDir, err)
		}
	}
	opt := scan.Options{Frontends: scanFrontends(), Catalog: cat, Now: time.Now}
	if f.baseline != "" {
		if opt.Baseline, err = scan.LoadBaseline(f.baseline); err != nil {
			return err
		}
	}
	var assessment *awaf.Assessment
	if f.answers != "" {
		if _, statErr := os.Stat(f.answers); errors.Is(statErr, fs.ErrNotExist) && f.propose {
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
			fmt.Fprintf(stderr, "awaf: starting a new answers file %s\n", f.answers)
		} else if assessment, err = answers.Load(f.answers); err != nil {
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
	if opt.Profile != nil {
		opt.Workload = f.answers // an answers file describes one workload
	}
	for _, d := range f.workloads {
		w, err := workloadDir(root, d)
		if err != nil {
			return err
		}
		opt.Workloads = append(opt.Workloads, w)
	}
	// trim bounds the cache directory; it starts once the scan has written its
	// entries, beside the report, and is waited for before the command returns.
	var trim func()
	if f.cache != "" {
		var warnMu sync.Mutex // entries are read side by side
		c, err := scancache.Open(f.cache, scancache.Options{Build: buildID(), MaxBytes: f.cacheMaxMB << 20,
			Warn: func(msg string) { warnMu.Lock(); defer warnMu.Unlock(); warn(s, "%s", msg) }})
		if err != nil {
			return err
		}
		opt.Cache = c
		var trimErr error
		var trimmed sync.WaitGroup
		trim = func() {
			trimmed.Go(func() { trimErr = c.Trim() })
			trim = nil
		}
		defer func() {
			if trim != nil {
				trim()
			}
			trimmed.Wait()
			if trimErr != nil {
				warn(s, "%v", trimErr)
			}
			if f.verbose {
				used, read := c.Stats()
				lateUsed, lateJudged := c.LateStats()
				fmt.Fprintf(stderr, "awaf: cache %s: %s reused, %s read; cross-resource findings of %s reused, %d judged again\n",
					f.cache, plural(int(used), "group"), plural(int(read), "group"), plural(int(lateUsed), "group"), lateJudged)
			}
		}()
	}
	var bar *scan.Bar
	if wantProgress(f.progress, stderr) {
		// On auto the bar waits half a second, so quick scans print nothing extra.
		delay := 500 * time.Millisecond
		if f.progress == "always" {
			delay = 0
		}
		bar = scan.NewBar(stderr, time.Now, delay, 100*time.Millisecond)
		opt.Progress = bar.Update
	}

	// A soft heap limit keeps a large scan's peak memory near what it holds live
	// (scan.BoundHeap); it lasts until the report is written.
	defer scan.BoundHeap()()
	res, err := scan.Run(ctx, os.DirFS(root), rel, opt)
	if bar != nil {
		// The line is cleared before any report or message reaches the terminal.
		bar.Stop()
	}
	if err != nil {
		return err
	}
	if trim != nil {
		trim()
	}
	if root != "." {
		relocate(res, root, opt.Workload)
	}

	wopt := scan.WriteOptions{ShowPass: f.showPass, Version: version}
	wopt.Color = f.format == "text" && f.out == "" && wantColor(f.color, stdout)
	// The report is written as it is made: a large scan's report is never held in
	// memory whole.
	report := func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 64<<10)
		if err := scan.Write(bw, res, f.format, wopt); err != nil {
			return err
		}
		return bw.Flush()
	}
	if f.out != "" && f.out != "-" {
		// A report is made again by scanning again: replaced atomically, not flushed.
		if err := fileout.WriteReport(f.out, 0o644, report); err != nil {
			return err
		}
	} else if err := report(stdout); err != nil {
		return err
	}

	if f.out != "" && f.out != "-" {
		wrote(s, f.out, f.format+" report")
	}
	if f.writeBaseline != "" {
		data, err := scan.NewBaseline(res, f.baselineReason, f.expires).Marshal()
		if err != nil {
			return err
		}
		if err := writeScanOutput(f.writeBaseline, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
			return err
		}
		wrote(s, f.writeBaseline, "baseline")
	}
	if assessment != nil {
		if err := recordEvidence(f.answers, assessment, res, f.propose, s); err != nil {
			return err
		}
	}
	if err := reportInputs(root, rel, res, f.verbose, s); err != nil {
		return err
	}
	// Input errors win over findings: a report that may be missing what could not be
	// read must not pass as an ordinary gate failure (see the help's exit status).
	var gate []*scan.Finding
	if minSev != "" {
		gate = res.Gate(minSev, f.failUnknown)
	}
	if n := countErrors(res.Diagnostics); n > 0 {
		msg := fmt.Sprintf("scan: %s, see the diagnostics", plural(n, "input error"))
		if len(gate) > 0 {
			msg += fmt.Sprintf("; also %s at or above %s", plural(len(gate), "finding"), minSev)
		}
		return &exitError{code: 2, msg: msg}
	}
	if len(gate) > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("scan: %s at or above %s (gate: --fail-on %s)", plural(len(gate), "finding"), minSev, minSev)}
	}
	return nil
}

// reportInputs says what the scan read: with verbose, every file and what it was
// taken for, and every .json file skipped and why; always, a warning for .json files
// that are binary or not valid JSON (likely a broken template), and for a scan that
// found nothing to check.
func reportInputs(root string, paths []string, res *scan.Result, verbose bool, s *streams) error {
	taken := map[string]bool{}
	for _, f := range res.Files {
		taken[f.Path] = true
		if verbose {
			fmt.Fprintf(s.err, "awaf: read %s as %s\n", f.Path, f.Format)
		}
	}
	fsys := os.DirFS(root)
	show := func(name string) string {
		if root == "." {
			return name
		}
		return filepath.ToSlash(filepath.Join(root, filepath.FromSlash(name)))
	}
	var broken []string
	others := 0
	for _, p := range paths {
		st, err := fs.Stat(fsys, p)
		if err != nil || !st.IsDir() {
			continue // a named file is judged by the scan itself, a missing one reported
		}
		_ = fs.WalkDir(fsys, p, func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // the scan has reported it
			}
			if d.IsDir() {
				if name != p && scan.SkipDir(d.Name()) {
					return fs.SkipDir
				}
				return nil
			}
			if taken[show(name)] || !d.Type().IsRegular() {
				return nil
			}
			low := strings.ToLower(name)
			if !strings.HasSuffix(low, ".json") && !strings.HasSuffix(low, ".jsonc") {
				others++
				return nil
			}
			what := "over 8 MB, not read"
			if info, err := d.Info(); err == nil && info.Size() <= 8<<20 {
				data, err := fs.ReadFile(fsys, name)
				if err != nil {
					return nil
				}
				what = scan.Describe(data)
				if !strings.HasPrefix(what, "JSON,") {
					broken = append(broken, show(name)+": "+what)
				}
			}
			if verbose {
				fmt.Fprintf(s.err, "awaf: skipped %s: %s\n", show(name), what)
			}
			return nil
		})
	}
	if verbose && others > 0 {
		fmt.Fprintf(s.err, "awaf: left alone %s of other types (not .bicep, .bicepparam, .tf or .json)\n", plural(others, "file"))
	}
	for _, b := range broken {
		warn(s, "skipped %s", b)
	}
	if len(res.Files) == 0 {
		where := strings.Join(paths, ", ")
		if root != "." {
			where = root
		}
		warn(s, "nothing was scanned: no Bicep, Terraform, ARM JSON, plan or export files in %s", where)
	}
	return nil
}

// recordEvidence writes the findings into the answers file as evidence and, with
// propose, fills an empty profile's components and lists the supported answers.
func recordEvidence(path string, a *awaf.Assessment, res *scan.Result, propose bool, s *streams) error {
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
	before, _ := json.Marshal(a)
	props := scan.Attach(a, l, res.Outcomes(), time.Now().UTC().Truncate(time.Second))
	// Evidence names templates relative to the answers file, which moves with them.
	for i := range a.Answers {
		for j := range a.Answers[i].Evidence {
			if e := &a.Answers[i].Evidence[j]; e.Source == scan.EvidenceSource && e.Location != nil && e.Location.File != "" {
				loc := *e.Location
				loc.File = answers.RelTo(path, filepath.FromSlash(loc.File))
				e.Location = &loc
			}
		}
	}
	if propose {
		comps := res.Components()
		if len(a.Profile.Components) == 0 {
			a.Profile.Components = comps
			if len(comps) > 0 {
				fmt.Fprintf(s.err, "awaf: profile components set from the resources: %s\n", joinStrings(comps))
			}
		} else {
			var extra []awaf.Component
			for _, c := range comps {
				if !slices.Contains(a.Profile.Components, c) {
					extra = append(extra, c)
				}
			}
			if len(extra) > 0 {
				fmt.Fprintf(s.err, "awaf: the resources also show components the profile leaves out (not changed): %s\n", joinStrings(extra))
			}
		}
		kinds, hints := res.ProposeProfile()
		for _, line := range scan.ProfileLines(&a.Profile, kinds, hints) {
			fmt.Fprintf(s.err, "awaf: %s\n", line)
		}
		if len(props) > 0 {
			n, of := scan.ProposalShare(l, a.Profile, props)
			fmt.Fprintf(s.err, "awaf: %s proposed from evidence (%d of the %d practices that apply to the profile); confirm them with `awaf assess`:\n", plural(len(props), "answer"), n, of)
			for _, p := range props {
				fmt.Fprintf(s.err, "  %s: %s (%s)\n", p.Question, p.Choice, scan.Where(p.Evidence, 3))
			}
		}
	}
	if after, _ := json.Marshal(a); bytes.Equal(before, after) {
		if _, err := os.Stat(path); err == nil {
			// Same evidence: the file stays byte for byte as it was, no new time.
			fmt.Fprintf(s.err, "awaf: %s: scan evidence unchanged\n", path)
			return nil
		}
	}
	a.Updated = time.Now().UTC().Truncate(time.Second)
	w, err := answers.Write(path, a, answers.WriteOptions{Mode: answers.Replace})
	if err != nil {
		return err
	}
	if !w.Changed {
		fmt.Fprintf(s.err, "awaf: %s unchanged: the scan evidence is the same as before\n", path)
		return nil
	}
	wrote(s, path, "scan evidence recorded")
	return nil
}

// writeScanOutput writes a baseline file (fileout.Write: a regular file is replaced
// atomically and flushed, a device or pipe such as /dev/null is written in place).
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
// workloadDir gives a --workload directory relative to the scan root, as resource
// locations are.
func workloadDir(root, dir string) (string, error) {
	if root == "." && !filepath.IsAbs(dir) {
		return filepath.ToSlash(filepath.Clean(dir)), nil
	}
	a, err := filepath.Abs(dir)
	if err == nil {
		var r string
		if r, err = filepath.Rel(root, a); err == nil {
			return filepath.ToSlash(r), nil
		}
	}
	return "", awaf.Errorf(awaf.EINVALID, "--workload %s: %v", dir, err)
}

func relocate(res *scan.Result, root, answersWorkload string) {
	// A scan names few files and every finding of a resource names the same one:
	// each name is joined once and the joined string shared.
	joined := map[string]string{}
	fix := func(l *awaf.Location) {
		if l.File == "" {
			return
		}
		if j, ok := joined[l.File]; ok {
			l.File = j
			return
		}
		j := l.File
		if !filepath.IsAbs(j) {
			j = filepath.ToSlash(filepath.Join(root, filepath.FromSlash(j)))
		}
		joined[l.File] = j
		l.File = j
	}
	fixed := map[*rules.Unresolved]bool{}
	for _, f := range res.Findings.All() {
		fix(&f.Loc)
		if f.Workload != "" && f.Workload != answersWorkload {
			var w awaf.Location
			w.File = f.Workload
			fix(&w)
			f.Workload = w.File
		}
		// Findings with the same shared causes share one list: fix it once.
		if len(f.Unresolved) > 0 && !fixed[&f.Unresolved[0]] {
			fixed[&f.Unresolved[0]] = true
			for j := range f.Unresolved {
				fix(&f.Unresolved[j].Loc)
			}
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

// buildID names this build for the scan cache, so that a cache written by another
// build, even one with the same version string, is never read back: the version,
// what Go recorded of the build (toolchain, module sums, VCS revision), and the
// executable's size and modification time, which any rebuild changes. (Hashing the
// executable would be surer and costs a tenth of a second on every scan.)
func buildID() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00", version)
	if bi, ok := debug.ReadBuildInfo(); ok {
		fmt.Fprintf(h, "%s\x00", bi.String())
	}
	exe, err := os.Executable()
	if err == nil {
		var st os.FileInfo
		if st, err = os.Stat(exe); err == nil {
			fmt.Fprintf(h, "%s\x00%d\x00%d", exe, st.Size(), st.ModTime().UnixNano())
		}
	}
	if err != nil {
		// Nothing names the build: never match an entry written before.
		fmt.Fprintf(h, "%d", time.Now().UnixNano())
	}
	return version + "+" + hex.EncodeToString(h.Sum(nil))
}
