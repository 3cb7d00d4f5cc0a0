package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/auth"
	"github.com/awaf/awaf/internal/compare"
	"github.com/awaf/awaf/internal/server"
)

func TestCSRF(t *testing.T) {
	f := newFixture(t)
	milestones := fmt.Sprintf("/w/%d/milestones", f.w.ID)
	answer := fmt.Sprintf("/api/v1/workloads/%d/answers/%s", f.w.ID, f.question)
	tests := []struct {
		name string
		c    call
		want int
	}{
		{"form without token", call{method: "POST", path: milestones, as: "owner", form: url.Values{"name": {"x"}}, noCSRF: true}, http.StatusForbidden},
		{"form with another session's token", call{method: "POST", path: milestones, as: "owner", form: url.Values{"name": {"x"}}, csrf: f.sessions["reader"].csrf}, http.StatusForbidden},
		{"form with its token", call{method: "POST", path: milestones, as: "owner", form: url.Values{"name": {"x"}}}, http.StatusSeeOther},
		{"JSON from a session without header", call{method: "PUT", path: answer, as: "owner", json: `{"version":-1}`, noCSRF: true}, http.StatusForbidden},
		{"JSON from a session with header", call{method: "PUT", path: answer, as: "owner", json: `{"version":-1}`}, http.StatusOK},
		{"JSON with a bearer token needs none", call{method: "PUT", path: answer, as: "token:contributor", json: `{"version":-1}`}, http.StatusOK},
		{"sign-in without the form cookie", call{method: "POST", path: "/signin", form: url.Values{"email": {"owner@example.com"}, "password": {password}, "csrf": {"forged"}}}, http.StatusForbidden},
		{"sign-out without token", call{method: "POST", path: "/signout", as: "owner", noCSRF: true}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := f.do(tt.c)
			if res.StatusCode != tt.want {
				t.Fatalf("status = %d, want %d: %s", res.StatusCode, tt.want, readBody(t, res))
			}
		})
	}
	// A cross-site browser request is refused even with a valid token.
	req := httptest.NewRequest("POST", milestones, strings.NewReader(url.Values{"name": {"x"}, "csrf": {f.sessions["owner"].csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.AddCookie(&http.Cookie{Name: "awaf_session", Value: f.sessions["owner"].cookie})
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Fatalf("cross-site POST = %d, want 403", rec.Code)
	}
}

// browser follows the sign-in forms the way a browser would, keeping cookies.
type browser struct {
	t       *testing.T
	h       http.Handler
	cookies map[string]string
}

func (b *browser) do(method, path string, form url.Values) *httptest.ResponseRecorder {
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	req.RemoteAddr = "198.51.100.7:5000"
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return rec
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) csrf(path string) string {
	b.t.Helper()
	rec := b.do("GET", path, nil)
	m := csrfInput.FindStringSubmatch(rec.Body.String())
	if m == nil {
		b.t.Fatalf("GET %s (%d) has no CSRF field", path, rec.Code)
	}
	return m[1]
}

func TestSetupSignInSignOut(t *testing.T) {
	f := newFixture(t)
	empty := newEmptyServer(t)
	b := &browser{t: t, h: empty, cookies: map[string]string{}}
	if rec := b.do("GET", "/", nil); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/setup" {
		t.Fatalf("fresh server / = %d %s", rec.Code, rec.Header().Get("Location"))
	}
	tok := b.csrf("/setup")
	rec := b.do("POST", "/setup", url.Values{"csrf": {tok}, "email": {"root@example.com"}, "password": {password}, "confirm": {"different password"}})
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("mismatched passwords = %d", rec.Code)
	}
	rec = b.do("POST", "/setup", url.Values{"csrf": {tok}, "email": {"root@example.com"}, "password": {password}, "confirm": {password}})
	if rec.Code != http.StatusSeeOther || b.cookies["awaf_session"] == "" {
		t.Fatalf("setup = %d, cookies %v: %s", rec.Code, b.cookies, rec.Body)
	}
	if rec := b.do("GET", "/workloads", nil); rec.Code != http.StatusOK {
		t.Fatalf("workloads after setup = %d", rec.Code)
	}
	// A second set-up is refused once someone exists.
	other := &browser{t: t, h: empty, cookies: map[string]string{}}
	if rec := other.do("GET", "/setup", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("setup page after set-up = %d", rec.Code)
	}
	other.cookies["awaf_csrf"] = strings.Repeat("a", 43)
	rec = other.do("POST", "/setup", url.Values{"csrf": {strings.Repeat("a", 43)}, "email": {"evil@example.com"}, "password": {password}, "confirm": {password}})
	if rec.Code != http.StatusForbidden {
		t.Fatalf("second setup = %d", rec.Code)
	}

	// Sign in on the fixture server, sign out, and find the session gone.
	b = &browser{t: t, h: f.h, cookies: map[string]string{}}
	tok = b.csrf("/signin")
	rec = b.do("POST", "/signin", url.Values{"csrf": {tok}, "email": {"owner@example.com"}, "password": {"wrong password"}})
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "wrong email or password") {
		t.Fatalf("wrong password = %d", rec.Code)
	}
	rec = b.do("POST", "/signin", url.Values{"csrf": {tok}, "email": {"owner@example.com"}, "password": {password}, "next": {"//evil.example/"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/workloads" {
		t.Fatalf("sign-in = %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	c := b.cookies["awaf_session"]
	tok = b.csrf("/workloads")
	if rec := b.do("POST", "/signout", url.Values{"csrf": {tok}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-out = %d", rec.Code)
	}
	b.cookies["awaf_session"] = c // a stolen copy of the old cookie
	if rec := b.do("GET", "/workloads", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("old cookie after sign-out = %d", rec.Code)
	}
	es, _ := f.store.AuditEvents(context.Background(), awaf.AuditFilter{})
	var actions []string
	for _, e := range es {
		actions = append(actions, e.Action)
	}
	if !strings.Contains(strings.Join(actions, " "), "sign-out sign-in sign-in-failed") {
		t.Fatalf("audit actions = %v", actions)
	}
}

func TestLockoutOverHTTP(t *testing.T) {
	f := newFixture(t)
	b := &browser{t: t, h: f.h, cookies: map[string]string{}}
	tok := b.csrf("/signin")
	for i := range 5 {
		rec := b.do("POST", "/signin", url.Values{"csrf": {tok}, "email": {"reader@example.com"}, "password": {fmt.Sprintf("guess %d", i)}})
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("guess %d = %d", i, rec.Code)
		}
	}
	rec := b.do("POST", "/signin", url.Values{"csrf": {tok}, "email": {"reader@example.com"}, "password": {password}})
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("right password while locked = %d", rec.Code)
	}
	f.advance(16 * time.Minute)
	// The client address is locked too (5 failures from it), so sign in from another.
	req := httptest.NewRequest("POST", "/signin", strings.NewReader(url.Values{"csrf": {tok}, "email": {"reader@example.com"}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "awaf_csrf", Value: tok})
	req.RemoteAddr = "203.0.113.50:1"
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, req)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("sign-in after the lock = %d", w.Code)
	}
}

func TestSecurityHeadersAndCookies(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(fmt.Sprintf("secure=%v", secure), func(t *testing.T) {
			f := newFixture(t, func(c *server.Config) { c.SecureCookies = secure })
			b := &browser{t: t, h: f.h, cookies: map[string]string{}}
			rec := b.do("GET", "/signin", nil)
			csp := rec.Header().Get("Content-Security-Policy")
			if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Fatalf("CSP = %q", csp)
			}
			for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"} {
				if got := rec.Header().Get(h); got != want {
					t.Errorf("%s = %q, want %q", h, got, want)
				}
			}
			tok := csrfInput.FindStringSubmatch(rec.Body.String())[1]
			rec = b.do("POST", "/signin", url.Values{"csrf": {tok}, "email": {"owner@example.com"}, "password": {password}})
			var sc *http.Cookie
			for _, c := range rec.Result().Cookies() {
				if c.Name == "awaf_session" {
					sc = c
				}
			}
			if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode || sc.Secure != secure || sc.Path != "/" {
				t.Fatalf("session cookie = %+v", sc)
			}
			if secure && rec.Header().Get("Strict-Transport-Security") == "" {
				t.Error("no HSTS with secure cookies")
			}
		})
	}
}

