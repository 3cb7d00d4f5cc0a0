package tracker

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/backlog"
)

func planItem(title string) backlog.Item {
	return backlog.Item{
		Recommendation: awaf.Recommendation{
			Question: "grounding_retrieval", Choice: "gr_security_trimming", Title: title,
			Pillars: []awaf.PillarID{"security"}, Risk: awaf.RiskHigh, Horizon: awaf.Now,
			Priority: 55, Rank: 1, Why: "high risk on a security-first workload",
			Guidance: awaf.Guidance{What: "Filter results by the caller's groups at query time.", Why: "Users must not see documents they cannot open."},
			Links:    []awaf.Link{{Title: "Security filters", URL: "https://learn.microsoft.com/azure/search/search-security-trimming-for-azure-search"}},
		},
		QuestionTitle: "Retrieval", AreaName: "Grounding data", PillarNames: []string{"Security"},
	}
}

// client builds a client against a fake and makes its retries wait no real time.
func client(t *testing.T, f *fake) (Client, *caller) {
	t.Helper()
	c, err := New(f.config(), f.srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	var cl *caller
	switch x := c.(type) {
	case *ado:
		cl = x.c
	case *github:
		cl = x.c
	case *jira:
		cl = x.c
	}
	cl.sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
	return c, cl
}

var kinds = []Kind{AzureDevOps, GitHub, Jira}

func TestPushCreatesThenUpdates(t *testing.T) {
	for _, k := range kinds {
		t.Run(string(k), func(t *testing.T) {
			f := newFake(t, k)
			c, _ := client(t, f)
			ctx := context.Background()
			ref, err := c.Push(ctx, planItem("Trim results by the caller's identity"), nil)
			if err != nil {
				t.Fatal(err)
			}
			if ref.Kind != k || ref.ID == "" || !strings.HasPrefix(ref.URL, "http") {
				t.Fatalf("ref = %+v", ref)
			}
			it := f.item(ref.ID)
			if it == nil || it.title != "Trim results by the caller's identity" {
				t.Fatalf("stored item %+v", it)
			}
			if !strings.Contains(it.body, "Why this rank") || !strings.Contains(it.body, "awaf:grounding_retrieval/gr_security_trimming") {
				t.Errorf("body lacks the rank reason or the external id:\n%s", it.body)
			}
			if !containsAll(it.labels, "awaf", "security", "horizon:now", "risk:high") {
				t.Errorf("labels = %v", it.labels)
			}
			// Pushing again with the reference updates the same work item.
			again, err := c.Push(ctx, planItem("Trim results by identity (updated)"), &ref)
			if err != nil {
				t.Fatal(err)
			}
			if again.ID != ref.ID || len(f.items) != 1 {
				t.Errorf("second push made %+v, %d items; want an update of %s", again, len(f.items), ref.ID)
			}
			if f.item(ref.ID).title != "Trim results by identity (updated)" {
				t.Errorf("title not updated: %q", f.item(ref.ID).title)
			}
		})
	}
}

func containsAll(have []string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			return false
		}
	}
	return true
}

func TestStates(t *testing.T) {
	tests := []struct {
		kind Kind
		set  func(*fakeItem)
		want State
	}{
		{AzureDevOps, func(i *fakeItem) { i.state = "Doing" }, Doing},
		{AzureDevOps, func(i *fakeItem) { i.state = "Closed" }, Done},
		{AzureDevOps, func(i *fakeItem) { i.state = "Removed" }, Dropped},
		{AzureDevOps, func(i *fakeItem) { i.state = "New" }, Todo},
		{GitHub, func(i *fakeItem) { i.state, i.reason = "closed", "completed" }, Done},
		{GitHub, func(i *fakeItem) { i.state, i.reason = "closed", "not_planned" }, Dropped},
		{GitHub, func(i *fakeItem) { i.state = "open" }, Todo},
		{Jira, func(i *fakeItem) { i.state, i.category = "In Review", "indeterminate" }, Doing},
		{Jira, func(i *fakeItem) { i.state, i.category = "Won't Do", "done" }, Done},
		{Jira, func(i *fakeItem) { i.state, i.category = "Backlog", "new" }, Todo},
	}
	for _, tt := range tests {
		f := newFake(t, tt.kind)
		c, _ := client(t, f)
		ref, err := c.Push(context.Background(), planItem("x"), nil)
		if err != nil {
			t.Fatal(err)
		}
		tt.set(f.item(ref.ID))
		gone := Ref{Kind: tt.kind, ID: "999"}
		if tt.kind == Jira {
			gone.ID = "AIP-999"
		}
		st, err := c.States(context.Background(), []Ref{ref, gone})
		if err != nil {
			t.Fatalf("%s: %v", tt.kind, err)
		}
		if st[ref.ID].State != tt.want {
			t.Errorf("%s %q: state %q, want %q", tt.kind, st[ref.ID].Name, st[ref.ID].State, tt.want)
		}
		if _, ok := st[gone.ID]; ok || len(st) != 1 {
			t.Errorf("%s: a deleted work item has a state: %v", tt.kind, st)
		}
	}
}

