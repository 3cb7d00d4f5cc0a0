package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/reviewtemplate"
)

// Review templates over the API: the same YAML file `awaf template` reads and writes
// is imported and exported. Anyone signed in may start a template and owns it; its
// owner and site administrators add versions. Workload owners apply them: a preview
// first (dryRun), then the answers, each marked with the template and version, go
// through the store in one transaction and show in the audit log.

// apiTemplates lists the latest version of every template.
func (s *Server) apiTemplates(w http.ResponseWriter, r *http.Request, q *request) error {
	ts, err := s.cfg.Store.Templates(r.Context())
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []awaf.StoredTemplate{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"templates": ts})
	return nil
}

// apiSaveTemplate imports a template file as a new version.
func (s *Server) apiSaveTemplate(w http.ResponseWriter, r *http.Request, q *request) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, reviewtemplate.MaxSize+1))
	if err != nil {
		return err
	}
	t, err := reviewtemplate.Parse("template", body)
	if err != nil {
		return awaf.Errorf(awaf.EINVALID, "%s", err.Error())
	}
	// A template that names no lens is for the server's default lens.
	l, err := s.lensFor(r.Context(), t.Lens)
	if err != nil {
		return err
	}
	if err := t.Check("template", l); err != nil {
		return awaf.Errorf(awaf.EINVALID, "%s", err.Error())
	}
	ctx := r.Context()
	prev, err := s.cfg.Store.LatestTemplate(ctx, t.Name)
	switch {
	case err == nil:
		if !q.user.Admin && prev.OwnerID != q.user.ID {
			return awaf.Errorf(awaf.EFORBIDDEN, "template %s belongs to %s: only its owner or a site administrator adds versions", t.Name, prev.Owner)
		}
		if t.Version <= prev.Version {
			return awaf.Errorf(awaf.ECONFLICT, "template %s is at version %d: save version %d or higher", t.Name, prev.Version, prev.Version+1)
		}
	case awaf.ErrorCode(err) != awaf.ENOTFOUND:
		return err
	}
	st := &awaf.StoredTemplate{Name: t.Name, Version: t.Version, OwnerID: q.user.ID, Owner: q.user.Email, Questions: len(t.Answers), Source: body}
	if err := s.cfg.Store.SaveTemplate(ctx, q.actor(), st); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, st)
	return nil
}

// storedTemplate reads the template {name} at ?version=, else its latest version.
func (s *Server) storedTemplate(r *http.Request) (*awaf.StoredTemplate, *reviewtemplate.Template, error) {
	name := r.PathValue("name")
	var st *awaf.StoredTemplate
	var err error
	if v := r.URL.Query().Get("version"); v != "" {
		n, perr := strconv.Atoi(v)
		if perr != nil || n < 1 {
			return nil, nil, awaf.Errorf(awaf.EINVALID, "version %q: want a positive whole number", v)
		}
		st, err = s.cfg.Store.Template(r.Context(), name, n)
	} else {
		st, err = s.cfg.Store.LatestTemplate(r.Context(), name)
	}
	if err != nil {
		return nil, nil, err
	}
	t, err := reviewtemplate.Parse(name, st.Source)
	if err != nil {
		return nil, nil, fmt.Errorf("stored template %s %d: %w", st.Name, st.Version, err)
	}
	return st, t, nil
}

