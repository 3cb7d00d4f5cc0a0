package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/lensdiff"
)

// A workload records the lens id and version it was assessed on. When the server's
// lens of that id has another version, the workload is outdated: its owner may
// upgrade it, which keeps the answers whose ids survive, moves the selections of
// choices the new version merged or moved (its replaces mapping), drops the others,
// and first takes a milestone of the answers as they were, as the AWS tool does.

// auditLensUpgrade is the audit action of an upgrade; the store also records the
// milestone, every changed answer and the workload's new lens on their own.
const auditLensUpgrade = "lens.upgrade"

// lensState is where a workload's lens stands against the server's.
type lensState struct {
	Current  awaf.LensRef `json:"current"` // what the workload records
	Latest   awaf.LensRef `json:"latest"`  // what the server has under that id
	Outdated bool         `json:"outdated"`
}

func lensRef(l *awaf.Lens) awaf.LensRef { return awaf.LensRef{ID: l.ID, Version: l.Version} }

// lensState compares the workload's lens with the server's. A lens the server no
// longer has is not "outdated": there is nothing to upgrade to.
func (s *Server) lensState(ctx context.Context, rec *awaf.WorkloadRecord) (lensState, *awaf.Lens) {
	st := lensState{Current: rec.Lens}
	l, err := s.latestLens(ctx, rec.Lens.ID)
	if err != nil {
		return st, nil
	}
	st.Latest = lensRef(l)
	st.Outdated = rec.Lens.Version != "" && rec.Lens.Version != l.Version
	return st, l
}

// upgradeReport is what an upgrade did, or would do (a preview has no milestone).
type upgradeReport struct {
	From         awaf.LensRef       `json:"from"`
	To           awaf.LensRef       `json:"to"`
	Kept         int                `json:"kept"`
	Moved        []lensdiff.Move    `json:"moved"`
	Dropped      []lensdiff.Dropped `json:"dropped"`
	NewQuestions []string           `json:"newQuestions"`
	NewChoices   []string           `json:"newChoices"`
	Milestone    *milestoneRef      `json:"milestone,omitempty"`
}

type milestoneRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func reportOf(u *lensdiff.Upgrade) *upgradeReport {
	r := &upgradeReport{From: u.From, To: u.To, Kept: u.Kept, Moved: u.Moved, Dropped: u.Dropped, NewQuestions: u.NewQuestions, NewChoices: u.NewChoices}
	if r.Moved == nil {
		r.Moved = []lensdiff.Move{}
	}
	if r.Dropped == nil {
		r.Dropped = []lensdiff.Dropped{}
	}
	if r.NewQuestions == nil {
		r.NewQuestions = []string{}
	}
	if r.NewChoices == nil {
		r.NewChoices = []string{}
	}
	return r
}

// empty reports whether a stored answer holds nothing: the rows an upgrade leaves for
// dropped answers (the store has no delete), which carry nothing to report.
func empty(a awaf.Answer) bool {
	return !a.Answered() && a.Note == "" && len(a.Evidence) == 0
}

// carry moves the stored answers onto l with internal/lensdiff. from is the version
// the workload is on when the server still has it (an uploaded lens keeps every
// version); without it lensdiff cannot tell new questions from unanswered ones, and
// NewQuestions lists the unanswered questions of l.
func carry(rec *awaf.WorkloadRecord, stored []awaf.StoredAnswer, from, l *awaf.Lens) (*awaf.Assessment, *lensdiff.Upgrade) {
	a := &awaf.Assessment{Lens: rec.Lens, Workload: rec.Workload, Profile: rec.Profile}
	for _, sa := range stored {
		if !empty(sa.Answer) {
			a.Answers = append(a.Answers, sa.Answer)
		}
	}
	return lensdiff.Carry(a, from, l)
}

