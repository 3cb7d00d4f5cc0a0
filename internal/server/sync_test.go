package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/auth"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/server"
	"github.com/awaf/awaf/internal/tracker/trackertest"
)

// withSealer turns backlog sync on, with private addresses allowed: the fake
// trackers listen on loopback (--sync-allow-private).
func withSealer(t *testing.T) func(*server.Config) {
	seal := withSealerOnly(t)
	return func(c *server.Config) { seal(c); c.SyncAllowPrivate = true }
}

// withSealerOnly turns backlog sync on with the default guard: public trackers only.
func withSealerOnly(t *testing.T) func(*server.Config) {
	sealer, err := auth.NewSealer([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	return func(c *server.Config) { c.Sealer = sealer }
}

// Without --sync-allow-private a tracker on a private, loopback or link-local address
// is refused when connecting, and a connection saved while they were allowed is
// refused at call time.
func TestSyncRefusesPrivateTrackers(t *testing.T) {
	for _, base := range []string{"http://127.0.0.1:8080", "https://10.0.0.8", "https://169.254.169.254", "https://[::1]", "https://localhost"} {
		f := newFixture(t, withSealerOnly(t))
		in, _ := json.Marshal(map[string]string{"kind": "github", "baseUrl": base, "project": "o/r", "token": "t0ken"})
		res := f.do(call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/connections", f.w.ID), as: "owner", json: string(in)})
		if body := readBody(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "--sync-allow-private") {
			t.Errorf("connect to %s: %d %s, want 400 naming the flag", base, res.StatusCode, body)
		}
	}
	// Saved under the flag, then the server restarts without it: pushes are refused
	// before any request leaves.
	fk := trackertest.New(t, trackertest.GitHub)
	f := newFixture(t, withSealer(t))
	id := connectFake(t, f, fk)
	keys := planKeys(t, f)
	cfg := server.Config{Store: f.store, Auth: f.auth, Lens: lens.BuiltinByID, DefaultLens: lens.BuiltinID, Now: f.clock.Now}
	withSealerOnly(t)(&cfg)
	srv, err := server.New(cfg)
	must(t, err)
	strict := *f
	strict.srv, strict.h = srv, srv.Handler()
	res := strict.do(call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/push", f.w.ID), as: "owner", json: fmt.Sprintf(`{"connection": %d, "items": [%q]}`, id, keys[0])})
	if body := readBody(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "loopback") {
		t.Errorf("push to a loopback tracker without the flag: %d %s", res.StatusCode, body)
	}
}

var pushBox = regexp.MustCompile(`name="item" value="([^"]+)"`)

// planKeys reads the plan items the sync page offers to push.
func planKeys(t *testing.T, f *fixture) []string {
	t.Helper()
	res := f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/sync", f.w.ID), as: "owner"})
	body := readBody(t, res)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("sync page: %d %s", res.StatusCode, body)
	}
	var keys []string
	for _, m := range pushBox.FindAllStringSubmatch(body, -1) {
		keys = append(keys, m[1])
	}
	if len(keys) < 2 {
		t.Fatalf("the sync page offers %d plan items", len(keys))
	}
	return keys
}

func connectFake(t *testing.T, f *fixture, fk *trackertest.Fake) int64 {
	t.Helper()
	in, _ := json.Marshal(map[string]string{"kind": fk.Kind(), "baseUrl": fk.BaseURL(), "project": fk.Project(), "user": fk.User(), "token": fk.Token()})
	res := f.do(call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/connections", f.w.ID), as: "token:owner", json: string(in)})
	body := readBody(t, res)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("connect %s: %d %s", fk.Kind(), res.StatusCode, body)
	}
	if strings.Contains(body, fk.Token()) || strings.Contains(body, "v1:") || strings.Contains(strings.ToLower(body), `"token"`) || strings.Contains(strings.ToLower(body), "sealed") {
		t.Fatalf("the connect reply shows the token: %s", body)
	}
	var c awaf.TrackerConnection
	must(t, json.Unmarshal([]byte(body), &c))
	return c.ID
}

func TestSyncPushPull(t *testing.T) {
	for _, kind := range []string{trackertest.AzureDevOps, trackertest.GitHub, trackertest.Jira} {
		t.Run(kind, func(t *testing.T) {
			f := newFixture(t, withSealer(t))
			fk := trackertest.New(t, kind)
			conn := connectFake(t, f, fk)
			keys := planKeys(t, f)[:2]

			// No route returns the token, sealed or not.
			for _, p := range []string{"/api/v1/workloads/%d/connections", "/w/%d/sync", "/w/%d/audit", "/w/%d/audit.csv"} {
				res := f.do(call{method: "GET", path: fmt.Sprintf(p, f.w.ID), as: "owner"})
				if body := readBody(t, res); strings.Contains(body, fk.Token()) || strings.Contains(body, "v1:") {
					t.Errorf("%s shows the token", p)
				}
			}

			push := func(as string) *http.Response {
				js, _ := json.Marshal(map[string]any{"connection": conn, "items": keys})
				return f.do(call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/push", f.w.ID), as: as, json: string(js)})
			}
			if res := push("token:contributor"); res.StatusCode != http.StatusForbidden {
				t.Errorf("a contributor pushed: %d", res.StatusCode)
			}
			res := push("token:owner")
			if body := readBody(t, res); res.StatusCode != http.StatusOK {
				t.Fatalf("push: %d %s", res.StatusCode, body)
			}
			// Pushing again updates the same work items.
			res = push("token:owner")
			if body := readBody(t, res); res.StatusCode != http.StatusOK {
				t.Fatalf("second push: %d %s", res.StatusCode, body)
			}
			if fk.Len() != 2 {
				t.Fatalf("%d work items after two pushes of 2 plan items, want 2", fk.Len())
			}
			links, err := f.store.WorkItemLinks(t.Context(), f.w.ID)
			must(t, err)
			if len(links) != 2 || links[0].ItemID == "" || !strings.HasPrefix(links[0].URL, "http") {
				t.Fatalf("links = %+v", links)
			}
			first := fk.Item(links[0].ItemID)
			if !strings.Contains(first.Body, "Why this rank") {
				t.Errorf("the work item lacks the why-this-rank line:\n%s", first.Body)
			}

			// The tracker closes the first and starts the second; an editor pulls.
			done, doing := map[string][2]string{
				trackertest.AzureDevOps: {"Done", ""}, trackertest.GitHub: {"closed", "completed"}, trackertest.Jira: {"Done", "done"},
			}[kind], map[string][2]string{
				trackertest.AzureDevOps: {"Doing", ""}, trackertest.GitHub: {"open", ""}, trackertest.Jira: {"In Progress", "indeterminate"},
			}[kind]
			fk.SetState(links[0].ItemID, done[0], done[1])
			fk.SetState(links[1].ItemID, doing[0], doing[1])
			res = f.do(call{method: "POST", path: fmt.Sprintf("/w/%d/sync/pull", f.w.ID), as: "contributor", form: url.Values{}})
			if body := readBody(t, res); res.StatusCode != http.StatusOK || !strings.Contains(body, "plan items updated") {
				t.Fatalf("pull: %d %s", res.StatusCode, body)
			}
			status := func(key string) awaf.PlanStatus {
				its, err := f.store.PlanItems(t.Context(), f.w.ID)
				must(t, err)
				for _, it := range its {
					if it.Question+"/"+it.Choice == key {
						return it.Status
					}
				}
				return awaf.PlanOpen
			}
			k0, k1 := links[0].Question+"/"+links[0].Choice, links[1].Question+"/"+links[1].Choice
			if got := status(k0); got != awaf.PlanDone {
				t.Errorf("closed work item: plan status %s, want done", got)
			}
			wantSecond := awaf.PlanInProgress
			if kind == trackertest.GitHub {
				wantSecond = awaf.PlanOpen // GitHub issues have no in-progress state
			}
			if got := status(k1); got != wantSecond {
				t.Errorf("started work item: plan status %s, want %s", got, wantSecond)
			}
			// The change is audited, by the person who pulled.
			evs, err := f.store.AuditEvents(t.Context(), awaf.AuditFilter{WorkloadID: f.w.ID, Limit: 200})
			must(t, err)
			var planByPuller, pulls int
			for _, e := range evs {
				if e.Action == awaf.AuditPlanItem && e.Actor.Name == "contributor@example.com" {
					planByPuller++
				}
				if e.Action == awaf.AuditTrackerPull {
					pulls++
				}
			}
			if planByPuller == 0 || pulls == 0 {
				t.Errorf("pull audit: %d plan changes by the puller, %d pull events", planByPuller, pulls)
			}

			// Both moved since the last pull: the tracker closed the second work item
			// while awaf put its plan item back. Shown, not overwritten.
			moved := awaf.PlanOpen
			if kind == trackertest.GitHub {
				moved = awaf.PlanInProgress
			}
			var version int64
			its, err := f.store.PlanItems(t.Context(), f.w.ID)
			must(t, err)
			for _, it := range its {
				if it.Question+"/"+it.Choice == k1 {
					version = it.Version
				}
			}
			r := f.do(call{method: "POST", path: fmt.Sprintf("/w/%d/plan", f.w.ID), as: "contributor",
				form: url.Values{"question": {links[1].Question}, "choice": {links[1].Choice}, "status": {string(moved)}, "version": {fmt.Sprint(version)}}})
			if r.StatusCode >= 400 {
				t.Fatalf("move in awaf: %d %s", r.StatusCode, readBody(t, r))
			}
			fk.SetState(links[1].ItemID, done[0], done[1])
			res = f.do(call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/pull", f.w.ID), as: "token:contributor"})
			body := readBody(t, res)
			if res.StatusCode != http.StatusOK || !strings.Contains(body, "since the last sync") {
				t.Fatalf("pull with a conflict: %d %s", res.StatusCode, body)
			}
			if got := status(k1); got != moved {
				t.Errorf("a conflict overwrote awaf: status %s, want %s", got, moved)
			}
			page := readBody(t, f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/sync", f.w.ID), as: "contributor"}))
			if !strings.Contains(page, "since the last sync") {
				t.Errorf("the sync page does not show the conflict")
			}

			// An expired token: a clear message, nothing changed.
			fk.Expire(true)
			res = f.do(call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/pull", f.w.ID), as: "token:contributor"})
			if body := readBody(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "reconnect") {
				t.Errorf("expired token: %d %s", res.StatusCode, body)
			}
		})
	}
}

func TestSyncRateLimitedPush(t *testing.T) {
	f := newFixture(t, withSealer(t))
	fk := trackertest.New(t, trackertest.AzureDevOps)
	conn := connectFake(t, f, fk)
	fk.RateLimit(1) // one 429 with Retry-After: 2
	js, _ := json.Marshal(map[string]any{"connection": conn, "items": planKeys(t, f)[:1]})
	res := f.do(call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/push", f.w.ID), as: "token:owner", json: string(js)})
	if body := readBody(t, res); res.StatusCode != http.StatusOK || fk.Len() != 1 {
		t.Fatalf("push after a 429: %d, %d work items: %s", res.StatusCode, fk.Len(), body)
	}
	if fk.Requests() != 2 {
		t.Errorf("%d requests, want the refused one and its retry", fk.Requests())
	}
}

func TestSyncNeedsSealKey(t *testing.T) {
	f := newFixture(t)
	res := f.do(call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/connections", f.w.ID), as: "token:owner",
		json: `{"kind":"github","baseUrl":"https://api.github.com","project":"contoso/bot","token":"ghp_x"}`})
	if body := readBody(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "--seal-key-file") {
		t.Errorf("connect without a seal key: %d %s", res.StatusCode, body)
	}
	page := readBody(t, f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/sync", f.w.ID), as: "owner"}))
	if !strings.Contains(page, `id="no-seal-key"`) {
		t.Error("the sync page does not say sync is off")
	}
}

// TestScheduledPull: the pull serve runs on a ticker moves plan items and is audited
// as the scheduler.
func TestScheduledPull(t *testing.T) {
	f := newFixture(t, withSealer(t))
	fk := trackertest.New(t, trackertest.GitHub)
	conn := connectFake(t, f, fk)
	js, _ := json.Marshal(map[string]any{"connection": conn, "items": planKeys(t, f)[:1]})
	if res := f.do(call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/push", f.w.ID), as: "token:owner", json: string(js)}); res.StatusCode != http.StatusOK {
		t.Fatalf("push: %d", res.StatusCode)
	}
	links, err := f.store.WorkItemLinks(t.Context(), f.w.ID)
	must(t, err)
	fk.SetState(links[0].ItemID, "closed", "completed")
	must(t, f.srv.PullAll(t.Context()))
	its, err := f.store.PlanItems(t.Context(), f.w.ID)
	must(t, err)
	if len(its) != 1 || its[0].Status != awaf.PlanDone || its[0].UpdatedBy != "sync:scheduled" {
		t.Fatalf("plan after the scheduled pull: %+v", its)
	}
	// A second pull with nothing new writes nothing.
	before, err := f.store.AuditEvents(t.Context(), awaf.AuditFilter{WorkloadID: f.w.ID, Limit: 500})
	must(t, err)
	must(t, f.srv.PullAll(t.Context()))
	after, err := f.store.AuditEvents(t.Context(), awaf.AuditFilter{WorkloadID: f.w.ID, Limit: 500})
	must(t, err)
	if len(after) != len(before) {
		t.Errorf("an idle pull wrote %d audit events", len(after)-len(before))
	}
	// An expired token is reported and the other connections still run.
	fk.Expire(true)
	if err := f.srv.PullAll(t.Context()); err == nil || !strings.Contains(err.Error(), "reconnect") {
		t.Errorf("scheduled pull with an expired token: %v", err)
	}
}
