package tracker

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/backlog"
	"github.com/awaf/awaf/internal/tracker/trackertest"
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
	c, err := New(f.config(), f.Client())
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
			it := f.Item(ref.ID)
			if it == nil || it.Title != "Trim results by the caller's identity" {
				t.Fatalf("stored item %+v", it)
			}
			if !strings.Contains(it.Body, "Why this rank") || !strings.Contains(it.Body, "awaf:grounding_retrieval/gr_security_trimming") {
				t.Errorf("body lacks the rank reason or the external id:\n%s", it.Body)
			}
			if !containsAll(it.Labels, "awaf", "security", "horizon:now", "risk:high") {
				t.Errorf("labels = %v", it.Labels)
			}
			// Pushing again with the reference updates the same work item.
			again, err := c.Push(ctx, planItem("Trim results by identity (updated)"), &ref)
			if err != nil {
				t.Fatal(err)
			}
			if again.ID != ref.ID || f.Len() != 1 {
				t.Errorf("second push made %+v, %d items; want an update of %s", again, f.Len(), ref.ID)
			}
			if f.Item(ref.ID).Title != "Trim results by identity (updated)" {
				t.Errorf("title not updated: %q", f.Item(ref.ID).Title)
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
		set  func(*trackertest.Item)
		want State
	}{
		{AzureDevOps, func(i *trackertest.Item) { i.State = "Doing" }, Doing},
		{AzureDevOps, func(i *trackertest.Item) { i.State = "Closed" }, Done},
		{AzureDevOps, func(i *trackertest.Item) { i.State = "Removed" }, Dropped},
		{AzureDevOps, func(i *trackertest.Item) { i.State = "New" }, Todo},
		{GitHub, func(i *trackertest.Item) { i.State, i.Reason = "closed", "completed" }, Done},
		{GitHub, func(i *trackertest.Item) { i.State, i.Reason = "closed", "not_planned" }, Dropped},
		{GitHub, func(i *trackertest.Item) { i.State = "open" }, Todo},
		{Jira, func(i *trackertest.Item) { i.State, i.Category = "In Review", "indeterminate" }, Doing},
		{Jira, func(i *trackertest.Item) { i.State, i.Category = "Won't Do", "done" }, Done},
		{Jira, func(i *trackertest.Item) { i.State, i.Category = "Backlog", "new" }, Todo},
	}
	for _, tt := range tests {
		f := newFake(t, tt.kind)
		c, _ := client(t, f)
		ref, err := c.Push(context.Background(), planItem("x"), nil)
		if err != nil {
			t.Fatal(err)
		}
		tt.set(f.Item(ref.ID))
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
			f.RateLimit(2)
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
			if f.Requests() != 3 || f.Len() != 1 {
				t.Errorf("%d requests, %d items; want 3 and 1", f.Requests(), f.Len())
			}
			// A limit that outlasts the attempts is an error, not a loop.
			f.RateLimit(10)
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
		f.Expire(true)
		_, err := c.Push(context.Background(), planItem("x"), nil)
		if !errors.Is(err, ErrAuth) {
			t.Errorf("%s: err = %v, want ErrAuth", k, err)
		}
		if f.Requests() != 1 {
			t.Errorf("%s: %d requests; an expired token must not be retried", k, f.Requests())
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
