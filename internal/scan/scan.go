// Package scan runs awaf's rules over infrastructure code and resource exports: it
// walks a file tree, hands each file to the front end for its format (ARM JSON, Bicep,
// Terraform source or plan, Azure exports), evaluates the rule catalog on the
// resources, applies suppressions and baselines, and renders the findings as text,
// JSON, SARIF, Markdown or JUnit.
package scan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/rules"
	"github.com/awaf/awaf/internal/scancache"
)

// Options configure a scan.
type Options struct {
	// Frontends are the readers the scan runs (usually DefaultFrontends()); files of
	// a format without one are left unread, with a diagnostic.
	Frontends Frontends
	Catalog   *rules.Catalog
	// Profile, when known, lets profile-dependent rules decide.
	Profile *awaf.Profile
	// Workloads are directories that each group the entry points under them into one
	// workload (--workload); see WorkloadOf.
	Workloads []string
	// Workload, when set, names the one workload the whole scan is (an answers file
	// describes one workload); it overrides Workloads.
	Workload string
	// Baseline accepts known findings.
	Baseline *Baseline
	// Now is the clock for baseline expiry.
	Now func() time.Time
	// Progress, when set, is told of every file the front ends open and every
	// resource judged. It is called from several goroutines at once and must be cheap:
	// Bar.Update is one.
	Progress func(Progress)
	// Sniff decides whether JSON content is a format; the defaults recognise ARM
	// templates and parameter files, plan JSON and exports.
	Sniff func(data []byte) (Format, bool)
	// Cache, when set, gives the front ends' results on files unchanged since an
	// earlier scan and keeps new ones (awaf scan --cache; see cache.go).
	Cache *scancache.Cache

	retain bool // hold resources whole and judge them at the end, for tests
}

// File is one input file and the format it was read as.
type File struct {
	Path   string `json:"path"`
	Format Format `json:"format"`
}

// Result is everything a scan found. Resources hold what the reports and the later
// rules read (type, name, location, the properties cross-resource rules use), not
// necessarily every property.
type Result struct {
	Files       []File
	Resources   []iac.Resource
	Findings    rules.Findings
	Diagnostics []iac.Diagnostic
	Catalog     *rules.Catalog

	mu         sync.Mutex
	components map[awaf.Component]bool // seen as units were read
	profile    profileFacts            // workload kinds and hints seen as units were read
}

func (r *Result) addComponents(cs []awaf.Component) {
	if len(cs) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.components == nil {
		r.components = map[awaf.Component]bool{}
	}
	for _, c := range cs {
		r.components[c] = true
	}
}

// Components gives the reference-architecture components the scanned resources
// show, in the order of awaf.Components (see the function Components).
func (r *Result) Components() []awaf.Component {
	r.mu.Lock()
	found := maps.Clone(r.components)
	r.mu.Unlock()
	if found == nil {
		found = map[awaf.Component]bool{}
	}
	for _, c := range Components(r.Resources) {
		found[c] = true
	}
	var out []awaf.Component
	for _, c := range awaf.Components {
		if found[c] {
			out = append(out, c)
		}
	}
	return out
}

// Finding is a rule outcome, possibly suppressed (see rules.Finding).
type Finding = rules.Finding

// maxSniffFile bounds the JSON files read to decide their format; larger ones are
// reported and skipped (front ends have their own, lower, limits).
const maxSniffFile = 64 << 20

// skipDirs are never walked: VCS data, dependencies and Terraform's provider cache.
var skipDirs = map[string]bool{".git": true, "node_modules": true, ".terraform": true, ".hg": true, ".svn": true}