// TestPagesHaveNoInlineScript renders every page a signed-in owner can open and checks
// that none needs what the Content-Security-Policy forbids.
func TestPagesHaveNoInlineScript(t *testing.T) {
	f := newFixture(t)
	inline := regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]|\son[a-z]+\s*=|javascript:|style="`)
	for _, rt := range f.srv.Routes() {
		method, path := f.fill(rt.Pattern)
		if method != "GET" || strings.HasPrefix(path, "/api/") || strings.Contains(path, "export") || strings.HasSuffix(path, ".csv") {
			continue
		}
		t.Run(path, func(t *testing.T) {
			res := f.do(call{method: "GET", path: path, as: "admin"})
			body := readBody(t, res)
			if res.StatusCode >= 400 {
				t.Fatalf("GET %s = %d: %s", path, res.StatusCode, body)
			}
			if loc := inline.FindString(body); loc != "" {
				t.Fatalf("GET %s has inline script or style: %q", path, loc)
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	f := newFixture(t, func(c *server.Config) { c.MaxBody = 1024 })
	big := `{"note":"` + strings.Repeat("x", 4096) + `","version":-1}`
	res := f.do(call{method: "PUT", path: fmt.Sprintf("/api/v1/workloads/%d/answers/%s", f.w.ID, f.question), as: "token:owner", json: big})
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("big body = %d", res.StatusCode)
	}
}

func TestAPIAnswerConflict(t *testing.T) {
	f := newFixture(t)
	path := fmt.Sprintf("/api/v1/workloads/%d/answers/%s", f.w.ID, f.lens.Questions[1].ID)
	first := f.do(call{method: "PUT", path: path, as: "token:contributor", json: `{"note":"first","version":0}`})
	if first.StatusCode != http.StatusOK {
		t.Fatalf("first save = %d: %s", first.StatusCode, readBody(t, first))
	}
	var sa awaf.StoredAnswer
	json.NewDecoder(first.Body).Decode(&sa)
	if sa.Version != 1 || sa.UpdatedBy != "token:tok-contributor" {
		t.Fatalf("stored = %+v", sa)
	}
	second := f.do(call{method: "PUT", path: path, as: "contributor", json: `{"note":"second","version":0}`})
	if second.StatusCode != http.StatusConflict {
		t.Fatalf("stale save = %d", second.StatusCode)
	}
	var e struct {
		Error struct{ Message string }
	}
	json.NewDecoder(second.Body).Decode(&e)
	if !strings.Contains(e.Error.Message, "changed by someone else") {
		t.Fatalf("conflict message = %q", e.Error.Message)
	}
	tests := []struct {
		name, body string
		want       int
	}{
		{"unknown choice", `{"selected":["nope"],"version":-1}`, http.StatusBadRequest},
		{"unknown field", `{"selcted":[],"version":-1}`, http.StatusBadRequest},
		{"two values", `{"version":-1}{}`, http.StatusBadRequest},
		{"bad reason", `{"notApplicable":{"reason":"lazy"},"version":-1}`, http.StatusBadRequest},
		{"not JSON", `<xml/>`, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := f.do(call{method: "PUT", path: path, as: "token:owner", json: tt.body})
			if res.StatusCode != tt.want {
				t.Fatalf("status = %d, want %d", res.StatusCode, tt.want)
			}
		})
	}
	unknown := f.do(call{method: "PUT", path: fmt.Sprintf("/api/v1/workloads/%d/answers/no-such-question", f.w.ID), as: "token:owner", json: `{"version":-1}`})
	if unknown.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown question = %d", unknown.StatusCode)
	}
}

