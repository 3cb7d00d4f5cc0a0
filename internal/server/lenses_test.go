package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/server"
)

// teamLens is a small valid lens. Version 2.0.0 drops question "keys" and adds
// "logging", so an upgrade has something to drop and something new.
func teamLens(version string) string {
	choice := func(id, title string, weight int) string {
		return fmt.Sprintf("      - id: %s\n        title: %s\n        weight: %d\n        effort: low\n        pillars: [security]\n"+
			"        guidance: {what: Do it, why: It helps, verify: Look}\n        links: [{url: \"https://example.com/%s\"}]\n", id, title, weight, id)
	}
	none := func(id string) string { return "      - {id: " + id + ", title: None of these, none: true}\n" }
	question := func(id, title string, choices ...string) string {
		return "  - id: " + id + "\n    title: " + title + "\n    area: platform\n    pillars: [security]\n    choices:\n" + strings.Join(choices, "")
	}
	second := question("keys", "Are keys rotated?", choice("keys_rotated", "Keys rotate monthly", 20), none("keys_none"))
	if version == "2.0.0" {
		second = question("logging", "Are prompts logged?", choice("log_on", "Prompts are logged", 20), none("log_none"))
	}
	return "id: team-lens\nname: Team practices\nversion: " + version + "\ndescription: The practices our platform team keeps.\n" +
		"pillars:\n  - {id: security, name: Security}\nareas:\n  - {id: platform, name: Platform runtime}\nquestions:\n" +
		question("access", "How do services reach the model?", choice("access_mi", "Managed identities", 30), none("access_none")) + second
}

