package server

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
)

// evidenceSource is what `awaf scan` writes in Evidence.Source.
const evidenceSource = "scan"

// proposal is a practice the scan evidence supports on a question nobody answered.
type proposal struct {
	Question string
	Title    string
	Choice   string
	Choice2  string // choice title
	Summary  string
	Version  int64
}

type evidenceData struct {
	Proposals []proposal
	WithScan  int // answers carrying scan evidence
}

func (s *Server) evidencePage(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.showEvidence(w, r, q, http.StatusOK, "", "")
}

// proposals lists, for questions without selections or N/A, each choice whose scan
// evidence all passed. They are shown for people to confirm, never saved as answers.
func proposals(l *awaf.Lens, stored []awaf.StoredAnswer) ([]proposal, int) {
	var out []proposal
	with := 0
	for _, sa := range stored {
		passed := map[string]bool{}
		summary := map[string]string{}
		var order []string
		for _, e := range sa.Evidence {
			if e.Source != evidenceSource {
				continue
			}
			if _, seen := passed[e.Choice]; !seen {
				passed[e.Choice] = true
				order = append(order, e.Choice)
				summary[e.Choice] = e.Summary
			}
			passed[e.Choice] = passed[e.Choice] && e.Passed
		}
		if len(order) > 0 {
			with++
		}
		if sa.Answered() {
			continue
		}
		qq, ok := l.Question(sa.Question)
		if !ok {
			continue
		}
		for _, c := range order {
			ch, ok := qq.Choice(c)
			if !ok || !passed[c] {
				continue
			}
			out = append(out, proposal{Question: qq.ID, Title: qq.Title, Choice: c, Choice2: ch.Title, Summary: summary[c], Version: sa.Version})
		}
	}
	return out, with
}

func (s *Server) showEvidence(w http.ResponseWriter, r *http.Request, q *request, st int, flash, msg string) error {
	l, err := s.lensFor(q.workload.Lens)
	if err != nil {
		return err
	}
	stored, err := s.cfg.Store.Answers(r.Context(), q.workload.ID)
	if err != nil {
		return err
	}
	var d evidenceData
	d.Proposals, d.WithScan = proposals(l, stored)
	p := pageFor(q, "Evidence · "+q.workload.Name, "evidence")
	p.Data, p.Flash, p.Error = d, flash, msg
	return s.renderStatus(w, r, st, "evidence", p)
}

// uploadEvidence reads an answers file that `awaf scan --answers` filled with
// evidence and records that evidence on the stored answers. Selections, notes and
// not-applicable marks stay as the team wrote them.
func (s *Server) uploadEvidence(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx := r.Context()
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return s.showEvidence(w, r, q, http.StatusBadRequest, "", "Choose the awaf.yaml that `awaf scan --answers` wrote.")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, answers.MaxSize+1))
	if err != nil {
		return err
	}
	if len(data) > answers.MaxSize {
		return awaf.Errorf(awaf.ETOOLARGE, "the file is larger than %d bytes", answers.MaxSize)
	}
	file, err := answers.Parse(hdr.Filename, data)
	if err != nil {
		return s.showEvidence(w, r, q, http.StatusBadRequest, "", err.Error())
	}
	l, err := s.lensFor(q.workload.Lens)
	if err != nil {
		return err
	}
	stored, err := s.cfg.Store.Answers(ctx, q.workload.ID)
	if err != nil {
		return err
	}
	byQ := map[string]awaf.StoredAnswer{}
	for _, sa := range stored {
		byQ[sa.Question] = sa
	}
	recorded := 0
	for _, up := range file.Answers {
		var ev []awaf.Evidence
		for _, e := range up.Evidence {
			if e.Source == evidenceSource {
				ev = append(ev, e)
			}
		}
		qq, ok := l.Question(up.Question)
		if len(ev) == 0 || !ok {
			continue
		}
		ev = slices.DeleteFunc(ev, func(e awaf.Evidence) bool { _, ok := qq.Choice(e.Choice); return !ok })
		cur := byQ[up.Question]
		a := cur.Answer
		a.Question = up.Question
		a.Evidence = append(slices.DeleteFunc(slices.Clone(a.Evidence), func(e awaf.Evidence) bool { return e.Source == evidenceSource }), ev...)
		if _, err := s.cfg.Store.PutAnswer(ctx, q.actor(), q.workload.ID, a, cur.Version); err != nil {
			if awaf.ErrorCode(err) == awaf.ECONFLICT {
				return s.showEvidence(w, r, q, http.StatusConflict, "", awaf.ErrorMessage(err)+" Upload the file again.")
			}
			return err
		}
		recorded++
	}
	return s.showEvidence(w, r, q, http.StatusOK, fmt.Sprintf("Recorded scan evidence on %d question(s).", recorded), "")
}

// confirmProposal selects a proposed choice on its question.
func (s *Server) confirmProposal(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx := r.Context()
	l, err := s.lensFor(q.workload.Lens)
	if err != nil {
		return err
	}
	qid, choice := r.PostFormValue("question"), r.PostFormValue("choice")
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	stored, err := s.cfg.Store.Answers(ctx, q.workload.ID)
	if err != nil {
		return err
	}
	var cur awaf.StoredAnswer
	for _, sa := range stored {
		if sa.Question == qid {
			cur = sa
		}
	}
	a := cur.Answer
	a.Question = qid
	if !slices.Contains(a.Selected, choice) {
		a.Selected = append(slices.Clone(a.Selected), choice)
	}
	if err := checkAnswer(l, &a); err != nil {
		return s.showEvidence(w, r, q, status(awaf.ErrorCode(err)), "", awaf.ErrorMessage(err))
	}
	if _, err := s.cfg.Store.PutAnswer(ctx, q.actor(), q.workload.ID, a, version); err != nil {
		if awaf.ErrorCode(err) == awaf.ECONFLICT {
			return s.showEvidence(w, r, q, http.StatusConflict, "", awaf.ErrorMessage(err))
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/w/%d/evidence", q.workload.ID), http.StatusSeeOther)
	return nil
}