func TestAssessFormSaves(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	area := f.lens.Areas[0].ID
	var ids []string
	for _, q := range f.lens.Questions {
		if q.Area == area {
			ids = append(ids, q.ID)
		}
	}
	page := f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/assess/%s", f.w.ID, area), as: "contributor"})
	body := readBody(t, page)
	for _, id := range ids {
		if !strings.Contains(body, `data-question="`+id+`"`) {
			t.Fatalf("assessment page misses question %s", id)
		}
	}
	form := url.Values{}
	for _, id := range ids {
		form.Add("q", id)
		q, _ := f.lens.Question(id)
		form.Set("v."+id, "0")
		form.Add("sel."+id, q.Choices[0].ID)
		form.Set("note."+id, "from the form")
	}
	// The fixture answered its first question already, at version 1.
	form.Set("v."+f.question, "1")
	res := f.do(call{method: "POST", path: fmt.Sprintf("/w/%d/assess/%s", f.w.ID, area), as: "contributor", form: form})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save = %d: %s", res.StatusCode, readBody(t, res))
	}
	as, _ := f.store.Answers(ctx, f.w.ID)
	if len(as) != len(ids) {
		t.Fatalf("stored %d answers, want %d", len(as), len(ids))
	}
	// The same form again is stale for every question that changed.
	form.Set("note."+ids[len(ids)-1], "edited elsewhere")
	res = f.do(call{method: "POST", path: fmt.Sprintf("/w/%d/assess/%s", f.w.ID, area), as: "contributor", form: form})
	if res.StatusCode != http.StatusConflict || !strings.Contains(readBody(t, res), "changed by someone else") {
		t.Fatalf("stale form = %d", res.StatusCode)
	}
	// A reader sees the form disabled and cannot post it.
	res = f.do(call{method: "POST", path: fmt.Sprintf("/w/%d/assess/%s", f.w.ID, area), as: "reader", form: form})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("reader save = %d", res.StatusCode)
	}
}

