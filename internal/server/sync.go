package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/backlog"
	"github.com/awaf/awaf/internal/tracker"
)

// Backlog sync: connections to trackers, pushing plan items as work items and pulling
// their state back. The logic here serves the pages, the API and the scheduled pull.

// errNoSealKey refuses connections when the server has no key to seal tokens with.
var errNoSealKey = awaf.Errorf(awaf.EINVALID, "backlog sync is off: tokens are stored encrypted, and this server has no key; start awaf serve with --seal-key-file FILE (or AWAF_SEAL_KEY_FILE / AWAF_SEAL_KEY)")

// connectInput is what people enter to connect a tracker.
type connectInput struct {
	Kind         string `json:"kind"`
	BaseURL      string `json:"baseUrl"`
	Project      string `json:"project"`
	WorkItemType string `json:"workItemType"`
	User         string `json:"user"`
	Token        string `json:"token"`
}

// sealContext binds a sealed token to its connection's workload and address: copied
// into another row, it does not open.
func sealContext(c *awaf.TrackerConnection) string {
	return fmt.Sprintf("tracker|%d|%s|%s|%s", c.WorkloadID, c.Kind, c.BaseURL, c.Project)
}

func (s *Server) connect(ctx context.Context, by awaf.Actor, workloadID int64, in connectInput) (*awaf.TrackerConnection, error) {
	if s.cfg.Sealer == nil {
		return nil, errNoSealKey
	}
	in.Kind, in.BaseURL, in.Project = strings.TrimSpace(in.Kind), strings.TrimRight(strings.TrimSpace(in.BaseURL), "/"), strings.TrimSpace(in.Project)
	in.Token = strings.TrimSpace(in.Token)
	if len(in.BaseURL) > 500 || len(in.Project) > 200 || len(in.Token) > 4096 || len(in.User) > 200 || len(in.WorkItemType) > 100 {
		return nil, awaf.Errorf(awaf.EINVALID, "a connection field is too long")
	}
	// The client checks the kind, the address and the project before anything is kept.
	if _, err := tracker.New(tracker.Config{Kind: tracker.Kind(in.Kind), BaseURL: in.BaseURL, Project: in.Project,
		WorkItemType: in.WorkItemType, User: in.User, Token: in.Token}, nil); err != nil {
		return nil, awaf.Errorf(awaf.EINVALID, "%s", strings.TrimPrefix(err.Error(), "tracker: "))
	}
	if err := s.publicTracker(ctx, in.BaseURL); err != nil {
		return nil, err
	}
	c := &awaf.TrackerConnection{WorkloadID: workloadID, Kind: in.Kind, BaseURL: in.BaseURL, Project: in.Project,
		WorkItemType: strings.TrimSpace(in.WorkItemType), User: strings.TrimSpace(in.User)}
	sealed, err := s.cfg.Sealer.Seal([]byte(in.Token), sealContext(c))
	if err != nil {
		return nil, fmt.Errorf("seal token: %w", err)
	}
	c.SealedToken = sealed
	if err := s.cfg.Store.CreateConnection(ctx, by, c); err != nil {
		return nil, err
	}
	return c, nil
}

// client opens a connection's token and returns its tracker client.
func (s *Server) client(ctx context.Context, c *awaf.TrackerConnection) (tracker.Client, error) {
	if s.cfg.Sealer == nil {
		return nil, errNoSealKey
	}
	if err := s.publicTracker(ctx, c.BaseURL); err != nil {
		return nil, err
	}
	tok, err := s.cfg.Sealer.Open(c.SealedToken, sealContext(c))
	if err != nil {
		return nil, awaf.Errorf(awaf.EINVALID, "connection %d: the token cannot be opened (%v); connect again", c.ID, err)
	}
	cl, err := tracker.New(tracker.Config{Kind: tracker.Kind(c.Kind), BaseURL: c.BaseURL, Project: c.Project,
		WorkItemType: c.WorkItemType, User: c.User, Token: string(tok)}, s.trackerHTTP())
	if err != nil {
		return nil, awaf.Errorf(awaf.EINVALID, "connection %d: %v", c.ID, err)
	}
	return cl, nil
}

// publicTracker refuses a tracker base URL whose host is not on the public internet
// (private, loopback, link-local...), unless the server allows them
// (Config.SyncAllowPrivate): it is checked when a connection is made and before every
// call, and the default client checks each address it connects to as well.
func (s *Server) publicTracker(ctx context.Context, base string) error {
	if s.cfg.SyncAllowPrivate {
		return nil
	}
	if err := tracker.CheckPublic(ctx, base, nil); err != nil {
		return awaf.Errorf(awaf.EINVALID, "%v: trackers must be on the public internet (start the server with --sync-allow-private to allow private addresses)", err)
	}
	return nil
}

