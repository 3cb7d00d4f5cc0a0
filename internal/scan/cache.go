package scan

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"hash/fnv"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/fanout"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/rules"
	"github.com/awaf/awaf/internal/scancache"
)

// With a cache (Options.Cache, awaf scan --cache), a front end's files are read in
// groups, each group handed to the front end on its own, and a group whose entry is
// in the cache and whose files (every file the front end read for it, not only its
// own) are unchanged is not read again: its kept resources, their notes and its
// diagnostics come from the entry, and only the rules left for Finish run on them.
//
// Groups must give, side by side, exactly what the front end gives on all the files
// at once: the same units, diagnostics and notes, in the same order. So a group is a
// run of the front end's files in the order the front end reports them, groups that
// read one another's files are joined and read again, and per format (policies):
//   - ARM: a group holds whole directories (a template alone in its directory pairs
//     with azuredeploy.parameters.json, so the front end counts a directory's
//     templates); a template another group links to is then reported only through
//     its link, as without the cache;
//   - Bicep: runs of two or more files in path order (see runsBy: a group of one
//     file would place its syntax errors apart from the rest); groups that read one file
//     (a module, an imported file) are joined, since the front end reports a file's
//     problems once. Parameter files (.bicepparam) are evaluated before every entry
//     file, so a scan with any is one group; so is a group that ran out of its
//     evaluation budget (which grows with the files scanned together) or a scan past
//     bicepWhole resources;
//   - Terraform: one group per directory (a module), in directory order; groups that
//     read one file are joined (a shared local module). Explicit var files apply to
//     every root module, so a scan with any is one group; so is a scan that reached
//     the instance budget or holds more than terraformWhole resources. A type no rule
//     reads is noted once per scan: the notes after the first are dropped;
//   - every other format is one group.
// A format read as one group is still taken whole from the cache when none of its
// files changed.

// read runs one front end over its files: through the cache when the scan has one,
// then also giving the groups its resources come from (nil without the cache).
func (r *Result) read(ctx context.Context, opt Options, cache *scancache.Cache, sess *rules.Session, f Format, sc iac.Scanner,
	readFS, fsys fs.FS, files []string, sink iac.Sink) ([]iac.Resource, []iac.Diagnostic, *lateSpans, error) {
	if cache == nil || opt.retain {
		kept, diags, err := sc.Scan(ctx, readFS, files, sink)
		return kept, diags, nil, err
	}
	gr := &grouped{r: r, cache: cache, cat: opt.Catalog, sess: sess, format: f, sc: sc, readFS: readFS, fsys: fsys, files: files}
	return gr.run(ctx)
}

// lateSpans are the groups a scan's resources come from, in order, for Finish to
// take the findings of the rules that read other resources from the cache
// (rules.Session.Reuse), and the keys of their entries.
type lateSpans struct {
	spans []*rules.Span
	keys  []scancache.Key
}

// reuseLate hands the session the groups of every front end's resources, in the
// order the scan joins them; nothing when one front end's resources did not come
// through the cache.
func reuseLate(sess *rules.Session, parts []*lateSpans, counts []int) *lateSpans {
	all := &lateSpans{}
	for k, p := range parts {
		if p == nil {
			if counts[k] > 0 {
				return nil
			}
			continue
		}
		all.spans = append(all.spans, p.spans...)
		all.keys = append(all.keys, p.keys...)
	}
	sess.Reuse(all.spans)
	return all
}

// store keeps what Finish judged of each group it judged itself.
func (ls *lateSpans) store(cache *scancache.Cache, cat *rules.Catalog) {
	if ls == nil {
		return
	}
	var todo []int
	reused := 0
	for k, sp := range ls.spans {
		if sp.Now != nil {
			todo = append(todo, k)
		}
		if sp.Reused {
			reused++
		}
	}
	cache.CountLate(reused, len(todo))
	fanout.Each(len(todo), func(n int) {
		k := todo[n]
		cache.PutLate(scancache.LateKey(ls.keys[k]), ls.spans[k].ID, ls.spans[k].Now, cat)
	})
}

// contentID names what a group's entry holds: its key (the salt, the format, the
// files) and the state of every path its front end read.
func contentID(key scancache.Key, reads []scancache.Read) [32]byte {
	h := sha256.New()
	h.Write(key[:])
	var n [8]byte
	for _, r := range reads {
		binary.LittleEndian.PutUint64(n[:], uint64(len(r.Path)))
		h.Write(n[:])
		h.Write([]byte(r.Path))
		h.Write([]byte{byte(r.State.Kind)})
		h.Write(r.State.Sum[:])
	}
	return [32]byte(h.Sum(nil))
}

// span is a run of files, [lo, hi).
type span struct{ lo, hi int }

