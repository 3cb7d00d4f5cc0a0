package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/backlog"
	"github.com/awaf/awaf/internal/compare"
	"github.com/awaf/awaf/internal/report"
	"github.com/awaf/awaf/internal/sheetcell"
)

// Dashboard.

type radarAxis struct {
	Name   string
	X, Y   float64 // end of the axis
	LX, LY float64 // label position
	Anchor string
	Score  float64
	Band   awaf.Band
}

type dashboardData struct {
	Result  *awaf.Result
	Axes    []radarAxis
	Rings   []string // polygon points of the 25/50/75/100 rings
	Polygon string   // the workload's scores
}

// radar lays the pillar scores out on a 300x300 SVG with the centre at 150,150.
func radar(ps []awaf.PillarScore) ([]radarAxis, []string, string) {
	const cx, cy, rad = 150.0, 150.0, 100.0
	n := len(ps)
	if n == 0 {
		return nil, nil, ""
	}
	pt := func(i int, frac float64) (float64, float64) {
		a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(n)
		return cx + rad*frac*math.Cos(a), cy + rad*frac*math.Sin(a)
	}
	var axes []radarAxis
	var poly []string
	for i, p := range ps {
		x, y := pt(i, 1)
		lx, ly := pt(i, 1.22)
		anchor := "middle"
		if lx < cx-5 {
			anchor = "end"
		} else if lx > cx+5 {
			anchor = "start"
		}
		axes = append(axes, radarAxis{Name: p.Name, X: x, Y: y, LX: lx, LY: ly, Anchor: anchor, Score: p.Score.Score, Band: p.Band})
		sx, sy := pt(i, p.Score.Score/100)
		poly = append(poly, fmt.Sprintf("%.1f,%.1f", sx, sy))
	}
	var rings []string
	for _, f := range []float64{0.25, 0.5, 0.75, 1} {
		var ring []string
		for i := range ps {
			x, y := pt(i, f)
			ring = append(ring, fmt.Sprintf("%.1f,%.1f", x, y))
		}
		rings = append(rings, strings.Join(ring, " "))
	}
	return axes, rings, strings.Join(poly, " ")
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request, q *request) error {
	ev, err := s.evaluateWorkload(r.Context(), q.workload.ID)
	if err != nil {
		return err
	}
	d := dashboardData{Result: ev.Result}
	d.Axes, d.Rings, d.Polygon = radar(ev.Result.Pillars)
	p := pageFor(q, "Dashboard · "+q.workload.Name, "dashboard")
	p.Data = d
	return s.render(w, r, "dashboard", p)
}

// Remediation plan.

type planRow struct {
	awaf.Recommendation
	Item awaf.RemediationItem
}

type planData struct {
	Rows     []planRow
	Statuses []awaf.PlanStatus
	Filter   struct{ Status, Horizon, Pillar string }
	Pillars  []awaf.PillarScore
	Total    int
}

func (s *Server) planPage(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.showPlan(w, r, q, http.StatusOK, "")
}