func TestExportsAreAudited(t *testing.T) {
	f := newFixture(t)
	for _, format := range []string{"md", "html", "json", "csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			res := f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/export/%s", f.w.ID, format), as: "reader"})
			body := readBody(t, res)
			if res.StatusCode != http.StatusOK || len(body) < 100 || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("export %s = %d, %d bytes", format, res.StatusCode, len(body))
			}
		})
	}
	if res := f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/export/pdf", f.w.ID), as: "reader"}); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown format = %d", res.StatusCode)
	}
	es, _ := f.store.AuditEvents(context.Background(), awaf.AuditFilter{WorkloadID: f.w.ID})
	n := 0
	for _, e := range es {
		if e.Action == awaf.AuditExport && e.Actor.Name == "reader@example.com" {
			n++
		}
	}
	if n != 5 {
		t.Fatalf("%d export events, want 5", n)
	}
}

func TestTokenShownOnce(t *testing.T) {
	f := newFixture(t)
	res := f.do(call{method: "POST", path: fmt.Sprintf("/w/%d/tokens", f.w.ID), as: "owner", form: url.Values{"name": {"pipeline"}, "role": {"contributor"}, "days": {"30"}}})
	body := readBody(t, res)
	m := regexp.MustCompile(`value="(awaf_[A-Za-z0-9_-]+)"`).FindStringSubmatch(body)
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("token page = %d without the secret", res.StatusCode)
	}
	again := readBody(t, f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/access", f.w.ID), as: "owner"}))
	if strings.Contains(again, m[1]) || !strings.Contains(again, "pipeline") {
		t.Fatal("the access page shows the secret again, or not the token")
	}
	f.tokens["new"] = m[1]
	if res := f.do(call{method: "GET", path: fmt.Sprintf("/api/v1/workloads/%d/answers", f.w.ID), as: "token:new"}); res.StatusCode != http.StatusOK {
		t.Fatalf("new token = %d", res.StatusCode)
	}
}

func TestAccessPageListsEveryone(t *testing.T) {
	f := newFixture(t)
	body := readBody(t, f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/access", f.w.ID), as: "reader"}))
	for _, want := range []string{"owner@example.com", "contributor@example.com", "reader@example.com", "admin@example.com", "tok-owner", "tok-reader", "to-revoke"} {
		if !strings.Contains(body, want) {
			t.Errorf("access page misses %s", want)
		}
	}
	if strings.Contains(body, "outsider@example.com") || strings.Contains(body, "Grant access") {
		t.Error("access page shows an outsider, or the grant form to a reader")
	}
}

func TestMilestoneCompare(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	owner := awaf.Actor{UserID: f.users["owner"].ID, Name: "owner@example.com"}
	// Answer every choice of every question: scores rise and risks resolve.
	for _, q := range f.lens.Questions {
		var sel []string
		for _, c := range q.Choices {
			if !c.None {
				sel = append(sel, c.ID)
			}
		}
		if _, err := f.store.PutAnswer(ctx, owner, f.w.ID, awaf.Answer{Question: q.ID, Selected: sel}, awaf.AnyVersion); err != nil {
			t.Fatal(err)
		}
	}
	after, err := f.store.CreateMilestone(ctx, owner, f.w.ID, "All done")
	must(t, err)
	res := f.do(call{method: "GET", path: fmt.Sprintf("/api/v1/workloads/%d/compare?from=%d&to=%d", f.w.ID, f.mile.ID, after.ID), as: "token:reader"})
	var c compare.Comparison
	if err := json.NewDecoder(res.Body).Decode(&c); err != nil || res.StatusCode != 200 {
		t.Fatalf("compare = %d, %v", res.StatusCode, err)
	}
	kinds := map[compare.RiskKind]int{}
	for _, rc := range c.Risks {
		kinds[rc.Kind]++
	}
	if c.Overall.Delta <= 0 || kinds[compare.RiskResolved] == 0 || kinds[compare.RiskAdded] != 0 || c.Old.Name != "Baseline" || c.New.Name != "All done" {
		t.Fatalf("comparison = %+v", c)
	}
	if len(c.Resolved) == 0 || len(c.Added) != 0 {
		t.Fatalf("plan changes: %d added, %d resolved; want recommendations resolved only", len(c.Added), len(c.Resolved))
	}
	page := readBody(t, f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/compare?from=%d&to=%d", f.w.ID, f.mile.ID, after.ID), as: "reader"}))
	for _, want := range []string{
		"Risks resolved (" + fmt.Sprint(kinds[compare.RiskResolved]) + ")",
		"Risks added (0)",
		"Plan: recommendations resolved (" + fmt.Sprint(len(c.Resolved)) + ")",
		c.Pillars[0].Name,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("compare page misses %q", want)
		}
	}
}

func TestInternalErrorsHideDetails(t *testing.T) {
	f := newFixture(t)
	f.store.Close() // every query now fails inside the driver
	res := f.do(call{method: "GET", path: fmt.Sprintf("/api/v1/workloads/%d", f.w.ID), as: "token:owner"})
	body := readBody(t, res)
	if res.StatusCode != http.StatusInternalServerError || !strings.Contains(body, "internal error") || strings.Contains(body, "sql") {
		t.Fatalf("status %d body %s", res.StatusCode, body)
	}
	if res := f.do(call{method: "GET", path: "/readyz"}); res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz with a closed database = %d", res.StatusCode)
	}
}

