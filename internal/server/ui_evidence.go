package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/scan"
)

// evidenceSource is what `awaf scan` writes in Evidence.Source.
const evidenceSource = scan.EvidenceSource

// proposal is a practice the scan evidence supports on a question nobody answered.
type proposal struct {
	Question string `json:"question"`
	Title    string `json:"title"`
	Choice   string `json:"choice"`
	Choice2  string `json:"choiceTitle"`
	Summary  string `json:"summary"`
	Version  int64  `json:"version"` // of the stored answer, to send when confirming
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
	l, err := s.lensFor(r.Context(), q.workload.Lens)
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

// uploadEvidence records scan evidence on the stored answers from either file that
// `awaf scan` writes: its JSON report (--format json) or an answers file it filled
// (--answers awaf.yaml). Selections, notes and not-applicable marks stay as the team
// wrote them; the proposals are listed on the page to confirm one by one.
func (s *Server) uploadEvidence(w http.ResponseWriter, r *http.Request, q *request) error {
	f, hdr, err := r.FormFile("file")
	if err != nil {
		if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
			return s.showEvidence(w, r, q, http.StatusBadRequest, "", "Choose the JSON that `awaf scan --format json` wrote, or the awaf.yaml that `awaf scan --answers` filled.")
		}
		return tooLarge(err, s.cfg.MaxEvidence)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, s.cfg.MaxEvidence+1))
	if err != nil {
		return tooLarge(err, s.cfg.MaxEvidence)
	}
	up, err := s.recordEvidence(r.Context(), q, hdr.Filename, data)
	if err != nil {
		if c := awaf.ErrorCode(err); c == awaf.EINVALID || c == awaf.ECONFLICT || c == awaf.ETOOLARGE {
			return s.showEvidence(w, r, q, status(c), "", awaf.ErrorMessage(err))
		}
		return err
	}
	return s.showEvidence(w, r, q, http.StatusOK, up.message(), "")
}

// tooLarge turns the body limit's error into a clear one.
func tooLarge(err error, limit int64) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return awaf.Errorf(awaf.ETOOLARGE, "the upload is larger than %d bytes", limit)
	}
	return awaf.Errorf(awaf.EINVALID, "read the upload: %v", err)
}

// evidenceUpload is what an upload did.
type evidenceUpload struct {
	Format    string     `json:"format"` // "scan-json" or "answers"
	Recorded  int        `json:"recorded"`
	Unmatched []string   `json:"unmatchedRules,omitempty"`
	Proposals []proposal `json:"proposals"`
}

func (u *evidenceUpload) message() string {
	msg := fmt.Sprintf("Recorded scan evidence on %d question(s).", u.Recorded)
	if len(u.Unmatched) > 0 {
		msg += fmt.Sprintf(" %d rule(s) name no choice of this workload's lens.", len(u.Unmatched))
	}
	return msg
}

// recordEvidence reads an upload, tells its format from its content, and records the
// evidence.
func (s *Server) recordEvidence(ctx context.Context, q *request, name string, data []byte) (*evidenceUpload, error) {
	if int64(len(data)) > s.cfg.MaxEvidence {
		return nil, awaf.Errorf(awaf.ETOOLARGE, "%s is larger than %d bytes", name, s.cfg.MaxEvidence)
	}
	if name == "" {
		name = "upload"
	}
	l, err := s.lensFor(ctx, q.workload.Lens)
	if err != nil {
		return nil, err
	}
	var up *evidenceUpload
	if isScanJSON(data) {
		res, err := parseScanJSON(name, data)
		if err != nil {
			return nil, err
		}
		if up, err = s.recordScan(ctx, q, l, res); err != nil {
			return nil, err
		}
	} else {
		if len(data) > answers.MaxSize {
			return nil, awaf.Errorf(awaf.ETOOLARGE, "%s is larger than %d bytes", name, answers.MaxSize)
		}
		file, err := answers.Parse(name, data)
		if err != nil {
			return nil, awaf.Errorf(awaf.EINVALID, "%s", err.Error())
		}
		if up, err = s.recordAnswersEvidence(ctx, q, l, file); err != nil {
			return nil, err
		}
	}
	stored, err := s.cfg.Store.Answers(ctx, q.workload.ID)
	if err != nil {
		return nil, err
	}
	up.Proposals, _ = proposals(l, stored)
	if up.Proposals == nil {
		up.Proposals = []proposal{}
	}
	return up, nil
}

