package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/awaf/awaf"
)

// decode reads one JSON value from the body, refusing unknown fields and trailing
// data so that typos do not pass silently, and text that is not text (checkJSONText).
func decode(r *http.Request, v any) error {
	raw, err := io.ReadAll(r.Body) // bounded by limitBody
	if err != nil {
		return err
	}
	if err := checkJSONText(raw); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return awaf.Errorf(awaf.EINVALID, "request body: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return awaf.Errorf(awaf.EINVALID, "request body: more than one JSON value")
	}
	return nil
}

type workloadBody struct {
	awaf.Workload
	Profile awaf.Profile `json:"profile"`
	Version int64        `json:"version"`
	// Lens picks the lens of a new workload by id (its current version); updates
	// ignore it, since a workload moves to another version only by an upgrade.
	Lens awaf.LensRef `json:"lens"`
	// Template names a review template whose latest version a new workload starts
	// from; updates ignore it.
	Template string `json:"template,omitempty"`
}

// apiWorkloads lists what the caller may see: a token its one workload, a person
// their memberships, an administrator everything.
func (s *Server) apiWorkloads(w http.ResponseWriter, r *http.Request, q *request) error {
	var ws []awaf.WorkloadRecord
	if q.token != nil {
		wl, err := s.cfg.Store.Workload(r.Context(), q.token.WorkloadID)
		if err != nil {
			return err
		}
		ws = append(ws, *wl)
	} else {
		uid := q.user.ID
		if q.user.Admin {
			uid = 0
		}
		var err error
		if ws, err = s.cfg.Store.Workloads(r.Context(), uid); err != nil {
			return err
		}
	}
	if ws == nil {
		ws = []awaf.WorkloadRecord{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"workloads": ws})
	return nil
}

func (s *Server) apiCreateWorkload(w http.ResponseWriter, r *http.Request, q *request) error {
	var b workloadBody
	if err := decode(r, &b); err != nil {
		return err
	}
	if err := checkProfile(b.Profile); err != nil {
		return err
	}
	rec, applied, err := s.newWorkloadFrom(r.Context(), q, b.Workload, b.Lens.ID, b.Template)
	if err != nil {
		return err
	}
	if len(b.Profile.Kinds) > 0 || b.Profile.Criticality != "" {
		rec.Profile = b.Profile
		if err := s.cfg.Store.UpdateWorkload(r.Context(), q.actor(), rec); err != nil {
			return err
		}
	}
	if applied == nil {
		writeJSON(w, http.StatusCreated, rec)
		return nil
	}
	writeJSON(w, http.StatusCreated, struct {
		*awaf.WorkloadRecord
		Template *templateResult `json:"template"`
	}{rec, applied})
	return nil
}

func (s *Server) apiWorkload(w http.ResponseWriter, r *http.Request, q *request) error {
	writeJSON(w, http.StatusOK, q.workload)
	return nil
}

func (s *Server) apiSaveWorkload(w http.ResponseWriter, r *http.Request, q *request) error {
	var b workloadBody
	if err := decode(r, &b); err != nil {
		return err
	}
	if err := checkProfile(b.Profile); err != nil {
		return err
	}
	rec := *q.workload
	rec.Workload, rec.Profile, rec.Version = b.Workload, b.Profile, b.Version
	if err := s.cfg.Store.UpdateWorkload(r.Context(), q.actor(), &rec); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rec)
	return nil
}

// checkProfile validates a profile sent as JSON by the same rules as the form.
func checkProfile(p awaf.Profile) error {
	f := map[string][]string{"criticality": {string(p.Criticality)}, "sensitivity": {string(p.Sensitivity)}, "exposure": {string(p.Exposure)}}
	for _, k := range p.Kinds {
		f["kind"] = append(f["kind"], string(k))
	}
	for _, c := range p.Components {
		f["component"] = append(f["component"], string(c))
	}
	for _, x := range p.Priorities {
		f["priority"] = append(f["priority"], string(x))
	}
	_, err := profileFromForm(f)
	return err
}

func (s *Server) apiAnswers(w http.ResponseWriter, r *http.Request, q *request) error {
	as, err := s.cfg.Store.Answers(r.Context(), q.workload.ID)
	if err != nil {
		return err
	}
	if as == nil {
		as = []awaf.StoredAnswer{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"answers": as})
	return nil
}