// grouped reads one front end's files in groups through the cache.
type grouped struct {
	r      *Result
	cache  *scancache.Cache
	cat    *rules.Catalog
	sess   *rules.Session
	format Format
	sc     iac.Scanner
	readFS fs.FS // what the front end reads through (counted for progress)
	fsys   fs.FS // the scanned tree, to check entries against
	files  []string
}

// cachedGroup is what one group gave, from the cache or read now. What the scan
// notes of its units as they are read (Result.enrich, the components) is noted in a
// Result of its own, merged into the scan's once the group is used.
type cachedGroup struct {
	key scancache.Key
	id  [32]byte // contentID
	// volatile: the group's result depends on more than the paths it read.
	volatile bool
	prior    *rules.Late // what Finish judged of it in an earlier scan, if kept
	kept     []iac.Resource
	notes    []*rules.Note // set when cached: replayed into the session if the group is used
	cached   bool
	diags    []iac.Diagnostic
	noted    *Result
	reads    []scancache.Read
}

func (g *grouped) run(ctx context.Context) ([]iac.Resource, []iac.Diagnostic, *lateSpans, error) {
	pol := policyOf(g.format)
	files := g.files
	if pol.order != nil {
		files = pol.order(files)
	}
	at := make(map[string]int, len(files))
	for i, f := range files {
		at[f] = i
	}
	spans := pol.base(files)
	if pol.oneGroup != nil && pol.oneGroup(files) {
		spans = []span{{0, len(files)}}
	}
	done := map[span]*cachedGroup{}
	for {
		var todo []span
		for _, s := range spans {
			if done[s] == nil {
				todo = append(todo, s)
			}
		}
		outs := make([]*cachedGroup, len(todo))
		errs := make([]error, len(todo))
		fanout.Each(len(todo), func(k int) {
			if ctx.Err() == nil {
				outs[k], errs[k] = g.one(ctx, files[todo[k].lo:todo[k].hi])
			}
		})
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, err
		}
		for k, s := range todo {
			if errs[k] != nil {
				return nil, nil, nil, errs[k]
			}
			done[s] = outs[k]
		}
		joined := join(spans, done, at, pol.shared)
		if len(spans) > 1 && pol.whole != nil {
			groups := make([]*cachedGroup, len(spans))
			for k, s := range spans {
				groups[k] = done[s]
			}
			if pol.whole(groups) {
				joined = []span{{0, len(files)}}
			}
		}
		if slices.Equal(joined, spans) {
			break
		}
		spans = joined
	}
	n := 0
	for _, s := range spans {
		n += len(done[s].kept)
	}
	var kept []iac.Resource
	if len(spans) > 1 && n > 0 {
		kept = make([]iac.Resource, 0, n)
	}
	var diags []iac.Diagnostic
	late := &lateSpans{}
	for _, s := range spans {
		gr := done[s]
		late.spans = append(late.spans, &rules.Span{N: len(gr.kept), ID: gr.id, Volatile: gr.volatile, Prior: gr.prior})
		late.keys = append(late.keys, gr.key)
		if gr.cached {
			g.sess.Replay(gr.kept, gr.notes)
			g.cache.Used()
		} else {
			g.cache.Read()
		}
		g.r.absorb(gr.noted)
		kept = append(kept, gr.kept...)
		diags = append(diags, gr.diags...)
	}
	if pol.tidy != nil && len(spans) > 1 {
		diags = pol.tidy(diags)
	}
	return kept, diags, late, nil
}

// policy is how one format's files are grouped (see the top of this file).
type policy struct {
	// order gives the files in the order the front end reports them; nil: as given.
	order func([]string) []string
	// base gives the groups before any are joined.
	base func([]string) []span
	// shared joins groups that read one existing file, not only one another's.
	shared bool
	// oneGroup tells from the files alone, and whole from the groups read apart,
	// that the files must be read as one group.
	oneGroup func([]string) bool
	whole    func([]*cachedGroup) bool
	// tidy makes the joined groups' diagnostics what one read would give.
	tidy func([]iac.Diagnostic) []iac.Diagnostic
}

// Bounds past which a format is read as one group: the front ends' budgets span all
// the files they are given (bicep's 200,000 resources, terraform's 100,000
// instances), so groups read apart could each stay under one that the whole
// reaches. The bounds leave room for what the groups do not show (module and
// resource copies, instances that make no resource).
const (
	bicepWhole     = 100_000
	terraformWhole = 25_000
)