// apiTemplateFile exports a template as its YAML file.
func (s *Server) apiTemplateFile(w http.ResponseWriter, r *http.Request, q *request) error {
	st, _, err := s.storedTemplate(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename=%q`, st.Name+".template.yaml"))
	_, err = w.Write(st.Source)
	return err
}

type templateChange struct {
	Question string                `json:"question"`
	Action   reviewtemplate.Action `json:"action"`
	From     *awaf.TemplateRef     `json:"from,omitempty"` // the template version it came from
}

// templateResult is what applying a template did, or would do.
type templateResult struct {
	Template string           `json:"template"`
	Version  int              `json:"version"`
	DryRun   bool             `json:"dryRun"`
	Applied  int              `json:"applied"`
	Changes  []templateChange `json:"changes"`
}

// applyTemplate previews (dry) or applies the template r names to q's workload.
func (s *Server) applyTemplate(r *http.Request, q *request, dry, force bool) (*templateResult, error) {
	st, t, err := s.storedTemplate(r)
	if err != nil {
		return nil, err
	}
	return s.applyTemplateTo(r.Context(), q.actor(), q.workload.ID, st, t, dry, force)
}

// applyTemplateTo previews (dry) or applies template t to a workload, audited.
func (s *Server) applyTemplateTo(ctx context.Context, by awaf.Actor, workloadID int64, st *awaf.StoredTemplate, t *reviewtemplate.Template, dry, force bool) (*templateResult, error) {
	ev, err := s.evaluateWorkload(ctx, workloadID)
	if err != nil {
		return nil, err
	}
	if t.Lens.ID != "" && t.Lens.ID != ev.Lens.ID {
		return nil, awaf.Errorf(awaf.EINVALID, "template %s is for lens %s; this workload is assessed on %s", t.Name, t.Lens.ID, ev.Lens.ID)
	}
	if err := t.Check(t.Name, ev.Lens); err != nil {
		return nil, awaf.Errorf(awaf.EINVALID, "%s", err.Error())
	}
	stored, err := s.cfg.Store.Answers(ctx, workloadID)
	if err != nil {
		return nil, err
	}
	a := &awaf.Assessment{}
	versions := map[string]int64{}
	for _, sa := range stored {
		a.Answers = append(a.Answers, sa.Answer)
		versions[sa.Question] = sa.Version
	}
	plan := reviewtemplate.Plan(t, a, force)
	out := &templateResult{Template: st.Name, Version: st.Version, DryRun: dry, Changes: []templateChange{}}
	var puts []awaf.AnswerPut
	for _, c := range plan {
		tc := templateChange{Question: c.Question, Action: c.Action}
		if c.Before != nil {
			tc.From = c.Before.Template
		}
		out.Changes = append(out.Changes, tc)
		if slices.Contains([]reviewtemplate.Action{reviewtemplate.Add, reviewtemplate.Update, reviewtemplate.Overwrite}, c.Action) {
			// The version read above: an answer changed meanwhile is a conflict, not lost.
			puts = append(puts, awaf.AnswerPut{Answer: c.After, Version: versions[c.Question]})
		}
	}
	if !dry && len(puts) > 0 {
		if _, err := s.cfg.Store.PutAnswers(ctx, by, workloadID, puts); err != nil {
			return nil, err
		}
		out.Applied = len(puts)
		summary := map[string]any{"template": st.Name, "version": st.Version, "applied": len(puts), "force": force}
		if err := s.cfg.Store.AppendAudit(ctx, awaf.AuditEvent{Actor: by, WorkloadID: workloadID, Action: awaf.AuditTemplateApply,
			Target: fmt.Sprintf("template:%s@%d", st.Name, st.Version), After: mustJSON(summary)}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// apiApplyTemplate previews (?dryRun=true) or applies a template to the workload.
func (s *Server) apiApplyTemplate(w http.ResponseWriter, r *http.Request, q *request) error {
	dry, err := flag(r.URL.Query(), "dryRun")
	if err != nil {
		return err
	}
	force, err := flag(r.URL.Query(), "force")
	if err != nil {
		return err
	}
	out, err := s.applyTemplate(r, q, dry, force)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiWorkloadTemplates lists the templates the workload's answers came from, with
// the newer version on offer, if any: an update is applied only when someone applies it.
func (s *Server) apiWorkloadTemplates(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx := r.Context()
	a, err := s.cfg.Store.Assessment(ctx, q.workload.ID)
	if err != nil {
		return err
	}
	type use struct {
		Name            string `json:"name"`
		Applied         []int  `json:"applied"`
		Latest          int    `json:"latest,omitempty"`
		UpdateAvailable bool   `json:"updateAvailable"`
	}
	out := []use{}
	uses := reviewtemplate.Uses(a)
	names := make([]string, 0, len(uses))
	for n := range uses {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		u := use{Name: n, Applied: uses[n]}
		if st, err := s.cfg.Store.LatestTemplate(ctx, n); err == nil {
			u.Latest = st.Version
			u.UpdateAvailable = st.Version > slices.Max(u.Applied)
		} else if awaf.ErrorCode(err) != awaf.ENOTFOUND {
			return err
		}
		out = append(out, u)
	}
	writeJSON(w, http.StatusOK, map[string]any{"templates": out})
	return nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

// templateUse is a template as a workload page shows it: applied versions and the latest.
type templateUse struct {
	awaf.StoredTemplate
	Applied []int
	Update  bool
}

type templatesData struct {
	Templates []templateUse
	Result    *templateResult
}

// templatesPage lists the server's templates with what the workload applied; owners
// preview and apply them.
func (s *Server) templatesPage(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.showTemplates(w, r, q, http.StatusOK, nil, "")
}

func (s *Server) showTemplates(w http.ResponseWriter, r *http.Request, q *request, st int, res *templateResult, msg string) error {
	ctx := r.Context()
	ts, err := s.cfg.Store.Templates(ctx)
	if err != nil {
		return err
	}
	a, err := s.cfg.Store.Assessment(ctx, q.workload.ID)
	if err != nil {
		return err
	}
	uses := reviewtemplate.Uses(a)
	d := templatesData{Result: res}
	for _, t := range ts {
		u := templateUse{StoredTemplate: t, Applied: uses[t.Name]}
		u.Update = len(u.Applied) > 0 && slices.Max(u.Applied) < t.Version
		d.Templates = append(d.Templates, u)
	}
	p := pageFor(q, "Templates", "templates")
	p.Data, p.Error = d, msg
	if res != nil && !res.DryRun {
		p.Flash = fmt.Sprintf("Applied %s version %d: %d answers.", res.Template, res.Version, res.Applied)
	}
	return s.renderStatus(w, r, st, "templates", p)
}

// templatesForm previews (action=preview) or applies a template from the page.
func (s *Server) templatesForm(w http.ResponseWriter, r *http.Request, q *request) error {
	r.SetPathValue("name", r.PostFormValue("template"))
	res, err := s.applyTemplate(r, q, r.PostFormValue("action") != "apply", r.PostFormValue("force") == "1")
	if code := awaf.ErrorCode(err); code == awaf.EINVALID || code == awaf.ENOTFOUND || code == awaf.ECONFLICT {
		return s.showTemplates(w, r, q, http.StatusBadRequest, nil, awaf.ErrorMessage(err))
	} else if err != nil {
		return err
	}
	return s.showTemplates(w, r, q, http.StatusOK, res, "")
}

// apiTemplateFromWorkload makes a template from the workload's answers to the
// questions given: version 1 of a new name, or the next version of a name the caller
// owns (or any, for a site administrator).
func (s *Server) apiTemplateFromWorkload(w http.ResponseWriter, r *http.Request, q *request) error {
	var b struct {
		Name        string   `json:"name"`
		Description string   `json:"description"`
		Questions   []string `json:"questions"`
	}
	if err := decode(r, &b); err != nil {
		return err
	}
	if len(b.Questions) == 0 || len(b.Questions) > 500 {
		return awaf.Errorf(awaf.EINVALID, "questions: pick 1 to 500 questions")
	}
	ctx := r.Context()
	a, err := s.cfg.Store.Assessment(ctx, q.workload.ID)
	if err != nil {
		return err
	}
	t, err := reviewtemplate.FromAnswers(b.Name, a, b.Questions)
	if err != nil {
		return awaf.Errorf(awaf.EINVALID, "%s", err.Error())
	}
	t.Description = b.Description
	var ownerID int64
	if q.user != nil {
		ownerID = q.user.ID
	}
	prev, err := s.cfg.Store.LatestTemplate(ctx, t.Name)
	switch {
	case err == nil:
		if (q.user == nil || !q.user.Admin) && (ownerID == 0 || prev.OwnerID != ownerID) {
			return awaf.Errorf(awaf.EFORBIDDEN, "template %s belongs to %s: only its owner or a site administrator adds versions", t.Name, prev.Owner)
		}
		t.Version = prev.Version + 1
	case awaf.ErrorCode(err) != awaf.ENOTFOUND:
		return err
	}
	src, err := t.Marshal()
	if err != nil {
		return err
	}
	st := &awaf.StoredTemplate{Name: t.Name, Version: t.Version, OwnerID: ownerID, Owner: q.actor().Name, Questions: len(t.Answers), Source: src}
	if err := s.cfg.Store.SaveTemplate(ctx, q.actor(), st); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, st)
	return nil
}