func TestMetrics(t *testing.T) {
	f := newFixture(t)
	f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/dashboard", f.w.ID), as: "reader"})
	f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/dashboard", f.w.ID), as: "outsider"})
	body := readBody(t, f.do(call{method: "GET", path: "/metrics", as: "admin"}))
	for _, want := range []string{
		`awaf_http_requests_total{route="GET /w/{id}/dashboard",code="200"} 1`,
		`awaf_http_requests_total{route="GET /w/{id}/dashboard",code="404"} 1`,
		`awaf_http_request_duration_seconds_count{route="GET /w/{id}/dashboard"} 2`,
		`awaf_http_request_duration_seconds_bucket{route="GET /w/{id}/dashboard",le="+Inf"} 2`,
		"# TYPE awaf_http_request_duration_seconds histogram",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics miss %q:\n%s", want, body)
		}
	}
}

// TestChangePassword: the current password is required and throttled, the new one
// replaces it, the person's other sessions end and this browser stays signed in.
func TestChangePassword(t *testing.T) {
	f := newFixture(t)
	if body := readBody(t, f.do(call{method: "GET", path: "/account", as: "reader"})); !strings.Contains(body, `action="/account/password"`) {
		t.Fatalf("account page without the form:\n%s", body)
	}
	change := func(current, next, confirm string) *http.Response {
		return f.do(call{method: "POST", path: "/account/password", as: "reader",
			form: url.Values{"current": {current}, "password": {next}, "confirm": {confirm}}})
	}
	for _, tc := range []struct {
		current, next, confirm string
		want                   int
		says                   string
	}{
		{"not my password", "a brand new secret", "a brand new secret", http.StatusForbidden, "current password is wrong"},
		{password, "a brand new secret", "another secret!!", http.StatusBadRequest, "differ"},
		{password, "short", "short", http.StatusBadRequest, "at least 10"},
	} {
		res := change(tc.current, tc.next, tc.confirm)
		if body := readBody(t, res); res.StatusCode != tc.want || !strings.Contains(body, tc.says) {
			t.Errorf("change(%q, %q) = %d, want %d saying %q", tc.current, tc.next, res.StatusCode, tc.want, tc.says)
		}
	}
	ctx := context.Background()
	_, other, err := f.auth.OpenSession(ctx, f.users["reader"].ID) // another browser
	must(t, err)
	if _, _, err := f.auth.Session(ctx, other); err != nil {
		t.Fatalf("the other browser's session does not work before the change: %v", err)
	}
	res := change(password, "a brand new secret", "a brand new secret")
	if body := readBody(t, res); res.StatusCode != http.StatusOK || !strings.Contains(body, "Password changed") {
		t.Fatalf("change = %d: %s", res.StatusCode, body)
	}
	var fresh string
	for _, c := range res.Cookies() {
		if c.Name == "awaf_session" {
			fresh = c.Value
		}
	}
	if fresh == "" {
		t.Fatal("no new session cookie after the change")
	}
	if _, _, err := f.auth.Session(ctx, fresh); err != nil {
		t.Errorf("the new session does not work: %v", err)
	}
	for name, secret := range map[string]string{"this browser's old": f.sessions["reader"].cookie, "another browser's": other} {
		if _, _, err := f.auth.Session(ctx, secret); err == nil {
			t.Errorf("%s session still works", name)
		}
	}
	if _, _, _, err := f.auth.SignIn(ctx, "reader@example.com", password, "t"); err == nil {
		t.Error("the old password still signs in")
	}
	if _, _, _, err := f.auth.SignIn(ctx, "reader@example.com", "a brand new secret", "t"); err != nil {
		t.Errorf("the new password does not sign in: %v", err)
	}
	es, err := f.store.AuditEvents(ctx, awaf.AuditFilter{})
	must(t, err)
	found := false
	for _, e := range es {
		found = found || (e.Action == awaf.AuditPasswordReset && e.Actor.UserID == f.users["reader"].ID)
	}
	if !found {
		t.Error("no audit event for the password change")
	}
}