// recordScan attaches a scan report's findings with scan.Attach, the code `awaf scan
// --answers` runs, and stores every answer whose scan evidence was or is now there.
func (s *Server) recordScan(ctx context.Context, q *request, l *awaf.Lens, res []scan.Outcome) (*evidenceUpload, error) {
	stored, err := s.cfg.Store.Answers(ctx, q.workload.ID)
	if err != nil {
		return nil, err
	}
	a := &awaf.Assessment{Lens: q.workload.Lens}
	version := map[string]int64{}
	had := map[string]bool{}
	for _, sa := range stored {
		a.Answers = append(a.Answers, sa.Answer)
		version[sa.Question] = sa.Version
		had[sa.Question] = hasScanEvidence(sa.Evidence)
	}
	scan.Attach(a, l, res, s.cfg.Now())
	up := &evidenceUpload{Format: "scan-json"}
	var puts []awaf.AnswerPut
	for _, ans := range a.Answers {
		now := hasScanEvidence(ans.Evidence)
		if !now && !had[ans.Question] {
			continue
		}
		puts = append(puts, awaf.AnswerPut{Answer: ans, Version: version[ans.Question]})
		if now {
			up.Recorded++
		}
	}
	if err := s.putEvidence(ctx, q, puts); err != nil {
		return nil, err
	}
	inLens := map[string]bool{}
	for _, qq := range l.Questions {
		for _, c := range qq.Choices {
			inLens[c.ID] = true
		}
	}
	seen := map[string]bool{}
	for _, f := range res {
		if seen[f.Rule] {
			continue
		}
		seen[f.Rule] = true
		if !slices.ContainsFunc(f.Choices, func(c string) bool { return inLens[c] }) {
			up.Unmatched = append(up.Unmatched, f.Rule)
		}
	}
	return up, nil
}

func hasScanEvidence(es []awaf.Evidence) bool {
	return slices.ContainsFunc(es, func(e awaf.Evidence) bool { return e.Source == evidenceSource })
}

// recordAnswersEvidence copies the scan evidence of an answers file onto the stored
// answers of the questions it covers.
func (s *Server) recordAnswersEvidence(ctx context.Context, q *request, l *awaf.Lens, file *answers.File) (*evidenceUpload, error) {
	stored, err := s.cfg.Store.Answers(ctx, q.workload.ID)
	if err != nil {
		return nil, err
	}
	byQ := map[string]awaf.StoredAnswer{}
	for _, sa := range stored {
		byQ[sa.Question] = sa
	}
	up := &evidenceUpload{Format: "answers"}
	var puts []awaf.AnswerPut
	for _, fa := range file.Answers {
		var ev []awaf.Evidence
		for _, e := range fa.Evidence {
			if e.Source == evidenceSource {
				ev = append(ev, e)
			}
		}
		qq, ok := l.Question(fa.Question)
		if len(ev) == 0 || !ok {
			continue
		}
		ev = slices.DeleteFunc(ev, func(e awaf.Evidence) bool { _, ok := qq.Choice(e.Choice); return !ok })
		cur := byQ[fa.Question]
		a := cur.Answer
		a.Question = fa.Question
		a.Evidence = append(slices.DeleteFunc(slices.Clone(a.Evidence), func(e awaf.Evidence) bool { return e.Source == evidenceSource }), ev...)
		puts = append(puts, awaf.AnswerPut{Answer: a, Version: cur.Version})
		up.Recorded++
	}
	if err := s.putEvidence(ctx, q, puts); err != nil {
		return nil, err
	}
	return up, nil
}

// putEvidence stores the answers an upload changes in one transaction: an upload
// that meets a concurrent edit stores nothing and can simply be sent again.
func (s *Server) putEvidence(ctx context.Context, q *request, puts []awaf.AnswerPut) error {
	if len(puts) == 0 {
		return nil
	}
	if _, err := s.cfg.Store.PutAnswers(ctx, q.actor(), q.workload.ID, puts); err != nil {
		if awaf.ErrorCode(err) == awaf.ECONFLICT {
			return awaf.Errorf(awaf.ECONFLICT, "%s Nothing was recorded; upload the file again.", awaf.ErrorMessage(err))
		}
		return err
	}
	return nil
}

// confirmProposal selects a proposed choice on its question.
func (s *Server) confirmProposal(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx := r.Context()
	l, err := s.lensFor(r.Context(), q.workload.Lens)
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
