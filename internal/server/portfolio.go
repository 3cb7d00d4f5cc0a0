package server

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/portfolio"
	"github.com/awaf/awaf/internal/report"
)

// The portfolio is every workload a person can see, evaluated. Evaluating hundreds of
// assessments per request is what costs, so each workload's result is cached under a
// key that changes whenever its record, its answers or its lens change (the store's
// Stamp and the lens versions), and each milestone's scores under its id: milestones
// never change. A request then reads two small summaries from the store and evaluates
// only what changed since the last one.

// portfolioCache holds evaluated workloads and milestones for the portfolio.
type portfolioCache struct {
	mu         sync.Mutex
	results    map[int64]cachedResult       // by workload id
	milestones map[int64]portfolio.Snapshot // by milestone id
	// views are built portfolios by fingerprint: everything they were built from
	// (the workloads seen, their keys, their milestones). Outputs are rendered pages
	// and documents by fingerprint, kind and query. Both start again empty when full.
	views   map[uint64]builtView
	outputs map[outputKey][]byte
	records map[int64]*awaf.WorkloadRecord // by id, at their version
	// parts are each workload's share of a view, by id: a change to one workload
	// makes its part again and leaves the other parts, and their rendered rows, be.
	parts map[int64]*cachedPart
}

// partKey is what a part was made from.
type partKey struct {
	result  resultKey
	updated time.Time
}

// cachedPart is a workload's part of the view with its renderings, made once.
type cachedPart struct {
	key   partKey
	part  *portfolio.Part
	mu    sync.Mutex
	html  map[string]template.HTML // the table row, by the view's pillar columns
	json  []byte                   // the row in the JSON document
	risks map[string][]byte        // its entries in common risks, encoded, by question and choice
	snap  portfolio.Snapshot       // its current scores, for the trend
}

func (c *portfolioCache) part(id int64, k partKey) *cachedPart {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cp := c.parts[id]; cp != nil && cp.key == k {
		return cp
	}
	return nil
}

func (c *portfolioCache) putPart(id int64, cp *cachedPart) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.parts == nil || len(c.parts) >= maxPortfolioCache {
		c.parts = map[int64]*cachedPart{}
	}
	c.parts[id] = cp
}

func (c *portfolioCache) record(id, version int64) *awaf.WorkloadRecord {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r := c.records[id]; r != nil && r.Version == version {
		return r
	}
	return nil
}

func (c *portfolioCache) putRecord(r *awaf.WorkloadRecord) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.records == nil || len(c.records) >= maxPortfolioCache {
		c.records = map[int64]*awaf.WorkloadRecord{}
	}
	c.records[r.ID] = r
}

// builtView is a portfolio and when it was built: its data is as of then.
type builtView struct {
	view  *portfolio.View
	built time.Time
	parts map[int64]*cachedPart // by workload id, the parts it was assembled from
}

type outputKey struct {
	fingerprint uint64
	kind, query string
}

const maxPortfolioViews, maxPortfolioOutputs = 32, 128

func (c *portfolioCache) view(fp uint64) (builtView, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.views[fp]
	return v, ok
}

func (c *portfolioCache) putView(fp uint64, v builtView) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.views == nil || len(c.views) >= maxPortfolioViews {
		c.views = map[uint64]builtView{}
	}
	c.views[fp] = v
}

func (c *portfolioCache) output(k outputKey) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.outputs[k]
}

func (c *portfolioCache) putOutput(k outputKey, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.outputs == nil || len(c.outputs) >= maxPortfolioOutputs {
		c.outputs = map[outputKey][]byte{}
	}
	c.outputs[k] = b
}

// resultKey is what a cached result was evaluated from.
type resultKey struct {
	version, answerSaves int64
	lens                 awaf.LensRef
	latest               string // the server's newest version of the lens then
}

type cachedResult struct {
	key resultKey
	res *awaf.Result
}

