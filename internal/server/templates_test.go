package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/awaf/awaf"
)

// TestTemplatesOverTheAPI: import, permissions, preview, apply with marks and audit,
// a new version offered and applied, export of the same file.
func TestTemplatesOverTheAPI(t *testing.T) {
	f := newFixture(t)
	q, _ := f.lens.Question(f.question)
	var other string
	for _, c := range q.Choices {
		if !c.None && c.ID != f.choice {
			other = c.ID
			break
		}
	}
	second := f.lens.Questions[1]
	v2 := "template:\n  name: zone\n  version: 2\n  answers:\n    - question: " + f.question + "\n      selected: [" + f.choice + ", " + other + "]\n" +
		"    - question: " + second.ID + "\n      notApplicable: {reason: out-of-scope, note: the platform team runs it}\n"
	post := func(as, path, body string) (int, string) {
		t.Helper()
		res := f.do(call{method: "POST", path: path, as: as, json: body})
		return res.StatusCode, readBody(t, res)
	}
	// The workload answered the question itself, with the template's choice: the
	// template takes it over. The second question is new to it.
	st, body := post("owner", "/api/v1/workloads/"+strconv.FormatInt(f.w.ID, 10)+"/templates/zone?dryRun=true", "")
	if st != 200 || !strings.Contains(body, `"action": "update"`) || !strings.Contains(body, `"dryRun": true`) {
		t.Fatalf("preview: %d %s", st, body)
	}
	if st, body := post("contributor", "/api/v1/workloads/"+strconv.FormatInt(f.w.ID, 10)+"/templates/zone", ""); st != http.StatusForbidden {
		t.Errorf("a contributor applied a template: %d %s", st, body)
	}
	// Only the owner (and administrators) add versions; others are refused.
	if st, body := post("reader", "/api/v1/templates", v2); st != http.StatusForbidden || !strings.Contains(body, "belongs to owner@example.com") {
		t.Errorf("reader saving version 2: %d %s", st, body)
	}
	if st, body := post("owner", "/api/v1/templates", strings.Replace(v2, "version: 2", "version: 1", 1)); st != http.StatusConflict {
		t.Errorf("saving version 1 again: %d %s", st, body)
	}
	if st, body := post("owner", "/api/v1/templates", strings.Replace(v2, "selected: [", "selected: [no_such, ", 1)); st != http.StatusBadRequest || !strings.Contains(body, "no choice no_such") {
		t.Errorf("a choice the lens lacks: %d %s", st, body)
	}
	if st, body := post("owner", "/api/v1/templates", "template:\n  name: [x\n"); st != http.StatusBadRequest {
		t.Errorf("broken YAML: %d %s", st, body)
	}
	if st, body := post("owner", "/api/v1/workloads/"+strconv.FormatInt(f.w.ID, 10)+"/templates/zone", ""); st != 200 || !strings.Contains(body, `"applied": 1`) {
		t.Fatalf("apply v1: %d %s", st, body)
	}
	if st, body := post("admin", "/api/v1/templates", v2); st != http.StatusCreated || !strings.Contains(body, `"owner": "owner@example.com"`) {
		t.Fatalf("admin saving version 2: %d %s", st, body)
	}
	res := f.do(call{method: "GET", path: "/api/v1/workloads/" + strconv.FormatInt(f.w.ID, 10) + "/templates", as: "reader"})
	if body := readBody(t, res); !strings.Contains(body, `"updateAvailable": true`) || !strings.Contains(body, `"latest": 2`) {
		t.Errorf("the new version is not offered: %s", body)
	}
	// Nothing changed by itself: the answer still carries version 1.
	a, err := f.store.Assessment(context.Background(), f.w.ID)
	must(t, err)
	if ans, _ := a.Answer(f.question); ans.Template == nil || ans.Template.Version != 1 {
		t.Fatalf("answer before applying v2: %+v", ans)
	}
	st, body = post("owner", "/api/v1/workloads/"+strconv.FormatInt(f.w.ID, 10)+"/templates/zone", "")
	if st != 200 || !strings.Contains(body, `"applied": 2`) {
		t.Fatalf("apply v2: %d %s", st, body)
	}
	a, err = f.store.Assessment(context.Background(), f.w.ID)
	must(t, err)
	ans, _ := a.Answer(f.question)
	na, _ := a.Answer(second.ID)
	if ans.Template == nil || ans.Template.Version != 2 || len(ans.Selected) != 2 || na.NotApplicable == nil || na.Template == nil {
		t.Errorf("after v2: %+v / %+v", ans, na)
	}
	evs, err := f.store.AuditEvents(context.Background(), awaf.AuditFilter{WorkloadID: f.w.ID})
	must(t, err)
	var applies, marked int
	for _, e := range evs {
		switch e.Action {
		case awaf.AuditTemplateApply:
			applies++
		case awaf.AuditAnswer:
			var after awaf.Answer
			if json.Unmarshal(e.After, &after) == nil && after.Template != nil && after.Template.Name == "zone" {
				marked++
			}
		}
	}
	if applies != 2 || marked != 3 {
		t.Errorf("audit: %d template applies (want 2), %d marked answer saves (want 3)", applies, marked)
	}
	res = f.do(call{method: "GET", path: "/api/v1/templates/zone?version=2", as: "token:reader"})
	if body := readBody(t, res); res.StatusCode != 200 || body != v2 {
		t.Errorf("export: %d %q", res.StatusCode, body)
	}
}

