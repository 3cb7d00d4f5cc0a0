package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/oidc"
	"github.com/awaf/awaf/internal/oidc/oidctest"
	"github.com/awaf/awaf/internal/server"
)

// ssoServer is the fixture served over HTTP with sign-in through an in-process
// provider, whose callback is this server's.
type ssoServer struct {
	*fixture
	ts *httptest.Server
	p  *oidctest.Provider
}

func newSSOServer(t *testing.T, policy func(*oidc.Config), mod ...func(*server.Config)) *ssoServer {
	t.Helper()
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	p := oidctest.New(t)
	cfg := oidc.Config{Issuer: p.URL(), ClientID: oidctest.ClientID, ClientSecret: oidctest.ClientSecret,
		RedirectURL: ts.URL + server.OIDCCallbackPath}
	if policy != nil {
		policy(&cfg)
	}
	pr, err := oidc.New(context.Background(), cfg, p.Client())
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, append([]func(*server.Config){func(c *server.Config) { c.SSO = pr }}, mod...)...)
	h = f.h
	return &ssoServer{fixture: f, ts: ts, p: p}
}

// browser is an HTTP client that keeps cookies and follows redirects across the
// server and the provider, like a browser.
func ssoBrowser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func TestOIDCSignInCreatesAccount(t *testing.T) {
	s := newSSOServer(t, func(c *oidc.Config) { c.AdminGroups = []string{"g-ai"} })
	c := ssoBrowser(t)
	_, page := get(t, c, s.ts.URL+"/signin")
	if !strings.Contains(page, `href="/signin/oidc"`) || !strings.Contains(page, `name="password"`) {
		t.Fatalf("the sign-in page lacks the company sign-in or the password form:\n%s", page)
	}
	res, page := get(t, c, s.ts.URL+"/signin/oidc?next=/workloads")
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/workloads" {
		t.Fatalf("ended at %s with %d:\n%s", res.Request.URL, res.StatusCode, page)
	}
	u, err := s.store.UserByEmail(context.Background(), "ana@contoso.example")
	if err != nil {
		t.Fatal(err)
	}
	if !u.Admin || u.Name != "Ana" || u.PasswordHash != "" {
		t.Errorf("account %+v: want an administrator named Ana without a password", u)
	}
	if _, page := get(t, c, s.ts.URL+"/account"); strings.Contains(page, `type="password"`) || !strings.Contains(page, "company account") {
		t.Errorf("the account page of an OIDC account offers a password change:\n%s", page)
	}
	// Signing in again reuses the account.
	c2 := ssoBrowser(t)
	if res, _ := get(t, c2, s.ts.URL+"/signin/oidc"); res.Request.URL.Path != "/workloads" {
		t.Fatalf("second sign-in ended at %s", res.Request.URL)
	}
	us, err := s.store.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, x := range us {
		if x.Email == "ana@contoso.example" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d accounts for ana, want 1", n)
	}
	// The sign-in is audited.
	evs, err := s.store.AuditEvents(context.Background(), awaf.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range evs {
		if e.Action == awaf.AuditSignIn && e.Actor.Name == "ana@contoso.example" {
			found = true
		}
	}
	if !found {
		t.Error("no sign-in audit event for ana")
	}
}