// lensForm posts a lens file to the upload form as who.
func lensForm(t *testing.T, h http.Handler, f *fixture, who, name string, data []byte) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if s, ok := f.sessions[who]; ok {
		mw.WriteField("csrf", s.csrf)
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest("POST", "/admin/lenses", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if s, ok := f.sessions[who]; ok {
		req.AddCookie(&http.Cookie{Name: "awaf_session", Value: s.cookie})
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func storedLenses(t *testing.T, f *fixture) []string {
	t.Helper()
	ls, err := f.store.Lenses(context.Background())
	must(t, err)
	var out []string
	for _, l := range ls {
		out = append(out, l.ID+"@"+l.Version)
	}
	return out
}

func uploadEvents(t *testing.T, f *fixture) []awaf.AuditEvent {
	t.Helper()
	es, err := f.store.AuditEvents(context.Background(), awaf.AuditFilter{})
	must(t, err)
	var out []awaf.AuditEvent
	for _, e := range es {
		if e.Action == awaf.AuditLensUpload {
			out = append(out, e)
		}
	}
	return out
}

// TestUploadedLensLifecycle uploads a lens in the browser, creates a workload on it,
// renders its dashboard, uploads a newer version through the API and upgrades the
// workload; a second server on the same database (another replica) sees it all.
func TestUploadedLensLifecycle(t *testing.T) {
	f := newFixture(t)
	res := lensForm(t, f.h, f, "admin", "team.yaml", []byte(teamLens("1.0.0")))
	if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), "Uploaded team-lens version 1.0.0") {
		t.Fatalf("upload = %d\n%s", res.Code, res.Body)
	}
	if ev := uploadEvents(t, f); len(ev) != 1 || ev[0].Target != "team-lens@1.0.0" || ev[0].Actor.UserID != f.users["admin"].ID {
		t.Fatalf("lens.upload events = %+v", ev)
	}
	page := readBody(t, f.do(call{method: "GET", path: "/admin/lenses", as: "admin"}))
	for _, want := range []string{"team-lens", "Team practices", "uploaded by admin@example.com", lens.BuiltinID} {
		if !strings.Contains(page, want) {
			t.Errorf("lenses page lacks %q", want)
		}
	}

	// Anyone signed in may pick it for a new workload.
	wl := readBody(t, f.do(call{method: "GET", path: "/workloads", as: "reader"}))
	if !strings.Contains(wl, `<option value="team-lens"`) {
		t.Fatalf("new workload form does not offer the uploaded lens")
	}
	r := f.do(call{method: "POST", path: "/workloads", as: "reader", form: map[string][]string{"name": {"Platform"}, "lens": {"team-lens"}}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create workload = %d: %s", r.StatusCode, readBody(t, r))
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(r.Header.Get("Location"), "/w/"), 10, 64)
	must(t, err)
	rec, err := f.store.Workload(context.Background(), id)
	must(t, err)
	if rec.Lens != (awaf.LensRef{ID: "team-lens", Version: "1.0.0"}) {
		t.Fatalf("workload lens = %+v", rec.Lens)
	}
	for _, ans := range []string{"access", "keys"} {
		r := f.do(call{method: "PUT", path: fmt.Sprintf("/api/v1/workloads/%d/answers/%s", id, ans), as: "reader",
			json: fmt.Sprintf(`{"selected":["%s"],"version":0}`, map[string]string{"access": "access_mi", "keys": "keys_rotated"}[ans])})
		if r.StatusCode != http.StatusOK {
			t.Fatalf("answer %s = %d: %s", ans, r.StatusCode, readBody(t, r))
		}
	}
	dash := readBody(t, f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/dashboard", id), as: "reader"}))
	if !strings.Contains(dash, "Platform runtime") {
		t.Fatalf("dashboard does not show the uploaded lens's pillar:\n%s", dash)
	}
	r = f.do(call{method: "GET", path: fmt.Sprintf("/api/v1/workloads/%d/reports/markdown", id), as: "reader"})
	if body := readBody(t, r); r.StatusCode != http.StatusOK || !strings.Contains(body, "Platform runtime") {
		t.Fatalf("markdown report = %d\n%s", r.StatusCode, body)
	}

	// Version 2.0 through the API makes the workload outdated, also on a replica.
	r = f.do(call{method: "POST", path: "/api/v1/lenses", as: "admin", json: teamLens("2.0.0")})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("API upload = %d: %s", r.StatusCode, readBody(t, r))
	}
	replica, err := server.New(server.Config{Store: f.store, Auth: f.auth, Lens: lens.BuiltinByID, DefaultLens: lens.BuiltinID, Now: f.clock.Now})
	must(t, err)
	for name, h := range map[string]http.Handler{"same server": f.h, "replica": replica.Handler()} {
		g := *f
		g.h = h
		var st struct {
			Latest   awaf.LensRef `json:"latest"`
			Outdated bool         `json:"outdated"`
			Preview  struct {
				Dropped      []struct{ Question string } `json:"dropped"`
				NewQuestions []string                    `json:"newQuestions"`
			} `json:"preview"`
		}
		r := g.do(call{method: "GET", path: fmt.Sprintf("/api/v1/workloads/%d/lens", id), as: "reader"})
		must(t, json.NewDecoder(r.Body).Decode(&st))
		if !st.Outdated || st.Latest.Version != "2.0.0" {
			t.Fatalf("%s: lens state = %+v", name, st)
		}
		// The server keeps version 1.0, so only the question 2.0 added is new.
		if len(st.Preview.Dropped) != 1 || st.Preview.Dropped[0].Question != "keys" || fmt.Sprint(st.Preview.NewQuestions) != "[logging]" {
			t.Fatalf("%s: preview = %+v", name, st.Preview)
		}
		list := readBody(t, g.do(call{method: "GET", path: "/workloads", as: "reader"}))
		if !strings.Contains(list, "outdated: 2.0.0 available") {
			t.Fatalf("%s: workload list does not offer the upgrade", name)
		}
	}
	if wp := readBody(t, f.do(call{method: "GET", path: fmt.Sprintf("/w/%d", id), as: "reader"})); !strings.Contains(wp, "the scores above are on version 1.0.0") || !strings.Contains(wp, "Upgrade") {
		t.Fatalf("workload page does not offer the upgrade on its own version:\n%s", wp)
	}
	// The dashboard of the outdated workload still scores on its own version.
	dash = readBody(t, f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/dashboard", id), as: "reader"}))
	if !strings.Contains(dash, "Platform runtime") {
		t.Fatalf("outdated dashboard:\n%s", dash)
	}
	r = f.do(call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/lens/upgrade", id), as: "reader"})
	if r.StatusCode != http.StatusOK {
		t.Fatalf("upgrade = %d: %s", r.StatusCode, readBody(t, r))
	}
	rec, err = f.store.Workload(context.Background(), id)
	must(t, err)
	if rec.Lens.Version != "2.0.0" {
		t.Fatalf("after upgrade the workload is on %+v", rec.Lens)
	}

	var list struct {
		Lenses []struct {
			ID, Version     string
			Builtin, Latest bool
		} `json:"lenses"`
	}
	must(t, json.NewDecoder(f.do(call{method: "GET", path: "/api/v1/lenses", as: "token:reader"}).Body).Decode(&list))
	var got []string
	for _, l := range list.Lenses {
		got = append(got, fmt.Sprintf("%s@%s builtin=%t latest=%t", l.ID, l.Version, l.Builtin, l.Latest))
	}
	want := []string{lens.BuiltinID + "@" + f.lens.Version + " builtin=true latest=true", "team-lens@1.0.0 builtin=false latest=false", "team-lens@2.0.0 builtin=false latest=true"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("GET /api/v1/lenses = %v, want %v", got, want)
	}
}

// TestLensUploadRefusals covers every way an upload is refused; none stores anything.
func TestLensUploadRefusals(t *testing.T) {
	f := newFixture(t)
	builtin, err := lens.MarshalYAML(f.lens)
	must(t, err)
	// Three problems: an unknown field, a question in an unknown area, a choice
	// without a title.
	bad := strings.Replace(teamLens("1.0.0"), "description:", "colour: blue\ndescription:", 1)
	bad = strings.Replace(bad, "    area: platform\n    pillars: [security]\n    choices:\n      - id: keys_rotated\n        title: Keys rotate monthly\n",
		"    area: nowhere\n    pillars: [security]\n    choices:\n      - id: keys_rotated\n", 1)
	huge := bytes.Repeat([]byte("#"), lens.MaxSize+1)

	cases := []struct {
		name   string
		data   []byte
		status int
		want   []string
	}{
		{"problems", []byte(bad), http.StatusBadRequest, nil},
		{"not yaml", []byte("id: [unclosed\n"), http.StatusBadRequest, []string{"bad.yaml:"}},
		{"built-in id", builtin, http.StatusConflict, []string{"built into this server"}},
		{"too large", huge, http.StatusRequestEntityTooLarge, []string{"larger than"}},
	}
	for _, tc := range cases {
		t.Run("form/"+tc.name, func(t *testing.T) {
			res := lensForm(t, f.h, f, "admin", "bad.yaml", tc.data)
			if res.Code != tc.status {
				t.Fatalf("status = %d, want %d\n%s", res.Code, tc.status, res.Body)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.Body.String(), w) {
					t.Errorf("page lacks %q", w)
				}
			}
		})
		t.Run("api/"+tc.name, func(t *testing.T) {
			r := f.do(call{method: "POST", path: "/api/v1/lenses?name=bad.yaml", as: "admin", json: string(tc.data)})
			if r.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d: %s", r.StatusCode, tc.status, readBody(t, r))
			}
		})
	}

	// Every problem of the bad file is shown with its line and column, in the page
	// and in the API.
	want, err := lens.Parse("bad.yaml", []byte(bad))
	var ps awaf.Problems
	if err == nil || !errors.As(err, &ps) || len(ps) < 3 {
		t.Fatalf("the bad lens should have at least 3 problems: %v", err)
	}
	page := lensForm(t, f.h, f, "admin", "bad.yaml", []byte(bad)).Body.String()
	items := regexp.MustCompile(`<li><code>bad\.yaml:(\d+):(\d+)</code>`).FindAllStringSubmatch(page, -1)
	if len(items) != len(ps) {
		t.Fatalf("page lists %d located problems, parser found %d (%v)\n%s", len(items), len(ps), want, page)
	}
	for i, p := range ps {
		if items[i][1] != strconv.Itoa(p.Line) || items[i][2] != strconv.Itoa(p.Column) || !strings.Contains(page, template.HTMLEscapeString(p.Message)) {
			t.Errorf("problem %d: page shows %s:%s, parser says %s", i, items[i][1], items[i][2], p)
		}
	}
	var apiErr struct {
		Error struct {
			Problems []struct {
				File         string
				Line, Column int
				Message      string
			}
		}
	}
	r := f.do(call{method: "POST", path: "/api/v1/lenses?name=bad.yaml", as: "admin", json: bad})
	must(t, json.NewDecoder(r.Body).Decode(&apiErr))
	if len(apiErr.Error.Problems) != len(ps) || apiErr.Error.Problems[0].Line != ps[0].Line || apiErr.Error.Problems[0].Column != ps[0].Column {
		t.Fatalf("API problems = %+v, want %v", apiErr.Error.Problems, ps)
	}
	if got := storedLenses(t, f); len(got) != 0 {
		t.Fatalf("refused uploads stored %v", got)
	}
	if ev := uploadEvents(t, f); len(ev) != 0 {
		t.Fatalf("refused uploads were audited: %+v", ev)
	}

	// The same id and version twice: the second is a conflict and changes nothing.
	if res := lensForm(t, f.h, f, "admin", "team.yaml", []byte(teamLens("1.0.0"))); res.Code != http.StatusOK {
		t.Fatalf("first upload = %d\n%s", res.Code, res.Body)
	}
	changed := strings.Replace(teamLens("1.0.0"), "Team practices", "Changed", 1)
	res := lensForm(t, f.h, f, "admin", "team.yaml", []byte(changed))
	if res.Code != http.StatusConflict || !strings.Contains(res.Body.String(), "already on this server") {
		t.Fatalf("duplicate upload = %d\n%s", res.Code, res.Body)
	}
	if r := f.do(call{method: "POST", path: "/api/v1/lenses", as: "admin", json: changed}); r.StatusCode != http.StatusConflict {
		t.Fatalf("duplicate API upload = %d", r.StatusCode)
	}
	sl, err := f.store.Lens(context.Background(), "team-lens", "1.0.0")
	must(t, err)
	if !strings.Contains(string(sl.Source), "Team practices") || len(uploadEvents(t, f)) != 1 {
		t.Fatalf("a refused duplicate changed the stored lens or the audit log")
	}
}

// TestLensUploadNeedsSiteAdmin: members of every role, tokens and anonymous callers
// may not upload, in the browser or through the API.
func TestLensUploadNeedsSiteAdmin(t *testing.T) {
	f := newFixture(t)
	data := teamLens("1.0.0")
	for _, who := range []string{"owner", "contributor", "reader", "outsider", "token:owner", ""} {
		t.Run("api/"+who, func(t *testing.T) {
			r := f.do(call{method: "POST", path: "/api/v1/lenses", as: who, json: data})
			want := http.StatusForbidden
			if who == "" {
				want = http.StatusUnauthorized
			}
			if r.StatusCode != want {
				t.Fatalf("status = %d, want %d", r.StatusCode, want)
			}
		})
		if strings.HasPrefix(who, "token:") {
			continue
		}
		t.Run("form/"+who, func(t *testing.T) {
			res := lensForm(t, f.h, f, who, "team.yaml", []byte(data))
			want := http.StatusForbidden
			if who == "" {
				want = http.StatusUnauthorized
			}
			if res.Code != want {
				t.Fatalf("status = %d, want %d\n%s", res.Code, want, res.Body)
			}
		})
	}
	if r := f.do(call{method: "GET", path: "/admin/lenses", as: "owner"}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("lenses page as owner = %d", r.StatusCode)
	}
	if got := storedLenses(t, f); len(got) != 0 {
		t.Fatalf("refused callers stored %v", got)
	}
}

// A workload cannot be created on a lens the server does not have.
func TestCreateWorkloadUnknownLens(t *testing.T) {
	f := newFixture(t)
	r := f.do(call{method: "POST", path: "/api/v1/workloads", as: "reader", json: `{"name":"x","lens":{"id":"no-such-lens"}}`})
	if body := readBody(t, r); r.StatusCode != http.StatusBadRequest || !strings.Contains(body, "no-such-lens") {
		t.Fatalf("status = %d: %s", r.StatusCode, body)
	}
}