// TestTemplatesPage: the owner previews (nothing changes), then applies from the
// workload's templates page; a reader sees the list but no form.
func TestTemplatesPage(t *testing.T) {
	f := newFixture(t)
	path := "/w/" + strconv.FormatInt(f.w.ID, 10) + "/templates"
	res := f.do(call{method: "GET", path: path, as: "reader"})
	if body := readBody(t, res); res.StatusCode != 200 || !strings.Contains(body, `<th scope="row"><a href="/api/v1/templates/zone">zone</a>`) || strings.Contains(body, `name="action"`) {
		t.Fatalf("reader's page %d:\n%s", res.StatusCode, body)
	}
	res = f.do(call{method: "POST", path: path, as: "owner", form: url.Values{"template": {"zone"}, "action": {"preview"}}})
	body := readBody(t, res)
	if res.StatusCode != 200 || !strings.Contains(body, "Preview: zone version 1") || !strings.Contains(body, "<td>update</td>") {
		t.Fatalf("preview %d:\n%s", res.StatusCode, body)
	}
	a, err := f.store.Assessment(context.Background(), f.w.ID)
	must(t, err)
	if ans, _ := a.Answer(f.question); ans.Template != nil {
		t.Fatal("a preview changed the answer")
	}
	res = f.do(call{method: "POST", path: path, as: "owner", form: url.Values{"template": {"zone"}, "action": {"apply"}}})
	if body := readBody(t, res); res.StatusCode != 200 || !strings.Contains(body, "Applied zone version 1: 1 answers.") || !strings.Contains(body, "version 1</td>") {
		t.Fatalf("apply %d:\n%s", res.StatusCode, body)
	}
	a, err = f.store.Assessment(context.Background(), f.w.ID)
	must(t, err)
	if ans, _ := a.Answer(f.question); ans.Template == nil || ans.Template.Name != "zone" {
		t.Errorf("answer after apply: %+v", ans)
	}
	res = f.do(call{method: "POST", path: path, as: "owner", form: url.Values{"template": {"<nope>"}, "action": {"apply"}}})
	if body := readBody(t, res); res.StatusCode != 400 || strings.Contains(body, "<nope>") {
		t.Errorf("unknown template: %d, name unescaped: %v", res.StatusCode, strings.Contains(body, "<nope>"))
	}
	if res := f.do(call{method: "POST", path: path, as: "owner", noCSRF: true, form: url.Values{"template": {"zone"}, "action": {"apply"}}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("a form without its CSRF token: %d, want 403", res.StatusCode)
	}
}

// TestTemplateFromWorkload: a contributor makes a template from the workload's
// answers; the same name again is the next version for its owner, refused to others.
func TestTemplateFromWorkload(t *testing.T) {
	f := newFixture(t)
	path := "/api/v1/workloads/" + strconv.FormatInt(f.w.ID, 10) + "/templates"
	post := func(as, body string) (int, string) {
		res := f.do(call{method: "POST", path: path, as: as, json: body})
		return res.StatusCode, readBody(t, res)
	}
	body := `{"name":"chat-basics","questions":["` + f.question + `"]}`
	if st, b := post("contributor", body); st != http.StatusCreated || !strings.Contains(b, `"version": 1`) || !strings.Contains(b, `"owner": "contributor@example.com"`) {
		t.Fatalf("create: %d %s", st, b)
	}
	if st, b := post("contributor", body); st != http.StatusCreated || !strings.Contains(b, `"version": 2`) {
		t.Errorf("owner's second save: %d %s", st, b)
	}
	if st, b := post("owner", body); st != http.StatusForbidden {
		t.Errorf("someone else's template: %d %s", st, b)
	}
	if st, b := post("contributor", `{"name":"x","questions":["`+f.lens.Questions[5].ID+`"]}`); st != http.StatusBadRequest || !strings.Contains(b, f.lens.Questions[5].ID) {
		t.Errorf("an unanswered question: %d %s", st, b)
	}
	res := f.do(call{method: "GET", path: "/api/v1/templates/chat-basics", as: "reader"})
	if b := readBody(t, res); !strings.Contains(b, "version: 2") || !strings.Contains(b, "question: "+f.question) {
		t.Errorf("export: %s", b)
	}
}

// TestNewWorkloadFromTemplate: one call, over the API or the new-workload form, makes
// the workload and applies the template, audited; an unknown template makes nothing.
func TestNewWorkloadFromTemplate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	count := func() int {
		ws, err := f.store.Workloads(ctx, 0)
		must(t, err)
		return len(ws)
	}
	answered := func(id int64) int {
		as, err := f.store.Answers(ctx, id)
		must(t, err)
		return len(as)
	}
	before := count()
	res := f.do(call{method: "POST", path: "/api/v1/workloads", as: "outsider", json: `{"name": "from a template", "template": "nope"}`})
	if body := readBody(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `no template named`) {
		t.Fatalf("unknown template: %d %s", res.StatusCode, body)
	}
	if count() != before {
		t.Fatal("an unknown template still made a workload")
	}
	res = f.do(call{method: "POST", path: "/api/v1/workloads", as: "outsider", json: `{"name": "from a template", "template": "zone"}`})
	body := readBody(t, res)
	var got struct {
		ID       int64 `json:"id"`
		Template struct {
			Template string `json:"template"`
			Applied  int    `json:"applied"`
		} `json:"template"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil || res.StatusCode != http.StatusCreated || got.Template.Template != "zone" || got.Template.Applied == 0 {
		t.Fatalf("create from template: %d %s (%v)", res.StatusCode, body, err)
	}
	if n := answered(got.ID); n != got.Template.Applied {
		t.Errorf("%d answers stored, %d applied", n, got.Template.Applied)
	}
	evs, err := f.store.AuditEvents(ctx, awaf.AuditFilter{WorkloadID: got.ID})
	must(t, err)
	audited := false
	for _, e := range evs {
		audited = audited || e.Action == awaf.AuditTemplateApply && e.Actor.Name == "outsider@example.com"
	}
	if !audited {
		t.Errorf("applying the template at creation is not audited: %+v", evs)
	}
	// The form offers the templates and does the same.
	page := f.do(call{method: "GET", path: "/workloads", as: "outsider"})
	if body := readBody(t, page); !strings.Contains(body, `name="template"`) || !strings.Contains(body, `<option value="zone">`) {
		t.Errorf("the new-workload form offers no template:\n%s", body)
	}
	res = f.do(call{method: "POST", path: "/workloads", as: "outsider", form: url.Values{"name": {"form from a template"}, "template": {"zone"}}})
	loc := res.Header.Get("Location")
	id, err := strconv.ParseInt(strings.TrimPrefix(loc, "/w/"), 10, 64)
	if res.StatusCode != http.StatusSeeOther || err != nil {
		t.Fatalf("form: %d to %q", res.StatusCode, loc)
	}
	if answered(id) == 0 {
		t.Error("the form made the workload without the template's answers")
	}
	res = f.do(call{method: "POST", path: "/workloads", as: "outsider", form: url.Values{"name": {"bad"}, "template": {"nope"}}})
	if body := readBody(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "no template named") {
		t.Errorf("form with an unknown template: %d", res.StatusCode)
	}
}