func TestRateLimitHonoursRetryAfter(t *testing.T) {
	for _, k := range kinds {
		t.Run(string(k), func(t *testing.T) {
			f := newFake(t, k)
			c, cl := client(t, f)
			f.limit = 2
			if _, err := c.Push(context.Background(), planItem("x"), nil); err != nil {
				t.Fatal(err)
			}
			want := 2 * time.Second
			if k == GitHub {
				want = 3 * time.Second
			}
			if len(cl.waits) != 2 || cl.waits[0] != want || cl.waits[1] != want {
				t.Errorf("waits = %v, want two of %v (the Retry-After)", cl.waits, want)
			}
			if f.reqs != 3 || len(f.items) != 1 {
				t.Errorf("%d requests, %d items; want 3 and 1", f.reqs, len(f.items))
			}
			// A limit that outlasts the attempts is an error, not a loop.
			f.limit = 10
			if _, err := c.Push(context.Background(), planItem("y"), nil); err == nil || !strings.Contains(err.Error(), "rate limited") {
				t.Errorf("err = %v, want a rate-limit error", err)
			}
		})
	}
}

func TestExpiredToken(t *testing.T) {
	for _, k := range kinds {
		f := newFake(t, k)
		c, _ := client(t, f)
		f.expire = true
		_, err := c.Push(context.Background(), planItem("x"), nil)
		if !errors.Is(err, ErrAuth) {
			t.Errorf("%s: err = %v, want ErrAuth", k, err)
		}
		if f.reqs != 1 {
			t.Errorf("%s: %d requests; an expired token must not be retried", k, f.reqs)
		}
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	for _, cfg := range []Config{
		{Kind: GitHub, BaseURL: "https://api.github.com", Project: "no-slash", Token: "t"},
		{Kind: GitHub, BaseURL: "https://api.github.com", Project: "a/b", Token: " "},
		{Kind: AzureDevOps, BaseURL: "ftp://dev.azure.com/x", Project: "p", Token: "t"},
		{Kind: Jira, BaseURL: "https://contoso.atlassian.net", Token: "t"},
		{Kind: "trello", BaseURL: "https://x", Project: "p", Token: "t"},
	} {
		if _, err := New(cfg, nil); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

func TestReconcile(t *testing.T) {
	open, prog, done, risk := awaf.PlanOpen, awaf.PlanInProgress, awaf.PlanDone, awaf.PlanAcceptedRisk
	tests := []struct {
		name     string
		current  awaf.PlanStatus
		now      State
		last     *Synced
		apply    awaf.PlanStatus
		conflict bool
	}{
		{"first pull, tracker done", open, Done, nil, done, false},
		{"first pull, awaf already moved elsewhere", prog, Done, nil, "", true},
		{"tracker moved, awaf did not", open, Doing, &Synced{Todo, open}, prog, false},
		{"nothing moved", open, Todo, &Synced{Todo, open}, "", false},
		{"only awaf moved: kept", done, Todo, &Synced{Todo, open}, "", false},
		{"closed in the tracker, reopened in awaf", open, Done, &Synced{Doing, prog}, "", true},
		{"both moved to the same place", done, Done, &Synced{Doing, prog}, "", false},
		{"dropped in the tracker", open, Dropped, &Synced{Todo, open}, "", true},
		{"dropped, risk already accepted", risk, Dropped, &Synced{Todo, open}, "", false},
	}
	for _, tt := range tests {
		d := Reconcile(tt.current, Status{State: tt.now, Name: string(tt.now)}, tt.last)
		if d.Apply != (tt.apply != "") || d.Status != tt.apply || (d.Conflict != "") != tt.conflict {
			t.Errorf("%s: %+v, want apply %q conflict %v", tt.name, d, tt.apply, tt.conflict)
		}
	}
}
