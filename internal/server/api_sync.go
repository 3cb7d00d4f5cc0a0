package server

import (
	"net/http"

	"github.com/awaf/awaf"
)

// The backlog sync API. No route returns a token, sealed or not: TrackerConnection
// does not serialize it.

func (s *Server) apiConnections(w http.ResponseWriter, r *http.Request, q *request) error {
	cs, err := s.cfg.Store.Connections(r.Context(), q.workload.ID)
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []awaf.TrackerConnection{}
	}
	writeJSON(w, http.StatusOK, cs)
	return nil
}

func (s *Server) apiConnect(w http.ResponseWriter, r *http.Request, q *request) error {
	var in connectInput
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.connect(r.Context(), q.actor(), q.workload.ID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) apiDisconnect(w http.ResponseWriter, r *http.Request, q *request) error {
	c, err := s.connectionParam(r.Context(), q.workload.ID, r.PathValue("conn"))
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteConnection(r.Context(), q.actor(), q.workload.ID, c.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiWorkItems(w http.ResponseWriter, r *http.Request, q *request) error {
	ls, err := s.cfg.Store.WorkItemLinks(r.Context(), q.workload.ID)
	if err != nil {
		return err
	}
	if ls == nil {
		ls = []awaf.WorkItemLink{}
	}
	writeJSON(w, http.StatusOK, ls)
	return nil
}

func (s *Server) apiPush(w http.ResponseWriter, r *http.Request, q *request) error {
	var in struct {
		Connection int64    `json:"connection"`
		Items      []string `json:"items"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Connection <= 0 {
		return awaf.Errorf(awaf.EINVALID, "name the connection to push to")
	}
	c, err := s.cfg.Store.Connection(r.Context(), q.workload.ID, in.Connection)
	if err != nil {
		return err
	}
	res, err := s.push(r.Context(), q.actor(), c, in.Items)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) apiPull(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx := r.Context()
	cs, err := s.cfg.Store.Connections(ctx, q.workload.ID)
	if err != nil {
		return err
	}
	out := map[int64]*pullResult{}
	for i := range cs {
		res, err := s.pull(ctx, q.actor(), &cs[i])
		if err != nil {
			return err
		}
		out[cs[i].ID] = res
	}
	writeJSON(w, http.StatusOK, map[string]any{"connections": out})
	return nil
}
