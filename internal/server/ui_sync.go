package server

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/backlog"
)

// syncPage is the backlog sync page: connections, plan items with their work items,
// conflicts, and the push and pull forms.
type syncPage struct {
	SealKey     bool
	Connections []awaf.TrackerConnection
	Rows        []syncRow
	Push        *pushResult
	Pull        *pullResult
}

type syncRow struct {
	Key  string
	Item backlog.Item
	Link *awaf.WorkItemLink
}

// ConnName names a connection for the table.
func (d syncPage) ConnName(id int64) string {
	for _, c := range d.Connections {
		if c.ID == id {
			return c.Kind + " " + c.Project
		}
	}
	return "disconnected"
}

func (s *Server) syncPage(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.showSync(w, r, q, http.StatusOK, "", "", nil, nil)
}

func (s *Server) showSync(w http.ResponseWriter, r *http.Request, q *request, st int, flash, msg string, push *pushResult, pull *pullResult) error {
	ctx := r.Context()
	cs, err := s.cfg.Store.Connections(ctx, q.workload.ID)
	if err != nil {
		return err
	}
	items, err := s.backlogItems(ctx, q.workload.ID)
	if err != nil {
		return err
	}
	links, err := s.cfg.Store.WorkItemLinks(ctx, q.workload.ID)
	if err != nil {
		return err
	}
	byKey := map[string]*awaf.WorkItemLink{}
	for i := range links {
		byKey[links[i].Question+"/"+links[i].Choice] = &links[i]
	}
	d := syncPage{SealKey: s.cfg.Sealer != nil, Connections: cs, Push: push, Pull: pull}
	for _, it := range items {
		key := it.Question + "/" + it.Choice
		d.Rows = append(d.Rows, syncRow{Key: key, Item: it, Link: byKey[key]})
	}
	p := pageFor(q, "Backlog sync", "plan")
	p.CSRF, p.Data, p.Flash, p.Error = q.csrf(), d, flash, msg
	return s.renderStatus(w, r, st, "sync", p)
}

// failSync shows the page again with an error a person can act on.
func (s *Server) failSync(w http.ResponseWriter, r *http.Request, q *request, err error) error {
	if c := awaf.ErrorCode(err); c == awaf.EINVALID || c == awaf.ENOTFOUND || c == awaf.ECONFLICT {
		return s.showSync(w, r, q, http.StatusBadRequest, "", awaf.ErrorMessage(err), nil, nil)
	}
	return err
}

func (s *Server) connectForm(w http.ResponseWriter, r *http.Request, q *request) error {
	in := connectInput{Kind: r.PostFormValue("kind"), BaseURL: r.PostFormValue("baseUrl"), Project: r.PostFormValue("project"),
		WorkItemType: r.PostFormValue("workItemType"), User: r.PostFormValue("user"), Token: r.PostFormValue("token")}
	c, err := s.connect(r.Context(), q.actor(), q.workload.ID, in)
	if err != nil {
		return s.failSync(w, r, q, err)
	}
	return s.showSync(w, r, q, http.StatusOK, fmt.Sprintf("Connected %s %s. The token is stored encrypted and will not be shown again.", c.Kind, c.Project), "", nil, nil)
}

func (s *Server) disconnectForm(w http.ResponseWriter, r *http.Request, q *request) error {
	c, err := s.connectionParam(r.Context(), q.workload.ID, r.PathValue("conn"))
	if err != nil {
		return s.failSync(w, r, q, err)
	}
	if err := s.cfg.Store.DeleteConnection(r.Context(), q.actor(), q.workload.ID, c.ID); err != nil {
		return s.failSync(w, r, q, err)
	}
	return s.showSync(w, r, q, http.StatusOK, "Disconnected "+c.Kind+" "+c.Project+".", "", nil, nil)
}

func (s *Server) pushForm(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := r.ParseForm(); err != nil {
		return awaf.Errorf(awaf.EINVALID, "bad form")
	}
	c, err := s.connectionParam(r.Context(), q.workload.ID, r.PostFormValue("connection"))
	if err != nil {
		return s.failSync(w, r, q, err)
	}
	res, err := s.push(r.Context(), q.actor(), c, r.PostForm["item"])
	if err != nil {
		return s.failSync(w, r, q, err)
	}
	msg := fmt.Sprintf("Pushed %d plan items to %s %s.", len(res.Pushed), c.Kind, c.Project)
	if len(res.Failed) > 0 {
		msg += fmt.Sprintf(" %d failed.", len(res.Failed))
	}
	return s.showSync(w, r, q, http.StatusOK, msg, "", res, nil)
}

func (s *Server) pullForm(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx := r.Context()
	cs, err := s.cfg.Store.Connections(ctx, q.workload.ID)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		return s.failSync(w, r, q, awaf.Errorf(awaf.EINVALID, "connect a tracker first"))
	}
	total := &pullResult{}
	var errs []string
	for i := range cs {
		res, err := s.pull(ctx, q.actor(), &cs[i])
		if err != nil {
			if c := awaf.ErrorCode(err); c != awaf.EINVALID {
				return err
			}
			errs = append(errs, awaf.ErrorMessage(err))
			continue
		}
		total.Checked += res.Checked
		total.Updated = append(total.Updated, res.Updated...)
		total.Conflicts = append(total.Conflicts, res.Conflicts...)
		total.Missing = append(total.Missing, res.Missing...)
	}
	flash := fmt.Sprintf("Checked %d work items: %d plan items updated, %d conflicts.", total.Checked, len(total.Updated), len(total.Conflicts))
	st := http.StatusOK
	if len(errs) > 0 {
		st = http.StatusBadGateway
	}
	return s.showSync(w, r, q, st, flash, strings.Join(errs, "; "), nil, total)
}