// trackerHTTP is the client tracker calls go through.
func (s *Server) trackerHTTP() tracker.HTTPDoer {
	switch {
	case s.cfg.TrackerHTTP != nil:
		return s.cfg.TrackerHTTP
	case s.cfg.SyncAllowPrivate:
		return nil // the tracker package's default
	}
	return s.publicClient
}

// trackerError says what went wrong with a tracker in terms people can act on.
func trackerError(c *awaf.TrackerConnection, err error) error {
	if errors.Is(err, tracker.ErrAuth) {
		return awaf.Errorf(awaf.EINVALID, "%s %s: %v", c.Kind, c.Project, tracker.ErrAuth)
	}
	return awaf.Errorf(awaf.EINVALID, "%s %s: %v", c.Kind, c.Project, err)
}

// connectionParam reads a connection id from a path value or a form field.
func (s *Server) connectionParam(ctx context.Context, workloadID int64, v string) (*awaf.TrackerConnection, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return nil, awaf.Errorf(awaf.EINVALID, "choose a connection")
	}
	return s.cfg.Store.Connection(ctx, workloadID, id)
}

// pushResult is what a push did.
type pushResult struct {
	Pushed []awaf.WorkItemLink `json:"pushed"`
	Failed []itemError         `json:"failed,omitempty"`
}

type itemError struct {
	Item  string `json:"item"` // question/choice
	Error string `json:"error"`
}

// planItems lists the workload's recommendations as backlog items, by question/choice.
func (s *Server) backlogItems(ctx context.Context, workloadID int64) ([]backlog.Item, error) {
	ev, err := s.evaluateWorkload(ctx, workloadID)
	if err != nil {
		return nil, err
	}
	tracked, err := s.cfg.Store.PlanItems(ctx, workloadID)
	if err != nil {
		return nil, err
	}
	owners := map[string]string{}
	for _, it := range tracked {
		owners[it.Question+"/"+it.Choice] = it.Owner
	}
	items := backlog.Select(ev.Result, backlog.Filter{})
	for i := range items {
		items[i].Owner = owners[items[i].Question+"/"+items[i].Choice]
	}
	return items, nil
}

// push sends the plan items named by keys (question/choice) to the connection's
// tracker. A plan item already linked to a work item on this connection updates it.
// One item failing does not stop the others, but a refused token does.
func (s *Server) push(ctx context.Context, by awaf.Actor, c *awaf.TrackerConnection, keys []string) (*pushResult, error) {
	if len(keys) == 0 {
		return nil, awaf.Errorf(awaf.EINVALID, "choose the plan items to push")
	}
	if len(keys) > 500 {
		return nil, awaf.Errorf(awaf.EINVALID, "push at most 500 plan items at once")
	}
	cl, err := s.client(ctx, c)
	if err != nil {
		return nil, err
	}
	items, err := s.backlogItems(ctx, c.WorkloadID)
	if err != nil {
		return nil, err
	}
	byKey := map[string]backlog.Item{}
	for _, it := range items {
		byKey[it.Question+"/"+it.Choice] = it
	}
	links, err := s.cfg.Store.WorkItemLinks(ctx, c.WorkloadID)
	if err != nil {
		return nil, err
	}
	linked := map[string]awaf.WorkItemLink{}
	for _, l := range links {
		linked[l.Question+"/"+l.Choice] = l
	}
	res := &pushResult{}
	for _, key := range keys {
		it, ok := byKey[key]
		if !ok {
			res.Failed = append(res.Failed, itemError{Item: key, Error: "not in the plan"})
			continue
		}
		var ref *tracker.Ref
		l, has := linked[key]
		if has && l.ConnectionID == c.ID {
			ref = &tracker.Ref{Kind: tracker.Kind(c.Kind), ID: l.ItemID, URL: l.URL}
		} else {
			l = awaf.WorkItemLink{WorkloadID: c.WorkloadID, Question: it.Question, Choice: it.Choice, ConnectionID: c.ID}
		}
		got, err := cl.Push(ctx, it, ref)
		if errors.Is(err, tracker.ErrAuth) {
			return res, trackerError(c, err)
		}
		if err != nil {
			res.Failed = append(res.Failed, itemError{Item: key, Error: err.Error()})
			continue
		}
		l.ItemID, l.URL, l.Pushed = got.ID, got.URL, s.cfg.Now()
		if err := s.cfg.Store.PutWorkItemLink(ctx, by, awaf.AuditTrackerPush, l); err != nil {
			return res, err
		}
		res.Pushed = append(res.Pushed, l)
	}
	return res, nil
}