func TestOIDCRefusals(t *testing.T) {
	tests := []struct {
		name   string
		policy func(*oidc.Config)
		prov   func(*oidctest.Provider)
		before func(*ssoServer)
		want   string
	}{
		{"domain not allowed", func(c *oidc.Config) { c.AllowedDomains = []string{"fabrikam.example"} }, nil, nil, "not allowed to sign in here"},
		{"tenant not allowed", func(c *oidc.Config) { c.AllowedTenants = []string{"tenant-b"} }, nil, nil, "not allowed to sign in here"},
		{"group missing", func(c *oidc.Config) { c.RequiredGroups = []string{"g-other"} }, nil, nil, "not allowed to sign in here"},
		{"wrong audience", nil, func(p *oidctest.Provider) { p.SetAudience("someone-else") }, nil, "could not be checked"},
		{"expired ID token", nil, func(p *oidctest.Provider) { p.SetLifetime(-time.Minute) }, nil, "could not be checked"},
		{"unverified e-mail", nil, func(p *oidctest.Provider) {
			p.SetClaims(map[string]any{"email": "owner@example.com", "email_verified": false})
		}, nil, "does not vouch"},
		{"disabled account", nil, func(p *oidctest.Provider) { p.SetClaims(map[string]any{"email": "victim@example.com"}) },
			func(s *ssoServer) {
				must(t, s.store.SetDisabled(context.Background(), awaf.Actor{Name: "test"}, s.users["victim"].ID, true))
			}, "disabled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSSOServer(t, tt.policy)
			if tt.prov != nil {
				tt.prov(s.p)
			}
			if tt.before != nil {
				tt.before(s)
			}
			before, _ := s.store.CountUsers(context.Background())
			res, page := get(t, ssoBrowser(t), s.ts.URL+"/signin/oidc")
			if res.StatusCode != http.StatusForbidden || !strings.Contains(page, tt.want) {
				t.Fatalf("%d at %s, want 403 saying %q:\n%s", res.StatusCode, res.Request.URL, tt.want, page)
			}
			if after, _ := s.store.CountUsers(context.Background()); after != before {
				t.Errorf("users %d -> %d: a refused sign-in created an account", before, after)
			}
		})
	}
}

func TestOIDCCallbackReplayRefused(t *testing.T) {
	s := newSSOServer(t, nil)
	noFollow := ssoBrowser(t)
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, _ := get(t, noFollow, s.ts.URL+"/signin/oidc")
	res, _ = get(t, noFollow, res.Header.Get("Location")) // the provider consents
	callback := res.Header.Get("Location")
	if !strings.HasPrefix(callback, s.ts.URL+server.OIDCCallbackPath) {
		t.Fatalf("provider sent the browser to %q", callback)
	}
	if res, _ := get(t, noFollow, callback); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first callback: %d", res.StatusCode)
	}
	if res, page := get(t, ssoBrowser(t), callback); res.StatusCode != http.StatusForbidden || !strings.Contains(page, "already used") {
		t.Errorf("replayed callback: %d\n%s", res.StatusCode, page)
	}
	u, _ := url.Parse(callback)
	q := u.Query()
	q.Set("state", "forged")
	u.RawQuery = q.Encode()
	if res, _ := get(t, ssoBrowser(t), u.String()); res.StatusCode != http.StatusForbidden {
		t.Errorf("forged state: %d", res.StatusCode)
	}
}

