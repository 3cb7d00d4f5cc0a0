package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/lensdiff"
	"github.com/awaf/awaf/internal/reviewtemplate"
)

// evaluation is a workload's assessment scored against its lens.
type evaluation struct {
	Lens       *awaf.Lens
	Assessment *awaf.Assessment
	Result     *awaf.Result
}

func (s *Server) evaluate(ctx context.Context, a *awaf.Assessment) (*evaluation, error) {
	l, err := s.lensFor(ctx, a.Lens)
	if err != nil {
		return nil, err
	}
	if needsCarry(l, a) {
		// A milestone or workload on another version of the lens: score the answers
		// that survive on the server's version, as an upgrade would keep them.
		a, _ = lensdiff.Carry(a, nil, l)
	}
	res, err := assess.Evaluate(l, a)
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	return &evaluation{Lens: l, Assessment: a, Result: res}, nil
}

// needsCarry reports whether a's answers must be carried onto l before evaluation: it
// was given on another version, or holds answers l lacks (the empty rows an upgrade
// leaves, since the store deletes no answer).
func needsCarry(l *awaf.Lens, a *awaf.Assessment) bool {
	if a.Lens.Version != "" && a.Lens.Version != l.Version {
		return true
	}
	for _, ans := range a.Answers {
		q, ok := l.Question(ans.Question)
		if !ok {
			return true
		}
		for _, c := range ans.Selected {
			if _, ok := q.Choice(c); !ok {
				return true
			}
		}
	}
	return false
}