// pullResult is what a pull did.
type pullResult struct {
	Checked   int         `json:"checked"`
	Updated   []itemError `json:"updated,omitempty"` // item and its new status
	Conflicts []itemError `json:"conflicts,omitempty"`
	Missing   []string    `json:"missing,omitempty"` // work items deleted in the tracker
}

// pull reads the state of every work item pushed through c and moves the plan items
// as tracker.Reconcile decides. A conflict is recorded on the link and shown; nothing
// is overwritten. Every change is audited: the plan item's (plan.save) and the link's
// (tracker.pull).
func (s *Server) pull(ctx context.Context, by awaf.Actor, c *awaf.TrackerConnection) (*pullResult, error) {
	cl, err := s.client(ctx, c)
	if err != nil {
		return nil, err
	}
	links, err := s.cfg.Store.WorkItemLinks(ctx, c.WorkloadID)
	if err != nil {
		return nil, err
	}
	var mine []awaf.WorkItemLink
	var refs []tracker.Ref
	for _, l := range links {
		if l.ConnectionID == c.ID {
			mine = append(mine, l)
			refs = append(refs, tracker.Ref{Kind: tracker.Kind(c.Kind), ID: l.ItemID, URL: l.URL})
		}
	}
	res := &pullResult{}
	if len(mine) == 0 {
		return res, nil
	}
	states, err := cl.States(ctx, refs)
	if err != nil {
		return nil, trackerError(c, err)
	}
	plan, err := s.cfg.Store.PlanItems(ctx, c.WorkloadID)
	if err != nil {
		return nil, err
	}
	tracked := map[string]awaf.RemediationItem{}
	for _, it := range plan {
		tracked[it.Question+"/"+it.Choice] = it
	}
	for _, l := range mine {
		key := l.Question + "/" + l.Choice
		st, ok := states[l.ItemID]
		if !ok {
			res.Missing = append(res.Missing, key)
			continue
		}
		res.Checked++
		it, has := tracked[key]
		current, version := awaf.PlanOpen, int64(0)
		if has {
			current, version = it.Status, it.Version
		} else {
			it = awaf.RemediationItem{WorkloadID: c.WorkloadID, Question: l.Question, Choice: l.Choice}
		}
		var last *tracker.Synced
		if l.SyncedState != "" {
			last = &tracker.Synced{State: tracker.State(l.SyncedState), Status: l.SyncedStatus}
		}
		d := tracker.Reconcile(current, st, last)
		next := l
		if d.Conflict != "" {
			next.Conflict = d.Conflict
			res.Conflicts = append(res.Conflicts, itemError{Item: key, Error: d.Conflict})
		} else {
			status := current
			if d.Apply {
				it.Status = d.Status
				if _, err := s.cfg.Store.PutPlanItem(ctx, by, it, version); err != nil {
					if awaf.ErrorCode(err) == awaf.ECONFLICT {
						continue // changed meanwhile: the next pull sees it
					}
					return res, err
				}
				status = d.Status
				res.Updated = append(res.Updated, itemError{Item: key, Error: string(d.Status)})
			}
			next.SyncedState, next.SyncedStatus, next.Conflict = string(st.State), status, ""
		}
		if next.SyncedState == l.SyncedState && next.SyncedStatus == l.SyncedStatus && next.Conflict == l.Conflict {
			continue // nothing new: no write, no audit event
		}
		next.Synced = s.cfg.Now()
		if err := s.cfg.Store.PutWorkItemLink(ctx, by, awaf.AuditTrackerPull, next); err != nil {
			return res, err
		}
	}
	return res, nil
}

// PullAll pulls every connection of every workload, as the scheduled pull does. One
// connection failing does not stop the others; the first error is returned.
func (s *Server) PullAll(ctx context.Context) error {
	cs, err := s.cfg.Store.Connections(ctx, 0)
	if err != nil {
		return err
	}
	var first error
	for i := range cs {
		c := &cs[i]
		res, err := s.pull(ctx, awaf.Actor{Name: "sync:scheduled"}, c)
		if err != nil {
			s.cfg.Log.Warn("scheduled pull", slog.Int64("workload", c.WorkloadID), slog.Int64("connection", c.ID), slog.Any("err", err))
			if first == nil {
				first = err
			}
			continue
		}
		s.cfg.Log.Info("scheduled pull", slog.Int64("workload", c.WorkloadID), slog.Int64("connection", c.ID),
			slog.Int("checked", res.Checked), slog.Int("updated", len(res.Updated)), slog.Int("conflicts", len(res.Conflicts)))
	}
	return first
}