// TestChangePasswordThrottled: guessing the current password from a session locks the
// account like failed sign-ins do.
func TestChangePasswordThrottled(t *testing.T) {
	f := newFixture(t)
	var last int
	for range 8 {
		res := f.do(call{method: "POST", path: "/account/password", as: "owner",
			form: url.Values{"current": {"guess guess guess"}, "password": {"a brand new secret"}, "confirm": {"a brand new secret"}}})
		last = res.StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("after 8 wrong guesses: %d, want 429", last)
	}
}

// TestDisableUser: an administrator disables a person, who is signed out at once and
// cannot sign in, is shown as disabled on the access page, and can be enabled again.
// Nobody disables their own account.
func TestDisableUser(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	reader := f.users["reader"]
	res := f.do(call{method: "POST", path: fmt.Sprintf("/admin/users/%d/disable", reader.ID), as: "admin"})
	if body := readBody(t, res); res.StatusCode != http.StatusOK || !strings.Contains(body, "Disabled reader@example.com") {
		t.Fatalf("disable = %d: %s", res.StatusCode, body)
	}
	if res := f.do(call{method: "GET", path: "/workloads", as: "reader"}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a disabled person's session still works: %d", res.StatusCode)
	}
	if _, _, _, err := f.auth.SignIn(ctx, "reader@example.com", password, "t"); !errors.Is(err, auth.ErrBadCredentials) {
		t.Errorf("a disabled person signs in: %v", err)
	}
	if body := readBody(t, f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/access", f.w.ID), as: "owner"})); !strings.Contains(body, "reader@example.com (disabled)") {
		t.Errorf("the access page does not show the disabled member")
	}
	res = f.do(call{method: "POST", path: fmt.Sprintf("/admin/users/%d/disable", f.users["admin"].ID), as: "admin"})
	if body := readBody(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "your own account") {
		t.Errorf("self-disable = %d", res.StatusCode)
	}
	if res := f.do(call{method: "POST", path: fmt.Sprintf("/admin/users/%d/enable", reader.ID), as: "admin"}); res.StatusCode != http.StatusOK {
		t.Fatalf("enable = %d", res.StatusCode)
	}
	if _, _, _, err := f.auth.SignIn(ctx, "reader@example.com", password, "t2"); err != nil {
		t.Errorf("an enabled person cannot sign in: %v", err)
	}
}

