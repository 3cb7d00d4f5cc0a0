package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/auth"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/server"
	"github.com/awaf/awaf/internal/store/postgres"
	"github.com/awaf/awaf/internal/store/sqlite"
	"github.com/awaf/awaf/internal/store/storetest"
	"github.com/jackc/pgx/v5"
)

var fastParams = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

const password = "correct horse battery"

// session is a signed-in browser.
type session struct {
	cookie string
	csrf   string
}

// fixture is a server with one workload and a person or token in every role.
type fixture struct {
	t        *testing.T
	srv      *server.Server
	h        http.Handler
	store    awaf.Store
	auth     *auth.Auth
	clock    *storetest.Clock
	lens     *awaf.Lens
	users    map[string]*awaf.User
	sessions map[string]session
	tokens   map[string]string // role -> bearer secret on w
	w, other *awaf.WorkloadRecord
	mile     *awaf.Milestone
	tokenID  int64 // a token anyone with the right may revoke
	question string
	choice   string
}

func newFixture(t *testing.T, mod ...func(*server.Config)) *fixture {
	t.Helper()
	return newFixtureOn(t, "sqlite", mod...)
}

// newFixtureOn is newFixture on a database: "sqlite", or "postgres" (a schema of its
// own in AWAF_TEST_POSTGRES; the test is skipped without it).
func newFixtureOn(t *testing.T, database string, mod ...func(*server.Config)) *fixture {
	t.Helper()
	ctx := context.Background()
	c := storetest.NewClock()
	db := openStore(t, database, c.Now)
	a := auth.New(db, c.Now)
	a.Params = fastParams
	l, err := lens.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	cfg := server.Config{Store: db, Auth: a, Lens: lens.BuiltinByID, DefaultLens: lens.BuiltinID, Now: c.Now}
	for _, m := range mod {
		m(&cfg)
	}
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, srv: srv, h: srv.Handler(), store: db, auth: a, clock: c, lens: l,
		users: map[string]*awaf.User{}, sessions: map[string]session{}, tokens: map[string]string{}}
	hash, err := auth.HashPassword(password, fastParams)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"admin", "owner", "contributor", "reader", "outsider", "victim"} {
		u := &awaf.User{Email: name + "@example.com", Admin: name == "admin", PasswordHash: hash}
		if err := db.CreateUser(ctx, awaf.Actor{Name: "test"}, u); err != nil {
			t.Fatal(err)
		}
		f.users[name] = u
		se, secret, err := a.OpenSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		f.sessions[name] = session{cookie: secret, csrf: se.CSRF}
	}
	owner := storetest.ActorOf(f.users["owner"])
	f.w = &awaf.WorkloadRecord{Workload: awaf.Workload{Name: "Support chat"}, Lens: awaf.LensRef{ID: l.ID, Version: l.Version},
		Profile: awaf.Profile{Kinds: []awaf.Kind{awaf.KindGenerative}, Criticality: awaf.BusinessCritical, Sensitivity: awaf.Confidential, Exposure: awaf.ExposureExternal}}
	must(t, db.CreateWorkload(ctx, owner, f.w))
	f.other = &awaf.WorkloadRecord{Workload: awaf.Workload{Name: "Other team"}, Lens: f.w.Lens}
	must(t, db.CreateWorkload(ctx, storetest.ActorOf(f.users["outsider"]), f.other))
	for _, r := range []string{"contributor", "reader"} {
		must(t, db.Grant(ctx, owner, f.w.ID, f.users[r].ID, awaf.Role(r)))
	}
	must(t, db.Grant(ctx, owner, f.w.ID, f.users["victim"].ID, awaf.RoleContributor))
	for _, r := range awaf.Roles {
		secret, _, err := a.NewToken(ctx, owner, f.w.ID, "tok-"+string(r), r, 0)
		must(t, err)
		f.tokens[string(r)] = secret
	}
	secret, _, err := a.NewToken(ctx, storetest.ActorOf(f.users["outsider"]), f.other.ID, "other", awaf.RoleOwner, 0)
	must(t, err)
	f.tokens["other"] = secret
	_, tok, err := a.NewToken(ctx, owner, f.w.ID, "to-revoke", awaf.RoleReader, 0)
	must(t, err)
	f.tokenID = tok.ID

	q := &l.Questions[0]
	f.question = q.ID
	for _, ch := range q.Choices {
		if !ch.None {
			f.choice = ch.ID
			break
		}
	}
	_, err = db.PutAnswer(ctx, owner, f.w.ID, awaf.Answer{Question: q.ID, Selected: []string{f.choice}}, 0)
	must(t, err)
	f.mile, err = db.CreateMilestone(ctx, owner, f.w.ID, "Baseline")
	must(t, err)
	return f
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// caller is who sends a request: a session name, "token:<role>", or "" for anonymous.
type call struct {
	method, path string
	as           string
	form         url.Values
	json         string
	noCSRF       bool
	csrf         string // overrides the session's token
}