func TestLocalAccountsOff(t *testing.T) {
	s := newSSOServer(t, nil, func(c *server.Config) { c.NoLocalSignIn = true })
	_, page := get(t, ssoBrowser(t), s.ts.URL+"/signin")
	if strings.Contains(page, `name="password"`) || !strings.Contains(page, "/signin/oidc") {
		t.Errorf("with local accounts off the page still offers a password form or lacks the company sign-in:\n%s", page)
	}
	c := ssoBrowser(t)
	get(t, c, s.ts.URL+"/signin") // sets the pre-sign-in CSRF cookie
	base, _ := url.Parse(s.ts.URL)
	var csrf string
	for _, ck := range c.Jar.Cookies(base) {
		if ck.Name == "awaf_csrf" {
			csrf = ck.Value
		}
	}
	res, err := c.PostForm(s.ts.URL+"/signin", url.Values{"csrf": {csrf}, "email": {"owner@example.com"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, res); res.StatusCode != http.StatusForbidden || !strings.Contains(body, "local accounts are turned off") {
		t.Errorf("password sign-in with local accounts off: %d, want 403 saying so:\n%s", res.StatusCode, body)
	}
	res = s.do(call{method: "POST", path: "/account/password", as: "owner", form: url.Values{"current": {password}, "password": {"another long password"}, "confirm": {"another long password"}}})
	if body := readBody(t, res); res.StatusCode != http.StatusForbidden || !strings.Contains(body, "local accounts are turned off") {
		t.Errorf("password change with local accounts off: %d, want 403", res.StatusCode)
	}
	if _, err := server.New(server.Config{Store: s.store, Auth: s.auth, Lens: func(string) (*awaf.Lens, error) { return s.lens, nil }, NoLocalSignIn: true}); err == nil {
		t.Error("a server without OIDC accepted NoLocalSignIn")
	}
}

// With admin groups set, every sign-in follows them: joining promotes an existing
// account, leaving demotes it, each audited; without them nothing changes.
func TestOIDCAdminGroupsFollowedAtEverySignIn(t *testing.T) {
	ctx := context.Background()
	isAdmin := func(s *ssoServer) bool {
		t.Helper()
		u, err := s.store.UserByEmail(ctx, "owner@example.com")
		must(t, err)
		return u.Admin
	}
	signIn := func(s *ssoServer, groups []string) {
		t.Helper()
		s.p.SetClaims(map[string]any{"email": "owner@example.com", "groups": groups})
		if res, page := get(t, ssoBrowser(t), s.ts.URL+"/signin/oidc"); res.StatusCode != http.StatusOK {
			t.Fatalf("sign-in: %d\n%s", res.StatusCode, page)
		}
	}
	s := newSSOServer(t, func(c *oidc.Config) { c.AdminGroups = []string{"g-ai"} })
	signIn(s, []string{"g-ai"})
	if !isAdmin(s) {
		t.Fatal("joining the admin group did not promote an existing account")
	}
	signIn(s, []string{"g-other"})
	if isAdmin(s) {
		t.Fatal("leaving the admin group did not demote the account")
	}
	evs, err := s.store.AuditEvents(ctx, awaf.AuditFilter{Limit: 1000})
	must(t, err)
	var seen []string
	for _, e := range evs {
		if e.Action == awaf.AuditUserAdmin && e.Target == "owner@example.com" && strings.HasPrefix(e.Actor.Name, "oidc:") {
			seen = append(seen, string(e.After))
		}
	}
	if len(seen) != 2 {
		t.Errorf("admin changes audited: %q, want a promotion and a demotion", seen)
	}
	// Without admin groups the provider has no say on administration.
	s2 := newSSOServer(t, nil)
	must(t, s2.store.SetAdmin(ctx, awaf.Actor{Name: "test"}, s2.users["owner"].ID, true))
	signIn(s2, nil)
	if !isAdmin(s2) {
		t.Error("a sign-in without admin groups configured demoted an administrator")
	}
}

// The first company sign-in binds the account to the issuer and subject; a later
// sign-in with the same address under another subject is refused with a reason, and
// the bound person still gets in after their address changed.
func TestOIDCMatchesBySubject(t *testing.T) {
	ctx := context.Background()
	s := newSSOServer(t, nil)
	s.p.SetClaims(map[string]any{"sub": "user-1", "email": "owner@example.com"})
	if res, page := get(t, ssoBrowser(t), s.ts.URL+"/signin/oidc"); res.StatusCode != http.StatusOK {
		t.Fatalf("first sign-in: %d\n%s", res.StatusCode, page)
	}
	u, err := s.store.UserByEmail(ctx, "owner@example.com")
	must(t, err)
	if u.OIDCIssuer != s.p.URL() || u.OIDCSubject != "user-1" {
		t.Fatalf("account bound to %q at %q, want user-1 at %s", u.OIDCSubject, u.OIDCIssuer, s.p.URL())
	}
	s.p.SetClaims(map[string]any{"sub": "user-2", "email": "owner@example.com"})
	res, page := get(t, ssoBrowser(t), s.ts.URL+"/signin/oidc")
	if res.StatusCode != http.StatusForbidden || !strings.Contains(page, "signs in with another company identity") {
		t.Fatalf("another subject with the same address: %d, want 403 saying why:\n%s", res.StatusCode, page)
	}
	s.p.SetClaims(map[string]any{"sub": "user-1", "email": "renamed@example.com"})
	c := ssoBrowser(t)
	if res, _ := get(t, c, s.ts.URL+"/signin/oidc"); res.StatusCode != http.StatusOK {
		t.Fatalf("bound subject with a new address: %d", res.StatusCode)
	}
	if _, page := get(t, c, s.ts.URL+"/account"); !strings.Contains(page, "owner@example.com") {
		t.Error("the bound subject did not sign in to its own account")
	}
}