func (s *Server) evaluateWorkload(ctx context.Context, id int64) (*evaluation, error) {
	a, err := s.cfg.Store.Assessment(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.evaluate(ctx, a)
}

type workloadsData struct {
	Workloads []workloadRow
	Name      string
	Lenses    []lensRow // what a new workload may be assessed on
	Default   string
	Templates []awaf.StoredTemplate // what a new workload may start from
}

// workloadRow is a workload in the list, with the lens version it could upgrade to.
type workloadRow struct {
	awaf.WorkloadRecord
	Lens lensState
}

func (s *Server) workloadsPage(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.showWorkloads(w, r, q, http.StatusOK, "", "")
}

func (s *Server) showWorkloads(w http.ResponseWriter, r *http.Request, q *request, st int, name, msg string) error {
	uid := q.user.ID
	if q.user.Admin {
		uid = 0
	}
	ws, err := s.cfg.Store.Workloads(r.Context(), uid)
	if err != nil {
		return err
	}
	choices, err := s.lensChoices(r.Context())
	if err != nil {
		return err
	}
	ts, err := s.cfg.Store.Templates(r.Context())
	if err != nil {
		return err
	}
	d := workloadsData{Name: name, Lenses: choices, Default: s.cfg.DefaultLens, Templates: ts}
	for _, wl := range ws {
		st, _ := s.lensState(r.Context(), &wl)
		d.Workloads = append(d.Workloads, workloadRow{WorkloadRecord: wl, Lens: st})
	}
	p := pageFor(q, "Workloads", "workloads")
	p.Data, p.Error = d, msg
	return s.renderStatus(w, r, st, "workloads", p)
}

// newWorkloadFrom creates a workload and, when template names one, applies that
// template's latest version to it, audited: one call. The template is read and its
// lens checked before the workload is made, so a wrong name makes nothing.
func (s *Server) newWorkloadFrom(ctx context.Context, q *request, wl awaf.Workload, lensID, template string) (*awaf.WorkloadRecord, *templateResult, error) {
	l, err := s.latestLens(ctx, strings.TrimSpace(lensID))
	if awaf.ErrorCode(err) == awaf.ENOTFOUND {
		return nil, nil, awaf.Errorf(awaf.EINVALID, "%s", awaf.ErrorMessage(err))
	} else if err != nil {
		return nil, nil, err
	}
	var st *awaf.StoredTemplate
	var t *reviewtemplate.Template
	if template = strings.TrimSpace(template); template != "" {
		if len(template) > 200 {
			return nil, nil, awaf.Errorf(awaf.EINVALID, "template name is longer than 200 characters")
		}
		if st, err = s.cfg.Store.LatestTemplate(ctx, template); awaf.ErrorCode(err) == awaf.ENOTFOUND {
			return nil, nil, awaf.Errorf(awaf.EINVALID, "no template named %q", template)
		} else if err != nil {
			return nil, nil, err
		}
		if t, err = reviewtemplate.Parse(st.Name, st.Source); err != nil {
			return nil, nil, fmt.Errorf("stored template %s %d: %w", st.Name, st.Version, err)
		}
		if t.Lens.ID != "" && t.Lens.ID != l.ID {
			return nil, nil, awaf.Errorf(awaf.EINVALID, "template %s is for lens %s; the new workload is assessed on %s", t.Name, t.Lens.ID, l.ID)
		}
	}
	rec := &awaf.WorkloadRecord{Workload: wl, Lens: awaf.LensRef{ID: l.ID, Version: l.Version}}
	if err := s.cfg.Store.CreateWorkload(ctx, q.actor(), rec); err != nil {
		return nil, nil, err
	}
	if t == nil {
		return rec, nil, nil
	}
	res, err := s.applyTemplateTo(ctx, q.actor(), rec.ID, st, t, false, false)
	if err != nil {
		return rec, nil, fmt.Errorf("workload %d was created, but template %s was not applied: %w", rec.ID, st.Name, err)
	}
	return rec, res, nil
}

func (s *Server) createWorkload(w http.ResponseWriter, r *http.Request, q *request) error {
	wl := awaf.Workload{
		Name:        r.PostFormValue("name"),
		Description: strings.TrimSpace(r.PostFormValue("description")),
		Environment: strings.TrimSpace(r.PostFormValue("environment")),
	}
	rec, _, err := s.newWorkloadFrom(r.Context(), q, wl, r.PostFormValue("lens"), r.PostFormValue("template"))
	if awaf.ErrorCode(err) == awaf.EINVALID {
		return s.showWorkloads(w, r, q, http.StatusBadRequest, wl.Name, awaf.ErrorMessage(err))
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/w/%d", rec.ID), http.StatusSeeOther)
	return nil
}

type option struct {
	Value, Label string
	Checked      bool
}

type workloadData struct {
	Kinds, Components                  []option
	Criticality, Sensitivity, Exposure []option
	Priorities                         [3][]option
	Overall                            awaf.Score
	Areas                              []awaf.AreaScore
	FirstArea                          awaf.AreaID
	LensName                           string
	// ScoredOnOwn: the scores are on the workload's own lens version (an uploaded
	// lens keeps every version), not carried onto the server's.
	ScoredOnOwn     bool
	ProfileComplete bool
	Lens            lensState
	Preview         *upgradeReport // what an upgrade would drop
	Upgraded        *upgradeReport // what the upgrade just did
}

func options[T ~string](all []T, chosen func(T) bool) []option {
	out := make([]option, 0, len(all))
	for _, v := range all {
		out = append(out, option{Value: string(v), Label: strings.ReplaceAll(string(v), "-", " "), Checked: chosen(v)})
	}
	return out
}

func (s *Server) workloadPage(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.showWorkload(w, r, q, http.StatusOK, "")
}

func (s *Server) showWorkload(w http.ResponseWriter, r *http.Request, q *request, st int, msg string) error {
	flash := ""
	if r.URL.Query().Get("saved") != "" {
		flash = "Saved."
	}
	return s.showWorkloadWith(w, r, q, st, msg, flash, nil)
}

func (s *Server) showWorkloadWith(w http.ResponseWriter, r *http.Request, q *request, st int, msg, flash string, upgraded *upgradeReport) error {
	ev, err := s.evaluateWorkload(r.Context(), q.workload.ID)
	if err != nil {
		return err
	}
	prof := q.workload.Profile
	d := workloadData{
		Kinds:           options(awaf.Kinds, prof.HasKind),
		Components:      options(awaf.Components, prof.HasComponent),
		Criticality:     options(awaf.Criticalities, func(c awaf.Criticality) bool { return c == prof.Criticality }),
		Sensitivity:     options(awaf.Sensitivities, func(c awaf.Sensitivity) bool { return c == prof.Sensitivity }),
		Exposure:        options(awaf.Exposures, func(c awaf.Exposure) bool { return c == prof.Exposure }),
		Overall:         ev.Result.Overall,
		Areas:           ev.Result.Areas,
		LensName:        ev.Lens.Name + " " + ev.Lens.Version,
		ScoredOnOwn:     ev.Lens.Version == q.workload.Lens.Version,
		ProfileComplete: prof.Complete(),
	}
	for i := range d.Priorities {
		d.Priorities[i] = options(awaf.Pillars, func(p awaf.PillarID) bool { return i < len(prof.Priorities) && prof.Priorities[i] == p })
	}
	if len(ev.Lens.Areas) > 0 {
		d.FirstArea = ev.Lens.Areas[0].ID
	}
	var l *awaf.Lens
	d.Lens, l = s.lensState(r.Context(), q.workload)
	if d.Lens.Outdated {
		if d.Preview, err = s.previewUpgrade(r.Context(), q.workload, l); err != nil {
			return err
		}
	}
	d.Upgraded = upgraded
	p := pageFor(q, q.workload.Name, "workload")
	p.Data, p.Error, p.Flash = d, msg, flash
	return s.renderStatus(w, r, st, "workload", p)
}

// profileFromForm reads and checks the profile fields of a form.
func profileFromForm(f url.Values) (awaf.Profile, error) {
	var p awaf.Profile
	for _, v := range f["kind"] {
		if !slices.Contains(awaf.Kinds, awaf.Kind(v)) {
			return p, awaf.Errorf(awaf.EINVALID, "unknown workload kind %q", v)
		}
		p.Kinds = append(p.Kinds, awaf.Kind(v))
	}
	for _, v := range f["component"] {
		if !slices.Contains(awaf.Components, awaf.Component(v)) {
			return p, awaf.Errorf(awaf.EINVALID, "unknown component %q", v)
		}
		p.Components = append(p.Components, awaf.Component(v))
	}
	if v := f.Get("criticality"); v != "" {
		if !slices.Contains(awaf.Criticalities, awaf.Criticality(v)) {
			return p, awaf.Errorf(awaf.EINVALID, "unknown criticality %q", v)
		}
		p.Criticality = awaf.Criticality(v)
	}
	if v := f.Get("sensitivity"); v != "" {
		if !slices.Contains(awaf.Sensitivities, awaf.Sensitivity(v)) {
			return p, awaf.Errorf(awaf.EINVALID, "unknown sensitivity %q", v)
		}
		p.Sensitivity = awaf.Sensitivity(v)
	}
	if v := f.Get("exposure"); v != "" {
		if !slices.Contains(awaf.Exposures, awaf.Exposure(v)) {
			return p, awaf.Errorf(awaf.EINVALID, "unknown exposure %q", v)
		}
		p.Exposure = awaf.Exposure(v)
	}
	for _, v := range f["priority"] {
		if v == "" {
			continue
		}
		id := awaf.PillarID(v)
		if !slices.Contains(awaf.Pillars, id) {
			return p, awaf.Errorf(awaf.EINVALID, "unknown pillar %q", v)
		}
		if slices.Contains(p.Priorities, id) {
			return p, awaf.Errorf(awaf.EINVALID, "pillar %s is listed twice in the priorities", v)
		}
		p.Priorities = append(p.Priorities, id)
	}
	return p, nil
}

func (s *Server) saveWorkload(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := r.ParseForm(); err != nil {
		return awaf.Errorf(awaf.EINVALID, "bad form")
	}
	prof, err := profileFromForm(r.PostForm)
	if err != nil {
		return s.showWorkload(w, r, q, http.StatusBadRequest, awaf.ErrorMessage(err))
	}
	rec := *q.workload
	rec.Profile = prof
	if v := r.PostFormValue("name"); v != "" {
		rec.Name = v
	}
	rec.Description = strings.TrimSpace(r.PostFormValue("description"))
	rec.Environment = strings.TrimSpace(r.PostFormValue("environment"))
	rec.Version, _ = strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if err := s.cfg.Store.UpdateWorkload(r.Context(), q.actor(), &rec); err != nil {
		if c := awaf.ErrorCode(err); c == awaf.EINVALID || c == awaf.ECONFLICT {
			return s.showWorkload(w, r, q, status(c), awaf.ErrorMessage(err))
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/w/%d?saved=1", rec.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) assessIndex(w http.ResponseWriter, r *http.Request, q *request) error {
	l, err := s.lensFor(r.Context(), q.workload.Lens)
	if err != nil {
		return err
	}
	if len(l.Areas) == 0 {
		return awaf.Errorf(awaf.ENOTFOUND, "the lens has no design areas")
	}
	http.Redirect(w, r, fmt.Sprintf("/w/%d/assess/%s", q.workload.ID, url.PathEscape(string(l.Areas[0].ID))), http.StatusSeeOther)
	return nil
}

// questionView is one question of the assessment form.
type questionView struct {
	Q        *awaf.Question
	Result   awaf.QuestionResult
	Answer   awaf.Answer
	Version  int64
	Selected map[string]bool
	NAReason string
	NANote   string
	Applies  bool
	Scanned  map[string]*awaf.Evidence // choice -> evidence from awaf scan
	Error    string
}

type areaLink struct {
	ID       awaf.AreaID
	Name     string
	Answered int
	Total    int
	Current  bool
}

type pillarLink struct {
	ID       awaf.PillarID
	Name     string
	Answered int
	Total    int
	Current  bool
}

type assessData struct {
	Title     string
	Action    string // where the form posts: the page itself
	Area      *awaf.Area
	Pillar    *awaf.Pillar
	Areas     []areaLink
	Pillars   []pillarLink
	Questions []questionView
	Overall   awaf.Score
	Next      awaf.AreaID
	NAReasons []awaf.NAReason
}

func (s *Server) assessPage(w http.ResponseWriter, r *http.Request, q *request) error {
	flash := ""
	if n := r.URL.Query().Get("saved"); n != "" {
		flash = "Saved " + n + " answer(s)."
	}
	return s.showAssess(w, r, q, http.StatusOK, nil, flash)
}

func (s *Server) showAssess(w http.ResponseWriter, r *http.Request, q *request, st int, problems map[string]string, flash string) error {
	ctx := r.Context()
	ev, err := s.evaluateWorkload(ctx, q.workload.ID)
	if err != nil {
		return err
	}
	// The page shows one design area, or one pillar's questions across areas.
	var area *awaf.Area
	var pillar *awaf.Pillar
	if id := r.PathValue("pillar"); id != "" {
		p, ok := ev.Lens.Pillar(awaf.PillarID(id))
		if !ok {
			return awaf.Errorf(awaf.ENOTFOUND, "no pillar %q in this lens", id)
		}
		pillar = p
	} else {
		a, ok := ev.Lens.Area(awaf.AreaID(r.PathValue("area")))
		if !ok {
			return awaf.Errorf(awaf.ENOTFOUND, "no design area %q in this lens", r.PathValue("area"))
		}
		area = a
	}
	stored, err := s.cfg.Store.Answers(ctx, q.workload.ID)
	if err != nil {
		return err
	}
	byQ := map[string]awaf.StoredAnswer{}
	for _, a := range stored {
		byQ[a.Question] = a
	}
	results := map[string]awaf.QuestionResult{}
	for _, qr := range ev.Result.Questions {
		results[qr.Question] = qr
	}
	d := assessData{Area: area, Pillar: pillar, Overall: ev.Result.Overall, NAReasons: awaf.NAReasons, Action: r.URL.Path}
	for i, a := range ev.Lens.Areas {
		sc := ev.Result.Areas[i]
		current := area != nil && a.ID == area.ID
		d.Areas = append(d.Areas, areaLink{ID: a.ID, Name: a.Name, Answered: sc.Answered, Total: sc.Questions, Current: current})
		if current && i+1 < len(ev.Lens.Areas) {
			d.Next = ev.Lens.Areas[i+1].ID
		}
	}
	for _, p := range ev.Result.Pillars {
		d.Pillars = append(d.Pillars, pillarLink{ID: p.Pillar, Name: p.Name, Answered: p.Answered, Total: p.Questions, Current: pillar != nil && p.Pillar == pillar.ID})
	}
	title := ""
	for i := range ev.Lens.Questions {
		qq := &ev.Lens.Questions[i]
		if area != nil && qq.Area != area.ID || pillar != nil && !hasPillar(qq.Pillars, pillar.ID) {
			continue
		}
		sa := byQ[qq.ID]
		v := questionView{Q: qq, Result: results[qq.ID], Answer: sa.Answer, Version: sa.Version, Selected: map[string]bool{},
			Scanned: map[string]*awaf.Evidence{}, Error: problems[qq.ID]}
		v.Applies = !(v.Result.Risk == awaf.RiskNotApplicable && v.Result.Reason == awaf.NAProfile)
		for _, c := range sa.Selected {
			v.Selected[c] = true
		}
		if na := sa.NotApplicable; na != nil {
			v.NAReason, v.NANote = string(na.Reason), na.Note
		}
		for _, e := range sa.Evidence {
			if e.Source == "scan" {
				v.Scanned[e.Choice] = &e
			}
		}
		d.Questions = append(d.Questions, v)
	}
	if area != nil {
		title = area.Name
	} else {
		title = pillar.Name
	}
	d.Title = title
	p := pageFor(q, title+" · "+q.workload.Name, "assess")
	p.Data, p.Flash = d, flash
	if len(problems) > 0 {
		p.Error = "Some answers were not saved; see the messages below."
	}
	return s.renderStatus(w, r, st, "assess", p)
}

// answerFromForm reads one question's fields: sel.<id> (choices), note.<id>,
// na.<id> (reason) and nanote.<id>.
func answerFromForm(f url.Values, id string) awaf.Answer {
	a := awaf.Answer{Question: id, Selected: f["sel."+id], Note: strings.TrimSpace(f.Get("note." + id))}
	if reason := f.Get("na." + id); reason != "" {
		a.NotApplicable = &awaf.NotApplicable{Reason: awaf.NAReason(reason), Note: strings.TrimSpace(f.Get("nanote." + id))}
	}
	return a
}

// checkAnswer validates an answer against its lens before it is stored.
func checkAnswer(l *awaf.Lens, a *awaf.Answer) error {
	q, ok := l.Question(a.Question)
	if !ok {
		return awaf.Errorf(awaf.ENOTFOUND, "no question %q in lens %s", a.Question, l.ID)
	}
	none := false
	seen := map[string]bool{}
	for _, id := range a.Selected {
		c, ok := q.Choice(id)
		if !ok {
			return awaf.Errorf(awaf.EINVALID, "question %s has no choice %q", q.ID, id)
		}
		if seen[id] {
			return awaf.Errorf(awaf.EINVALID, "choice %s is selected twice", id)
		}
		seen[id] = true
		none = none || c.None
	}
	if none && len(a.Selected) > 1 {
		return awaf.Errorf(awaf.EINVALID, "“none of these” cannot be combined with other choices")
	}
	if ps := q.SelectionProblems(a.Selected, a.Note); len(ps) > 0 {
		return awaf.Errorf(awaf.EINVALID, "%s", strings.Join(ps, "; "))
	}
	if na := a.NotApplicable; na != nil {
		if !slices.Contains(awaf.NAReasons, na.Reason) {
			return awaf.Errorf(awaf.EINVALID, "unknown not-applicable reason %q", na.Reason)
		}
		if len(a.Selected) > 0 {
			return awaf.Errorf(awaf.EINVALID, "a question marked not applicable has no selected choices")
		}
	}
	if utf8.RuneCountInString(a.Note) > 10000 {
		return awaf.Errorf(awaf.EINVALID, "notes are limited to 10000 characters")
	}
	return nil
}

// sameAnswer reports whether saving b over a would change nothing the user sees.
func sameAnswer(a, b awaf.Answer) bool {
	a.Evidence, b.Evidence = nil, nil
	if len(a.Selected) == 0 {
		a.Selected = nil
	}
	if len(b.Selected) == 0 {
		b.Selected = nil
	}
	return reflect.DeepEqual(a, b)
}

func (s *Server) saveAnswers(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		return awaf.Errorf(awaf.EINVALID, "bad form")
	}
	l, err := s.lensFor(r.Context(), q.workload.Lens)
	if err != nil {
		return err
	}
	stored, err := s.cfg.Store.Answers(ctx, q.workload.ID)
	if err != nil {
		return err
	}
	byQ := map[string]awaf.StoredAnswer{}
	for _, a := range stored {
		byQ[a.Question] = a
	}
	problems := map[string]string{}
	saved := 0
	for _, id := range r.PostForm["q"] {
		a := answerFromForm(r.PostForm, id)
		if err := checkAnswer(l, &a); err != nil {
			problems[id] = awaf.ErrorMessage(err)
			continue
		}
		old, had := byQ[id]
		// Evidence from a scan stays with the answer when people edit it.
		a.Evidence = old.Evidence
		if had && sameAnswer(old.Answer, a) {
			continue
		}
		version, _ := strconv.ParseInt(r.PostForm.Get("v."+id), 10, 64)
		if _, err := s.cfg.Store.PutAnswer(ctx, q.actor(), q.workload.ID, a, version); err != nil {
			if c := awaf.ErrorCode(err); c == awaf.ECONFLICT || c == awaf.EINVALID {
				problems[id] = awaf.ErrorMessage(err)
				continue
			}
			return err
		}
		saved++
	}
	if len(problems) > 0 {
		return s.showAssess(w, r, q, http.StatusConflict, problems, "")
	}
	next := r.URL.Path
	if r.PostFormValue("go") == "next" && r.PostFormValue("next") != "" {
		next = fmt.Sprintf("/w/%d/assess/%s", q.workload.ID, url.PathEscape(r.PostFormValue("next")))
	}
	http.Redirect(w, r, next+"?saved="+strconv.Itoa(saved), http.StatusSeeOther)
	return nil
}
