package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/store/storetest"
)

// outdate moves the fixture's workload to an older version of its lens and gives it
// answers that version had and the server's lacks: a retired question, a retired
// choice next to a surviving one, and a retired choice alone.
func outdate(t *testing.T, f *fixture) (kept, partial, lost string) {
	t.Helper()
	ctx := context.Background()
	owner := storetest.ActorOf(f.users["owner"])
	w, err := f.store.Workload(ctx, f.w.ID)
	must(t, err)
	w.Lens.Version = "0.1"
	must(t, f.store.UpdateWorkload(ctx, owner, w))
	choice := func(q awaf.Question) string {
		for _, c := range q.Choices {
			if !c.None {
				return c.ID
			}
		}
		t.Fatalf("question %s has no choice", q.ID)
		return ""
	}
	qs := f.lens.Questions
	kept, partial, lost = qs[0].ID, qs[1].ID, qs[2].ID
	for _, a := range []awaf.Answer{
		{Question: partial, Selected: []string{choice(qs[1]), "retired_choice"}},
		{Question: lost, Selected: []string{"retired_choice"}},
		{Question: "retired_question", Selected: []string{"x"}, Note: "was here"},
	} {
		_, err := f.store.PutAnswer(ctx, owner, f.w.ID, a, awaf.AnyVersion)
		must(t, err)
	}
	return kept, partial, lost
}

func TestLensUpgradeShownAndRefused(t *testing.T) {
	f := newFixture(t)
	outdate(t, f)
	list := readBody(t, f.do(call{method: "GET", path: "/workloads", as: "reader"}))
	if !strings.Contains(list, "outdated: "+f.lens.Version+" available") {
		t.Fatal("the workload list has no outdated badge")
	}
	// The page still scores the answers, on the server's version.
	for _, who := range []string{"owner", "reader"} {
		res := f.do(call{method: "GET", path: fmt.Sprintf("/w/%d", f.w.ID), as: who})
		page := readBody(t, res)
		if res.StatusCode != 200 || !strings.Contains(page, "Outdated lens") || !strings.Contains(page, "retired_question") {
			t.Fatalf("%s: workload page = %d without the outdated notice and preview", who, res.StatusCode)
		}
		if button := strings.Contains(page, `action="/w/`+fmt.Sprint(f.w.ID)+`/lens/upgrade"`); button != (who == "owner") {
			t.Fatalf("%s sees the upgrade button: %v", who, button)
		}
	}
	if res := f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/dashboard", f.w.ID), as: "reader"}); res.StatusCode != 200 {
		t.Fatalf("dashboard of an outdated workload = %d", res.StatusCode)
	}
	var st struct {
		Outdated bool
		Current  awaf.LensRef
		Latest   awaf.LensRef
		Preview  struct{ Dropped []json.RawMessage }
	}
	res := f.do(call{method: "GET", path: fmt.Sprintf("/api/v1/workloads/%d/lens", f.w.ID), as: "token:reader"})
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil || !st.Outdated || st.Current.Version != "0.1" || st.Latest.Version != f.lens.Version || len(st.Preview.Dropped) != 4 {
		t.Fatalf("lens state = %+v, %v", st, err)
	}
	// Only owners upgrade, and only with the session's CSRF token.
	cases := []struct {
		name string
		c    call
		want int
	}{
		{"contributor form", call{method: "POST", path: fmt.Sprintf("/w/%d/lens/upgrade", f.w.ID), as: "contributor"}, http.StatusForbidden},
		{"reader form", call{method: "POST", path: fmt.Sprintf("/w/%d/lens/upgrade", f.w.ID), as: "reader"}, http.StatusForbidden},
		{"outsider form", call{method: "POST", path: fmt.Sprintf("/w/%d/lens/upgrade", f.w.ID), as: "outsider"}, http.StatusNotFound},
		{"owner without CSRF", call{method: "POST", path: fmt.Sprintf("/w/%d/lens/upgrade", f.w.ID), as: "owner", noCSRF: true}, http.StatusForbidden},
		{"contributor token", call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/lens/upgrade", f.w.ID), as: "token:contributor"}, http.StatusForbidden},
		{"other workload's token", call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/lens/upgrade", f.w.ID), as: "token:other"}, http.StatusNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if res := f.do(c.c); res.StatusCode != c.want {
				t.Fatalf("= %d, want %d", res.StatusCode, c.want)
			}
		})
	}
	if w, _ := f.store.Workload(context.Background(), f.w.ID); w.Lens.Version != "0.1" {
		t.Fatal("a refused upgrade changed the workload")
	}
}