// maxPortfolioCache bounds the cache: past it, the cache starts again empty.
const maxPortfolioCache = 20000

func (c *portfolioCache) result(id int64, k resultKey) *awaf.Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cr, ok := c.results[id]; ok && cr.key == k {
		return cr.res
	}
	return nil
}

func (c *portfolioCache) putResult(id int64, k resultKey, r *awaf.Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.results == nil || len(c.results) >= maxPortfolioCache {
		c.results = map[int64]cachedResult{}
	}
	c.results[id] = cachedResult{k, r}
}

func (c *portfolioCache) milestone(id int64) (portfolio.Snapshot, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.milestones[id]
	return s, ok
}

func (c *portfolioCache) putMilestone(id int64, s portfolio.Snapshot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.milestones == nil || len(c.milestones) >= maxPortfolioCache {
		c.milestones = map[int64]portfolio.Snapshot{}
	}
	c.milestones[id] = s
}

// visibleWorkloads are the workloads q may see: a token its own, a site
// administrator all, anyone else those they are a member of. They are read from the
// stamps (and the member's workload ids), each record from the store only when its
// version moved: no request decodes every record.
func (s *Server) visibleWorkloads(ctx context.Context, q *request, stamps []awaf.Stamp) ([]awaf.WorkloadRecord, error) {
	if q.token != nil {
		wl, err := s.cfg.Store.Workload(ctx, q.token.WorkloadID)
		if err != nil {
			return nil, err
		}
		return []awaf.WorkloadRecord{*wl}, nil
	}
	if !q.user.Admin {
		ids, err := s.cfg.Store.MemberWorkloadIDs(ctx, q.user.ID)
		if err != nil {
			return nil, err
		}
		mine := make(map[int64]bool, len(ids))
		for _, id := range ids {
			mine[id] = true
		}
		stamps = slices.DeleteFunc(slices.Clone(stamps), func(st awaf.Stamp) bool { return !mine[st.WorkloadID] })
	}
	out := make([]awaf.WorkloadRecord, 0, len(stamps))
	for _, st := range stamps {
		wl := s.portfolio.record(st.WorkloadID, st.Version)
		if wl == nil {
			var err error
			if wl, err = s.cfg.Store.Workload(ctx, st.WorkloadID); err != nil {
				if awaf.ErrorCode(err) == awaf.ENOTFOUND {
					continue // removed since the stamps were read
				}
				return nil, err
			}
			s.portfolio.putRecord(wl)
		}
		out = append(out, *wl)
	}
	// In the store's order for lists: by name, then id.
	slices.SortFunc(out, func(a, b awaf.WorkloadRecord) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// portfolioView builds the portfolio of the workloads q may see, with its trend, and
// its fingerprint: the same fingerprint means the same portfolio.
func (s *Server) portfolioView(ctx context.Context, q *request) (builtView, uint64, error) {
	stamps, err := s.cfg.Store.Stamps(ctx)
	if err != nil {
		return builtView{}, 0, err
	}
	ws, err := s.visibleWorkloads(ctx, q, stamps)
	if err != nil {
		return builtView{}, 0, err
	}
	ms, err := s.cfg.Store.MilestoneStamps(ctx)
	if err != nil {
		return builtView{}, 0, err
	}
	h := fnv.New64a()
	word := func(x int64) { _ = binary.Write(h, binary.LittleEndian, x) }
	byID := make(map[int64]awaf.Stamp, len(stamps))
	for _, st := range stamps {
		byID[st.WorkloadID] = st
	}
	latest := map[string]string{} // lens id -> the server's newest version
	parts := make([]*portfolio.Part, 0, len(ws))
	used := make(map[int64]*cachedPart, len(ws))
	var snaps []portfolio.Snapshot
	visible := make(map[int64]bool, len(ws))
	for _, wl := range ws {
		id := wl.Lens.ID
		if id == "" {
			id = s.cfg.DefaultLens
		}
		v, ok := latest[id]
		if !ok {
			if l, err := s.latestLens(ctx, id); err == nil {
				v = l.Version
			}
			latest[id] = v
		}
		st := byID[wl.ID]
		k := resultKey{version: wl.Version, answerSaves: st.AnswerSaves, lens: wl.Lens, latest: v}
		word(wl.ID)
		word(k.version)
		word(k.answerSaves)
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00", k.lens.ID, k.lens.Version, k.latest)
		updated := st.Updated
		if updated.IsZero() {
			updated = wl.Updated
		}
		pk := partKey{result: k, updated: updated}
		cp := s.portfolio.part(wl.ID, pk)
		if cp == nil {
			res := s.portfolio.result(wl.ID, k)
			if res == nil {
				ev, err := s.evaluateWorkload(ctx, wl.ID)
				if err != nil {
					if ctx.Err() != nil {
						return builtView{}, 0, ctx.Err()
					}
					// One workload that cannot be scored (its lens was removed) does not
					// hide the others.
					s.cfg.Log.Warn("portfolio: evaluate workload", "workload", wl.ID, "err", err)
					continue
				}
				res = ev.Result
				s.portfolio.putResult(wl.ID, k, res)
			}
			cp = &cachedPart{key: pk, part: portfolio.PartOf(portfolio.Entry{ID: wl.ID, Link: fmt.Sprintf("/w/%d", wl.ID), PlanLink: fmt.Sprintf("/w/%d/plan", wl.ID),
				Result: res, Updated: updated, LatestLens: v})}
			cp.snap = portfolio.SnapshotOf(strconv.FormatInt(wl.ID, 10), updated, res)
			s.portfolio.putPart(wl.ID, cp)
		}
		parts = append(parts, cp.part)
		used[wl.ID] = cp
		visible[wl.ID] = true
		snaps = append(snaps, cp.snap)
	}
	for _, m := range ms {
		if visible[m.WorkloadID] {
			word(m.ID)
		}
	}
	fp := h.Sum64()
	if bv, ok := s.portfolio.view(fp); ok {
		return bv, fp, nil
	}
	for _, m := range ms {
		if !visible[m.WorkloadID] {
			continue
		}
		sn, ok := s.portfolio.milestone(m.ID)
		if !ok {
			full, err := s.cfg.Store.Milestone(ctx, m.WorkloadID, m.ID)
			if err != nil {
				return builtView{}, 0, err
			}
			ev, err := s.evaluate(ctx, &full.Assessment)
			if err != nil {
				s.cfg.Log.Warn("portfolio: evaluate milestone", "milestone", m.ID, "err", err)
				continue
			}
			sn = portfolio.SnapshotOf(strconv.FormatInt(m.WorkloadID, 10), full.Created, ev.Result)
			s.portfolio.putMilestone(m.ID, sn)
		}
		snaps = append(snaps, sn)
	}
	v := portfolio.Assemble(parts)
	v.Trend = portfolio.Trend(snaps)
	bv := builtView{view: v, built: s.cfg.Now().UTC().Truncate(time.Second), parts: used}
	s.portfolio.putView(fp, bv)
	return bv, fp, nil
}

// portfolioQuery is the filter and order a portfolio request asks for.
type portfolioQuery struct {
	Filter portfolio.Filter
	Sort   string
	Desc   bool
}

// maxOwnerFilter bounds the owner filter; owners are emails or team names.
const maxOwnerFilter = 320

func parsePortfolioQuery(v url.Values) (portfolioQuery, error) {
	var pq portfolioQuery
	pq.Filter.Owner = strings.TrimSpace(v.Get("owner"))
	if len(pq.Filter.Owner) > maxOwnerFilter {
		return pq, awaf.Errorf(awaf.EINVALID, "owner filter is longer than %d characters", maxOwnerFilter)
	}
	if c := awaf.Criticality(v.Get("criticality")); c != "" {
		if !slices.Contains(awaf.Criticalities, c) {
			return pq, awaf.Errorf(awaf.EINVALID, "criticality %q: want one of %s", c, joinAny(awaf.Criticalities))
		}
		pq.Filter.Criticality = c
	}
	if k := awaf.Kind(v.Get("kind")); k != "" {
		if !slices.Contains(awaf.Kinds, k) {
			return pq, awaf.Errorf(awaf.EINVALID, "kind %q: want one of %s", k, joinAny(awaf.Kinds))
		}
		pq.Filter.Kind = k
	}
	var err error
	if pq.Filter.Outdated, err = flag(v, "outdated"); err != nil {
		return pq, err
	}
	if pq.Desc, err = flag(v, "desc"); err != nil {
		return pq, err
	}
	pq.Sort = v.Get("sort")
	if len(pq.Sort) > 64 {
		return pq, awaf.Errorf(awaf.EINVALID, "sort key is too long")
	}
	return pq, nil
}

func flag(v url.Values, name string) (bool, error) {
	switch v.Get(name) {
	case "", "0", "false", "off":
		return false, nil
	case "1", "true", "on":
		return true, nil
	}
	return false, awaf.Errorf(awaf.EINVALID, "%s: want true or false", name)
}

func joinAny[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

// filteredPortfolio is the portfolio q may see, filtered and sorted as r asks.
// The unfiltered view comes too (the page offers its owners as filters), and the
// key its renderings are cached under.
type filtered struct {
	view, all *portfolio.View
	built     time.Time
	query     portfolioQuery
	fp        uint64
	parts     map[int64]*cachedPart
}

func (f *filtered) key(kind string) outputKey {
	return outputKey{fingerprint: f.fp, kind: kind, query: filterQuery(f.query, f.query.Sort, f.query.Desc).Encode()}
}

func (s *Server) filteredPortfolio(r *http.Request, q *request) (*filtered, error) {
	fv, err := s.portfolioFor(r, q)
	if err != nil {
		return nil, err
	}
	return fv, fv.apply()
}

// portfolioFor is the portfolio q may see with r's query, not yet filtered: a
// rendering cached under its key needs neither filter nor sort (apply).
func (s *Server) portfolioFor(r *http.Request, q *request) (*filtered, error) {
	pq, err := parsePortfolioQuery(r.URL.Query())
	if err != nil {
		return nil, err
	}
	bv, fp, err := s.portfolioView(r.Context(), q)
	if err != nil {
		return nil, err
	}
	return &filtered{all: bv.view, built: bv.built, query: pq, fp: fp, parts: bv.parts}, nil
}

// apply filters and sorts the view as the query asks.
func (f *filtered) apply() error {
	v := f.all.Apply(f.query.Filter)
	if err := v.Sort(f.query.Sort, f.query.Desc); err != nil {
		return awaf.Errorf(awaf.EINVALID, "%s", err)
	}
	f.view = v
	return nil
}

// portfolioPageRisks is how many common risks the page lists; the exports have all.
const portfolioPageRisks = 20

type portfolioData struct {
	View         *portfolio.View
	Query        portfolioQuery
	RowHTML      []template.HTML
	Risks        []portfolioRisk
	MoreRisks    int
	Trend        any
	Criticality  []awaf.Criticality
	Kinds        []awaf.Kind
	Owners       []string
	Exports      []report.Format
	QueryString  string
	SortLinks    map[string]string
	PillarSortBy []portfolioColumn
}

type portfolioRow struct {
	portfolio.Row
	Cells []portfolio.Cell
	Met   int
	Total int
}

type portfolioRisk struct {
	portfolio.CommonRisk
	Share string
	More  int    // affected workloads beyond those listed
	Link  string // the page that lists them all
}

// portfolioRiskWorkloads is how many affected workloads the page lists per risk; the
// risk's own page lists all of them.
const portfolioRiskWorkloads = 10

type portfolioColumn struct {
	Name, Link string
	Sorted     string // "ascending", "descending" or ""
}

func (s *Server) portfolioPage(w http.ResponseWriter, r *http.Request, q *request) error {
	fv, err := s.portfolioFor(r, q)
	if err != nil {
		return err
	}
	k := fv.key("page")
	body := s.portfolio.output(k)
	if body == nil {
		if err := fv.apply(); err != nil {
			return err
		}
		if body, err = s.portfolioBody(fv); err != nil {
			return err
		}
		s.portfolio.putOutput(k, body)
	}
	p := pageFor(q, "Portfolio", "portfolio")
	p.Data = template.HTML(body) // rendered by html/template in portfolioBody
	return s.render(w, r, "portfolio", p)
}

// portfolioBody renders the page's content, which is the same for everyone who sees
// the same portfolio with the same query; the layout around it is per person.
func (s *Server) portfolioBody(fv *filtered) ([]byte, error) {
	v, all, pq := fv.view, fv.all, fv.query
	d := portfolioData{View: v, Query: pq, Criticality: awaf.Criticalities, Kinds: awaf.Kinds,
		Exports: []report.Format{report.HTML, report.Markdown, report.JSON, report.XLSX}, QueryString: filterQuery(pq, pq.Sort, pq.Desc).Encode()}
	owners := map[string]bool{}
	for _, r := range all.Rows {
		if r.Owner != "" && !owners[r.Owner] {
			owners[r.Owner] = true
			d.Owners = append(d.Owners, r.Owner)
		}
	}
	slices.Sort(d.Owners)
	var colKey strings.Builder
	for _, p := range v.Pillars {
		colKey.WriteString(string(p.ID))
		colKey.WriteByte(0)
	}
	for _, r := range v.Rows {
		h, err := s.portfolioRowHTML(fv.parts[r.ID], r, v.Pillars, colKey.String())
		if err != nil {
			return nil, err
		}
		d.RowHTML = append(d.RowHTML, h)
	}
	for i, cr := range v.CommonRisks {
		if i == portfolioPageRisks {
			d.MoreRisks = len(v.CommonRisks) - i
			break
		}
		pr := portfolioRisk{CommonRisk: cr, Share: v.Share(cr),
			Link: "/portfolio/risks/" + url.PathEscape(cr.Question) + "/" + url.PathEscape(cr.Choice) + "?" + filterQuery(pq, "", false).Encode()}
		if n := len(cr.Workloads); n > portfolioRiskWorkloads {
			pr.Workloads, pr.More = cr.Workloads[:portfolioRiskWorkloads], n-portfolioRiskWorkloads
		}
		d.Risks = append(d.Risks, pr)
	}
	d.Trend = report.TrendSVG(v)
	d.SortLinks = map[string]string{}
	cols := []string{"name", "owner", "criticality", "overall", "high", "medium", "updated"}
	for _, p := range v.Pillars {
		cols = append(cols, string(p.ID))
	}
	for _, c := range cols {
		desc := c != "name" && c != "owner" && c != "criticality"
		if pq.Sort == c || (pq.Sort == "" && c == "name") {
			desc = !pq.Desc
		}
		d.SortLinks[c] = "/portfolio?" + filterQuery(pq, c, desc).Encode()
	}
	for _, p := range v.Pillars {
		col := portfolioColumn{Name: p.Name, Link: d.SortLinks[string(p.ID)]}
		if pq.Sort == string(p.ID) {
			col.Sorted = map[bool]string{true: "descending", false: "ascending"}[pq.Desc]
		}
		d.PillarSortBy = append(d.PillarSortBy, col)
	}
	var buf bytes.Buffer
	if err := s.pages["portfolio"].ExecuteTemplate(&buf, "portfolio-body", d); err != nil {
		return nil, fmt.Errorf("render portfolio: %w", err)
	}
	return buf.Bytes(), nil
}

// portfolioRowHTML is a row of the table, rendered once per workload change and set
// of pillar columns: a change to one workload renders only its row again.
func (s *Server) portfolioRowHTML(cp *cachedPart, r portfolio.Row, pillars []portfolio.Pillar, cols string) (template.HTML, error) {
	if cp != nil {
		cp.mu.Lock()
		defer cp.mu.Unlock()
		if h, ok := cp.html[cols]; ok {
			return h, nil
		}
	}
	pr := portfolioRow{Row: r}
	for _, p := range pillars {
		c, ok := r.Pillars[p.ID]
		if !ok {
			c.Band = awaf.BandNotAssessed
		}
		pr.Cells = append(pr.Cells, c)
	}
	for st, n := range r.Top10 {
		if st != awaf.Top10NotApplicable {
			pr.Total += n
		}
		if st == awaf.Top10Met {
			pr.Met += n
		}
	}
	var buf bytes.Buffer
	if err := s.pages["portfolio"].ExecuteTemplate(&buf, "portfolio-row", pr); err != nil {
		return "", fmt.Errorf("render portfolio row: %w", err)
	}
	h := template.HTML(buf.String()) // rendered by html/template
	if cp != nil {
		if cp.html == nil || len(cp.html) >= 4 {
			cp.html = map[string]template.HTML{}
		}
		cp.html[cols] = h
	}
	return h, nil
}

// filterQuery is the query string of pq's filter with an order.
func filterQuery(pq portfolioQuery, sort string, desc bool) url.Values {
	v := url.Values{}
	f := pq.Filter
	if f.Owner != "" {
		v.Set("owner", f.Owner)
	}
	if f.Criticality != "" {
		v.Set("criticality", string(f.Criticality))
	}
	if f.Kind != "" {
		v.Set("kind", string(f.Kind))
	}
	if f.Outdated {
		v.Set("outdated", "1")
	}
	if sort != "" {
		v.Set("sort", sort)
	}
	if desc {
		v.Set("desc", "1")
	}
	return v
}

// portfolioExport writes the filtered portfolio as a report file.
func (s *Server) portfolioExport(w http.ResponseWriter, r *http.Request, q *request) error {
	f, err := report.ParseFormat(r.PathValue("format"))
	if err != nil {
		return err
	}
	fv, err := s.filteredPortfolio(r, q)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.RenderPortfolio(&buf, f, report.Portfolio{View: fv.view, Generated: fv.built}); err != nil {
		return err
	}
	ct := contentTypes[f]
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="awaf-portfolio%s"`, f.Ext()))
	if f == report.HTML {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox")
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// apiPortfolio is the portfolio as the JSON report document.
func (s *Server) apiPortfolio(w http.ResponseWriter, r *http.Request, q *request) error {
	fv, err := s.portfolioFor(r, q)
	if err != nil {
		return err
	}
	k := fv.key("json")
	body := s.portfolio.output(k)
	if body == nil {
		if err := fv.apply(); err != nil {
			return err
		}
		if body, err = s.portfolioJSON(fv); err != nil {
			return fmt.Errorf("encode portfolio: %w", err)
		}
		body = append(body, '\n')
		s.portfolio.putOutput(k, body)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err = w.Write(body)
	return err
}

// portfolioJSON is the JSON report document of fv, compact: the same bytes as
// encoding report.PortfolioDocument, with each workload's row encoded once per change.
func (s *Server) portfolioJSON(fv *filtered) ([]byte, error) {
	v := fv.view
	var b bytes.Buffer
	put := func(name string, x any) error {
		j, err := json.Marshal(x)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, ",%q:", name)
		b.Write(j)
		return nil
	}
	gen, err := json.Marshal(fv.built)
	if err != nil {
		return nil, err
	}
	b.WriteString(`{"schemaVersion":"1","generated":`)
	b.Write(gen)
	if err := put("pillars", v.Pillars); err != nil {
		return nil, err
	}
	b.WriteString(`,"workloads":[`)
	for i, r := range v.Rows {
		if i > 0 {
			b.WriteByte(',')
		}
		j, err := rowJSON(fv.parts[r.ID], r)
		if err != nil {
			return nil, err
		}
		b.Write(j)
	}
	b.WriteByte(']')
	// Common risks list every affected workload: their entries come encoded from the
	// workloads' parts, so a change encodes only the changed workload's.
	b.WriteString(`,"commonRisks":[`)
	for i, cr := range v.CommonRisks {
		if i > 0 {
			b.WriteByte(',')
		}
		head, err := json.Marshal(struct {
			Question string          `json:"question"`
			Choice   string          `json:"choice"`
			Title    string          `json:"title"`
			Pillars  []awaf.PillarID `json:"pillars"`
			High     int             `json:"high"`
		}{cr.Question, cr.Choice, cr.Title, cr.Pillars, cr.High})
		if err != nil {
			return nil, err
		}
		b.Write(head[:len(head)-1])
		b.WriteString(`,"workloads":`)
		if cr.Workloads == nil {
			b.WriteString("null")
		} else {
			b.WriteByte('[')
			for j, at := range cr.Workloads {
				if j > 0 {
					b.WriteByte(',')
				}
				e, err := riskJSON(fv.parts[at.ID], cr.Question, cr.Choice, at)
				if err != nil {
					return nil, err
				}
				b.Write(e)
			}
			b.WriteByte(']')
		}
		b.WriteByte('}')
	}
	b.WriteByte(']')
	if len(v.Trend) > 0 {
		if err := put("trend", v.Trend); err != nil {
			return nil, err
		}
	}
	if err := put("average", v.Average); err != nil {
		return nil, err
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// riskJSON is a workload's entry in a common risk encoded, once per workload change.
func riskJSON(cp *cachedPart, question, choice string, at portfolio.RiskAt) ([]byte, error) {
	if cp == nil {
		return json.Marshal(at)
	}
	cp.mu.Lock()
	defer cp.mu.Unlock()
	k := question + "\x00" + choice
	if e, ok := cp.risks[k]; ok {
		return e, nil
	}
	e, err := json.Marshal(at)
	if err != nil {
		return nil, err
	}
	if cp.risks == nil {
		cp.risks = map[string][]byte{}
	}
	cp.risks[k] = e
	return e, nil
}

// rowJSON is a row encoded, once per workload change.
func rowJSON(cp *cachedPart, r portfolio.Row) ([]byte, error) {
	if cp == nil {
		return json.Marshal(r)
	}
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if cp.json == nil {
		j, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		cp.json = j
	}
	return cp.json, nil
}

// portfolioRiskPage lists every workload a common risk affects, each with its plan item.
func (s *Server) portfolioRiskPage(w http.ResponseWriter, r *http.Request, q *request) error {
	fv, err := s.filteredPortfolio(r, q)
	if err != nil {
		return err
	}
	qid, cid := r.PathValue("question"), r.PathValue("choice")
	d := portfolioRisk{CommonRisk: portfolio.CommonRisk{Question: qid, Choice: cid}, Link: "/portfolio?" + filterQuery(fv.query, fv.query.Sort, fv.query.Desc).Encode()}
	for _, cr := range fv.view.CommonRisks {
		if cr.Question == qid && cr.Choice == cid {
			d.CommonRisk, d.Share = cr, fv.view.Share(cr)
		}
	}
	// A risk fewer than two of these workloads share (fixed since, or filtered out)
	// is not an error: the page says so.
	p := pageFor(q, "Common risk", "portfolio")
	p.Data = d
	return s.render(w, r, "portfolio_risk", p)
}
