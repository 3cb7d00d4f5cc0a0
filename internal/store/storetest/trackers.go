package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/awaf/awaf"
)

func testTrackers(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	owner := MustUser(t, s, "owner@example.com", false)
	w := MustWorkload(t, s, owner, "Chat")
	other := MustWorkload(t, s, owner, "Other")
	by := ActorOf(owner)

	bad := []awaf.TrackerConnection{
		{WorkloadID: w.ID, Kind: "trello", BaseURL: "https://x", Project: "p", SealedToken: "v1.x"},
		{WorkloadID: w.ID, Kind: "github", BaseURL: "", Project: "p", SealedToken: "v1.x"},
		{WorkloadID: w.ID, Kind: "github", BaseURL: "https://api.github.com", Project: "o/r"},
	}
	for _, b := range bad {
		code(t, s.CreateConnection(ctx, by, &b), awaf.EINVALID)
	}
	code(t, s.CreateConnection(ctx, by, &awaf.TrackerConnection{WorkloadID: 9999, Kind: "jira", BaseURL: "https://j", Project: "AIP", SealedToken: "v1.x"}), awaf.ENOTFOUND)

	gh := &awaf.TrackerConnection{WorkloadID: w.ID, Kind: "github", BaseURL: "https://api.github.com", Project: "contoso/bot", SealedToken: "v1.k.sealed-secret"}
	must(t, s.CreateConnection(ctx, by, gh))
	jira := &awaf.TrackerConnection{WorkloadID: w.ID, Kind: "jira", BaseURL: "https://contoso.atlassian.net", Project: "AIP", WorkItemType: "Task", User: "dev@contoso.example", SealedToken: "v1.k.other"}
	must(t, s.CreateConnection(ctx, by, jira))
	if gh.ID == 0 || gh.CreatedBy != "owner@example.com" || !gh.Created.Equal(c.Now()) {
		t.Fatalf("created %+v", gh)
	}
	got, err := s.Connection(ctx, w.ID, jira.ID)
	must(t, err)
	if *got != *jira {
		t.Errorf("read back %+v, want %+v", got, jira)
	}
	_, err = s.Connection(ctx, other.ID, jira.ID)
	code(t, err, awaf.ENOTFOUND) // another workload's connection is not found
	cs, err := s.Connections(ctx, w.ID)
	must(t, err)
	if len(cs) != 2 || cs[0].ID != gh.ID {
		t.Errorf("connections = %+v", cs)
	}
	otherConn := &awaf.TrackerConnection{WorkloadID: other.ID, Kind: "ado", BaseURL: "https://dev.azure.com/contoso", Project: "AI", SealedToken: "v1.k.x"}
	must(t, s.CreateConnection(ctx, by, otherConn))
	every, err := s.Connections(ctx, 0)
	must(t, err)
	if len(every) != 3 {
		t.Errorf("every connection: %d, want 3", len(every))
	}

	// Links: one per plan item, replaced on a second put.
	l := awaf.WorkItemLink{WorkloadID: w.ID, Question: "q1", Choice: "c1", ConnectionID: gh.ID, ItemID: "7", URL: "https://github.com/contoso/bot/issues/7"}
	must(t, s.PutWorkItemLink(ctx, by, awaf.AuditTrackerPush, l))
	c.Advance(time.Minute)
	l.SyncedState, l.SyncedStatus, l.Synced, l.Conflict = "done", awaf.PlanInProgress, c.Now(), "closed in the tracker"
	must(t, s.PutWorkItemLink(ctx, awaf.Actor{Name: "sync"}, awaf.AuditTrackerPull, l))
	code(t, s.PutWorkItemLink(ctx, by, awaf.AuditTrackerPush, awaf.WorkItemLink{WorkloadID: w.ID, Question: "q2", Choice: "c", ConnectionID: otherConn.ID, ItemID: "1"}), awaf.ENOTFOUND)
	code(t, s.PutWorkItemLink(ctx, by, awaf.AuditTrackerPush, awaf.WorkItemLink{WorkloadID: w.ID, Question: "q2", Choice: "c", ConnectionID: gh.ID}), awaf.EINVALID)
	must(t, s.PutWorkItemLink(ctx, by, awaf.AuditTrackerPush, awaf.WorkItemLink{WorkloadID: w.ID, Question: "q2", Choice: "c2", ConnectionID: jira.ID, ItemID: "AIP-3", URL: "https://contoso.atlassian.net/browse/AIP-3"}))
	ls, err := s.WorkItemLinks(ctx, w.ID)
	must(t, err)
	if len(ls) != 2 {
		t.Fatalf("links = %+v", ls)
	}
	if g := ls[0]; g.ItemID != "7" || g.SyncedState != "done" || g.SyncedStatus != awaf.PlanInProgress || g.Conflict == "" || !g.Synced.Equal(c.Now()) || g.Pushed.IsZero() {
		t.Errorf("link after pull = %+v", g)
	}

	// Deleting a connection drops its links; the audit never holds the token.
	must(t, s.DeleteConnection(ctx, by, w.ID, jira.ID))
	code(t, s.DeleteConnection(ctx, by, w.ID, jira.ID), awaf.ENOTFOUND)
	ls, err = s.WorkItemLinks(ctx, w.ID)
	must(t, err)
	if len(ls) != 1 || ls[0].ConnectionID != gh.ID {
		t.Errorf("links after disconnect = %+v", ls)
	}
	evs, err := s.AuditEvents(ctx, awaf.AuditFilter{WorkloadID: w.ID, Limit: 100})
	must(t, err)
	seen := map[string]int{}
	for _, e := range evs {
		seen[e.Action]++
		if strings.Contains(string(e.Before)+string(e.After), "sealed") || strings.Contains(string(e.Before)+string(e.After), "v1.k") {
			t.Errorf("audit %s holds the sealed token: %s %s", e.Action, e.Before, e.After)
		}
	}
	if seen[awaf.AuditTrackerConnect] != 2 || seen[awaf.AuditTrackerDisconnect] != 1 || seen[awaf.AuditTrackerPush] != 2 || seen[awaf.AuditTrackerPull] != 1 {
		t.Errorf("audit actions = %v", seen)
	}
}