func TestLensUpgrade(t *testing.T) {
	for _, via := range []string{"api", "form"} {
		t.Run(via, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			kept, partial, lost := outdate(t, f)
			before, err := f.store.Assessment(ctx, f.w.ID)
			must(t, err)

			var rep struct {
				From, To awaf.LensRef
				Kept     int
				Dropped  []struct {
					Question string
					Choices  []string
					Reason   string
				}
				Milestone struct {
					ID   int64
					Name string
				}
			}
			if via == "api" {
				res := f.do(call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/lens/upgrade", f.w.ID), as: "token:owner"})
				body := readBody(t, res)
				if res.StatusCode != 200 {
					t.Fatalf("upgrade = %d: %s", res.StatusCode, body)
				}
				must(t, json.Unmarshal([]byte(body), &rep))
				if rep.From.Version != "0.1" || rep.To.Version != f.lens.Version || rep.Kept != 2 {
					t.Fatalf("report = %+v", rep)
				}
				dropped := map[string]string{}
				for _, d := range rep.Dropped {
					dropped[d.Question] = strings.Join(d.Choices, ",") + "|" + d.Reason
				}
				for q, want := range map[string]string{
					"retired_question": "|the question is not in the new version",
					partial:            "retired_choice|the choices are not in the new version",
					lost:               "|no selected choice survives",
				} {
					if !strings.HasSuffix(dropped[q], want) || !strings.HasPrefix(dropped[q], strings.Split(want, "|")[0]) {
						t.Errorf("dropped[%s] = %q, want %q", q, dropped[q], want)
					}
				}
			} else {
				res := f.do(call{method: "POST", path: fmt.Sprintf("/w/%d/lens/upgrade", f.w.ID), as: "owner"})
				page := readBody(t, res)
				if res.StatusCode != 200 || !strings.Contains(page, "Lens upgraded from 0.1 to "+f.lens.Version) ||
					!strings.Contains(page, "<code>retired_question</code>") || !strings.Contains(page, "Dropped (4)") {
					t.Fatalf("upgrade page = %d: %s", res.StatusCode, page)
				}
				if strings.Contains(page, "Outdated lens") {
					t.Fatal("the page still offers the upgrade")
				}
				ms, err := f.store.Milestones(ctx, f.w.ID)
				must(t, err)
				for _, m := range ms {
					if strings.HasPrefix(m.Name, "Before upgrade") {
						rep.Milestone.ID, rep.Milestone.Name = m.ID, m.Name
					}
				}
			}

			// The milestone holds the answers as they were, on the old version.
			m, err := f.store.Milestone(ctx, f.w.ID, rep.Milestone.ID)
			must(t, err)
			if !strings.HasPrefix(m.Name, "Before upgrade to ") || m.Assessment.Lens.Version != "0.1" || len(m.Assessment.Answers) != len(before.Answers) {
				t.Fatalf("milestone = %q on %v with %d answers, want the %d answers before", m.Name, m.Assessment.Lens, len(m.Assessment.Answers), len(before.Answers))
			}
			// The workload is on the server's version; survivors stay, the rest is gone.
			w, err := f.store.Workload(ctx, f.w.ID)
			must(t, err)
			if w.Lens.Version != f.lens.Version {
				t.Fatalf("workload lens = %v", w.Lens)
			}
			after, err := f.store.Assessment(ctx, f.w.ID)
			must(t, err)
			get := func(q string) awaf.Answer {
				a, _ := after.Answer(q)
				if a == nil {
					return awaf.Answer{}
				}
				return *a
			}
			if a := get(kept); len(a.Selected) != 1 || a.Selected[0] != f.choice {
				t.Errorf("kept answer = %+v", a)
			}
			if a := get(partial); len(a.Selected) != 1 || slices.Contains(a.Selected, "retired_choice") {
				t.Errorf("partly kept answer = %+v", a)
			}
			for _, q := range []string{lost, "retired_question"} {
				if a := get(q); a.Answered() || a.Note != "" {
					t.Errorf("dropped answer %s is still there: %+v", q, a)
				}
			}
			// Audited, and a second upgrade has nothing to do.
			es, err := f.store.AuditEvents(ctx, awaf.AuditFilter{WorkloadID: f.w.ID})
			must(t, err)
			if !slices.ContainsFunc(es, func(e awaf.AuditEvent) bool {
				return e.Action == "lens.upgrade" && e.Actor.Name != "" && strings.Contains(string(e.After), "retired_question")
			}) {
				t.Error("no lens.upgrade audit event naming the dropped answers")
			}
			if res := f.do(call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/lens/upgrade", f.w.ID), as: "token:owner"}); res.StatusCode != http.StatusConflict {
				t.Fatalf("second upgrade = %d, want 409", res.StatusCode)
			}
			page := readBody(t, f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/compare?from=%d&to=current", f.w.ID, rep.Milestone.ID), as: "reader"}))
			if !strings.Contains(page, "answered on different lens versions") || !strings.Contains(page, "0.1 → ") {
				t.Error("comparing the milestone before the upgrade does not say the lens versions differ")
			}
			// The old milestones are still scored and compared.
			for _, path := range []string{
				fmt.Sprintf("/w/%d/dashboard", f.w.ID),
				fmt.Sprintf("/w/%d/compare?from=%d&to=current", f.w.ID, rep.Milestone.ID),
				fmt.Sprintf("/w/%d/milestones", f.w.ID),
			} {
				if res := f.do(call{method: "GET", path: path, as: "reader"}); res.StatusCode != 200 {
					t.Fatalf("%s after the upgrade = %d", path, res.StatusCode)
				}
			}
		})
	}
}