// previewUpgrade tells what an upgrade would keep and drop, without changing anything.
func (s *Server) previewUpgrade(ctx context.Context, rec *awaf.WorkloadRecord, l *awaf.Lens) (*upgradeReport, error) {
	stored, err := s.cfg.Store.Answers(ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	_, u := carry(rec, stored, s.exactLens(ctx, rec.Lens), l)
	return reportOf(u), nil
}

// upgradeLens takes a milestone, rewrites the answers that change, and moves the
// workload to the server's lens version, in one transaction (Store.UpgradeLens). Each
// write checks the version read here: a colleague's concurrent edit stops the upgrade
// with a conflict and nothing changed, instead of being overwritten.
func (s *Server) upgradeLens(ctx context.Context, q *request) (*upgradeReport, error) {
	rec, err := s.cfg.Store.Workload(ctx, q.workload.ID)
	if err != nil {
		return nil, err
	}
	st, l := s.lensState(ctx, rec)
	if l == nil {
		return nil, awaf.Errorf(awaf.EINVALID, "this server has no lens %q to upgrade to", rec.Lens.ID)
	}
	if !st.Outdated {
		return nil, awaf.Errorf(awaf.ECONFLICT, "the workload is already on %s %s", l.ID, l.Version)
	}
	stored, err := s.cfg.Store.Answers(ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	carried, u := carry(rec, stored, s.exactLens(ctx, rec.Lens), l)
	keep := map[string]awaf.Answer{}
	for _, a := range carried.Answers {
		keep[a.Question] = a
	}
	var puts []awaf.AnswerPut
	had := map[string]bool{}
	for _, sa := range stored {
		had[sa.Question] = true
		next, ok := keep[sa.Question]
		if !ok {
			if empty(sa.Answer) {
				continue
			}
			next = awaf.Answer{Question: sa.Question}
		}
		if reflect.DeepEqual(next, sa.Answer) {
			continue
		}
		puts = append(puts, awaf.AnswerPut{Answer: next, Version: sa.Version})
	}
	// Selections the mapping moved into a question the workload had not answered make
	// a new answer there (version 0: a colleague answering it meanwhile is a conflict).
	for _, a := range carried.Answers {
		if !had[a.Question] {
			puts = append(puts, awaf.AnswerPut{Answer: a, Version: 0})
		}
	}
	// The milestone, the answers and the new lens are stored in one transaction: a
	// concurrent edit stops the upgrade with nothing changed.
	from := rec.Lens
	rec.Lens = lensRef(l)
	m, err := s.cfg.Store.UpgradeLens(ctx, q.actor(), rec, fmt.Sprintf("Before upgrade to %s %s", l.ID, l.Version), puts)
	if err != nil {
		if awaf.ErrorCode(err) == awaf.ECONFLICT {
			return nil, awaf.Errorf(awaf.ECONFLICT, "%s Nothing was changed; try the upgrade again.", awaf.ErrorMessage(err))
		}
		return nil, err
	}
	rep := reportOf(u)
	rep.From = from
	rep.Milestone = &milestoneRef{ID: m.ID, Name: m.Name}
	before, _ := json.Marshal(map[string]any{"lens": from})
	after, _ := json.Marshal(rep)
	if err := s.cfg.Store.AppendAudit(ctx, awaf.AuditEvent{Actor: q.actor(), WorkloadID: rec.ID, Action: auditLensUpgrade,
		Target: l.ID, Before: before, After: after}); err != nil {
		return nil, err
	}
	q.workload = rec
	return rep, nil
}

// upgradeLensForm is the owner's button on the workload page.
func (s *Server) upgradeLensForm(w http.ResponseWriter, r *http.Request, q *request) error {
	rep, err := s.upgradeLens(r.Context(), q)
	if err != nil {
		if c := awaf.ErrorCode(err); c == awaf.ECONFLICT || c == awaf.EINVALID {
			return s.showWorkloadWith(w, r, q, status(c), awaf.ErrorMessage(err), "", nil)
		}
		return err
	}
	flash := fmt.Sprintf("Upgraded to %s %s: kept %d answer(s), moved %d selection(s), dropped %d, %d question(s) to answer. The answers before the upgrade are in milestone %q.",
		rep.To.ID, rep.To.Version, rep.Kept, len(rep.Moved), len(rep.Dropped), len(rep.NewQuestions), rep.Milestone.Name)
	return s.showWorkloadWith(w, r, q, http.StatusOK, "", flash, rep)
}

func (s *Server) apiLens(w http.ResponseWriter, r *http.Request, q *request) error {
	st, l := s.lensState(r.Context(), q.workload)
	out := struct {
		lensState
		Preview *upgradeReport `json:"preview,omitempty"`
	}{lensState: st}
	if st.Outdated {
		p, err := s.previewUpgrade(r.Context(), q.workload, l)
		if err != nil {
			return err
		}
		out.Preview = p
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiUpgradeLens(w http.ResponseWriter, r *http.Request, q *request) error {
	rep, err := s.upgradeLens(r.Context(), q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}