func (f *fixture) do(c call) *http.Response {
	f.t.Helper()
	var body io.Reader
	ct := ""
	switch {
	case c.json != "":
		body, ct = strings.NewReader(c.json), "application/json"
	case c.form != nil || c.method == http.MethodPost:
		form := url.Values{}
		for k, v := range c.form {
			form[k] = v
		}
		if s, ok := f.sessions[c.as]; ok && !c.noCSRF {
			if c.csrf != "" {
				form.Set("csrf", c.csrf)
			} else {
				form.Set("csrf", s.csrf)
			}
		}
		body, ct = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
	}
	req := httptest.NewRequest(c.method, c.path, body)
	req.RemoteAddr = "192.0.2.10:4711"
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if role, ok := strings.CutPrefix(c.as, "token:"); ok {
		req.Header.Set("Authorization", "Bearer "+f.tokens[role])
	} else if s, ok := f.sessions[c.as]; ok {
		req.AddCookie(&http.Cookie{Name: "awaf_session", Value: s.cookie})
		if ct != "application/x-www-form-urlencoded" && c.method != http.MethodGet && !c.noCSRF {
			req.Header.Set("X-CSRF-Token", s.csrf)
		}
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec.Result()
}

func readBody(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fill puts the fixture's ids into a route pattern's wildcards.
func (f *fixture) fill(pattern string) (method, path string) {
	method, path, _ = strings.Cut(pattern, " ")
	path = strings.TrimSuffix(path, "{$}")
	r := strings.NewReplacer(
		"{id}", strconv.FormatInt(f.w.ID, 10),
		"{area}", string(f.lens.Areas[0].ID),
		"{format}", "json",
		"{target}", "ado",
		"{pillar}", "security",
		"{milestone}", strconv.FormatInt(f.mile.ID, 10),
		"{question}", f.question,
		"{choice}", f.choice,
		"{user}", strconv.FormatInt(f.users["victim"].ID, 10),
		"{token}", strconv.FormatInt(f.tokenID, 10),
	)
	path = r.Replace(path)
	if strings.HasSuffix(path, "/") && path != "/" {
		path += "app.css" // the static file tree
	}
	return method, path
}

// bodyFor gives write routes a body they accept, so that an allowed call is not
// refused for a reason other than access.
func (f *fixture) bodyFor(method, path string) (url.Values, string) {
	if method == http.MethodGet {
		return nil, ""
	}
	switch {
	case strings.Contains(path, "/answers/"):
		return nil, `{"selected":[],"note":"n","version":-1}`
	case strings.Contains(path, "/plan/"):
		return nil, `{"status":"in-progress","version":-1}`
	case strings.HasSuffix(path, "/milestones") && strings.HasPrefix(path, "/api/"):
		return nil, `{"name":"m"}`
	case path == "/api/v1/lenses":
		return nil, teamLens("1.0.0") // YAML; the handler reads the body whatever its type
	case path == "/api/v1/workloads":
		return nil, `{"name":"api made"}`
	case strings.HasSuffix(path, "/access") && strings.HasPrefix(path, "/api/"):
		return nil, `{"email":"victim@example.com","role":"reader"}`
	case strings.HasSuffix(path, "/tokens") && strings.HasPrefix(path, "/api/"):
		return nil, `{"name":"api token","role":"reader","days":1}`
	case strings.HasSuffix(path, "/evidence") && strings.HasPrefix(path, "/api/"):
		return nil, `{"version":1,"tool":{"name":"awaf"},"findings":[]}`
	case method == http.MethodDelete:
		return nil, ""
	case strings.HasPrefix(path, "/api/v1/workloads/"):
		return nil, `{"name":"renamed","version":-5}`
	case strings.HasSuffix(path, "/milestones"):
		return url.Values{"name": {"m"}}, ""
	case strings.HasSuffix(path, "/evidence/confirm"):
		return url.Values{"question": {f.question}, "choice": {f.choice}, "version": {"1"}}, ""
	case strings.HasSuffix(path, "/plan"):
		return url.Values{"question": {f.question}, "choice": {f.choice}, "status": {"open"}}, ""
	case strings.HasSuffix(path, "/access"):
		return url.Values{"email": {"victim@example.com"}, "role": {"reader"}}, ""
	case strings.HasSuffix(path, "/tokens"):
		return url.Values{"name": {"new"}, "role": {"reader"}, "days": {"1"}}, ""
	case path == "/account/password":
		return url.Values{"current": {password}, "password": {"a new password 2"}, "confirm": {"a new password 2"}}, ""
	}
	return url.Values{}, ""
}

func (f *fixture) advance(d time.Duration) { f.clock.Advance(d) }

// openStore opens an empty store on database ("sqlite" or "postgres"), closed when
// the test ends.
func openStore(t *testing.T, database string, now func() time.Time) awaf.Store {
	t.Helper()
	ctx := context.Background()
	if database != "postgres" {
		db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "awaf.db"), sqlite.Options{Now: now})
		must(t, err)
		t.Cleanup(func() { db.Close() })
		return db
	}
	base := os.Getenv("AWAF_TEST_POSTGRES")
	if base == "" {
		t.Skip("AWAF_TEST_POSTGRES is not set")
	}
	schema := fmt.Sprintf("awaf_server_%d_%d", os.Getpid(), schemaSeq.Add(1))
	c, err := pgx.Connect(ctx, base)
	must(t, err)
	_, err = c.Exec(ctx, "CREATE SCHEMA "+schema)
	c.Close(ctx)
	must(t, err)
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err == nil {
			c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			c.Close(context.Background())
		}
	})
	u, err := url.Parse(base)
	must(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := postgres.Open(ctx, u.String(), postgres.Options{Now: now})
	must(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

var schemaSeq atomic.Int64

// newEmptyServer is a server with no users yet.
func newEmptyServer(t *testing.T) http.Handler {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "empty.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := auth.New(db, nil)
	a.Params = fastParams
	srv, err := server.New(server.Config{Store: db, Auth: a, Lens: lens.BuiltinByID, DefaultLens: lens.BuiltinID})
	if err != nil {
		t.Fatal(err)
	}
	return srv.Handler()
}