// answerBody is an answer with the version it was based on: 0 for a new answer, -1
// to overwrite whatever is there.
type answerBody struct {
	Selected      []string            `json:"selected"`
	NotApplicable *awaf.NotApplicable `json:"notApplicable"`
	Note          string              `json:"note"`
	Evidence      []awaf.Evidence     `json:"evidence"`
	Version       int64               `json:"version"`
}

func (s *Server) apiPutAnswer(w http.ResponseWriter, r *http.Request, q *request) error {
	var b answerBody
	if err := decode(r, &b); err != nil {
		return err
	}
	l, err := s.lensFor(r.Context(), q.workload.Lens)
	if err != nil {
		return err
	}
	a := awaf.Answer{Question: r.PathValue("question"), Selected: b.Selected, NotApplicable: b.NotApplicable, Note: b.Note, Evidence: b.Evidence}
	if err := checkAnswer(l, &a); err != nil {
		return err
	}
	// Saving what is already stored succeeds without a new version, so that an
	// autosave and a form post of the same edit do not conflict with each other.
	stored, err := s.cfg.Store.Answers(r.Context(), q.workload.ID)
	if err != nil {
		return err
	}
	for _, sa := range stored {
		if sa.Question == a.Question && sameAnswer(sa.Answer, a) && len(a.Evidence) == 0 {
			writeJSON(w, http.StatusOK, sa)
			return nil
		}
	}
	sa, err := s.cfg.Store.PutAnswer(r.Context(), q.actor(), q.workload.ID, a, b.Version)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sa)
	return nil
}

func (s *Server) apiResult(w http.ResponseWriter, r *http.Request, q *request) error {
	ev, err := s.evaluateWorkload(r.Context(), q.workload.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ev.Result)
	return nil
}

func (s *Server) apiMilestones(w http.ResponseWriter, r *http.Request, q *request) error {
	ms, err := s.cfg.Store.Milestones(r.Context(), q.workload.ID)
	if err != nil {
		return err
	}
	type summary struct {
		ID        int64  `json:"id"`
		Name      string `json:"name"`
		CreatedBy string `json:"createdBy"`
		Created   string `json:"created"`
	}
	out := []summary{}
	for _, m := range ms {
		out = append(out, summary{ID: m.ID, Name: m.Name, CreatedBy: m.CreatedBy, Created: m.Created.Format("2006-01-02T15:04:05Z07:00")})
	}
	writeJSON(w, http.StatusOK, map[string]any{"milestones": out})
	return nil
}

