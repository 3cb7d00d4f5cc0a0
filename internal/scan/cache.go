package scan

import (
	"context"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/awaf/awaf"
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
// at once: the same units in the same order. So a group is a run of the front end's
// files in the scan's order, and:
//   - ARM: a group holds whole directories (a template alone in its directory pairs
//     with azuredeploy.parameters.json, so the front end counts a directory's
//     templates), and groups that read one another's files (linked templates, which
//     the front end then reports only through their link) are joined and read again;
//   - every other format is one group: Bicep entry files, parameter files and
//     modules, Terraform root modules and their var files are told apart across the
//     whole set of files, so any change reads all of that format again.

// read runs one front end over its files: through the cache when the scan has one.
func (r *Result) read(ctx context.Context, opt Options, cache *scancache.Cache, sess *rules.Session, f Format, sc iac.Scanner,
	readFS, fsys fs.FS, files []string, sink iac.Sink) ([]iac.Resource, []iac.Diagnostic, error) {
	if cache == nil || opt.retain {
		return sc.Scan(ctx, readFS, files, sink)
	}
	gr := &grouped{r: r, cache: cache, cat: opt.Catalog, sess: sess, format: f, sc: sc, readFS: readFS, fsys: fsys, files: files}
	return gr.run(ctx)
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
	kept   []iac.Resource
	notes  []*rules.Note // set when cached: replayed into the session if the group is used
	cached bool
	diags  []iac.Diagnostic
	noted  *Result
	reads  []scancache.Read
}

func (g *grouped) run(ctx context.Context) ([]iac.Resource, []iac.Diagnostic, error) {
	at := make(map[string]int, len(g.files))
	for i, f := range g.files {
		at[f] = i
	}
	spans := g.base()
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
		var next atomic.Int64
		var wg sync.WaitGroup
		for range min(runtime.GOMAXPROCS(0), len(todo)) {
			wg.Go(func() {
				for {
					k := int(next.Add(1)) - 1
					if k >= len(todo) || ctx.Err() != nil {
						return
					}
					outs[k], errs[k] = g.one(ctx, g.files[todo[k].lo:todo[k].hi])
				}
			})
		}
		wg.Wait()
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		for k, s := range todo {
			if errs[k] != nil {
				return nil, nil, errs[k]
			}
			done[s] = outs[k]
		}
		joined := join(spans, done, at)
		if slices.Equal(joined, spans) {
			break
		}
		spans = joined
	}
	var kept []iac.Resource
	var diags []iac.Diagnostic
	for _, s := range spans {
		gr := done[s]
		if gr.cached {
			g.sess.Replay(gr.kept, gr.notes)
		}
		g.r.absorb(gr.noted)
		kept = append(kept, gr.kept...)
		diags = append(diags, gr.diags...)
	}
	return kept, diags, nil
}

// base gives the groups before any are joined: for ARM, runs of files closed over
// directories; for the other formats, all the files.
func (g *grouped) base() []span {
	n := len(g.files)
	if n == 0 {
		return nil
	}
	if g.format != FormatARM {
		return []span{{0, n}}
	}
	first, last := map[string]int{}, map[string]int{}
	for i, f := range g.files {
		d := path.Dir(f)
		if _, ok := first[d]; !ok {
			first[d] = i
		}
		last[d] = i
	}
	var out []span
	for i := 0; i < n; {
		hi := last[path.Dir(g.files[i])] + 1
		for j := i; j < hi; j++ {
			hi = max(hi, last[path.Dir(g.files[j])]+1)
		}
		out = append(out, span{i, hi})
		i = hi
	}
	return out
}

// join widens every group that read a file of another group to take it in, with
// the groups between (groups stay runs of files), and merges overlapping groups.
func join(spans []span, done map[span]*cachedGroup, at map[string]int) []span {
	wide := make([]span, len(spans))
	for k, s := range spans {
		w := s
		for _, rd := range done[s].reads {
			if j, ok := at[rd.Path]; ok {
				w.lo, w.hi = min(w.lo, j), max(w.hi, j+1)
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
	if ent, ok := g.cache.Get(key, g.cat); ok && scancache.Unchanged(g.fsys, ent.Reads) {
		g.cache.Used()
		noted := &Result{Diagnostics: ent.ScanDiags}
		noted.profile.restore(ent.Signals)
		cs := make([]awaf.Component, len(ent.Components))
		for i, c := range ent.Components {
			cs[i] = awaf.Component(c)
		}
		noted.addComponents(cs)
		return &cachedGroup{kept: ent.Resources, notes: ent.Notes, cached: true, diags: ent.Diags, noted: noted, reads: ent.Reads}, nil
	}
	g.cache.Read()
	tr := scancache.Track(g.readFS)
	noted := &Result{}
	// The same notes as the scan's own sink takes (Run), into the group's Result.
	sink := func(rs []iac.Resource) []iac.Resource {
		noted.enrich(rs)
		noted.addComponents(Components(rs))
		return g.sess.Sink(rs)
	}
	kept, diags, err := g.sc.Scan(ctx, tr, names, sink)
	if err != nil {
		return nil, err
	}
	gr := &cachedGroup{kept: kept, diags: diags, noted: noted}
	reads := tr.Reads()
	for _, n := range names {
		if _, found := slices.BinarySearchFunc(reads, n, func(r scancache.Read, p string) int { return strings.Compare(r.Path, p) }); !found {
			reads = append(reads, scancache.Read{Path: n, State: scancache.Current(g.fsys, n)})
		}
	}
	slices.SortFunc(reads, func(a, b scancache.Read) int { return strings.Compare(a.Path, b.Path) })
	gr.reads = reads
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

// absorb merges what was noted of a group's units into the scan's result.
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