func policyOf(f Format) policy {
	switch f {
	case FormatARM:
		return policy{base: runsBy(path.Dir, 1)}
	case FormatBicep:
		return policy{
			order:    sorted,
			base:     runsBy(func(p string) string { return p }, 2),
			shared:   true,
			oneGroup: anyWith(".bicepparam"),
			whole: func(gs []*cachedGroup) bool {
				return total(gs) > bicepWhole || anyDiag(gs, "evaluation stopped after")
			},
		}
	case FormatTerraform:
		return policy{
			order:    byDir,
			base:     runsBy(path.Dir, 1),
			shared:   true,
			oneGroup: anyWith(".tfvars", ".tfvars.json"),
			whole: func(gs []*cachedGroup) bool {
				return total(gs) > terraformWhole || anyDiag(gs, "instances in one scan")
			},
			tidy: onceByMessage("no rules read this type yet"),
		}
	}
	return policy{base: func(fs []string) []span { return []span{{0, len(fs)}} }}
}

func sorted(files []string) []string { return slices.Sorted(slices.Values(files)) }

// byDir orders files by directory, as the Terraform front end reads its modules.
func byDir(files []string) []string {
	out := slices.Clone(files)
	slices.SortStableFunc(out, func(a, b string) int { return strings.Compare(path.Dir(a), path.Dir(b)) })
	return out
}

// runsBy gives runs of files closed over key (all files with one key in one run)
// of at least least files. With least above one, a run ends only after a file whose
// name's hash is even, so that adding or removing a file changes the runs around it
// and not every run after it; the last run takes a short remainder.
func runsBy(key func(string) string, least int) func([]string) []span {
	return func(files []string) []span {
		n := len(files)
		last := map[string]int{}
		for i, f := range files {
			last[key(f)] = i
		}
		var out []span
		for i := 0; i < n; {
			hi := i + 1
			for j := i; j < hi; j++ {
				hi = max(hi, last[key(files[j])]+1)
				if j+1 == hi && (hi-i < least || least > 1 && !evenName(files[j])) {
					hi = min(n, hi+1)
				}
			}
			if n-hi < least {
				hi = n
			}
			out = append(out, span{i, hi})
			i = hi
		}
		return out
	}
}

func evenName(name string) bool {
	h := fnv.New32a()
	h.Write([]byte(name))
	return h.Sum32()%2 == 0
}

// anyWith tells whether a file's name ends in one of the suffixes.
func anyWith(suffixes ...string) func([]string) bool {
	return func(files []string) bool {
		for _, f := range files {
			for _, suf := range suffixes {
				if strings.HasSuffix(strings.ToLower(f), suf) {
					return true
				}
			}
		}
		return false
	}
}

func total(gs []*cachedGroup) int {
	n := 0
	for _, g := range gs {
		n += len(g.kept)
	}
	return n
}

func anyDiag(gs []*cachedGroup, part string) bool {
	for _, g := range gs {
		for _, d := range g.diags {
			if strings.Contains(d.Message, part) {
				return true
			}
		}
	}
	return false
}

// onceByMessage keeps the first of the diagnostics whose message holds part and is
// the same.
func onceByMessage(part string) func([]iac.Diagnostic) []iac.Diagnostic {
	return func(ds []iac.Diagnostic) []iac.Diagnostic {
		seen := map[string]bool{}
		out := ds[:0]
		for _, d := range ds {
			if strings.Contains(d.Message, part) {
				if seen[d.Message] {
					continue
				}
				seen[d.Message] = true
			}
			out = append(out, d)
		}
		return out
	}
}

// join widens every group that read a file of another group to take it in, with
// the groups between (groups stay runs of files), and, when shared, every two
// groups that read one existing file; then it merges overlapping groups.
func join(spans []span, done map[span]*cachedGroup, at map[string]int, shared bool) []span {
	wide := make([]span, len(spans))
	readBy := map[string]int{} // an existing file -> the first group that read it
	for k, s := range spans {
		w := s
		for _, rd := range done[s].reads {
			if j, ok := at[rd.Path]; ok {
				w.lo, w.hi = min(w.lo, j), max(w.hi, j+1)
			}
			if shared && rd.State.Kind == scancache.File {
				if o, ok := readBy[rd.Path]; ok && o != k {
					w.lo = min(w.lo, spans[o].lo)
				} else {
					readBy[rd.Path] = k
				}
			}
		}
		wide[k] = w
	}
	slices.SortFunc(wide, func(a, b span) int { return a.lo - b.lo })
	var out []span
	for _, w := range wide {
		if len(out) > 0 && w.lo < out[len(out)-1].hi {
			out[len(out)-1].hi = max(out[len(out)-1].hi, w.hi)
			continue
		}
		out = append(out, w)
	}
	return out
}