func (s *Server) apiCreateMilestone(w http.ResponseWriter, r *http.Request, q *request) error {
	var b struct {
		Name string `json:"name"`
	}
	if err := decode(r, &b); err != nil {
		return err
	}
	m, err := s.cfg.Store.CreateMilestone(r.Context(), q.actor(), q.workload.ID, b.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}

func (s *Server) apiMilestone(w http.ResponseWriter, r *http.Request, q *request) error {
	id, err := strconv.ParseInt(r.PathValue("milestone"), 10, 64)
	if err != nil {
		return awaf.Errorf(awaf.ENOTFOUND, "milestone not found")
	}
	m, err := s.cfg.Store.Milestone(r.Context(), q.workload.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) apiCompare(w http.ResponseWriter, r *http.Request, q *request) error {
	c, _, err := s.comparison(r, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiPlan(w http.ResponseWriter, r *http.Request, q *request) error {
	ev, byKey, err := s.planTracking(r.Context(), q.workload.ID)
	if err != nil {
		return err
	}
	type row struct {
		awaf.Recommendation
		Tracking *awaf.RemediationItem `json:"tracking,omitempty"`
	}
	out := []row{}
	for _, rec := range ev.Result.Plan {
		rw := row{Recommendation: rec}
		if it, ok := byKey[rec.Question+"/"+rec.Choice]; ok {
			rw.Tracking = &it
		}
		out = append(out, rw)
	}
	writeJSON(w, http.StatusOK, map[string]any{"plan": out})
	return nil
}

func (s *Server) apiPutPlanItem(w http.ResponseWriter, r *http.Request, q *request) error {
	var b struct {
		Owner   string          `json:"owner"`
		Status  awaf.PlanStatus `json:"status"`
		Reason  string          `json:"reason"`
		Version int64           `json:"version"`
	}
	if err := decode(r, &b); err != nil {
		return err
	}
	it := awaf.RemediationItem{WorkloadID: q.workload.ID, Question: r.PathValue("question"), Choice: r.PathValue("choice"),
		Owner: b.Owner, Status: b.Status, Reason: b.Reason}
	if err := s.checkPlanItem(r.Context(), q, it); err != nil {
		return err
	}
	out, err := s.cfg.Store.PutPlanItem(r.Context(), q.actor(), it, b.Version)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiAccess(w http.ResponseWriter, r *http.Request, q *request) error {
	ms, err := s.cfg.Store.Memberships(r.Context(), q.workload.ID)
	if err != nil {
		return err
	}
	ts, err := s.cfg.Store.Tokens(r.Context(), q.workload.ID)
	if err != nil {
		return err
	}
	if ms == nil {
		ms = []awaf.Membership{}
	}
	if ts == nil {
		ts = []awaf.Token{}
	}
	admins, err := s.admins(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"members": ms, "admins": admins, "tokens": ts})
	return nil
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request, q *request) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	es, err := s.cfg.Store.AuditEvents(r.Context(), awaf.AuditFilter{WorkloadID: q.workload.ID, BeforeID: before, Limit: limit})
	if err != nil {
		return err
	}
	if es == nil {
		es = []awaf.AuditEvent{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": es})
	return nil
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request, _ *request) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(openAPI)
	return err
}

func (s *Server) apiGrant(w http.ResponseWriter, r *http.Request, q *request) error {
	var b struct {
		Email string    `json:"email"`
		Role  awaf.Role `json:"role"`
	}
	if err := decode(r, &b); err != nil {
		return err
	}
	// The same answer whether or not the email has an account (grantByEmail).
	if err := s.grantByEmail(r.Context(), q, b.Email, b.Role); err != nil {
		return err
	}
	return s.apiAccess(w, r, q)
}

func (s *Server) apiRevoke(w http.ResponseWriter, r *http.Request, q *request) error {
	uid, err := strconv.ParseInt(r.PathValue("user"), 10, 64)
	if err != nil {
		return awaf.Errorf(awaf.ENOTFOUND, "no such member")
	}
	if err := s.cfg.Store.Revoke(r.Context(), q.actor(), q.workload.ID, uid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiCreateToken returns the new token's secret in the response, the only time it is
// ever sent.
func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request, q *request) error {
	var b struct {
		Name string    `json:"name"`
		Role awaf.Role `json:"role"`
		Days int       `json:"days"`
	}
	if err := decode(r, &b); err != nil {
		return err
	}
	if b.Days < 0 || b.Days > 3650 {
		return awaf.Errorf(awaf.EINVALID, "days must be from 0 (no expiry) to 3650")
	}
	secret, t, err := s.cfg.Auth.NewToken(r.Context(), q.actor(), q.workload.ID, b.Name, b.Role, time.Duration(b.Days)*24*time.Hour)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": t, "secret": secret})
	return nil
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request, q *request) error {
	id, err := strconv.ParseInt(r.PathValue("token"), 10, 64)
	if err != nil {
		return awaf.Errorf(awaf.ENOTFOUND, "no such token")
	}
	if err := s.cfg.Store.RevokeToken(r.Context(), q.actor(), q.workload.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiUploadEvidence takes the body as the file: the JSON of `awaf scan --format json`
// or an awaf.yaml filled by `awaf scan --answers`, told apart by content. The name
// query parameter names the file in error messages.
func (s *Server) apiUploadEvidence(w http.ResponseWriter, r *http.Request, q *request) error {
	data, err := io.ReadAll(io.LimitReader(r.Body, s.cfg.MaxEvidence+1))
	if err != nil {
		return tooLarge(err, s.cfg.MaxEvidence)
	}
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "body"
	}
	up, err := s.recordEvidence(r.Context(), q, name, data)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, up)
	return nil
}
