package rules

import (
	"context"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	celast "cel.dev/cel-go/common/ast"

	"github.com/awaf/awaf/internal/iac"
)

// A scan need not hold every file's values until the end. Most rules read only the
// resource they judge and the profile, which is known from the start: a Session
// judges those as each unit of input is read (Sink) and keeps of each resource only
// what the rest reads later (the rules that read "related" or "workload", the link
// graph, the workload facts, the reports). Finish builds the graph over the kept
// resources, runs the remaining rules and merges the findings in the order Evaluate
// gives. The findings are Evaluate's on the full resources: TestSessionMatchesEvaluate
// and the scan's tests hold the two to that.

// Session is one evaluation. Start it before the front ends run, hand Sink to them
// (it is an iac.Sink), and call Finish on the resources they return. Evaluate is
// Start and Finish on resources read in full.
type Session struct {
	c       *Catalog
	opt     Options
	profile map[string]any
	// wreg holds the workload view's unknowns (Finish fills it) and, through next,
	// the profile view's; workload ids sort before profile ids, as they always have.
	wreg *registry
	// id is the number the session's notes on resources carry (iac.Judgement.Sink).
	id uint32
	// units holds what Sink recorded, one entry per unit and, in it, per resource;
	// a resource's note names its entry.
	mu    sync.Mutex
	units [][]judged
	// spans, when set (Reuse), say where Finish's resources come from.
	spans []*Span
}

// judged is what a Session records on a resource when its unit is read: the findings
// of the rules judged then, each with its rule's position among its type's rules, and
// the positions of the rules left for Finish. A unit's findings are in one block,
// each resource's at blk[off:off+len(localAt)], held as Finish gives them but for
// their resource and workload: Finish fills those in in place and gives the blocks
// back as its findings, with no second copy of them all.
type judged struct {
	blk     []Finding
	off     int
	localAt []uint16
	pending []uint16
}

func (j *judged) local() []Finding {
	return j.blk[j.off : j.off+len(j.localAt) : j.off+len(j.localAt)]
}

// bare gives f without what only Finish gives it (its resource, so that the full
// resource is not held, and its workload) and what Evaluate never sets (a
// suppression).
func bare(f *Finding) Finding {
	return Finding{Rule: f.Rule, Status: f.Status, Loc: f.Loc, Message: f.Message, Unresolved: f.Unresolved}
}

// sessions numbers the sessions, so that a note on a resource is read only by the
// session that made it.
var sessions atomic.Uint32

// profileBase offsets the profile view's unknown ids after the workload view's.
const profileBase = 1 << 41

// Start begins an evaluation; opt is as for Evaluate.
func (c *Catalog) Start(opt Options) *Session {
	c.prepare()
	preg := &registry{base: profileBase}
	wreg := &registry{base: workloadBase, next: preg}
	id := sessions.Add(1)
	if id == 0 { // wrapped: 0 means no note
		id = sessions.Add(1)
	}
	return &Session{c: c, opt: opt, profile: profileView(opt.Profile, preg), wreg: wreg, id: id}
}