// Run scans paths (files or directories, slash paths inside fsys; "." for all).
func Run(ctx context.Context, fsys fs.FS, paths []string, opt Options) (*Result, error) {
	if opt.Catalog == nil {
		return nil, fmt.Errorf("scan: no rule catalog")
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	res := &Result{Catalog: opt.Catalog}
	groups := map[Format][]string{}
	explicit := map[string]bool{}
	head := make([]byte, sniffHead+1) // classify reads JSON file heads into it, one file at a time
	for _, p := range paths {
		p = path.Clean(p)
		st, err := fs.Stat(fsys, p)
		if err != nil {
			res.Diagnostics = append(res.Diagnostics, iac.Diagnostic{Severity: iac.DiagError, Message: fmt.Sprintf("cannot read %s: %v", p, unwrapPathErr(err)), Loc: awaf.Location{File: p}})
			continue
		}
		if !st.IsDir() {
			explicit[p] = true
			res.classify(fsys, p, groups, true, opt, head)
			continue
		}
		err = fs.WalkDir(fsys, p, func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				res.Diagnostics = append(res.Diagnostics, iac.Diagnostic{Severity: iac.DiagError, Message: fmt.Sprintf("cannot read %s: %v", name, unwrapPathErr(err)), Loc: awaf.Location{File: name}})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if d.IsDir() {
				if name != p && skipDirs[d.Name()] {
					return fs.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				res.classify(fsys, name, groups, false, opt, head)
			}
			return nil
		})
		if err != nil && ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	res.dropCompiled(fsys, groups, head)
	// Rules that read only the resource they judge run as each unit is read; what
	// the rest needs of it is kept, not every file's values (see rules.Session).
	ropt := rules.Options{Profile: opt.Profile, WorkloadOf: WorkloadOf(opt.Workloads)}
	if opt.Workload != "" {
		ropt.WorkloadOf = func(*iac.Resource) string { return opt.Workload }
	}
	if opt.Progress != nil {
		ropt.Evaluated = func(done, total int) {
			opt.Progress(Progress{Stage: StageEvaluate, Done: done, Total: total})
		}
	}
	sess := opt.Catalog.Start(ropt)
	var cache *scancache.Cache
	if opt.Cache != nil {
		var err error
		if cache, err = opt.Cache.Salted(opt.Catalog, opt.Profile); err != nil {
			return nil, err
		}
	}
	var sink iac.Sink
	if !opt.retain {
		sink = res.unitSink(sess)
	}
	readFS := fsys
	if opt.Progress != nil {
		opt.Progress(Progress{Stage: StageRead, Total: len(res.Files)})
		readFS = newCountingFS(fsys, res.Files, opt.Progress)
	}

	// Front ends run side by side; their outputs are joined in a fixed order.
	type out struct {
		res   []iac.Resource
		diags []iac.Diagnostic
		late  *lateSpans // the cache's groups of res
		err   error
	}
	order := opt.Frontends.order()
	outs := make([]out, len(order))
	var wg sync.WaitGroup
	for i, f := range order {
		files := groups[f]
		if len(files) == 0 {
			continue
		}
		sc := opt.Frontends.Scanner(f)
		if sc == nil {
			for _, name := range files {
				outs[i].diags = append(outs[i].diags, iac.Diagnostic{Severity: iac.DiagWarning, Message: fmt.Sprintf("%s looks like %s input, which this build cannot read; skipped", name, f), Loc: awaf.Location{File: name}})
			}
			continue
		}
		wg.Go(func() {
			r, d, l, err := res.read(ctx, opt, cache, sess, f, sc, readFS, fsys, files, sink)
			outs[i] = out{r, d, l, err}
		})
	}
	wg.Wait()
	total, from := 0, 0
	for _, o := range outs {
		if o.err != nil {
			return nil, o.err
		}
		if len(o.res) > 0 {
			from++
		}
		total += len(o.res)
	}
	if from > 1 {
		res.Resources = make([]iac.Resource, 0, total)
	}
	for _, o := range outs {
		if from == 1 && len(o.res) > 0 {
			res.Resources = o.res // one front end read everything: no copy
		} else {
			res.Resources = append(res.Resources, o.res...)
		}
		res.Diagnostics = append(res.Diagnostics, o.diags...)
	}
	if opt.retain {
		res.enrich(res.Resources)
	}
	var late *lateSpans
	if cache != nil {
		parts, counts := make([]*lateSpans, len(outs)), make([]int, len(outs))
		for i, o := range outs {
			parts[i], counts[i] = o.late, len(o.res)
		}
		late = reuseLate(sess, parts, counts)
	}
	fs0, err := sess.Finish(ctx, res.Resources)
	if err != nil {
		return nil, err
	}
	late.store(cache, opt.Catalog)
	res.Findings = fs0
	sup := newSuppressor(fsys)
	res.Diagnostics = append(res.Diagnostics, sup.apply(res.Findings)...)
	if opt.Baseline != nil {
		res.Diagnostics = append(res.Diagnostics, opt.Baseline.apply(res.Findings, opt.Now())...)
	}
	sortDiagnostics(res.Diagnostics)
	return res, nil
}

// unitSink is the sink the front ends hand each unit to: it notes what the unit shows
// in r (see enrich) and gives the unit to the session. A cached scan (cache.go) gives
// each group a Result of its own, kept with the group's entry.
func (r *Result) unitSink(sess *rules.Session) iac.Sink {
	return func(rs []iac.Resource) []iac.Resource {
		r.enrich(rs)
		r.addComponents(Components(rs))
		return sess.Sink(rs)
	}
}

// classify picks the front end for one file by its name and, for JSON, its content.
// Variable files (.tfvars) are passed on only when named explicitly: Terraform loads
// terraform.tfvars and *.auto.tfvars by itself, and two environments' var files found
// in one tree must not both apply.
func (r *Result) classify(fsys fs.FS, name string, groups map[Format][]string, explicit bool, opt Options, head []byte) {
	base := strings.ToLower(path.Base(name))
	add := func(f Format) {
		groups[f] = append(groups[f], name)
		r.Files = append(r.Files, File{Path: name, Format: f})
	}
	switch {
	case strings.HasSuffix(base, ".bicep"), strings.HasSuffix(base, ".bicepparam"):
		add(FormatBicep)
	case strings.HasSuffix(base, ".tf"), strings.HasSuffix(base, ".tf.json"):
		add(FormatTerraform)
	case strings.HasSuffix(base, ".tfvars"), strings.HasSuffix(base, ".tfvars.json"):
		if explicit {
			add(FormatTerraform)
		}
	case strings.HasSuffix(base, ".json"), strings.HasSuffix(base, ".jsonc"):
		if st, err := fs.Stat(fsys, name); err == nil && st.Size() > maxSniffFile {
			r.Diagnostics = append(r.Diagnostics, iac.Diagnostic{Severity: iac.DiagWarning, Message: fmt.Sprintf("%s is %d bytes, over the %d-byte limit; not read", name, st.Size(), maxSniffFile), Loc: awaf.Location{File: name}})
			return
		}
		// The head usually decides; the front end reads the file itself, so only a
		// file the head leaves undecided is read whole here.
		sniff := opt.Sniff
		if sniff == nil {
			sniff = SniffJSON
		}
		data, whole, err := readHead(fsys, name, head)
		f, ok := Format(""), false
		if err == nil {
			if f, ok = sniff(data); !ok && !whole {
				if data, err = fs.ReadFile(fsys, name); err == nil {
					f, ok = sniff(data)
				}
			}
		}
		if err != nil {
			r.Diagnostics = append(r.Diagnostics, iac.Diagnostic{Severity: iac.DiagError, Message: fmt.Sprintf("cannot read %s: %v", name, unwrapPathErr(err)), Loc: awaf.Location{File: name}})
			return
		}
		if !ok {
			f, ok = opt.Frontends.claim(name, data)
		}
		if ok {
			add(f)
		} else if explicit {
			r.Diagnostics = append(r.Diagnostics, iac.Diagnostic{Severity: iac.DiagWarning, Message: fmt.Sprintf("%s is %s; skipped", name, Describe(data)), Loc: awaf.Location{File: name}})
		}
	default:
		// A front end may claim a file by its name alone; YAML and XML files it may
		// also claim by their head (a $schema, a <policies> root, top-level keys).
		f, ok := opt.Frontends.claim(name, nil)
		if !ok && wantsHead(name) {
			data, _, err := readHead(fsys, name, head)
			if err != nil {
				r.Diagnostics = append(r.Diagnostics, iac.Diagnostic{Severity: iac.DiagError, Message: fmt.Sprintf("cannot read %s: %v", name, unwrapPathErr(err)), Loc: awaf.Location{File: name}})
				return
			}
			f, ok = opt.Frontends.claim(name, data)
		}
		if ok {
			add(f)
		} else if explicit {
			r.Diagnostics = append(r.Diagnostics, iac.Diagnostic{Severity: iac.DiagWarning, Message: fmt.Sprintf("%s: unknown file type (want .bicep, .bicepparam, .tf, .tfvars or .json); skipped", name), Loc: awaf.Location{File: name}})
		}
	}
}

// dropCompiled leaves out an ARM template that Bicep compiled from a .bicep file of
// the same name beside it, when that file is scanned too (azd templates commit both
// main.bicep and main.json): the deployment would be read, and every finding
// reported, twice. A note says which file was left out.
func (r *Result) dropCompiled(fsys fs.FS, groups map[Format][]string, head []byte) {
	arms, bicep := groups[FormatARM], groups[FormatBicep]
	if len(arms) == 0 || len(bicep) == 0 {
		return
	}
	sources := make(map[string]bool, len(bicep))
	for _, b := range bicep {
		sources[b] = true
	}
	dropped := map[string]bool{}
	kept := arms[:0]
	for _, a := range arms {
		src := strings.TrimSuffix(a, path.Ext(a)) + ".bicep"
		if sources[src] {
			data, _, err := readHead(fsys, a, head)
			if err == nil && compiledByBicep(data) {
				dropped[a] = true
				r.Diagnostics = append(r.Diagnostics, iac.Diagnostic{Severity: iac.DiagInfo,
					Message: fmt.Sprintf("%s is compiled from %s, which is scanned; not read twice", a, src), Loc: awaf.Location{File: a}})
				continue
			}
		}
		kept = append(kept, a)
	}
	if len(dropped) == 0 {
		return
	}
	groups[FormatARM] = kept
	files := r.Files[:0]
	for _, f := range r.Files {
		if !dropped[f.Path] {
			files = append(files, f)
		}
	}
	r.Files = files
}

// compiledByBicep reports whether the head of an ARM template names Bicep as its
// generator ("metadata": {"_generator": {"name": "bicep", ...}}).
func compiledByBicep(head []byte) bool {
	i := bytes.Index(head, []byte(`"_generator"`))
	if i < 0 {
		return false
	}
	rest := head[i:]
	if j := bytes.IndexByte(rest, '}'); j > 0 {
		rest = rest[:j]
	}
	return bytes.Contains(rest, []byte(`"bicep"`))
}

// sniffHead is how much of a JSON file is read to tell its format.
const sniffHead = 8 << 10

// readHead reads up to len(buf)-1 bytes of a file into buf; whole tells whether that
// was all of it.
func readHead(fsys fs.FS, name string, buf []byte) (data []byte, whole bool, err error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	n := len(buf) - 1
	k, err := io.ReadFull(f, buf)
	switch err {
	case nil:
		return buf[:n], false, nil
	case io.EOF, io.ErrUnexpectedEOF:
		return buf[:k], true, nil
	}
	return nil, false, err
}

// SniffJSON tells the JSON inputs apart by content: ARM templates and parameter files
// by their $schema, Terraform plans by format_version and planned_values, and Azure
// exports (Resource Graph results, `az resource list` / `show` output) by their shape.
func SniffJSON(data []byte) (Format, bool) {
	head := bytes.TrimLeft(data[:min(len(data), 8192)], " \t\r\n\ufeff")
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	var buf [8192]byte // an ASCII head is lowered here, not in a new slice per file
	low := lowerInto(buf[:0], head)
	switch {
	case bytes.Contains(low, []byte(`"$schema"`)) &&
		(bytes.Contains(low, []byte("deploymenttemplate")) || bytes.Contains(low, []byte("deploymentparameters"))):
		return FormatARM, true
	case bytes.Contains(low, []byte(`"format_version"`)) && bytes.Contains(data, []byte(`"planned_values"`)):
		return FormatPlan, true
	case len(head) > 0 && (head[0] == '[' || head[0] == '{') && looksLikeExport(low):
		return FormatExport, true
	}
	return "", false
}

// looksLikeExport checks the start of a JSON document for an Azure resource: an "id"
// with "/providers/" and a "type" with a provider namespace.
// lowerInto gives bytes.ToLower(b), appended to dst when b is ASCII.
func lowerInto(dst, b []byte) []byte {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return bytes.ToLower(b)
		}
	}
	for _, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

func looksLikeExport(low []byte) bool {
	return bytes.Contains(low, []byte(`"id"`)) && bytes.Contains(low, []byte(`/providers/`)) &&
		bytes.Contains(low, []byte(`"type"`)) && bytes.Contains(low, []byte(`"microsoft.`))
}

// unwrapPathErr drops the path from an fs error, since messages name the file already.
func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func sortDiagnostics(ds []iac.Diagnostic) {
	slices.SortStableFunc(ds, func(a, b iac.Diagnostic) int {
		if c := strings.Compare(a.Loc.File, b.Loc.File); c != 0 {
			return c
		}
		if a.Loc.Line != b.Loc.Line {
			return a.Loc.Line - b.Loc.Line
		}
		return a.Loc.Column - b.Loc.Column
	})
}

// Counts summarises findings by effective status.
type Counts struct {
	Pass       int `json:"pass"`
	Fail       int `json:"fail"`
	Unknown    int `json:"unknown"`
	Suppressed int `json:"suppressed"`
	High       int `json:"high"`   // unsuppressed failures by severity
	Medium     int `json:"medium"` //
	Low        int `json:"low"`    //
}

// Count summarises the findings.
func (r *Result) Count() Counts {
	var c Counts
	for _, f := range r.Findings.All() {
		switch f.Effective() {
		case rules.Pass:
			c.Pass++
		case rules.Fail:
			c.Fail++
			switch f.Rule.Severity {
			case rules.High:
				c.High++
			case rules.Medium:
				c.Medium++
			case rules.Low:
				c.Low++
			}
		case rules.Unknown:
			c.Unknown++
		case rules.Suppressed:
			c.Suppressed++
		}
	}
	return c
}

// Gate returns the unsuppressed findings at or above min severity that fail the CI
// gate: failures, and unknowns too when failUnknown is set.
func (r *Result) Gate(min rules.Severity, failUnknown bool) []*Finding {
	var out []*Finding
	for _, f := range r.Findings.All() {
		if f.Suppression != nil || f.Rule.Severity.Rank() < min.Rank() {
			continue
		}
		if f.Status == rules.Fail || (failUnknown && f.Status == rules.Unknown) {
			out = append(out, f)
		}
	}
	return out
}
