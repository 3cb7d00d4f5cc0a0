package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/awaf/awaf"
)

var alertRE = regexp.MustCompile(`<p class="error" role="alert">([^<]*)</p>`)

// TestGrantDoesNotRevealAccounts has a signed-in person grant access on a workload
// of their own to an email with an account and to one without: the answers must be
// the same, and the attempt on the unknown one audited.
func TestGrantDoesNotRevealAccounts(t *testing.T) {
	f := newFixture(t)
	wid := f.other.ID // the outsider owns it
	for _, api := range []bool{false, true} {
		type answer struct {
			status   int
			location string
			errMsg   string
		}
		ask := func(email, role string) answer {
			var res *http.Response
			if api {
				res = f.do(call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/access", wid), as: "outsider",
					json: fmt.Sprintf(`{"email":%q,"role":%q}`, email, role)})
			} else {
				res = f.do(call{method: "POST", path: fmt.Sprintf("/w/%d/access", wid), as: "outsider",
					form: url.Values{"email": {email}, "role": {role}}})
			}
			a := answer{status: res.StatusCode, location: res.Header.Get("Location")}
			if res.StatusCode >= 400 {
				a.errMsg = readBody(t, res)
				if api {
					var e struct{ Error struct{ Message string } }
					json.Unmarshal([]byte(a.errMsg), &e)
					a.errMsg = e.Error.Message
				} else if m := alertRE.FindStringSubmatch(a.errMsg); m != nil {
					a.errMsg = m[1]
				}
			}
			return a
		}
		for _, role := range []string{"reader", "no-such-role"} {
			known := ask("victim@example.com", role)
			unknown := ask(fmt.Sprintf("nobody-%v@example.com", api), role)
			if known.status != unknown.status || known.location != unknown.location || known.errMsg != unknown.errMsg {
				t.Errorf("api=%v role %s: known email %+v, unknown email %+v: they differ", api, role, known, unknown)
			}
			if role == "reader" && known.status >= 400 {
				t.Errorf("api=%v: grant = %d", api, known.status)
			}
		}
	}
	evs, err := f.store.AuditEvents(context.Background(), awaf.AuditFilter{WorkloadID: wid})
	must(t, err)
	n := 0
	for _, e := range evs {
		if strings.HasPrefix(e.Target, "nobody-") && e.Actor.UserID == f.users["outsider"].ID {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d audit events for grants to unknown emails, want 2 (form and API)", n)
	}
}

// hostileTexts are values PostgreSQL cannot store in a text column (a NUL byte) or
// that are not text at all (invalid UTF-8).
var hostileTexts = map[string]struct{ form, json string }{
	"NUL":            {"x\x00y", `"x\u0000y"`},
	"invalid UTF-8":  {"x\xffy", "\"x\xffy\""},
	"lone surrogate": {"x\xed\xa0\x80y", `"x\ud800y"`},
}

// TestTextValidatedAtTheEdge sends every write route, signed in as a site
// administrator, its usual body with one text field at a time made hostile, and the
// sign-in and set-up forms the same while signed out: each must answer 400 naming the
// field, on SQLite and on PostgreSQL alike, and never 500.
func TestTextValidatedAtTheEdge(t *testing.T) {
	for _, database := range []string{"sqlite", "postgres"} {
		t.Run(database, func(t *testing.T) {
			f := newFixtureOn(t, database)
			tried := 0
			check := func(what, field string, res *http.Response) {
				t.Helper()
				tried++
				body := readBody(t, res)
				if res.StatusCode != http.StatusBadRequest {
					t.Errorf("%s: status %d, want 400: %.300s", what, res.StatusCode, body)
					return
				}
				if !strings.Contains(body, field) {
					t.Errorf("%s: the answer does not name the field %q: %.300s", what, field, body)
				}
			}
			for _, rt := range f.srv.Routes() {
				method, path := f.fill(rt.Pattern)
				if method == http.MethodGet || method == http.MethodDelete || strings.HasSuffix(path, "/evidence") ||
					path == "/admin/lenses" || path == "/api/v1/lenses" || path == "/setup" {
					continue // no text fields, or file uploads (their parsers report problems with places)
				}
				form, js := f.bodyFor(method, path)
				for kind, h := range hostileTexts {
					if js != "" {
						var m map[string]any
						if err := json.Unmarshal([]byte(js), &m); err != nil {
							t.Fatal(err)
						}
						for k, v := range m {
							if _, ok := v.(string); !ok {
								continue
							}
							raw, _ := json.Marshal(m[k])
							body := strings.Replace(js, `"`+k+`":`+string(raw), `"`+k+`":`+h.json, 1)
							res := f.do(call{method: method, path: path, as: "admin", json: body})
							check(fmt.Sprintf("%s %s field %s with %s", method, path, k, kind), k, res)
						}
					}
					fields := []string{}
					for k := range form {
						fields = append(fields, k)
					}
					if path == "/signin" {
						fields = []string{"email", "password", "next"}
					}
					for _, k := range fields {
						bad := url.Values{}
						for kk, vv := range form {
							bad[kk] = vv
						}
						bad.Set(k, h.form)
						res := f.do(call{method: method, path: path, as: "admin", form: bad})
						check(fmt.Sprintf("%s %s field %s with %s", method, path, k, kind), k, res)
					}
				}
			}
			// Signed out: the sign-in form.
			for kind, h := range hostileTexts {
				for _, k := range []string{"email", "password"} {
					b := &browser{t: t, h: f.h, cookies: map[string]string{}}
					tok := b.csrf("/signin")
					form := url.Values{"csrf": {tok}, "email": {"owner@example.com"}, "password": {password}}
					form.Set(k, h.form)
					check("signed-out sign-in field "+k+" with "+kind, k, b.do("POST", "/signin", form).Result())
				}
			}
			// A path segment and a query parameter.
			for kind := range hostileTexts {
				res := f.do(call{method: "PUT", path: fmt.Sprintf("/api/v1/workloads/%d/answers/q%%00x", f.w.ID), as: "admin", json: `{"selected":[],"note":"n","version":-1}`})
				check("question id in the path with NUL ("+kind+")", "question", res)
				res = f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/compare?from=%%ff", f.w.ID), as: "admin"})
				check("query parameter with invalid UTF-8", "from", res)
				break
			}
			if tried < 40 {
				t.Errorf("only %d hostile requests tried", tried)
			}
		})
	}
}