// TestMetricsToken: a scraper reads /metrics with the configured token and nothing
// else with it; without it, or with a wrong one, it gets 401 and how to authenticate.
func TestMetricsToken(t *testing.T) {
	const secret = "scrape-7f3c9a1e5b2d4086"
	f := newFixture(t, func(c *server.Config) { c.MetricsToken = secret })
	f.tokens["metrics"] = secret
	f.tokens["wrong"] = secret + "x"
	if res := f.do(call{method: "GET", path: "/metrics", as: "token:metrics"}); res.StatusCode != http.StatusOK ||
		!strings.Contains(readBody(t, res), "awaf_http_requests_total") {
		t.Fatalf("scraper with the token = %d", res.StatusCode)
	}
	for _, c := range []call{
		{method: "GET", path: "/metrics"},
		{method: "GET", path: "/metrics", as: "token:wrong"},
		{method: "GET", path: "/metrics", as: "token:owner"},
		{method: "GET", path: "/api/v1/workloads", as: "token:metrics"},
	} {
		res := f.do(c)
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s %s as %q = %d, want 401", c.method, c.path, c.as, res.StatusCode)
		}
		if c.path == "/metrics" && res.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s as %q: 401 without WWW-Authenticate", c.path, c.as)
		}
	}
	if res := f.do(call{method: "GET", path: "/metrics", as: "reader"}); res.StatusCode != http.StatusForbidden {
		t.Errorf("a signed-in non-admin reads metrics: %d", res.StatusCode)
	}
	cfg := server.Config{MetricsToken: "short"}
	if _, err := server.New(cfg); err == nil || !strings.Contains(err.Error(), "16") {
		t.Errorf("a short metrics token is accepted: %v", err)
	}
}

func TestBacklogExport(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	res := f.do(call{method: "GET", path: fmt.Sprintf("/api/v1/workloads/%d/plan", f.w.ID), as: "token:reader"})
	var plan struct {
		Plan []awaf.Recommendation `json:"plan"`
	}
	if err := json.NewDecoder(res.Body).Decode(&plan); err != nil || len(plan.Plan) < 2 {
		t.Fatalf("plan: %v, %d items", err, len(plan.Plan))
	}
	owner := awaf.Actor{Name: "owner@example.com"}
	first, second := plan.Plan[0], plan.Plan[1]
	_, err := f.store.PutPlanItem(ctx, owner, awaf.RemediationItem{WorkloadID: f.w.ID, Question: first.Question, Choice: first.Choice, Status: awaf.PlanDone}, 0)
	must(t, err)
	_, err = f.store.PutPlanItem(ctx, owner, awaf.RemediationItem{WorkloadID: f.w.ID, Question: second.Question, Choice: second.Choice, Status: awaf.PlanInProgress, Owner: "dana@example.com"}, 0)
	must(t, err)
	for _, target := range []string{"ado", "github", "github-sh", "jira"} {
		t.Run(target, func(t *testing.T) {
			res := f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/backlog/%s", f.w.ID, target), as: "reader"})
			body := readBody(t, res)
			if res.StatusCode != 200 {
				t.Fatalf("status %d: %s", res.StatusCode, body)
			}
			if strings.Contains(body, first.Title) {
				t.Error("a done item is exported")
			}
			if !strings.Contains(body, second.Title) {
				t.Error("an open item is missing")
			}
			if target == "jira" && !strings.Contains(body, "dana@example.com") {
				t.Error("the owner is missing")
			}
		})
	}
	if res := f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/backlog/trello", f.w.ID), as: "reader"}); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown target = %d", res.StatusCode)
	}
}

func TestAssessByPillar(t *testing.T) {
	f := newFixture(t)
	body := readBody(t, f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/pillar/%s", f.w.ID, awaf.ResponsibleAI), as: "reader"}))
	n := 0
	for _, q := range f.lens.Questions {
		in := strings.Contains(body, `data-question="`+q.ID+`"`)
		has := false
		for _, p := range q.Pillars {
			has = has || p == awaf.ResponsibleAI
		}
		if in != has {
			t.Errorf("question %s (pillars %v) shown = %v", q.ID, q.Pillars, in)
		}
		if in {
			n++
		}
	}
	if n == 0 {
		t.Fatal("no responsible-AI questions shown")
	}
	if res := f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/pillar/nope", f.w.ID), as: "reader"}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown pillar = %d", res.StatusCode)
	}
}