// planTracking evaluates a workload and returns its plan items' tracking (owner,
// status, reason) keyed by "question/choice".
func (s *Server) planTracking(ctx context.Context, id int64) (*evaluation, map[string]awaf.RemediationItem, error) {
	ev, err := s.evaluateWorkload(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	items, err := s.cfg.Store.PlanItems(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	byKey := make(map[string]awaf.RemediationItem, len(items))
	for _, it := range items {
		byKey[it.Question+"/"+it.Choice] = it
	}
	return ev, byKey, nil
}

func (s *Server) showPlan(w http.ResponseWriter, r *http.Request, q *request, st int, msg string) error {
	ev, byKey, err := s.planTracking(r.Context(), q.workload.ID)
	if err != nil {
		return err
	}
	d := planData{Statuses: awaf.PlanStatuses, Pillars: ev.Result.Pillars, Total: len(ev.Result.Plan)}
	f := r.URL.Query()
	d.Filter.Status, d.Filter.Horizon, d.Filter.Pillar = f.Get("status"), f.Get("horizon"), f.Get("pillar")
	for _, rec := range ev.Result.Plan {
		it, ok := byKey[rec.Question+"/"+rec.Choice]
		if !ok {
			it = awaf.RemediationItem{WorkloadID: q.workload.ID, Question: rec.Question, Choice: rec.Choice, Status: awaf.PlanOpen}
		}
		if d.Filter.Status != "" && string(it.Status) != d.Filter.Status {
			continue
		}
		if d.Filter.Horizon != "" && string(rec.Horizon) != d.Filter.Horizon {
			continue
		}
		if d.Filter.Pillar != "" && !hasPillar(rec.Pillars, awaf.PillarID(d.Filter.Pillar)) {
			continue
		}
		d.Rows = append(d.Rows, planRow{Recommendation: rec, Item: it})
	}
	p := pageFor(q, "Plan · "+q.workload.Name, "plan")
	p.Data, p.Error = d, msg
	if r.URL.Query().Get("saved") != "" {
		p.Flash = "Saved."
	}
	return s.renderStatus(w, r, st, "plan", p)
}

func hasPillar(ps []awaf.PillarID, p awaf.PillarID) bool {
	for _, x := range ps {
		if x == p {
			return true
		}
	}
	return false
}

// checkPlanItem refuses a plan item for a question or choice that the workload's lens
// does not have.
func (s *Server) checkPlanItem(ctx context.Context, q *request, it awaf.RemediationItem) error {
	l, err := s.lensFor(ctx, q.workload.Lens)
	if err != nil {
		return err
	}
	qq, ok := l.Question(it.Question)
	if !ok {
		return awaf.Errorf(awaf.EINVALID, "lens %s has no question %q", l.ID, it.Question)
	}
	if _, ok := qq.Choice(it.Choice); !ok {
		return awaf.Errorf(awaf.EINVALID, "question %s has no choice %q", qq.ID, it.Choice)
	}
	return nil
}

func (s *Server) savePlanItem(w http.ResponseWriter, r *http.Request, q *request) error {
	it := awaf.RemediationItem{
		WorkloadID: q.workload.ID,
		Question:   r.PostFormValue("question"),
		Choice:     r.PostFormValue("choice"),
		Owner:      strings.TrimSpace(r.PostFormValue("owner")),
		Status:     awaf.PlanStatus(r.PostFormValue("status")),
		Reason:     strings.TrimSpace(r.PostFormValue("reason")),
	}
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	err := s.checkPlanItem(r.Context(), q, it)
	if err == nil {
		_, err = s.cfg.Store.PutPlanItem(r.Context(), q.actor(), it, version)
	}
	if err != nil {
		if c := awaf.ErrorCode(err); c == awaf.EINVALID || c == awaf.ECONFLICT {
			return s.showPlan(w, r, q, status(c), awaf.ErrorMessage(err))
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/w/%d/plan?saved=1#%s-%s", q.workload.ID, it.Question, it.Choice), http.StatusSeeOther)
	return nil
}

// Milestones.

func (s *Server) milestonesPage(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.showMilestones(w, r, q, http.StatusOK, "")
}

type milestoneRow struct {
	awaf.Milestone
	Overall awaf.Score
}

func (s *Server) showMilestones(w http.ResponseWriter, r *http.Request, q *request, st int, msg string) error {
	ms, err := s.cfg.Store.Milestones(r.Context(), q.workload.ID)
	if err != nil {
		return err
	}
	var rows []milestoneRow
	for _, m := range ms {
		row := milestoneRow{Milestone: m}
		if ev, err := s.evaluate(r.Context(), &m.Assessment); err == nil {
			row.Overall = ev.Result.Overall
		}
		rows = append(rows, row)
	}
	p := pageFor(q, "Milestones · "+q.workload.Name, "milestones")
	p.Data, p.Error = rows, msg
	return s.renderStatus(w, r, st, "milestones", p)
}

func (s *Server) createMilestone(w http.ResponseWriter, r *http.Request, q *request) error {
	if _, err := s.cfg.Store.CreateMilestone(r.Context(), q.actor(), q.workload.ID, r.PostFormValue("name")); err != nil {
		if awaf.ErrorCode(err) == awaf.EINVALID {
			return s.showMilestones(w, r, q, http.StatusBadRequest, awaf.ErrorMessage(err))
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/w/%d/milestones", q.workload.ID), http.StatusSeeOther)
	return nil
}

// comparison evaluates two milestones, or a milestone and the current answers when
// the id is "current" or empty.
func (s *Server) comparison(r *http.Request, q *request) (*compare.Comparison, []awaf.Milestone, error) {
	ctx := r.Context()
	ms, err := s.cfg.Store.Milestones(ctx, q.workload.ID)
	if err != nil {
		return nil, nil, err
	}
	pick := func(v string) (string, *awaf.Assessment, error) {
		if v == "" || v == "current" {
			a, err := s.cfg.Store.Assessment(ctx, q.workload.ID)
			return "Current answers", a, err
		}
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "", nil, awaf.Errorf(awaf.EINVALID, "bad milestone id %q", v)
		}
		m, err := s.cfg.Store.Milestone(ctx, q.workload.ID, id)
		if err != nil {
			return "", nil, err
		}
		return m.Name, &m.Assessment, nil
	}
	from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	if from == "" && len(ms) > 0 {
		from = strconv.FormatInt(ms[0].ID, 10)
	}
	fromName, fa, err := pick(from)
	if err != nil {
		return nil, nil, err
	}
	toName, ta, err := pick(to)
	if err != nil {
		return nil, nil, err
	}
	fe, err := s.evaluate(ctx, fa)
	if err != nil {
		return nil, nil, err
	}
	te, err := s.evaluate(ctx, ta)
	if err != nil {
		return nil, nil, err
	}
	return compare.Compare(fromName, recorded(fa, fe.Result), toName, recorded(ta, te.Result)), ms, nil
}

// compareData is a comparison from internal/compare with its risk changes grouped
// by kind, which is how the page lists them.
// recorded labels a result with the lens version its answers were given on. A side
// answered on an older version is scored on the server's version (evaluate carries
// it), and the comparison should still say that the versions differ.
func recorded(a *awaf.Assessment, r *awaf.Result) *awaf.Result {
	if a.Lens.ID == "" || a.Lens == r.Lens {
		return r
	}
	c := *r
	c.Lens = a.Lens
	return &c
}

type compareData struct {
	*compare.Comparison
	RisksAdded, RisksResolved, RisksChanged, RisksRemoved []compare.RiskChange
	Milestones                                            []awaf.Milestone
	FromID                                                string
	ToID                                                  string
}

func (s *Server) comparePage(w http.ResponseWriter, r *http.Request, q *request) error {
	c, ms, err := s.comparison(r, q)
	if err != nil {
		return err
	}
	d := compareData{Comparison: c, Milestones: ms, FromID: r.URL.Query().Get("from"), ToID: r.URL.Query().Get("to")}
	for _, rc := range c.Risks {
		switch rc.Kind {
		case compare.RiskAdded:
			d.RisksAdded = append(d.RisksAdded, rc)
		case compare.RiskResolved:
			d.RisksResolved = append(d.RisksResolved, rc)
		case compare.RiskChanged:
			d.RisksChanged = append(d.RisksChanged, rc)
		case compare.RiskRemoved:
			d.RisksRemoved = append(d.RisksRemoved, rc)
		}
	}
	p := pageFor(q, "Compare · "+q.workload.Name, "milestones")
	p.Data = d
	return s.render(w, r, "compare", p)
}

// Access.

type accessData struct {
	Members  []awaf.Membership
	Admins   []awaf.User // site administrators: owners of every workload
	Tokens   []awaf.Token
	Roles    []awaf.Role
	NewToken string
	Now      time.Time
}

func (s *Server) accessPage(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.showAccess(w, r, q, http.StatusOK, "", "", "")
}

func (s *Server) showAccess(w http.ResponseWriter, r *http.Request, q *request, st int, flash, msg, newToken string) error {
	ms, err := s.cfg.Store.Memberships(r.Context(), q.workload.ID)
	if err != nil {
		return err
	}
	ts, err := s.cfg.Store.Tokens(r.Context(), q.workload.ID)
	if err != nil {
		return err
	}
	admins, err := s.admins(r)
	if err != nil {
		return err
	}
	p := pageFor(q, "Who has access · "+q.workload.Name, "access")
	p.Data = accessData{Members: ms, Admins: admins, Tokens: ts, Roles: awaf.Roles, NewToken: newToken, Now: s.cfg.Now()}
	p.Flash, p.Error = flash, msg
	return s.renderStatus(w, r, st, "access", p)
}

// admins lists the site administrators, who reach every workload without a
// membership; "who has access" must show them too.
func (s *Server) admins(r *http.Request) ([]awaf.User, error) {
	us, err := s.cfg.Store.Users(r.Context())
	if err != nil {
		return nil, err
	}
	out := []awaf.User{}
	for _, u := range us {
		if u.Admin {
			out = append(out, u)
		}
	}
	return out, nil
}

func (s *Server) grant(w http.ResponseWriter, r *http.Request, q *request) error {
	err := s.grantByEmail(r.Context(), q, r.PostFormValue("email"), awaf.Role(r.PostFormValue("role")))
	if awaf.ErrorCode(err) == awaf.EINVALID {
		return s.showAccess(w, r, q, http.StatusBadRequest, "", awaf.ErrorMessage(err), "")
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/w/%d/access", q.workload.ID), http.StatusSeeOther)
	return nil
}

// auditGrantNoAccount records a grant to an email that has no account.
const auditGrantNoAccount = "access.grant.no-account"

// grantByEmail gives the person with email a role on the request's workload. Any
// signed-in person owns the workloads they create, so the answer must not tell them
// which emails have accounts: an unknown email gets the same answer as a known one,
// and the attempt is audited so that a site administrator can see someone probing.
// The role is checked first, for the same reason.
func (s *Server) grantByEmail(ctx context.Context, q *request, email string, role awaf.Role) error {
	if !role.Valid() {
		return awaf.Errorf(awaf.EINVALID, "unknown role %q", role)
	}
	email = strings.TrimSpace(email)
	if email == "" || len(email) > 320 {
		return awaf.Errorf(awaf.EINVALID, "an email address is needed")
	}
	u, err := s.cfg.Store.UserByEmail(ctx, email)
	if awaf.ErrorCode(err) == awaf.ENOTFOUND {
		after, _ := json.Marshal(map[string]string{"role": string(role)})
		return s.cfg.Store.AppendAudit(ctx, awaf.AuditEvent{Actor: q.actor(), WorkloadID: q.workload.ID,
			Action: auditGrantNoAccount, Target: email, After: after})
	} else if err != nil {
		return err
	}
	return s.cfg.Store.Grant(ctx, q.actor(), q.workload.ID, u.ID, role)
}

func (s *Server) revoke(w http.ResponseWriter, r *http.Request, q *request) error {
	uid, err := strconv.ParseInt(r.PathValue("user"), 10, 64)
	if err != nil {
		return awaf.Errorf(awaf.ENOTFOUND, "no such member")
	}
	if err := s.cfg.Store.Revoke(r.Context(), q.actor(), q.workload.ID, uid); err != nil {
		if awaf.ErrorCode(err) == awaf.ECONFLICT {
			return s.showAccess(w, r, q, http.StatusConflict, "", awaf.ErrorMessage(err), "")
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/w/%d/access", q.workload.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request, q *request) error {
	days, _ := strconv.Atoi(r.PostFormValue("days"))
	if days < 0 || days > 3650 {
		return s.showAccess(w, r, q, http.StatusBadRequest, "", "A token lasts from 0 (no expiry) to 3650 days.", "")
	}
	role := awaf.Role(r.PostFormValue("role"))
	secret, _, err := s.cfg.Auth.NewToken(r.Context(), q.actor(), q.workload.ID, r.PostFormValue("name"), role, time.Duration(days)*24*time.Hour)
	if awaf.ErrorCode(err) == awaf.EINVALID {
		return s.showAccess(w, r, q, http.StatusBadRequest, "", awaf.ErrorMessage(err), "")
	} else if err != nil {
		return err
	}
	// The secret is shown on this response only; it is not stored and a reload of
	// the page will not show it again.
	return s.showAccess(w, r, q, http.StatusOK, "Token created. Copy it now: it will not be shown again.", "", secret)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, q *request) error {
	id, err := strconv.ParseInt(r.PathValue("token"), 10, 64)
	if err != nil {
		return awaf.Errorf(awaf.ENOTFOUND, "no such token")
	}
	if err := s.cfg.Store.RevokeToken(r.Context(), q.actor(), q.workload.ID, id); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/w/%d/access", q.workload.ID), http.StatusSeeOther)
	return nil
}

// Audit log.

type auditData struct {
	Events []awaf.AuditEvent
	Older  int64
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, q *request) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	const pageSize = 100
	es, err := s.cfg.Store.AuditEvents(r.Context(), awaf.AuditFilter{WorkloadID: q.workload.ID, BeforeID: before, Limit: pageSize})
	if err != nil {
		return err
	}
	d := auditData{Events: es}
	if len(es) == pageSize {
		d.Older = es[len(es)-1].ID
	}
	p := pageFor(q, "Audit log · "+q.workload.Name, "audit")
	p.Data = d
	return s.render(w, r, "audit", p)
}

func (s *Server) auditCSV(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx := r.Context()
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write([]string{"id", "time", "actor", "action", "target", "before", "after"})
	var before int64
	for {
		es, err := s.cfg.Store.AuditEvents(ctx, awaf.AuditFilter{WorkloadID: q.workload.ID, BeforeID: before, Limit: 1000})
		if err != nil {
			return err
		}
		for _, e := range es {
			cw.Write([]string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339Nano), sheetcell.Text(e.Actor.Name),
				e.Action, sheetcell.Text(e.Target), sheetcell.Text(string(e.Before)), sheetcell.Text(string(e.After))})
		}
		if len(es) < 1000 {
			break
		}
		before = es[len(es)-1].ID
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	if err := s.cfg.Store.AppendAudit(ctx, awaf.AuditEvent{Actor: q.actor(), WorkloadID: q.workload.ID, Action: awaf.AuditExport, Target: "audit.csv"}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="awaf-audit-%d.csv"`, q.workload.ID))
	_, err := w.Write(buf.Bytes())
	return err
}

// Exports.

var contentTypes = map[report.Format]string{
	report.Markdown: "text/markdown; charset=utf-8",
	report.HTML:     "text/html; charset=utf-8",
	report.JSON:     "application/json",
	report.CSV:      "text/csv; charset=utf-8",
	report.XLSX:     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

func (s *Server) export(w http.ResponseWriter, r *http.Request, q *request) error {
	f, err := report.ParseFormat(r.PathValue("format"))
	if err != nil {
		return err
	}
	ctx := r.Context()
	ev, err := s.evaluateWorkload(ctx, q.workload.ID)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.Render(&buf, f, report.Input{Lens: ev.Lens, Assessment: ev.Assessment, Result: ev.Result, Generated: s.cfg.Now()}); err != nil {
		return fmt.Errorf("render %s: %w", f, err)
	}
	if err := s.cfg.Store.AppendAudit(ctx, awaf.AuditEvent{Actor: q.actor(), WorkloadID: q.workload.ID, Action: awaf.AuditExport, Target: "report." + string(f)}); err != nil {
		return err
	}
	ct := contentTypes[f]
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="awaf-report-%d%s"`, q.workload.ID, f.Ext()))
	if f == report.HTML {
		// The report page is self-contained and may carry its own inline styles; it is
		// downloaded, and this policy keeps it inert if a browser opens it in place.
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox")
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// exportBacklog writes the plan as a tracker import file (Azure DevOps, GitHub, Jira),
// with the owners the team set on the plan page.
func (s *Server) exportBacklog(w http.ResponseWriter, r *http.Request, q *request) error {
	t, err := backlog.ParseTarget(r.PathValue("target"))
	if err != nil {
		return awaf.Errorf(awaf.EINVALID, "%s", awaf.ErrorMessage(err))
	}
	ctx := r.Context()
	ev, err := s.evaluateWorkload(ctx, q.workload.ID)
	if err != nil {
		return err
	}
	tracked, err := s.cfg.Store.PlanItems(ctx, q.workload.ID)
	if err != nil {
		return err
	}
	owners := map[string]awaf.RemediationItem{}
	for _, it := range tracked {
		owners[it.Question+"/"+it.Choice] = it
	}
	var items []backlog.Item
	for _, it := range backlog.Select(ev.Result, backlog.Filter{}) {
		tr, ok := owners[it.Question+"/"+it.Choice]
		// Work already done or accepted as a risk is not exported again.
		if ok && (tr.Status == awaf.PlanDone || tr.Status == awaf.PlanAcceptedRisk) {
			continue
		}
		it.Owner = tr.Owner
		items = append(items, it)
	}
	var buf bytes.Buffer
	if err := backlog.Write(&buf, t, items, backlog.Options{}); err != nil {
		return fmt.Errorf("backlog %s: %w", t, err)
	}
	if err := s.cfg.Store.AppendAudit(ctx, awaf.AuditEvent{Actor: q.actor(), WorkloadID: q.workload.ID, Action: awaf.AuditExport, Target: "backlog." + string(t)}); err != nil {
		return err
	}
	ct := "text/csv; charset=utf-8"
	if !strings.HasSuffix(t.Ext(), "csv") {
		ct = "text/plain; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="awaf-backlog-%d-%s%s"`, q.workload.ID, t, t.Ext()))
	_, err = w.Write(buf.Bytes())
	return err
}