// Sink judges one unit's resources by the rules that need no other resource and
// returns them cut down to what Finish and the reports need, each carrying its
// judgement. It is an iac.Sink: several goroutines may call it at once.
func (s *Session) Sink(res []iac.Resource) []iac.Resource {
	c := s.c
	g := &graph{res: res, ltype: make([]string, len(res)), links: make([]links, len(res)), pending: map[string][]*iac.Value{}}
	for i := range res {
		g.ltype[i] = c.lowerType(res[i].Type)
		g.links[i].parent = -1
	}
	shared := map[string]any{"profile": s.profile, "workload": map[string]any{}}
	out := res // kept resources replace the read ones in place
	// The unit's findings are judged into one scratch slice, then copied into one
	// exactly sized block that the resources' judgements share, and that Finish
	// gives back as findings.
	js := make([]judged, len(res))
	s.mu.Lock()
	unit := uint32(len(s.units))
	s.units = append(s.units, js)
	s.mu.Unlock()
	ends := make([]int, len(res)+1)
	most := 0
	for i := range res {
		most += len(c.local[g.ltype[i]])
	}
	// Findings are judged into a pooled scratch slice with room for every local
	// rule's, then copied into one exactly sized block.
	sp := scratchPool.Get().(*[]Finding)
	defer func() { clear((*sp)[:cap(*sp)]); scratchPool.Put(sp) }()
	if cap(*sp) < most {
		*sp = make([]Finding, 0, most)
	}
	scratch := (*sp)[:0]
	at := make([]uint16, 0, most)
	var vars0 [maxFastDepth]fastVar
	for i := range res {
		ends[i+1] = ends[i]
		r := &res[i]
		lt := g.ltype[i]
		byType := c.byType[lt]
		if r.Existing || len(byType) == 0 {
			continue
		}
		j := &js[i]
		scratch = c.evalResource(g, i, shared, s.wreg, s.opt.slow, false, c.local[lt], scratch, &at)
		ends[i+1] = len(scratch)
		// A rule that reads other resources may still be settled now: its When may
		// read only this one, and be false.
		fc := &fastCtx{g: g, i: i, profile: s.profile, vars: vars0[:0]}
		for _, pos := range c.deferred[lt] {
			if rule := byType[pos]; !s.opt.slow && rule.whenLocal && rule.fastWhen != nil {
				if w, ok := rule.fastWhen.eval(fc); ok && w.unk == nil && !w.b {
					continue
				}
			}
			j.pending = append(j.pending, pos)
		}
	}
	*sp = scratch
	block := make([]Finding, len(scratch))
	for k := range scratch {
		block[k] = bare(&scratch[k])
	}
	at = at[:len(at):len(at)]
	for i := range res {
		lt := g.ltype[i]
		if res[i].Existing || len(c.byType[lt]) == 0 {
			out[i] = c.keep(&res[i], lt, nil, iac.Judgement{})
			continue
		}
		j := &js[i]
		j.blk, j.off, j.localAt = block, ends[i], at[ends[i]:ends[i+1]:ends[i+1]]
		out[i] = c.keep(&res[i], lt, j, iac.Judgement{Sink: s.id, Unit: unit, Index: uint32(i)})
	}
	return out
}

// scratchPool holds the slices Sink judges a unit's findings into.
var scratchPool = sync.Pool{New: func() any { return new([]Finding) }}

// lowerType lower-cases a resource type, without allocating for the spellings the
// catalog's rules use.
func (c *Catalog) lowerType(t string) string {
	if lt, ok := c.spelled[t]; ok {
		return lt
	}
	return strings.ToLower(t)
}