// one gives one group: from its entry when every path it read is unchanged, else
// read now (and stored).
func (g *grouped) one(ctx context.Context, names []string) (*cachedGroup, error) {
	key := g.cache.Key(string(g.format), names)
	if ent, ok := g.cache.Get(key, g.cat); ok && readsAll(ent.Reads, names) && scancache.Unchanged(g.fsys, ent.Reads) {
		noted := &Result{Diagnostics: ent.ScanDiags}
		noted.profile.restore(ent.Signals)
		cs := make([]awaf.Component, len(ent.Components))
		for i, c := range ent.Components {
			cs[i] = awaf.Component(c)
		}
		noted.addComponents(cs)
		gr := &cachedGroup{key: key, id: contentID(key, ent.Reads), kept: ent.Resources, notes: ent.Notes, cached: true, diags: ent.Diags, noted: noted, reads: ent.Reads}
		gr.prior, _ = g.cache.GetLate(scancache.LateKey(key), gr.id, g.cat)
		return gr, nil
	}
	tr := scancache.Track(g.readFS)
	noted := &Result{}
	kept, diags, err := g.sc.Scan(ctx, tr, names, noted.unitSink(g.sess))
	if err != nil {
		return nil, err
	}
	gr := &cachedGroup{key: key, kept: kept, diags: diags, noted: noted}
	reads := tr.Reads()
	for _, n := range names {
		if _, found := slices.BinarySearchFunc(reads, n, func(r scancache.Read, p string) int { return strings.Compare(r.Path, p) }); !found {
			reads = append(reads, scancache.Read{Path: n, State: scancache.Current(g.fsys, n)})
		}
	}
	slices.SortFunc(reads, func(a, b scancache.Read) int { return strings.Compare(a.Path, b.Path) })
	gr.reads = reads
	gr.id, gr.volatile = contentID(key, reads), !tr.Cacheable()
	if tr.Cacheable() {
		ent := &scancache.Entry{Reads: reads, Resources: kept, Notes: make([]*rules.Note, len(kept)), Diags: diags,
			ScanDiags: noted.Diagnostics, Signals: noted.profile.signals()}
		for i := range kept {
			if n, ok := g.sess.Note(kept[i].Judgement); ok {
				ent.Notes[i] = &n
			}
		}
		for _, c := range noted.Components() {
			ent.Components = append(ent.Components, string(c))
		}
		g.cache.Put(key, ent, g.cat)
	}
	return gr, nil
}

// readsAll tells whether an entry lists every file of its group among its reads, as
// every entry written does: one that does not is not trusted.
func readsAll(reads []scancache.Read, names []string) bool {
	have := make(map[string]bool, len(reads))
	for _, r := range reads {
		have[r.Path] = true
	}
	for _, n := range names {
		if !have[n] {
			return false
		}
	}
	return true
}

// absorb merges what was noted of a group's units into the scan's result: what
// unitSink notes (enrich, addComponents), each part as they merge a unit's.
func (r *Result) absorb(o *Result) {
	r.profile.absorb(&o.profile)
	r.addComponents(o.Components())
	if len(o.Diagnostics) > 0 {
		r.mu.Lock()
		r.Diagnostics = append(r.Diagnostics, o.Diagnostics...)
		r.mu.Unlock()
	}
}

// signals lists the facts for a cache entry, in a fixed order.
func (f *profileFacts) signals() []scancache.Signal {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []scancache.Signal
	for _, m := range []struct {
		region bool
		sigs   map[string]signal
	}{{false, f.first}, {true, f.regions}} {
		keys := make([]string, 0, len(m.sigs))
		for k := range m.sigs {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			s := m.sigs[k]
			out = append(out, scancache.Signal{Region: m.region, Key: k, Type: s.typ, Name: s.name, Loc: s.loc})
		}
	}
	return out
}

// restore fills empty facts from a cache entry's signals.
func (f *profileFacts) restore(ss []scancache.Signal) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.first, f.regions = map[string]signal{}, map[string]signal{}
	for _, s := range ss {
		dst := f.first
		if s.Region {
			dst = f.regions
		}
		dst[s.Key] = signal{s.Type, s.Name, s.Loc}
	}
}

// absorb merges another group's facts into f, keeping the first place of each, as
// add does for a unit.
func (f *profileFacts) absorb(o *profileFacts) {
	o.mu.Lock()
	first, regions := o.first, o.regions
	o.mu.Unlock()
	if len(first) == 0 && len(regions) == 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.first == nil {
		f.first, f.regions = map[string]signal{}, map[string]signal{}
	}
	for _, m := range []struct{ src, dst map[string]signal }{{first, f.first}, {regions, f.regions}} {
		for k, s := range m.src {
			if old, ok := m.dst[k]; !ok || signalBefore(s.loc, old.loc) {
				m.dst[k] = s
			}
		}
	}
}
