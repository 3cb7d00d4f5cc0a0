package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestSignInRedirectStaysLocal feeds hostile next= targets to the sign-in redirect:
// each must end on this site, on the path asked for when it is a clean local one and
// on the default page otherwise.
func TestSignInRedirectStaysLocal(t *testing.T) {
	f := newFixture(t)
	const home = "/workloads"
	cases := []struct{ next, want string }{
		{"/w/1/dashboard", "/w/1/dashboard"},
		{"/w/1/assess?area=security", "/w/1/assess?area=security"},
		{"/w/1/../2/plan", "/w/2/plan"},
		{"/workloads/", "/workloads/"},
		{"/%2F%2Fevil.example", "/evil.example"}, // decoded and cleaned: a path here
		{"", home},
		{"evil.example", home},
		{"w/1", home},
		{" /w/1", home},
		{"//evil.example", home},
		{"///evil.example", home},
		{"/\\evil.example", home},
		{"\\\\evil.example", home},
		{"/a/../%5Cevil.example", home},
		{"/a/../%5cevil.example", home},
		{"/a/..\\evil.example", home},
		{"/%09/evil.example", home},
		{"/\t/evil.example", home},
		{"/%0a/evil.example", home},
		{"/\n/evil.example", home},
		{"/%0d%0aSet-Cookie:%20x=1", home},
		{"/\r\nSet-Cookie: x=1", home},
		{"/%00", home},
		{"/\x00evil", home},
		{"/\x7f/evil.example", home},
		{"/%E2%80%A8/evil.example", home},
		{"/\xff/evil.example", home},
		{"/%ff", home},
		{"https://evil.example/", home},
		{"http:evil.example", home},
		{"javascript:alert(1)", home},
		{"/x?next=%5C%5Cevil", home},
		{"/x?a=%09", home},
		{"/%zz", home},
		{"/" + strings.Repeat("a", 600), home},
	}
	for _, c := range cases {
		for _, how := range []string{"page", "form"} {
			var res *http.Response
			if how == "page" {
				// Signed in already: the sign-in page sends the browser on.
				res = f.do(call{method: "GET", path: "/signin?next=" + url.QueryEscape(c.next), as: "owner"})
			} else {
				res = signInWith(t, f, c.next)
			}
			if res.StatusCode == http.StatusBadRequest && (strings.ContainsRune(c.next, 0) || !utf8.ValidString(c.next)) {
				continue // refused at the edge as not text (TestTextValidatedAtTheEdge)
			}
			if res.StatusCode != http.StatusSeeOther {
				t.Errorf("%s %q: status %d", how, c.next, res.StatusCode)
				continue
			}
			loc := res.Header.Get("Location")
			if loc != c.want {
				t.Errorf("%s %q: Location %q, want %q", how, c.next, loc, c.want)
			}
			u, err := url.Parse(loc)
			if err != nil || u.Host != "" || u.Scheme != "" || len(loc) < 1 || loc[0] != '/' || (len(loc) > 1 && (loc[1] == '/' || loc[1] == '\\')) {
				t.Errorf("%s %q: Location %q leaves the site", how, c.next, loc)
			}
		}
	}
}

// signInWith signs the owner in with a next field, as the sign-in form does.
func signInWith(t *testing.T, f *fixture, next string) *http.Response {
	t.Helper()
	b := &browser{t: t, h: f.h, cookies: map[string]string{}}
	tok := b.csrf("/signin")
	rec := b.do("POST", "/signin", url.Values{"csrf": {tok}, "email": {"owner@example.com"}, "password": {password}, "next": {next}})
	return rec.Result()
}