// Finish judges the resources by the rules left and returns every finding, in
// resource order, then catalog order. Resources that did not pass through this
// session's Sink are judged by every rule.
func (s *Session) Finish(ctx context.Context, res []iac.Resource) (Findings, error) {
	c, opt := s.c, s.opt
	// The workload facts and the link graph are independent: build them side by side.
	// Each workload has its own facts; the pending links span the scan.
	wk, names, members := workloadsOf(res, opt.WorkloadOf)
	shareds := make([]map[string]any, len(names))
	var views sync.WaitGroup
	views.Go(func() {
		for w := range names {
			shareds[w] = map[string]any{"profile": s.profile, "workload": workloadView(res, members[w], s.wreg)}
		}
	})
	g := newGraph(res)
	views.Wait()
	pending := g.pendingView(s.wreg) // after the workload views: both add to wreg
	for _, sh := range shareds {
		sh["pending"] = pending
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	s.mu.Lock()
	units := s.units
	s.units = nil // Finish reads them once; the findings are in buf after it
	s.mu.Unlock()
	judgement := func(i int) *judged {
		n := res[i].Judgement
		if n.Sink != s.id || int(n.Unit) >= len(units) || int(n.Index) >= len(units[n.Unit]) {
			return nil
		}
		return &units[n.Unit][n.Index]
	}
	ru := s.reuser(res, g, wk, shareds, judgement) // nil without spans
	var todo []int
	for i := range res {
		if !res[i].Existing && len(c.byType[g.ltype[i]]) > 0 {
			todo = append(todo, i)
		}
	}
	// Resource k of todo has its findings in two windows: those judged when its unit
	// was read in the unit's block (or, for a resource Sink did not judge, all of its
	// findings in one block for all of those), and one cell per rule left for Finish in
	// one block for the scan's late findings, or those an earlier scan judged where
	// they were read back (ru.prior). The findings stay where they are: the result is
	// made of runs of these blocks.
	wins := make([]window, len(todo))
	var spare, nlate int
	for k, i := range todo {
		if j := judgement(i); j != nil {
			wins[k] = window{blk: j.blk, off: j.off, n: len(j.localAt), at: j.localAt, unit: int(res[i].Judgement.Unit), rules: c.byType[g.ltype[i]]}
			if p, ok := ru.prior(i); ok {
				if len(p.Findings) <= len(j.pending) && len(p.At) == len(p.Findings) {
					wins[k].late, wins[k].lateAt, wins[k].nl = p.Findings, p.At, len(p.Findings)
				} // else the workers merge them into a window of their own
				continue
			}
			wins[k].lo = nlate
			nlate += len(j.pending)
		} else {
			n := len(c.byType[g.ltype[i]])
			wins[k] = window{off: spare, n: n, unit: -1}
			spare += n
		}
	}
	if spare > 0 {
		ubuf := make([]Finding, spare)
		for k := range wins {
			if wins[k].unit == -1 {
				wins[k].blk = ubuf
			}
		}
	}
	lateBuf, lateAt := make([]Finding, nlate), make([]uint16, nlate)
	for k := range wins {
		if wins[k].late == nil {
			wins[k].late, wins[k].lateAt = lateBuf, lateAt
		}
	}
	// name points a resource's findings at it and names its workload, and notes
	// whether any is of a workload-scope rule; closing up reads no other finding.
	name := func(win *window, i int) {
		for _, fs := range [][]Finding{win.blk[win.off : win.off+win.n], win.late[win.lo : win.lo+win.nl]} {
			for k := range fs {
				f := &fs[k]
				f.Resource, f.Workload = &res[i], names[wk[i]]
				win.scoped = win.scoped || f.Rule.Scope == ScopeWorkload
			}
		}
	}
	// Workers take resources in chunks from a shared counter: one atomic add per
	// chunk instead of a channel hand-off per resource.
	const chunk = 64
	var done, taken atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			for {
				lo := int(taken.Add(chunk)) - chunk
				if lo >= len(todo) || ctx.Err() != nil {
					return
				}
				hi := min(lo+chunk, len(todo))
				for k := lo; k < hi; k++ {
					i := todo[k]
					win := &wins[k]
					j := judgement(i)
					if j == nil {
						cells := win.blk[win.off : win.off : win.off+win.n]
						win.n = len(c.evalResource(g, i, shareds[wk[i]], s.wreg, opt.slow, true, nil, cells, nil))
						name(win, i)
						continue
					}
					np := len(j.pending)
					if p, ok := ru.prior(i); ok { // judged by an earlier scan in this context
						if len(p.Findings) > np || len(p.At) != len(p.Findings) {
							// Not this catalog's judgement: merge by position into a
							// window of its own.
							own := mergeLate(j.local(), j.localAt, p.Findings, p.At)
							*win = window{blk: own, n: len(own), unit: -2 - k}
						} // else the window holds them already
					} else if np > 0 {
						late, at := lateBuf[win.lo:win.lo:win.lo+np], lateAt[win.lo:win.lo:win.lo+np]
						late = c.evalResource(g, i, shareds[wk[i]], s.wreg, opt.slow, true, j.pending, late, &at)
						win.nl = len(late)
						ru.record(i, late, at)
					}
					name(win, i)
					res[i].Judgement, *j = iac.Judgement{}, judged{}
				}
				if opt.Evaluated != nil {
					d := int(done.Add(int64(hi - lo)))
					for k := d - (hi - lo) + 1; k <= d; k++ {
						opt.Evaluated(k, len(todo))
					}
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return Findings{}, err
	}
	// Gather the findings in order, merging each resource's early and late ones by
	// rule position, and keep only the first finding of a workload-scope rule in each
	// workload. Findings next to each other in one block make one run; nothing is
	// copied.
	type once struct {
		rule *Rule
		w    int
	}
	seen := map[once]bool{}
	var out Findings
	runs := 0 // about: a resource with late findings breaks its block's run twice
	for k := range wins {
		if wins[k].nl > 0 {
			runs += 2
		}
	}
	out.grow(runs + len(todo)/8 + 1)
	const lateID = math.MinInt // the late block's id; the early ones' are units
	var cur struct {
		blk      []Finding
		id       int
		from, to int
	}
	emit := func(blk []Finding, id, c int) {
		if id != cur.id || c != cur.to || cur.blk == nil || &blk[0] != &cur.blk[0] {
			if cur.blk != nil {
				out.add(cur.blk[cur.from:cur.to])
			}
			cur.blk, cur.id, cur.from = blk, id, c
		}
		cur.to = c + 1
	}
	for k, i := range todo {
		win := &wins[k]
		a, b, aEnd, bEnd := win.off, win.lo, win.off+win.n, win.lo+win.nl
		for a < aEnd || b < bEnd {
			blk, id, c := win.late, lateID, b
			var pos uint16
			if b == bEnd || (a < aEnd && win.at[a-win.off] < win.lateAt[b]) {
				blk, id, c = win.blk, win.unit, a
				if win.at != nil {
					pos = win.at[a-win.off]
				}
				a++
			} else {
				pos = win.lateAt[b]
				b++
			}
			if win.scoped {
				// The rule by its position when there is one: the rules are few and
				// stay in cache, the findings are many and would not.
				var rule *Rule
				if win.at != nil && int(pos) < len(win.rules) {
					rule = win.rules[pos]
				} else {
					rule = blk[c].Rule
				}
				if rule.Scope == ScopeWorkload {
					key := once{rule, wk[i]}
					if seen[key] {
						blk[c] = Finding{} // drop the references it holds
						continue
					}
					seen[key] = true
				}
			}
			emit(blk, id, c)
		}
	}
	if cur.blk != nil {
		out.add(cur.blk[cur.from:cur.to])
	}
	return out, nil
}

// window is where one resource's findings are in Finish: early ones at
// blk[off:off+n], with their positions at, and late ones at late[lo:lo+nl], with
// theirs at lateAt[lo:lo+nl] (the scan's late block, or what an earlier scan judged).
// unit tells blocks apart (-1 for the block of resources Sink did not judge).
// scoped tells whether any is of a workload-scope rule; rules are the resource
// type's, which the positions index.
type window struct {
	blk    []Finding
	off, n int
	at     []uint16
	unit   int
	late   []Finding
	lateAt []uint16
	lo, nl int
	scoped bool
	rules  []*Rule
}

// workloadsOf numbers the workloads of res: wk[i] is resource i's, names[w] the name
// of workload w and members[w] its resources, in order of first appearance.
func workloadsOf(res []iac.Resource, of func(*iac.Resource) string) (wk []int, names []string, members [][]int) {
	wk = make([]int, len(res))
	at := map[string]int{}
	for i := range res {
		name := ""
		if of != nil {
			name = of(&res[i])
		}
		w, ok := at[name]
		if !ok {
			w = len(names)
			at[name] = w
			names = append(names, name)
			members = append(members, nil)
		}
		wk[i] = w
		members[w] = append(members[w], i)
	}
	if len(names) == 0 {
		names, members = []string{""}, [][]int{nil}
	}
	return wk, names, members
}

// mergeLate gives the early findings of a resource (whose positions are at) and
// late ones, in the order of their rules.
func mergeLate(early []Finding, at []uint16, late []Finding, lateAt []uint16) []Finding {
	out := make([]Finding, 0, len(early)+len(late))
	a := 0
	for b := range late {
		for ; a < len(early) && at[a] < lateAt[b]; a++ {
			out = append(out, early[a])
		}
		out = append(out, late[b])
	}
	return append(out, early[a:]...)
}

// prepare works out, once per catalog, which rules of each type are judged when a
// unit is read and what of each resource type the later stages read.
func (c *Catalog) prepare() {
	c.once.Do(func() {
		c.local = map[string][]uint16{}
		c.deferred = map[string][]uint16{}
		c.spelled = map[string]string{}
		for _, r := range c.Rules {
			for _, t := range r.Types {
				c.spelled[t] = strings.ToLower(t)
			}
		}
		for t, rules := range c.byType {
			c.local[t] = []uint16{} // none, not nil: nil means every rule
			for j, r := range rules {
				if r.deferred {
					c.deferred[t] = append(c.deferred[t], uint16(j))
				} else {
					c.local[t] = append(c.local[t], uint16(j))
				}
			}
		}
		c.planKeeps()
	})
}

// readsOf tells whether an expression reads the related or workload variables, and
// which fields of related it reads: related.f and get(related, "f...", d) name f;
// any other use of related reads all of it (all is then true).
func readsOf(e celast.Expr, r *reads) {
	switch e.Kind() {
	case celast.IdentKind:
		switch e.AsIdent() {
		case "related":
			r.related, r.allRelated = true, true
		case "workload":
			r.workload = true
		}
	case celast.SelectKind:
		sel := e.AsSelect()
		if op := sel.Operand(); op.Kind() == celast.IdentKind && op.AsIdent() == "related" {
			r.related = true
			r.addField(sel.FieldName(), "")
			return
		}
		readsOf(sel.Operand(), r)
	case celast.CallKind:
		call := e.AsCall()
		args := call.Args()
		if !call.IsMemberFunction() && call.FunctionName() == "get" && len(args) == 3 {
			p, ok := stringConst(args[1])
			switch x := args[0]; {
			case !ok:
			case x.Kind() == celast.IdentKind && x.AsIdent() == "related":
				// get(related, "keyVault.properties.x", d)
				r.related = true
				head, rest, _ := strings.Cut(p, ".")
				r.addField(head, rest)
				readsOf(args[2], r)
				return
			case x.Kind() == celast.SelectKind && x.AsSelect().Operand().Kind() == celast.IdentKind &&
				x.AsSelect().Operand().AsIdent() == "related" && !x.AsSelect().IsTestOnly():
				// get(related.keyVault, "properties.x", d)
				r.related = true
				r.addField(x.AsSelect().FieldName(), p)
				readsOf(args[2], r)
				return
			}
		}
		if call.IsMemberFunction() {
			readsOf(call.Target(), r)
		}
		for _, a := range args {
			readsOf(a, r)
		}
	case celast.ListKind:
		for _, x := range e.AsList().Elements() {
			readsOf(x, r)
		}
	case celast.MapKind:
		for _, en := range e.AsMap().Entries() {
			m := en.AsMapEntry()
			readsOf(m.Key(), r)
			readsOf(m.Value(), r)
		}
	case celast.StructKind:
		for _, f := range e.AsStruct().Fields() {
			readsOf(f.AsStructField().Value(), r)
		}
	case celast.ComprehensionKind:
		cm := e.AsComprehension()
		for _, x := range []celast.Expr{cm.IterRange(), cm.AccuInit(), cm.LoopCondition(), cm.LoopStep(), cm.Result()} {
			readsOf(x, r)
		}
	}
}

// reads is what an expression reads beyond the resource and the profile.
type reads struct {
	related, allRelated, workload bool
	// fields lists the related fields read and, for each, the paths read from the
	// resource it holds ("" when it is read other than through get with a constant
	// path: then all of it).
	fields map[string][]string
}

func (r *reads) addField(f, path string) {
	if r.fields == nil {
		r.fields = map[string][]string{}
	}
	r.fields[f] = append(r.fields[f], path)
}

// keepPlan is what of a resource type later stages read: all of it, or the parts
// and paths listed (head -> rests; "" for the whole part).
type keepPlan struct {
	full  bool
	paths map[string][]string
}

func (p *keepPlan) add(head, rest string) {
	if p.paths == nil {
		p.paths = map[string][]string{}
	}
	p.paths[head] = append(p.paths[head], rest)
}

// valueParts are the parts of a resource keep cuts down; the others (name, scope,
// condition, metadata) are kept whole.
var valueParts = map[string]bool{"properties": true, "sku": true, "identity": true, "tags": true, "zones": true,
	"kind": true, "location": true}

// Resource types the link graph and related views read from.
const (
	typeAccount   = "microsoft.cognitiveservices/accounts"
	typePE        = "microsoft.network/privateendpoints"
	typeDiag      = "microsoft.insights/diagnosticsettings"
	typeAlert     = "microsoft.insights/metricalerts"
	typeVault     = "microsoft.keyvault/vaults"
	typeStorage   = "microsoft.storage/storageaccounts"
	nestedDiagEnd = "/providers/diagnosticsettings"
	// nestedDiag keys the plan of the older "<type>/providers/diagnosticSettings".
	nestedDiag = "*" + nestedDiagEnd
)

// selfPlan gives what a deferred rule reads of the resource it judges: all of it
// when CEL judges it, else the paths its fast expressions and its Path read. Nil for
// rules judged when a unit is read.
func selfPlan(r *Rule) *keepPlan {
	if !r.deferred {
		return nil
	}
	p := &keepPlan{}
	if r.fastCond == nil || (r.When != "" && r.fastWhen == nil) {
		p.full = true
		return p
	}
	if r.pathGet != nil {
		p.add(r.pathGet.head, r.pathGet.rest)
	}
	for _, e := range []*fastExpr{r.fastWhen, r.fastCond} {
		walkFast(e, 0, "", func(g *fastGet, _ string) {
			if g.src == srcResource {
				p.add(g.head, g.rest)
			}
		})
	}
	return p
}

// planKeeps fills c.target: what the link graph and the deferred rules read from
// the resources they link to, by resource type; kept whatever rules are left.
func (c *Catalog) planKeeps() {
	c.target = map[string]*keepPlan{}
	plan := func(t string) *keepPlan {
		if c.target[t] == nil {
			c.target[t] = &keepPlan{}
		}
		return c.target[t]
	}
	linkType := map[string]string{linkPE: typePE, linkDiag: typeDiag, linkAlert: typeAlert}
	// The workload facts read the kind and region of AI accounts.
	plan(typeAccount).add("kind", "")
	plan(typeAccount).add("location", "")
	// The link graph reads these.
	plan(typePE).add("properties", "privateLinkServiceConnections")
	plan(typePE).add("properties", "manualPrivateLinkServiceConnections")
	plan(typeAlert).add("properties", "scopes")
	plan(typeAlert).add("properties", "targetResourceType")
	for t, rules := range c.byType {
		for _, r := range rules {
			switch {
			case !r.deferred:
			case r.self.full:
				// CEL sees views of the related fields it names: keep the paths it
				// reads of them, or all of them when it reads them otherwise.
				need := func(f string, types ...string) {
					paths, named := r.reads.fields[f]
					if !named && !r.reads.allRelated {
						return
					}
					for _, lt := range types {
						p := plan(lt)
						if r.reads.allRelated {
							p.full = true
							continue
						}
						for _, path := range paths {
							head, rest, _ := strings.Cut(path, ".")
							switch h := strings.ToLower(head); {
							case path == "":
								p.full = true
							case valueParts[h]:
								p.add(h, rest)
							}
						}
					}
				}
				for link, lt := range linkType {
					need(link, lt)
				}
				need(linkDiag, nestedDiag)
				if cut := strings.LastIndexByte(t, '/'); cut > 0 && strings.Count(t, "/") >= 2 {
					need("parent", t[:cut])
				}
				need("keyVault", typeVault)
				need("storageAccount", typeStorage)
			default:
				for _, e := range []*fastExpr{r.fastWhen, r.fastCond} {
					walkFast(e, 0, "", func(g *fastGet, link string) {
						if g.src == srcVar && g.varRes && link != "" {
							plan(linkType[link]).add(g.head, g.rest)
							if link == linkDiag {
								plan(nestedDiag).add(g.head, g.rest)
							}
						}
					})
				}
			}
		}
	}
	// For a resource with late rules: its type's target plan and what all of its
	// late fast rules read of it.
	c.withSelf = map[string]*keepPlan{}
	for t, rules := range c.byType {
		p := &keepPlan{}
		if tp := c.target[t]; tp != nil {
			p.full = tp.full
			for h, rests := range tp.paths {
				for _, r := range rests {
					p.add(h, r)
				}
			}
		}
		for _, r := range rules {
			if r.self == nil || r.self.full {
				continue
			}
			for h, rests := range r.self.paths {
				for _, x := range rests {
					p.add(h, x)
				}
			}
		}
		c.withSelf[t] = p
	}
}

// walkFast calls fn on every operand of e with the related list (if any) the
// innermost loop over related resources ranges over; depth counts enclosing loops.
func walkFast(e *fastExpr, depth int, link string, fn func(*fastGet, string)) {
	if e == nil {
		return
	}
	if e.get != nil {
		l := ""
		if e.get.src == srcVar && e.get.varRes {
			l = link
		}
		fn(e.get, l)
	}
	inner := link
	if (e.op == fastExists || e.op == fastAll) && e.link != "" {
		inner = e.link
	}
	for _, s := range e.sub {
		d := depth
		if e.op == fastExists || e.op == fastAll {
			d++
		}
		walkFast(s, d, inner, fn)
	}
}

// keep gives what to hold of r for the rest of the scan: a copy of it whole when
// later stages may read any of it, else a copy whose value parts hold only the paths
// they read. Kept values are copied, not shared: a front end may allocate a file's
// values in blocks (the JSON decoder does), and one value still pointed at would
// hold its whole block.
func (c *Catalog) keep(r *iac.Resource, lt string, j *judged, note iac.Judgement) iac.Resource {
	out := *r
	out.Judgement = note
	out.Name, out.Scope, out.Condition, out.Metadata = r.Name.Clone(), r.Scope.Clone(), r.Condition.Clone(), r.Metadata.Clone()
	whole := func() iac.Resource {
		out.Kind, out.Location = r.Kind.Clone(), r.Location.Clone()
		out.Properties, out.SKU, out.Identity = r.Properties.Clone(), r.SKU.Clone(), r.Identity.Clone()
		out.Tags, out.Zones = r.Tags.Clone(), r.Zones.Clone()
		return out
	}
	target := c.target[lt]
	if target == nil && strings.HasSuffix(lt, nestedDiagEnd) {
		target = c.target[nestedDiag]
	}
	// With rules left for Finish, keep what any of the type's late rules reads of
	// the resource itself (all of it if one left reads it through CEL).
	plan := target
	if j != nil && len(j.pending) > 0 {
		byType := c.byType[lt]
		for _, pos := range j.pending {
			if p := byType[pos].self; p != nil && p.full {
				return whole()
			}
		}
		plan = c.withSelf[lt]
	}
	if r.Existing || (plan != nil && plan.full) {
		return whole()
	}
	paths := func(head string) []string {
		if plan == nil {
			return nil
		}
		return plan.paths[head]
	}
	out.Kind = project(r.Kind, paths("kind"))
	out.Location = project(r.Location, paths("location"))
	out.Properties = project(r.Properties, paths("properties"))
	out.SKU = project(r.SKU, paths("sku"))
	out.Identity = project(r.Identity, paths("identity"))
	out.Tags = project(r.Tags, paths("tags"))
	out.Zones = project(r.Zones, paths("zones"))
	return out
}

// project keeps of v the values at the given paths (dotted, case-insensitive), with
// the objects on the way; "" keeps v whole, no paths keep nothing. Anything that is
// not an object on the way (a list, an unknown) is kept whole, as a reader stops
// there.
func project(v *iac.Value, rests []string) *iac.Value {
	if v == nil || len(rests) == 0 {
		return nil
	}
	for _, r := range rests {
		if r == "" || strings.ContainsAny(r, "[]") {
			return v.Clone()
		}
	}
	if v.Kind != iac.Object {
		return v.Clone()
	}
	type group struct {
		key   string
		child *iac.Value
		rests []string
	}
	var groups []*group
	for _, r := range rests {
		seg, rest, _ := strings.Cut(r, ".")
		key, child := v.FieldKey(seg)
		if child == nil {
			continue
		}
		var g *group
		for _, x := range groups {
			if x.key == key {
				g = x
			}
		}
		if g == nil {
			g = &group{key: key, child: child}
			groups = append(groups, g)
		}
		g.rests = append(g.rests, rest)
	}
	out := &iac.Value{Kind: iac.Object, Loc: v.Loc, Keys: make([]string, 0, len(groups)), Fields: make(map[string]*iac.Value, len(groups))}
	for _, g := range groups {
		if p := project(g.child, g.rests); p != nil {
			out.Keys = append(out.Keys, g.key)
			out.Fields[g.key] = p
		}
	}
	return out
}

// Note is what Sink recorded on one kept resource, for a scan cache to store and
// give back to a later session (Replay): the findings of the rules judged when its
// unit was read (Resource nil), each one's rule position among its type's rules, and
// the positions of the rules left for Finish. The positions hold only for the
// catalog the note was made with.
type Note struct {
	Local   []Finding
	LocalAt []uint16
	Pending []uint16
}

// Note returns what Sink recorded on a kept resource; ok is false when the resource
// carries no note of this session. Call it before Finish, which lets notes go.
func (s *Session) Note(j iac.Judgement) (n Note, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if j.Sink != s.id || int(j.Unit) >= len(s.units) || int(j.Index) >= len(s.units[j.Unit]) {
		return Note{}, false
	}
	r := &s.units[j.Unit][j.Index]
	n = Note{LocalAt: r.localAt, Pending: r.pending}
	if len(r.localAt) > 0 {
		n.Local = slices.Clone(r.local())
	}
	return n, true
}

// Replay records, as one unit, notes read back from a cache for resources kept by an
// earlier session's Sink, and leaves this session's note on each resource, as Sink
// would have: Finish then treats them alike. notes[i] nil means resource i carried no
// note. The notes must come from a session on the same catalog and profile.
//
// Replay takes the notes' findings over: Finish completes them where they are, so the
// caller must not read them after. Findings laid out back to back in one array (as a
// cache entry is decoded: each note's cut from it with the array's capacity) make one
// block, whose findings Finish gives in runs as it does Sink's.
func (s *Session) Replay(kept []iac.Resource, notes []*Note) {
	js := make([]judged, len(kept))
	s.mu.Lock()
	unit := uint32(len(s.units))
	s.units = append(s.units, js)
	s.mu.Unlock()
	var block []Finding
	off := 0
	for i := range kept {
		n := notes[i]
		if n == nil {
			kept[i].Judgement = iac.Judgement{}
			continue
		}
		m := min(len(n.Local), len(n.LocalAt)) // equal in any note Note gave
		local := n.Local[:m]
		for k := range local {
			if f := &local[k]; f.Resource != nil || f.Workload != "" || f.Suppression != nil {
				*f = bare(f)
			}
		}
		if m > 0 && (off >= len(block) || &block[off] != &local[0]) {
			block, off = local[:cap(local)], 0 // not next in the block: a block of its own
		}
		js[i] = judged{blk: block, off: off, localAt: n.LocalAt[:m:m], pending: n.Pending}
		off += m
		kept[i].Judgement = iac.Judgement{Sink: s.id, Unit: unit, Index: uint32(i)}
	}
}