func TestAPIAccessAndTokens(t *testing.T) {
	f := newFixture(t)
	base := fmt.Sprintf("/api/v1/workloads/%d", f.w.ID)
	res := f.do(call{method: "POST", path: base + "/tokens", as: "token:owner", json: `{"name":"deploy","role":"reader","days":7}`})
	var made struct {
		Token  awaf.Token `json:"token"`
		Secret string     `json:"secret"`
	}
	if err := json.NewDecoder(res.Body).Decode(&made); err != nil || res.StatusCode != http.StatusCreated || made.Secret == "" {
		t.Fatalf("create token = %d, %v", res.StatusCode, err)
	}
	f.tokens["deploy"] = made.Secret
	if res := f.do(call{method: "GET", path: base + "/answers", as: "token:deploy"}); res.StatusCode != 200 {
		t.Fatalf("new token = %d", res.StatusCode)
	}
	access := readBody(t, f.do(call{method: "GET", path: base + "/access", as: "token:reader"}))
	if strings.Contains(access, made.Secret) || strings.Contains(access, `"hash"`) || !strings.Contains(access, `"deploy"`) {
		t.Fatal("access list leaks a secret or misses the token")
	}
	if res := f.do(call{method: "DELETE", path: fmt.Sprintf("%s/tokens/%d", base, made.Token.ID), as: "owner"}); res.StatusCode != http.StatusNoContent {
		t.Fatalf("revoke = %d", res.StatusCode)
	}
	if res := f.do(call{method: "GET", path: base + "/answers", as: "token:deploy"}); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("revoked token = %d", res.StatusCode)
	}
	if res := f.do(call{method: "POST", path: base + "/access", as: "owner", json: `{"email":"outsider@example.com","role":"reader"}`}); res.StatusCode != 200 {
		t.Fatalf("grant = %d", res.StatusCode)
	}
	if res := f.do(call{method: "GET", path: fmt.Sprintf("/w/%d", f.w.ID), as: "outsider"}); res.StatusCode != 200 {
		t.Fatalf("granted outsider = %d", res.StatusCode)
	}
	if res := f.do(call{method: "DELETE", path: fmt.Sprintf("%s/access/%d", base, f.users["owner"].ID), as: "token:owner"}); res.StatusCode != http.StatusConflict {
		t.Fatalf("removing the last owner = %d", res.StatusCode)
	}
}

func TestEvidenceUpload(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	q := f.lens.Questions[2]
	var c1, c2 string
	for _, c := range q.Choices {
		if c.None {
			continue
		}
		if c1 == "" {
			c1 = c.ID
		} else if c2 == "" {
			c2 = c.ID
		}
	}
	yaml := fmt.Sprintf(`lens: {id: %s, version: "%s"}
workload: {name: x}
profile: {kinds: [generative], components: [], criticality: standard, sensitivity: internal, exposure: internal, priorities: []}
answers:
  - question: %s
    evidence:
      - {choice: %s, source: scan, passed: true, summary: "private endpoint on 2 resources"}
      - {choice: %s, source: scan, passed: false, summary: "key auth enabled"}
`, f.lens.ID, f.lens.Version, q.ID, c1, c2)
	var body strings.Builder
	boundary := "XBOUNDARYX"
	fmt.Fprintf(&body, "--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n", boundary, f.sessions["contributor"].csrf)
	fmt.Fprintf(&body, "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"awaf.yaml\"\r\nContent-Type: application/yaml\r\n\r\n%s\r\n--%s--\r\n", boundary, yaml, boundary)
	req := httptest.NewRequest("POST", fmt.Sprintf("/w/%d/evidence", f.w.ID), strings.NewReader(body.String()))
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	req.AddCookie(&http.Cookie{Name: "awaf_session", Value: f.sessions["contributor"].cookie})
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Recorded scan evidence on 1 question") {
		t.Fatalf("upload = %d: %s", rec.Code, rec.Body.String())
	}
	page := rec.Body.String()
	if !strings.Contains(page, `name="choice" value="`+c1+`"`) || strings.Contains(page, `name="choice" value="`+c2+`"`) {
		t.Fatal("proposals should offer exactly the choice whose evidence passed")
	}
	res := f.do(call{method: "POST", path: fmt.Sprintf("/w/%d/evidence/confirm", f.w.ID), as: "contributor",
		form: url.Values{"question": {q.ID}, "choice": {c1}, "version": {"1"}}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm = %d: %s", res.StatusCode, readBody(t, res))
	}
	as, _ := f.store.Answers(ctx, f.w.ID)
	for _, a := range as {
		if a.Question == q.ID {
			if len(a.Selected) != 1 || a.Selected[0] != c1 || len(a.Evidence) != 2 {
				t.Fatalf("confirmed answer = %+v", a)
			}
			return
		}
	}
	t.Fatal("no answer after confirming")
}

func TestStatic(t *testing.T) {
	f := newFixture(t)
	for path, want := range map[string]int{"/static/app.css": 200, "/static/app.js": 200, "/static/": 404, "/static/nope.js": 404,
		"/static/../server.go": http.StatusTemporaryRedirect, // the mux cleans the path to /server.go, which is no route
	} {
		if res := f.do(call{method: "GET", path: path}); res.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, res.StatusCode, want)
		}
	}
}
