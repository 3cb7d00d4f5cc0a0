// Package storetest is the one conformance suite every awaf.Store implementation must
// pass. Each store package runs it from its own tests.
package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awaf/awaf"
)

// Clock is a settable clock for stores under test.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock at a fixed instant.
func NewClock() *Clock {
	return &Clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
}

// Now returns the current time of the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock on.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Opener opens a fresh, empty store driven by clock. The store is closed by the
// suite.
type Opener func(t *testing.T, clock func() time.Time) awaf.Store

// Run runs every conformance test against stores made by open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s awaf.Store, c *Clock)
	}{
		{"Users", testUsers},
		{"FirstUser", testFirstUser},
		{"Workloads", testWorkloads},
		{"Access", testAccess},
		{"Tokens", testTokens},
		{"TokensFollowCreator", testTokensFollowCreator},
		{"Sessions", testSessions},
		{"Answers", testAnswers},
		{"AnswerConflict", testAnswerConflict},
		{"ConcurrentAnswers", testConcurrentAnswers},
		{"Milestones", testMilestones},
		{"UpgradeLens", testUpgradeLens},
		{"Plan", testPlan},
		{"Audit", testAudit},
		{"Throttle", testThrottle},
		{"ConcurrentAttempts", testConcurrentAttempts},
		{"Lenses", testLenses},
		{"ConcurrentLensUploads", testConcurrentLensUploads},
		{"ErrorsNameTheOperation", testErrorsNameTheOperation},
		{"PutAnswersAllOrNothing", testPutAnswersAllOrNothing},
		{"Stamps", testStamps},
		{"SetAdmin", testSetAdmin},
		{"OIDCIdentity", testOIDCIdentity},
		{"Templates", testTemplates},
		{"Trackers", testTrackers},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewClock()
			s := open(t, c.Now)
			t.Cleanup(func() { s.Close() })
			tt.fn(t, s, c)
		})
	}
}

func code(t *testing.T, err error, want string) {
	t.Helper()
	if got := awaf.ErrorCode(err); got != want {
		t.Fatalf("error code = %q (%v), want %q", got, err, want)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var system = awaf.Actor{Name: "system"}

// MustUser creates a user.
func MustUser(t *testing.T, s awaf.Store, email string, admin bool) *awaf.User {
	t.Helper()
	u := &awaf.User{Email: email, Admin: admin, PasswordHash: "$argon2id$test"}
	must(t, s.CreateUser(context.Background(), system, u))
	return u
}

// ActorOf returns the actor for a user.
func ActorOf(u *awaf.User) awaf.Actor { return awaf.Actor{UserID: u.ID, Name: u.Email} }

// MustWorkload creates a workload owned by owner.
func MustWorkload(t *testing.T, s awaf.Store, owner *awaf.User, name string) *awaf.WorkloadRecord {
	t.Helper()
	w := &awaf.WorkloadRecord{
		Workload: awaf.Workload{Name: name, Environment: "prod"},
		Lens:     awaf.LensRef{ID: "azure-ai", Version: "1.0.0"},
		Profile: awaf.Profile{Kinds: []awaf.Kind{awaf.KindGenerative}, Criticality: awaf.BusinessCritical,
			Sensitivity: awaf.Confidential, Exposure: awaf.ExposureExternal, Priorities: []awaf.PillarID{awaf.Security}},
	}
	must(t, s.CreateWorkload(context.Background(), ActorOf(owner), w))
	return w
}

func testUsers(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	n, err := s.CountUsers(ctx)
	must(t, err)
	if n != 0 {
		t.Fatalf("fresh store has %d users", n)
	}
	u := MustUser(t, s, " Ada@Example.com ", true)
	if u.ID == 0 || u.Email != "ada@example.com" || !u.Created.Equal(c.Now()) {
		t.Fatalf("created user = %+v", u)
	}
	code(t, s.CreateUser(ctx, system, &awaf.User{Email: "ADA@example.com"}), awaf.ECONFLICT)
	code(t, s.CreateUser(ctx, system, &awaf.User{Email: "not-an-email"}), awaf.EINVALID)

	got, err := s.UserByEmail(ctx, "ada@EXAMPLE.com")
	must(t, err)
	if !reflect.DeepEqual(got, u) {
		t.Fatalf("UserByEmail = %+v, want %+v", got, u)
	}
	got, err = s.User(ctx, u.ID)
	must(t, err)
	if got.PasswordHash != "$argon2id$test" || !got.Admin {
		t.Fatalf("User = %+v", got)
	}
	_, err = s.User(ctx, u.ID+100)
	code(t, err, awaf.ENOTFOUND)
	_, err = s.UserByEmail(ctx, "nobody@example.com")
	code(t, err, awaf.ENOTFOUND)

	MustUser(t, s, "bob@example.com", false)
	us, err := s.Users(ctx)
	must(t, err)
	if len(us) != 2 || us[0].Email != "ada@example.com" || us[1].Email != "bob@example.com" || us[1].Admin {
		t.Fatalf("Users = %+v", us)
	}
	bob, err := s.UserByEmail(ctx, "bob@example.com")
	must(t, err)
	for i, owner := range []int64{u.ID, u.ID, bob.ID} {
		must(t, s.CreateSession(ctx, &awaf.Session{Hash: fmt.Sprintf("pw-%d", i), UserID: owner, CSRF: "c", Expires: time.Now().Add(time.Hour)}))
	}
	must(t, s.SetPassword(ctx, ActorOf(u), u.ID, "new-hash"))
	got, _ = s.User(ctx, u.ID)
	if got.PasswordHash != "new-hash" {
		t.Fatalf("password hash = %q", got.PasswordHash)
	}
	// A new password ends the user's sessions, and only theirs.
	for i, want := range []string{awaf.ENOTFOUND, awaf.ENOTFOUND, ""} {
		_, err := s.SessionByHash(ctx, fmt.Sprintf("pw-%d", i))
		if awaf.ErrorCode(err) != want {
			t.Fatalf("session %d after the password change: %v, want %q", i, err, want)
		}
	}
	code(t, s.SetPassword(ctx, system, 9999, "x"), awaf.ENOTFOUND)

	// Disabling ends the account's sessions and is audited; the last enabled
	// administrator cannot be disabled.
	must(t, s.CreateSession(ctx, &awaf.Session{Hash: "bob-1", UserID: bob.ID, CSRF: "c", Expires: time.Now().Add(time.Hour)}))
	must(t, s.SetDisabled(ctx, ActorOf(u), bob.ID, true))
	if got, _ := s.User(ctx, bob.ID); !got.Disabled {
		t.Fatal("bob is not disabled")
	}
	if _, err := s.SessionByHash(ctx, "bob-1"); awaf.ErrorCode(err) != awaf.ENOTFOUND {
		t.Fatalf("a disabled account's session survives: %v", err)
	}
	must(t, s.SetDisabled(ctx, ActorOf(u), bob.ID, false))
	if got, _ := s.User(ctx, bob.ID); got.Disabled {
		t.Fatal("bob is still disabled")
	}
	// ada is the only administrator so far.
	code(t, s.SetDisabled(ctx, ActorOf(u), u.ID, true), awaf.EINVALID)
	second := MustUser(t, s, "root@example.com", true)
	must(t, s.SetDisabled(ctx, ActorOf(u), second.ID, true))
	code(t, s.SetDisabled(ctx, ActorOf(u), u.ID, true), awaf.EINVALID) // the other one is disabled
	must(t, s.SetDisabled(ctx, ActorOf(u), second.ID, false))
	must(t, s.SetDisabled(ctx, ActorOf(second), u.ID, true)) // now one stays
	must(t, s.SetDisabled(ctx, ActorOf(second), u.ID, false))
	code(t, s.SetDisabled(ctx, system, 9999, true), awaf.ENOTFOUND)
	es, err := s.AuditEvents(ctx, awaf.AuditFilter{})
	must(t, err)
	var actions []string
	for _, e := range es {
		if e.Action == awaf.AuditUserDisable || e.Action == awaf.AuditUserEnable {
			actions = append(actions, e.Action+" "+e.Target)
		}
	}
	if len(actions) != 6 {
		t.Fatalf("audit of disabling and enabling: %v", actions)
	}
}

func testWorkloads(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	ada := MustUser(t, s, "ada@example.com", false)
	bob := MustUser(t, s, "bob@example.com", false)
	w := MustWorkload(t, s, ada, "Support chat")
	MustWorkload(t, s, bob, "Batch scoring")
	code(t, s.CreateWorkload(ctx, ActorOf(ada), &awaf.WorkloadRecord{Workload: awaf.Workload{Name: "  "}}), awaf.EINVALID)

	got, err := s.Workload(ctx, w.ID)
	must(t, err)
	if !reflect.DeepEqual(got, w) {
		t.Fatalf("Workload =\n%+v\nwant\n%+v", got, w)
	}
	_, err = s.Workload(ctx, w.ID+1000)
	code(t, err, awaf.ENOTFOUND)

	role, err := s.Role(ctx, w.ID, ada.ID)
	must(t, err)
	if role != awaf.RoleOwner {
		t.Fatalf("creator role = %q", role)
	}
	_, err = s.Role(ctx, w.ID, bob.ID)
	code(t, err, awaf.ENOTFOUND)

	mine, err := s.Workloads(ctx, ada.ID)
	must(t, err)
	if len(mine) != 1 || mine[0].ID != w.ID {
		t.Fatalf("ada's workloads = %+v", mine)
	}
	all, err := s.Workloads(ctx, 0)
	must(t, err)
	if len(all) != 2 || all[0].Name != "Batch scoring" {
		t.Fatalf("all workloads = %+v", all)
	}

	c.Advance(time.Minute)
	stale := *got
	got.Name = "Support chat v2"
	got.Profile.Components = []awaf.Component{awaf.CompGateway}
	must(t, s.UpdateWorkload(ctx, ActorOf(ada), got))
	if got.Version != 2 || !got.Updated.Equal(c.Now()) {
		t.Fatalf("after update version=%d updated=%v", got.Version, got.Updated)
	}
	again, _ := s.Workload(ctx, w.ID)
	if !reflect.DeepEqual(again, got) {
		t.Fatalf("stored after update =\n%+v\nwant\n%+v", again, got)
	}
	stale.Name = "lost update"
	code(t, s.UpdateWorkload(ctx, ActorOf(ada), &stale), awaf.ECONFLICT)
}

func testAccess(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	ada := MustUser(t, s, "ada@example.com", false)
	bob := MustUser(t, s, "bob@example.com", false)
	w := MustWorkload(t, s, ada, "Support chat")

	c.Advance(time.Hour)
	must(t, s.Grant(ctx, ActorOf(ada), w.ID, bob.ID, awaf.RoleReader))
	code(t, s.Grant(ctx, ActorOf(ada), w.ID, bob.ID, "superuser"), awaf.EINVALID)
	code(t, s.Grant(ctx, ActorOf(ada), w.ID, 9999, awaf.RoleReader), awaf.ENOTFOUND)
	code(t, s.Grant(ctx, ActorOf(ada), 9999, bob.ID, awaf.RoleReader), awaf.ENOTFOUND)

	ms, err := s.Memberships(ctx, w.ID)
	must(t, err)
	if len(ms) != 2 {
		t.Fatalf("memberships = %+v", ms)
	}
	if m := ms[1]; m.Email != "bob@example.com" || m.Role != awaf.RoleReader || m.GrantedBy != "ada@example.com" || !m.Granted.Equal(c.Now()) {
		t.Fatalf("bob's membership = %+v", m)
	}
	must(t, s.Grant(ctx, ActorOf(ada), w.ID, bob.ID, awaf.RoleContributor))
	if r, _ := s.Role(ctx, w.ID, bob.ID); r != awaf.RoleContributor {
		t.Fatalf("bob's role after change = %q", r)
	}
	code(t, s.Revoke(ctx, ActorOf(bob), w.ID, ada.ID), awaf.ECONFLICT)                 // last owner
	code(t, s.Grant(ctx, ActorOf(ada), w.ID, ada.ID, awaf.RoleReader), awaf.ECONFLICT) // nor demoted
	must(t, s.Grant(ctx, ActorOf(ada), w.ID, bob.ID, awaf.RoleOwner))
	must(t, s.Grant(ctx, ActorOf(bob), w.ID, ada.ID, awaf.RoleReader)) // with another owner, fine
	must(t, s.Grant(ctx, ActorOf(bob), w.ID, ada.ID, awaf.RoleOwner))
	must(t, s.Revoke(ctx, ActorOf(ada), w.ID, bob.ID))
	_, err = s.Role(ctx, w.ID, bob.ID)
	code(t, err, awaf.ENOTFOUND)
	code(t, s.Revoke(ctx, ActorOf(ada), w.ID, bob.ID), awaf.ENOTFOUND)
}

func testTokens(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	ada := MustUser(t, s, "ada@example.com", false)
	w := MustWorkload(t, s, ada, "Support chat")
	tok := &awaf.Token{WorkloadID: w.ID, Name: "ci", Role: awaf.RoleContributor, Hash: "aa11", Prefix: "awaf_ab", Expires: c.Now().Add(24 * time.Hour)}
	must(t, s.CreateToken(ctx, ActorOf(ada), tok))
	if tok.ID == 0 || tok.CreatedBy != "ada@example.com" {
		t.Fatalf("created token = %+v", tok)
	}
	code(t, s.CreateToken(ctx, ActorOf(ada), &awaf.Token{WorkloadID: w.ID, Name: "dup", Role: awaf.RoleReader, Hash: "aa11"}), awaf.ECONFLICT)
	code(t, s.CreateToken(ctx, ActorOf(ada), &awaf.Token{WorkloadID: w.ID, Name: "x", Role: "root", Hash: "bb"}), awaf.EINVALID)
	code(t, s.CreateToken(ctx, ActorOf(ada), &awaf.Token{WorkloadID: 9999, Name: "x", Role: awaf.RoleReader, Hash: "cc"}), awaf.ENOTFOUND)

	got, err := s.TokenByHash(ctx, "aa11")
	must(t, err)
	if !reflect.DeepEqual(got, tok) {
		t.Fatalf("TokenByHash = %+v, want %+v", got, tok)
	}
	if !got.Live(c.Now()) || got.Live(c.Now().Add(25*time.Hour)) {
		t.Fatal("token liveness wrong around its expiry")
	}
	_, err = s.TokenByHash(ctx, "nope")
	code(t, err, awaf.ENOTFOUND)

	c.Advance(time.Minute)
	must(t, s.RevokeToken(ctx, ActorOf(ada), w.ID, tok.ID))
	code(t, s.RevokeToken(ctx, ActorOf(ada), w.ID+1, tok.ID), awaf.ENOTFOUND)
	got, _ = s.TokenByHash(ctx, "aa11")
	if got.Live(c.Now()) || !got.Revoked.Equal(c.Now()) {
		t.Fatalf("revoked token = %+v", got)
	}
	ts, err := s.Tokens(ctx, w.ID)
	must(t, err)
	if len(ts) != 1 || ts[0].ID != tok.ID {
		t.Fatalf("Tokens = %+v", ts)
	}
}

func testSessions(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	ada := MustUser(t, s, "ada@example.com", false)
	se := &awaf.Session{Hash: "h1", UserID: ada.ID, CSRF: "csrf1", Expires: c.Now().Add(time.Hour)}
	must(t, s.CreateSession(ctx, se))
	must(t, s.CreateSession(ctx, &awaf.Session{Hash: "h2", UserID: ada.ID, CSRF: "csrf2", Expires: c.Now().Add(3 * time.Hour)}))
	code(t, s.CreateSession(ctx, &awaf.Session{Hash: "h1", UserID: ada.ID}), awaf.ECONFLICT)
	got, err := s.SessionByHash(ctx, "h1")
	must(t, err)
	if !reflect.DeepEqual(got, se) {
		t.Fatalf("SessionByHash = %+v, want %+v", got, se)
	}
	n, err := s.DeleteExpiredSessions(ctx, c.Now().Add(2*time.Hour))
	must(t, err)
	if n != 1 {
		t.Fatalf("deleted %d expired sessions, want 1", n)
	}
	_, err = s.SessionByHash(ctx, "h1")
	code(t, err, awaf.ENOTFOUND)
	must(t, s.DeleteSession(ctx, "h2"))
	_, err = s.SessionByHash(ctx, "h2")
	code(t, err, awaf.ENOTFOUND)
}

func testAnswers(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	ada := MustUser(t, s, "ada@example.com", false)
	w := MustWorkload(t, s, ada, "Support chat")
	want := map[string]awaf.Answer{}
	for i := range 40 {
		a := awaf.Answer{Question: fmt.Sprintf("q%02d", i), Selected: []string{"a", "b"}, Note: fmt.Sprintf("note %d, with 'quotes' and ünïcode", i)}
		if i%7 == 0 {
			a = awaf.Answer{Question: a.Question, NotApplicable: &awaf.NotApplicable{Reason: awaf.NAOutOfScope, Note: "no training"}}
		}
		sa, err := s.PutAnswer(ctx, ActorOf(ada), w.ID, a, 0)
		must(t, err)
		if sa.Version != 1 || sa.UpdatedBy != "ada@example.com" {
			t.Fatalf("stored answer = %+v", sa)
		}
		want[a.Question] = a
	}
	_, err := s.PutAnswer(ctx, ActorOf(ada), w.ID, awaf.Answer{}, 0)
	code(t, err, awaf.EINVALID)
	_, err = s.PutAnswer(ctx, ActorOf(ada), 9999, awaf.Answer{Question: "q"}, 0)
	code(t, err, awaf.ENOTFOUND)

	as, err := s.Answers(ctx, w.ID)
	must(t, err)
	if len(as) != len(want) {
		t.Fatalf("got %d answers, want %d", len(as), len(want))
	}
	for _, sa := range as {
		if !reflect.DeepEqual(sa.Answer, want[sa.Question]) {
			t.Fatalf("answer %s = %+v, want %+v", sa.Question, sa.Answer, want[sa.Question])
		}
	}
	a, err := s.Assessment(ctx, w.ID)
	must(t, err)
	if a.Workload.Name != "Support chat" || a.Lens != w.Lens || !reflect.DeepEqual(a.Profile, w.Profile) || len(a.Answers) != 40 {
		t.Fatalf("assessment = %+v", a)
	}
	_, err = s.Assessment(ctx, 9999)
	code(t, err, awaf.ENOTFOUND)
}

func testAnswerConflict(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	ada := MustUser(t, s, "ada@example.com", false)
	w := MustWorkload(t, s, ada, "Support chat")
	first, err := s.PutAnswer(ctx, ActorOf(ada), w.ID, awaf.Answer{Question: "q1", Selected: []string{"a"}}, 0)
	must(t, err)
	// A second "new" answer to the same question is someone else's edit.
	_, err = s.PutAnswer(ctx, ActorOf(ada), w.ID, awaf.Answer{Question: "q1", Selected: []string{"b"}}, 0)
	code(t, err, awaf.ECONFLICT)
	second, err := s.PutAnswer(ctx, ActorOf(ada), w.ID, awaf.Answer{Question: "q1", Selected: []string{"c"}}, first.Version)
	must(t, err)
	if second.Version != 2 {
		t.Fatalf("version after update = %d", second.Version)
	}
	_, err = s.PutAnswer(ctx, ActorOf(ada), w.ID, awaf.Answer{Question: "q1", Selected: []string{"stale"}}, first.Version)
	code(t, err, awaf.ECONFLICT)
	forced, err := s.PutAnswer(ctx, ActorOf(ada), w.ID, awaf.Answer{Question: "q1", Selected: []string{"d"}}, awaf.AnyVersion)
	must(t, err)
	if forced.Version != 3 {
		t.Fatalf("forced version = %d", forced.Version)
	}
	_, err = s.PutAnswer(ctx, ActorOf(ada), w.ID, awaf.Answer{Question: "q2"}, 5)
	code(t, err, awaf.ECONFLICT)
	as, _ := s.Answers(ctx, w.ID)
	if len(as) != 1 || as[0].Selected[0] != "d" {
		t.Fatalf("answers = %+v", as)
	}
}

// testConcurrentAnswers has many writers race on one version: exactly one wins, and
// nothing is lost on distinct questions.
func testConcurrentAnswers(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	ada := MustUser(t, s, "ada@example.com", false)
	w := MustWorkload(t, s, ada, "Support chat")
	base, err := s.PutAnswer(ctx, ActorOf(ada), w.ID, awaf.Answer{Question: "shared"}, 0)
	must(t, err)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.PutAnswer(ctx, ActorOf(ada), w.ID, awaf.Answer{Question: "shared", Note: fmt.Sprint(i)}, base.Version)
			if _, err := s.PutAnswer(ctx, ActorOf(ada), w.ID, awaf.Answer{Question: fmt.Sprintf("own%d", i)}, 0); err != nil && errs[i] == nil {
				errs[i] = err
			}
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch awaf.ErrorCode(err) {
		case "":
			won++
		case awaf.ECONFLICT:
		default:
			t.Fatalf("concurrent save: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d writers won the same version, want 1", won)
	}
	as, _ := s.Answers(ctx, w.ID)
	if len(as) != n+1 {
		t.Fatalf("got %d answers, want %d", len(as), n+1)
	}
}

func testMilestones(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	ada := MustUser(t, s, "ada@example.com", false)
	w := MustWorkload(t, s, ada, "Support chat")
	_, err := s.PutAnswer(ctx, ActorOf(ada), w.ID, awaf.Answer{Question: "q1", Selected: []string{"a"}}, 0)
	must(t, err)
	m1, err := s.CreateMilestone(ctx, ActorOf(ada), w.ID, "Baseline")
	must(t, err)
	c.Advance(time.Hour)
	_, err = s.PutAnswer(ctx, ActorOf(ada), w.ID, awaf.Answer{Question: "q1", Selected: []string{"b"}}, awaf.AnyVersion)
	must(t, err)
	m2, err := s.CreateMilestone(ctx, ActorOf(ada), w.ID, "After fixes")
	must(t, err)
	_, err = s.CreateMilestone(ctx, ActorOf(ada), w.ID, " ")
	code(t, err, awaf.EINVALID)
	_, err = s.CreateMilestone(ctx, ActorOf(ada), 9999, "x")
	code(t, err, awaf.ENOTFOUND)

	got, err := s.Milestone(ctx, w.ID, m1.ID)
	must(t, err)
	if got.Name != "Baseline" || got.Assessment.Answers[0].Selected[0] != "a" || got.CreatedBy != "ada@example.com" {
		t.Fatalf("baseline = %+v", got)
	}
	if !reflect.DeepEqual(got.Assessment.Profile, w.Profile) {
		t.Fatalf("milestone profile = %+v", got.Assessment.Profile)
	}
	_, err = s.Milestone(ctx, w.ID+1, m1.ID)
	code(t, err, awaf.ENOTFOUND)
	ms, err := s.Milestones(ctx, w.ID)
	must(t, err)
	if len(ms) != 2 || ms[0].ID != m2.ID || ms[0].Assessment.Answers[0].Selected[0] != "b" {
		t.Fatalf("milestones = %+v", ms)
	}
}

// testUpgradeLens: an upgrade is all or nothing. A stale answer or workload version
// leaves no milestone, no answer and no lens change behind.
func testUpgradeLens(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	ada := MustUser(t, s, "ada@example.com", false)
	w := MustWorkload(t, s, ada, "Support chat")
	a1, err := s.PutAnswer(ctx, ActorOf(ada), w.ID, awaf.Answer{Question: "q1", Selected: []string{"a"}}, 0)
	must(t, err)
	a2, err := s.PutAnswer(ctx, ActorOf(ada), w.ID, awaf.Answer{Question: "q2", Selected: []string{"x"}}, 0)
	must(t, err)
	fresh := func() *awaf.WorkloadRecord {
		got, err := s.Workload(ctx, w.ID)
		must(t, err)
		return got
	}
	state := func() (int, []awaf.StoredAnswer, awaf.LensRef) {
		ms, err := s.Milestones(ctx, w.ID)
		must(t, err)
		as, err := s.Answers(ctx, w.ID)
		must(t, err)
		return len(ms), as, fresh().Lens
	}
	m0, as0, l0 := state()
	for name, tc := range map[string]struct {
		puts  []awaf.AnswerPut
		stale bool
	}{
		"stale answer":   {puts: []awaf.AnswerPut{{Answer: awaf.Answer{Question: "q1"}, Version: a1.Version}, {Answer: awaf.Answer{Question: "q2"}, Version: a2.Version + 7}}},
		"stale workload": {puts: []awaf.AnswerPut{{Answer: awaf.Answer{Question: "q1"}, Version: a1.Version}}, stale: true},
	} {
		up := fresh()
		if tc.stale {
			up.Version--
		}
		up.Lens = awaf.LensRef{ID: up.Lens.ID, Version: "9.9.9"}
		_, err := s.UpgradeLens(ctx, ActorOf(ada), up, "Before upgrade", tc.puts)
		code(t, err, awaf.ECONFLICT)
		m, as, l := state()
		if m != m0 || !reflect.DeepEqual(as, as0) || l != l0 {
			t.Fatalf("%s: a failed upgrade changed something: %d milestones (was %d), answers %+v, lens %+v", name, m, m0, as, l)
		}
	}
	up := fresh()
	up.Lens = awaf.LensRef{ID: up.Lens.ID, Version: "9.9.9"}
	m, err := s.UpgradeLens(ctx, ActorOf(ada), up, "Before upgrade", []awaf.AnswerPut{{Answer: awaf.Answer{Question: "q1", Selected: []string{"b"}}, Version: a1.Version}})
	must(t, err)
	if m.Name != "Before upgrade" || len(m.Assessment.Answers) != 2 {
		t.Fatalf("milestone = %+v", m)
	}
	_, as, l := state()
	if l.Version != "9.9.9" || up.Version != fresh().Version {
		t.Fatalf("lens after the upgrade = %+v, version %d", l, up.Version)
	}
	for _, a := range as {
		if a.Question == "q1" && (len(a.Selected) != 1 || a.Selected[0] != "b") {
			t.Fatalf("q1 after the upgrade = %+v", a)
		}
	}
	_, err = s.UpgradeLens(ctx, ActorOf(ada), fresh(), " ", nil)
	code(t, err, awaf.EINVALID)
}

func testPlan(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	ada := MustUser(t, s, "ada@example.com", false)
	w := MustWorkload(t, s, ada, "Support chat")
	it := awaf.RemediationItem{WorkloadID: w.ID, Question: "q1", Choice: "c1", Owner: "bob@example.com", Status: awaf.PlanInProgress}
	got, err := s.PutPlanItem(ctx, ActorOf(ada), it, 0)
	must(t, err)
	if got.Version != 1 || got.UpdatedBy != "ada@example.com" {
		t.Fatalf("plan item = %+v", got)
	}
	bad := it
	bad.Status = awaf.PlanAcceptedRisk
	_, err = s.PutPlanItem(ctx, ActorOf(ada), bad, 1)
	code(t, err, awaf.EINVALID)
	bad.Status = "later"
	_, err = s.PutPlanItem(ctx, ActorOf(ada), bad, 1)
	code(t, err, awaf.EINVALID)
	it.Status, it.Reason = awaf.PlanAcceptedRisk, "compensating control in the gateway"
	got, err = s.PutPlanItem(ctx, ActorOf(ada), it, 1)
	must(t, err)
	if got.Version != 2 {
		t.Fatalf("version = %d", got.Version)
	}
	_, err = s.PutPlanItem(ctx, ActorOf(ada), it, 1)
	code(t, err, awaf.ECONFLICT)
	items, err := s.PlanItems(ctx, w.ID)
	must(t, err)
	if len(items) != 1 || items[0].Status != awaf.PlanAcceptedRisk || items[0].Reason == "" || items[0].Owner != "bob@example.com" {
		t.Fatalf("plan items = %+v", items)
	}
}

func testAudit(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	ada := MustUser(t, s, "ada@example.com", false)
	bob := MustUser(t, s, "bob@example.com", false)
	w := MustWorkload(t, s, ada, "Support chat")
	other := MustWorkload(t, s, bob, "Other")
	_, err := s.PutAnswer(ctx, ActorOf(ada), w.ID, awaf.Answer{Question: "q1", Selected: []string{"a"}}, 0)
	must(t, err)
	c.Advance(time.Second)
	_, err = s.PutAnswer(ctx, ActorOf(ada), w.ID, awaf.Answer{Question: "q1", Selected: []string{"b"}}, 1)
	must(t, err)
	must(t, s.Grant(ctx, ActorOf(ada), w.ID, bob.ID, awaf.RoleReader))
	must(t, s.AppendAudit(ctx, awaf.AuditEvent{Actor: ActorOf(ada), Action: awaf.AuditSignIn, Target: "ada@example.com"}))
	code(t, s.AppendAudit(ctx, awaf.AuditEvent{Actor: ActorOf(ada)}), awaf.EINVALID)

	es, err := s.AuditEvents(ctx, awaf.AuditFilter{WorkloadID: w.ID})
	must(t, err)
	var actions []string
	for _, e := range es {
		actions = append(actions, e.Action)
		if e.WorkloadID != w.ID {
			t.Fatalf("event of workload %d in workload %d's log", e.WorkloadID, w.ID)
		}
	}
	wantActions := []string{awaf.AuditGrant, awaf.AuditAnswer, awaf.AuditAnswer, awaf.AuditGrant, awaf.AuditWorkloadSave}
	if !reflect.DeepEqual(actions, wantActions) {
		t.Fatalf("actions newest first = %v, want %v", actions, wantActions)
	}
	upd := es[1]
	var before, after awaf.Answer
	must(t, json.Unmarshal(upd.Before, &before))
	must(t, json.Unmarshal(upd.After, &after))
	if before.Selected[0] != "a" || after.Selected[0] != "b" || upd.Actor.Name != "ada@example.com" || upd.Actor.UserID != ada.ID || upd.Target != "question:q1" {
		t.Fatalf("answer event = %+v", upd)
	}
	if es[2].Before != nil {
		t.Fatalf("first answer has a before value: %s", es[2].Before)
	}
	if !upd.At.Equal(c.Now()) {
		t.Fatalf("event time = %v, want %v", upd.At, c.Now())
	}

	page, err := s.AuditEvents(ctx, awaf.AuditFilter{WorkloadID: w.ID, BeforeID: es[1].ID, Limit: 2})
	must(t, err)
	if len(page) != 2 || page[0].ID != es[2].ID {
		t.Fatalf("second page = %+v", page)
	}
	all, err := s.AuditEvents(ctx, awaf.AuditFilter{})
	must(t, err)
	sawOther, sawSite := false, false
	for _, e := range all {
		sawOther = sawOther || e.WorkloadID == other.ID
		sawSite = sawSite || e.Action == awaf.AuditSignIn
	}
	if !sawOther || !sawSite {
		t.Fatalf("unfiltered log misses events: %+v", all)
	}
}

func testThrottle(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	p := awaf.ThrottlePolicy{Max: 3, Window: 10 * time.Minute, Lock: 15 * time.Minute}
	const key = "email:ada@example.com"
	th, err := s.Throttle(ctx, key)
	must(t, err)
	if th.Failures != 0 || !th.LockedUntil.IsZero() {
		t.Fatalf("fresh throttle = %+v", th)
	}
	for i := 1; i <= 2; i++ {
		a, err := s.ReserveAttempt(ctx, key, c.Now(), p)
		must(t, err)
		if !a.Allowed || a.Locking || a.Failures != i || !a.LockedUntil.IsZero() {
			t.Fatalf("attempt %d: %+v", i, a)
		}
		c.Advance(time.Minute)
	}
	third, err := s.ReserveAttempt(ctx, key, c.Now(), p)
	must(t, err)
	if !third.Allowed || !third.Locking || !third.LockedUntil.Equal(c.Now().Add(15*time.Minute)) {
		t.Fatalf("third attempt did not lock: %+v", third)
	}
	stored, err := s.Throttle(ctx, key)
	must(t, err)
	if !stored.LockedUntil.Equal(third.LockedUntil) || stored.Failures != 0 {
		t.Fatalf("stored = %+v, want locked until %v", stored, third.LockedUntil)
	}
	// While locked, attempts are refused and not counted.
	a, err := s.ReserveAttempt(ctx, key, c.Now().Add(time.Minute), p)
	must(t, err)
	if a.Allowed || !a.LockedUntil.Equal(third.LockedUntil) {
		t.Fatalf("attempt while locked: %+v", a)
	}
	must(t, s.ReleaseAttempt(ctx, a)) // a refused attempt has nothing to give back
	// The third attempt succeeded after all: giving it back lifts its lock.
	must(t, s.ReleaseAttempt(ctx, third))
	stored, _ = s.Throttle(ctx, key)
	if !stored.LockedUntil.IsZero() || stored.Failures != 2 {
		t.Fatalf("after releasing the locking attempt: %+v", stored)
	}
	// Attempts spread out beyond the window never lock.
	for range 5 {
		a, err = s.ReserveAttempt(ctx, "ip:192.0.2.1", c.Now(), p)
		must(t, err)
		c.Advance(11 * time.Minute)
	}
	if !a.Allowed || a.Failures != 1 || !a.LockedUntil.IsZero() {
		t.Fatalf("spread-out attempts = %+v", a)
	}
	must(t, s.ReleaseAttempt(ctx, a))
	th, _ = s.Throttle(ctx, "ip:192.0.2.1")
	if th.Failures != 0 || !th.WindowStart.IsZero() {
		t.Fatalf("after release = %+v, want no row kept", th)
	}
	_, err = s.ReserveAttempt(ctx, "ip:192.0.2.1", c.Now(), p)
	must(t, err)
	must(t, s.ClearFailures(ctx, "ip:192.0.2.1"))
	th, _ = s.Throttle(ctx, "ip:192.0.2.1")
	if th.Failures != 0 {
		t.Fatalf("after clear = %+v", th)
	}
}

// testConcurrentAttempts: attempts reserved all at once for one key are counted in
// turn, so exactly the policy's Max are allowed however many arrive.
func testConcurrentAttempts(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	p := awaf.ThrottlePolicy{Max: 5, Window: 15 * time.Minute, Lock: 15 * time.Minute}
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed, refused := 0, 0
	for range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := s.ReserveAttempt(ctx, "email:ada@example.com", c.Now(), p)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if a.Allowed {
				allowed++
			} else {
				refused++
			}
		}()
	}
	wg.Wait()
	if allowed != p.Max || refused != 60-p.Max {
		t.Fatalf("60 concurrent attempts: %d allowed, %d refused; want %d and %d", allowed, refused, p.Max, 60-p.Max)
	}
}

// testFirstUser races set-ups: exactly one creates the first administrator.
func testFirstUser(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	const n = 6
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.CreateFirstUser(ctx, system, &awaf.User{Email: fmt.Sprintf("admin%d@example.com", i), Admin: true})
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch awaf.ErrorCode(err) {
		case "":
			won++
		case awaf.ECONFLICT:
		default:
			t.Fatalf("set-up: %v", err)
		}
	}
	if cnt, _ := s.CountUsers(ctx); won != 1 || cnt != 1 {
		t.Fatalf("%d set-ups won, %d users; want 1 and 1", won, cnt)
	}
}

func testLenses(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	ada := MustUser(t, s, "ada@example.com", true)
	by := ActorOf(ada)

	_, err := s.LatestLens(ctx, "team-lens")
	code(t, err, awaf.ENOTFOUND)
	ls, err := s.Lenses(ctx)
	must(t, err)
	if len(ls) != 0 {
		t.Fatalf("empty store lists %d lenses", len(ls))
	}

	v1 := &awaf.StoredLens{ID: "team-lens", Version: "1.0", Name: "Team lens", Source: []byte("id: team-lens\nversion: \"1.0\"\n")}
	must(t, s.SaveLens(ctx, by, v1))
	if v1.UploadedBy != ada.Email || !v1.Uploaded.Equal(c.Now()) {
		t.Fatalf("saved lens = %+v", v1)
	}
	c.Advance(time.Minute)
	// Versions are ordered by upload, not by their text: "0.9" uploaded after "1.0"
	// is the latest.
	v2 := &awaf.StoredLens{ID: "team-lens", Version: "0.9", Name: "Team lens (next)", Source: []byte("id: team-lens\nversion: \"0.9\"\n")}
	must(t, s.SaveLens(ctx, by, v2))
	other := &awaf.StoredLens{ID: "another", Version: "1.0", Source: []byte("x: y\n")}
	must(t, s.SaveLens(ctx, by, other))

	dup := &awaf.StoredLens{ID: "team-lens", Version: "1.0", Source: []byte("changed\n")}
	code(t, s.SaveLens(ctx, by, dup), awaf.ECONFLICT)
	code(t, s.SaveLens(ctx, by, &awaf.StoredLens{ID: "", Version: "1", Source: []byte("x")}), awaf.EINVALID)
	code(t, s.SaveLens(ctx, by, &awaf.StoredLens{ID: "x", Version: "", Source: []byte("x")}), awaf.EINVALID)
	code(t, s.SaveLens(ctx, by, &awaf.StoredLens{ID: "x", Version: "1"}), awaf.EINVALID)

	got, err := s.Lens(ctx, "team-lens", "1.0")
	must(t, err)
	if !reflect.DeepEqual(got, v1) {
		t.Fatalf("Lens(team-lens, 1.0) = %+v, want %+v (a failed duplicate must not change it)", got, v1)
	}
	_, err = s.Lens(ctx, "team-lens", "2.0")
	code(t, err, awaf.ENOTFOUND)
	latest, err := s.LatestLens(ctx, "team-lens")
	must(t, err)
	want := *v2
	want.Source = nil // LatestLens leaves the source out
	if !reflect.DeepEqual(*latest, want) {
		t.Fatalf("LatestLens = %+v, want %+v", latest, want)
	}

	ls, err = s.Lenses(ctx)
	must(t, err)
	var ids []string
	for _, l := range ls {
		ids = append(ids, l.ID+"@"+l.Version)
		if l.Source != nil {
			t.Fatalf("list carries the source of %s %s", l.ID, l.Version)
		}
	}
	if want := []string{"another@1.0", "team-lens@1.0", "team-lens@0.9"}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("Lenses = %v, want %v", ids, want)
	}

	es, err := s.AuditEvents(ctx, awaf.AuditFilter{})
	must(t, err)
	var uploads []string
	for _, e := range es {
		if e.Action == awaf.AuditLensUpload {
			uploads = append(uploads, e.Target)
			if e.Actor.UserID != ada.ID || e.WorkloadID != 0 {
				t.Fatalf("upload event = %+v", e)
			}
		}
	}
	if want := []string{"another@1.0", "team-lens@0.9", "team-lens@1.0"}; !reflect.DeepEqual(uploads, want) {
		t.Fatalf("lens.upload events newest first = %v, want %v (failed uploads record nothing)", uploads, want)
	}
}

// testConcurrentLensUploads: replicas uploading the same version at once store it
// once; the others get a conflict, and one audit event is written.
func testConcurrentLensUploads(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	ada := MustUser(t, s, "ada@example.com", true)
	const n = 8
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.SaveLens(ctx, ActorOf(ada), &awaf.StoredLens{ID: "team-lens", Version: "1.0.0", Source: []byte(fmt.Sprintf("# upload %d\n", i))})
		}()
	}
	wg.Wait()
	close(errs)
	saved := 0
	for err := range errs {
		switch awaf.ErrorCode(err) {
		case "":
			saved++
		case awaf.ECONFLICT:
		default:
			t.Fatalf("concurrent upload: %v", err)
		}
	}
	if saved != 1 {
		t.Fatalf("%d concurrent uploads of one version succeeded, want 1", saved)
	}
	es, err := s.AuditEvents(ctx, awaf.AuditFilter{})
	must(t, err)
	uploads := 0
	for _, e := range es {
		if e.Action == awaf.AuditLensUpload {
			uploads++
		}
	}
	if uploads != 1 {
		t.Fatalf("%d lens.upload events, want 1", uploads)
	}
}

// testErrorsNameTheOperation: a database failure reaches the caller as an internal
// error that says which operation failed, while not-found keeps its code and message.
func testErrorsNameTheOperation(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	ada := MustUser(t, s, "ada@example.com", false)
	w := MustWorkload(t, s, ada, "chat")
	_, err := s.User(ctx, 9999)
	code(t, err, awaf.ENOTFOUND)
	if got := awaf.ErrorMessage(err); got != "user 9999 not found" {
		t.Fatalf("not-found message = %q", got)
	}
	must(t, s.Close())
	by := ActorOf(ada)
	wid := w.ID
	e := func(_ any, err error) error { return err }
	f := fmt.Sprintf
	now := c.Now()
	p := awaf.ThrottlePolicy{Max: 5, Window: time.Minute, Lock: time.Minute}
	up := *w
	for _, tc := range []struct {
		want string
		call func() error
	}{
		{"create user bob@example.com", func() error { return s.CreateUser(ctx, by, &awaf.User{Email: "bob@example.com"}) }},
		{"create user bob@example.com", func() error { return s.CreateFirstUser(ctx, by, &awaf.User{Email: "bob@example.com"}) }},
		{"read user 1", func() error { return e(s.User(ctx, 1)) }},
		{"read user ada@example.com", func() error { return e(s.UserByEmail(ctx, "ada@example.com")) }},
		{"list users", func() error { return e(s.Users(ctx)) }},
		{"count users", func() error { return e(s.CountUsers(ctx)) }},
		{f("set password of user %d", ada.ID), func() error { return s.SetPassword(ctx, by, ada.ID, "h") }},
		{f("set disabled=true on user %d", ada.ID), func() error { return s.SetDisabled(ctx, by, ada.ID, true) }},
		{f("create session for user %d", ada.ID), func() error {
			return s.CreateSession(ctx, &awaf.Session{Hash: "s", UserID: ada.ID, Expires: now.Add(time.Hour)})
		}},
		{"read session", func() error { return e(s.SessionByHash(ctx, "s")) }},
		{"delete session", func() error { return s.DeleteSession(ctx, "s") }},
		{"delete expired sessions", func() error { return e(s.DeleteExpiredSessions(ctx, now)) }},
		{"read sign-in throttle k", func() error { return e(s.Throttle(ctx, "k")) }},
		{"reserve sign-in attempt for k", func() error { return e(s.ReserveAttempt(ctx, "k", now, p)) }},
		{"release sign-in attempt for k", func() error { return s.ReleaseAttempt(ctx, &awaf.Attempt{Key: "k", Allowed: true}) }},
		{"clear failed sign-ins for k", func() error { return s.ClearFailures(ctx, "k") }},
		{`create workload "other"`, func() error {
			return s.CreateWorkload(ctx, by, &awaf.WorkloadRecord{Workload: awaf.Workload{Name: "other"}})
		}},
		{f("read workload %d", wid), func() error { return e(s.Workload(ctx, wid)) }},
		{f("list workloads of user %d", ada.ID), func() error { return e(s.Workloads(ctx, ada.ID)) }},
		{f("update workload %d", wid), func() error { return s.UpdateWorkload(ctx, by, &up) }},
		{f("grant reader on workload %d to user %d", wid, ada.ID), func() error { return s.Grant(ctx, by, wid, ada.ID, awaf.RoleReader) }},
		{f("revoke access of user %d to workload %d", ada.ID, wid), func() error { return s.Revoke(ctx, by, wid, ada.ID) }},
		{f("list members of workload %d", wid), func() error { return e(s.Memberships(ctx, wid)) }},
		{f("read role of user %d on workload %d", ada.ID, wid), func() error { return e(s.Role(ctx, wid, ada.ID)) }},
		{f(`create token "t" on workload %d`, wid), func() error {
			return s.CreateToken(ctx, by, &awaf.Token{WorkloadID: wid, Name: "t", Role: awaf.RoleReader, Hash: "h"})
		}},
		{"read token", func() error { return e(s.TokenByHash(ctx, "h")) }},
		{f("list tokens of workload %d", wid), func() error { return e(s.Tokens(ctx, wid)) }},
		{f("revoke token 1 on workload %d", wid), func() error { return s.RevokeToken(ctx, by, wid, 1) }},
		{f("list answers of workload %d", wid), func() error { return e(s.Answers(ctx, wid)) }},
		{f("save answer %d/q1", wid), func() error { return e(s.PutAnswer(ctx, by, wid, awaf.Answer{Question: "q1"}, 0)) }},
		{f("save 1 answers of workload %d", wid), func() error {
			return e(s.PutAnswers(ctx, by, wid, []awaf.AnswerPut{{Answer: awaf.Answer{Question: "q1"}}}))
		}},
		{f("read assessment of workload %d", wid), func() error { return e(s.Assessment(ctx, wid)) }},
		{f(`create milestone "m" of workload %d`, wid), func() error { return e(s.CreateMilestone(ctx, by, wid, "m")) }},
		{f("upgrade lens of workload %d", wid), func() error { return e(s.UpgradeLens(ctx, by, &up, "m", nil)) }},
		{"read milestone 1", func() error { return e(s.Milestone(ctx, wid, 1)) }},
		{f("list milestones of workload %d", wid), func() error { return e(s.Milestones(ctx, wid)) }},
		{f("list plan items of workload %d", wid), func() error { return e(s.PlanItems(ctx, wid)) }},
		{f("save plan item %d/q1/c1", wid), func() error {
			return e(s.PutPlanItem(ctx, by, awaf.RemediationItem{WorkloadID: wid, Question: "q1", Choice: "c1", Status: awaf.PlanOpen}, 0))
		}},
		{"append audit export x", func() error {
			return s.AppendAudit(ctx, awaf.AuditEvent{Actor: by, Action: awaf.AuditExport, Target: "x"})
		}},
		{"list audit events", func() error { return e(s.AuditEvents(ctx, awaf.AuditFilter{})) }},
		{"save lens l 1", func() error { return s.SaveLens(ctx, by, &awaf.StoredLens{ID: "l", Version: "1", Source: []byte("x")}) }},
		{"list lenses", func() error { return e(s.Lenses(ctx)) }},
		{"read lens l 1", func() error { return e(s.Lens(ctx, "l", "1")) }},
		{"read latest lens l", func() error { return e(s.LatestLens(ctx, "l")) }},
		{"list workload stamps", func() error { return e(s.Stamps(ctx)) }},
		{"list milestone stamps", func() error { return e(s.MilestoneStamps(ctx)) }},
		{f("list workload ids of user %d", ada.ID), func() error { return e(s.MemberWorkloadIDs(ctx, ada.ID)) }},
		{f("set admin=true on user %d", ada.ID), func() error { return s.SetAdmin(ctx, by, ada.ID, true) }},
		{"save template t 1", func() error {
			return s.SaveTemplate(ctx, by, &awaf.StoredTemplate{Name: "t", Version: 1, Source: []byte("x")})
		}},
		{"list templates", func() error { return e(s.Templates(ctx)) }},
		{"read template t 1", func() error { return e(s.Template(ctx, "t", 1)) }},
		{"read latest template t", func() error { return e(s.LatestTemplate(ctx, "t")) }},
	} {
		err := tc.call()
		if awaf.ErrorCode(err) != awaf.EINTERNAL || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("on a closed store: %v (code %s), want it to start with %q", err, awaf.ErrorCode(err), tc.want)
		}
	}
}

// testPutAnswersAllOrNothing: a batch with one stale version stores none of its
// answers; a good batch stores all of them.
func testPutAnswersAllOrNothing(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	ada := MustUser(t, s, "ada@example.com", false)
	w := MustWorkload(t, s, ada, "chat")
	_, err := s.PutAnswer(ctx, ActorOf(ada), w.ID, awaf.Answer{Question: "q2", Note: "first"}, 0)
	must(t, err)
	_, err = s.PutAnswers(ctx, ActorOf(ada), w.ID, []awaf.AnswerPut{
		{Answer: awaf.Answer{Question: "q1", Note: "batch"}, Version: 0},
		{Answer: awaf.Answer{Question: "q2", Note: "batch"}, Version: 0}, // stale: q2 is at 1
	})
	code(t, err, awaf.ECONFLICT)
	as, err := s.Answers(ctx, w.ID)
	must(t, err)
	if len(as) != 1 || as[0].Question != "q2" || as[0].Note != "first" {
		t.Fatalf("after a refused batch: %+v", as)
	}
	out, err := s.PutAnswers(ctx, ActorOf(ada), w.ID, []awaf.AnswerPut{
		{Answer: awaf.Answer{Question: "q1", Note: "batch"}, Version: 0},
		{Answer: awaf.Answer{Question: "q2", Note: "batch"}, Version: 1},
	})
	must(t, err)
	if len(out) != 2 || out[0].Version != 1 || out[1].Version != 2 {
		t.Fatalf("PutAnswers = %+v", out)
	}
}

// testTokensFollowCreator: a token works only while its creator is enabled and holds
// its role; demotion and removal revoke, disabling suspends.
func testTokensFollowCreator(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	ada := MustUser(t, s, "ada@example.com", false)
	bob := MustUser(t, s, "bob@example.com", false)
	admin := MustUser(t, s, "root@example.com", true)
	w := MustWorkload(t, s, ada, "chat")
	must(t, s.Grant(ctx, ActorOf(ada), w.ID, bob.ID, awaf.RoleContributor))
	code(t, s.CreateToken(ctx, ActorOf(bob), &awaf.Token{WorkloadID: w.ID, Name: "too much", Role: awaf.RoleOwner, Hash: "h0"}), awaf.EFORBIDDEN)
	ro := &awaf.Token{WorkloadID: w.ID, Name: "ro", Role: awaf.RoleReader, Hash: "h1"}
	rw := &awaf.Token{WorkloadID: w.ID, Name: "rw", Role: awaf.RoleContributor, Hash: "h2"}
	must(t, s.CreateToken(ctx, ActorOf(bob), ro))
	must(t, s.CreateToken(ctx, ActorOf(bob), rw))
	if ro.CreatorID != bob.ID {
		t.Fatalf("creator = %d, want %d", ro.CreatorID, bob.ID)
	}
	// A token made with a token acts for the same person.
	child := &awaf.Token{WorkloadID: w.ID, Name: "child", Role: awaf.RoleReader, Hash: "h3"}
	must(t, s.CreateToken(ctx, awaf.Actor{TokenID: rw.ID, Name: "token:rw"}, child))
	if child.CreatorID != bob.ID {
		t.Fatalf("child creator = %d, want %d", child.CreatorID, bob.ID)
	}
	state := func(hash string) (live bool, suspended string) {
		t.Helper()
		tok, err := s.TokenByHash(ctx, hash)
		must(t, err)
		return tok.Live(c.Now()), tok.Suspended
	}
	must(t, s.Grant(ctx, ActorOf(ada), w.ID, bob.ID, awaf.RoleReader))
	if live, _ := state("h2"); live {
		t.Fatal("a contributor token works after its creator became a reader")
	}
	if tok, _ := s.TokenByHash(ctx, "h2"); tok.Revoked.IsZero() {
		t.Fatal("demotion did not revoke the contributor token")
	}
	if live, _ := state("h1"); !live {
		t.Fatal("the reader token stopped after demotion to reader")
	}
	must(t, s.SetDisabled(ctx, ActorOf(admin), bob.ID, true))
	if live, why := state("h1"); live || why == "" {
		t.Fatalf("token of a disabled creator: live %v, suspended %q", live, why)
	}
	must(t, s.SetDisabled(ctx, ActorOf(admin), bob.ID, false))
	if live, _ := state("h1"); !live {
		t.Fatal("token stays suspended after its creator is enabled again")
	}
	must(t, s.Revoke(ctx, ActorOf(ada), w.ID, bob.ID))
	for _, h := range []string{"h1", "h3"} {
		if tok, _ := s.TokenByHash(ctx, h); tok.Revoked.IsZero() || tok.Live(c.Now()) {
			t.Fatalf("token %s after its creator was removed: %+v", h, tok)
		}
	}
	// An administrator's token needs no membership.
	at := &awaf.Token{WorkloadID: w.ID, Name: "admin", Role: awaf.RoleOwner, Hash: "h4"}
	must(t, s.CreateToken(ctx, ActorOf(admin), at))
	if live, why := state("h4"); !live {
		t.Fatalf("administrator's token: %q", why)
	}
}

// testStamps: a workload's stamp moves with every change of its record or answers and
// with nothing else; milestone stamps list milestones without reading them.
func testStamps(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	ada := MustUser(t, s, "ada@example.com", false)
	by := ActorOf(ada)
	a := MustWorkload(t, s, ada, "a")
	b := MustWorkload(t, s, ada, "b")
	stamp := func(id int64) awaf.Stamp {
		t.Helper()
		st, err := s.Stamps(ctx)
		must(t, err)
		if len(st) != 2 || st[0].WorkloadID != a.ID || st[1].WorkloadID != b.ID {
			t.Fatalf("stamps %+v, want workloads %d and %d in order", st, a.ID, b.ID)
		}
		for _, x := range st {
			if x.WorkloadID == id {
				return x
			}
		}
		panic("unreachable")
	}
	empty := stamp(a.ID)
	if empty.AnswerSaves != 0 || empty.Version != a.Version || !empty.Updated.Equal(a.Updated) {
		t.Errorf("a workload without answers: %+v (record version %d, updated %v)", empty, a.Version, a.Updated)
	}
	seen := map[awaf.Stamp]string{empty: "empty"}
	step := func(name string) {
		t.Helper()
		st := stamp(a.ID)
		if prev, ok := seen[st]; ok {
			t.Errorf("after %s the stamp is the one after %s: %+v", name, prev, st)
		}
		seen[st] = name
	}
	c.Advance(time.Second)
	_, err := s.PutAnswer(ctx, by, a.ID, awaf.Answer{Question: "q1", Selected: []string{"c1"}}, 0)
	must(t, err)
	step("first answer")
	c.Advance(time.Second)
	_, err = s.PutAnswer(ctx, by, a.ID, awaf.Answer{Question: "q2", Selected: []string{"c1"}}, 0)
	must(t, err)
	step("second answer")
	// Same second (a fast client): the versions still move the stamp.
	_, err = s.PutAnswer(ctx, by, a.ID, awaf.Answer{Question: "q1", Selected: []string{"c2"}}, awaf.AnyVersion)
	must(t, err)
	step("changed answer in the same second")
	if st := stamp(a.ID); st.AnswerSaves != 3 || !st.Updated.Equal(c.Now()) {
		t.Errorf("stamp %+v, want 3 saves, updated now", st)
	}
	w, err := s.Workload(ctx, a.ID)
	must(t, err)
	w.Profile.Criticality = awaf.MissionCritical
	must(t, s.UpdateWorkload(ctx, by, w))
	step("profile change")
	before := stamp(b.ID)
	m1, err := s.CreateMilestone(ctx, by, a.ID, "m1")
	must(t, err)
	if stamp(b.ID) != before {
		t.Error("a change to workload a moved b's stamp")
	}
	if _, ok := seen[stamp(a.ID)]; !ok {
		t.Error("a milestone changed the stamp: it changes no answer")
	}
	c.Advance(time.Hour)
	m2, err := s.CreateMilestone(ctx, by, b.ID, "m2")
	must(t, err)
	m3, err := s.CreateMilestone(ctx, by, a.ID, "m3")
	must(t, err)
	ms, err := s.MilestoneStamps(ctx)
	must(t, err)
	want := []awaf.MilestoneStamp{{ID: m1.ID, WorkloadID: a.ID, Created: m1.Created}, {ID: m3.ID, WorkloadID: a.ID, Created: m3.Created}, {ID: m2.ID, WorkloadID: b.ID, Created: m2.Created}}
	if len(ms) != 3 {
		t.Fatalf("milestone stamps %+v, want %+v", ms, want)
	}
	for i := range ms {
		if ms[i].ID != want[i].ID || ms[i].WorkloadID != want[i].WorkloadID || !ms[i].Created.Equal(want[i].Created) {
			t.Errorf("milestone stamp %d = %+v, want %+v", i, ms[i], want[i])
		}
	}
	// A member's workloads by id: the creator's both, a reader's one, a stranger's none,
	// and a revoked grant is gone.
	bob := MustUser(t, s, "bob@example.com", false)
	eve := MustUser(t, s, "eve@example.com", false)
	must(t, s.Grant(ctx, by, b.ID, bob.ID, awaf.RoleReader))
	for _, c := range []struct {
		who  *awaf.User
		want []int64
	}{{ada, []int64{a.ID, b.ID}}, {bob, []int64{b.ID}}, {eve, nil}} {
		ids, err := s.MemberWorkloadIDs(ctx, c.who.ID)
		must(t, err)
		if !slices.Equal(ids, c.want) {
			t.Errorf("workloads of %s: %v, want %v", c.who.Email, ids, c.want)
		}
	}
	must(t, s.Revoke(ctx, by, b.ID, bob.ID))
	if ids, err := s.MemberWorkloadIDs(ctx, bob.ID); err != nil || len(ids) != 0 {
		t.Errorf("after revoking: %v, %v", ids, err)
	}
}

// testSetAdmin: promotion and demotion are saved and audited, a repeat does
// nothing, and the last enabled administrator stays one.
func testSetAdmin(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	root := MustUser(t, s, "root@example.com", true)
	ada := MustUser(t, s, "ada@example.com", false)
	by := awaf.Actor{Name: "oidc:https://issuer.example"}
	admin := func(u *awaf.User) bool {
		t.Helper()
		got, err := s.User(ctx, u.ID)
		must(t, err)
		return got.Admin
	}
	count := func() int {
		t.Helper()
		es, err := s.AuditEvents(ctx, awaf.AuditFilter{})
		must(t, err)
		n := 0
		for _, e := range es {
			if e.Action == awaf.AuditUserAdmin {
				n++
				if e.Target != ada.Email && e.Target != root.Email {
					t.Errorf("audit target %q", e.Target)
				}
			}
		}
		return n
	}
	must(t, s.SetAdmin(ctx, by, ada.ID, true))
	if !admin(ada) || count() != 1 {
		t.Fatalf("promoted: admin %t, %d events, want true and 1", admin(ada), count())
	}
	must(t, s.SetAdmin(ctx, by, ada.ID, true))
	if count() != 1 {
		t.Errorf("a repeated promotion was audited again")
	}
	must(t, s.SetAdmin(ctx, by, root.ID, false))
	if admin(root) || count() != 2 {
		t.Errorf("demoted: admin %t, %d events", admin(root), count())
	}
	code(t, s.SetAdmin(ctx, by, ada.ID, false), awaf.EINVALID)
	if !admin(ada) {
		t.Error("the last administrator was demoted")
	}
	code(t, s.SetAdmin(ctx, by, 999999, true), awaf.ENOTFOUND)
}

// testOIDCIdentity: an account is bound to one company identity once, found by it,
// and neither side can be bound twice.
func testOIDCIdentity(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	ada := MustUser(t, s, "ada@example.com", false)
	bob := MustUser(t, s, "bob@example.com", false)
	by := awaf.Actor{Name: "oidc:https://issuer.example"}
	const iss = "https://issuer.example"
	_, err := s.UserByOIDC(ctx, iss, "sub-ada")
	code(t, err, awaf.ENOTFOUND)
	must(t, s.SetOIDCIdentity(ctx, by, ada.ID, iss, "sub-ada"))
	must(t, s.SetOIDCIdentity(ctx, by, ada.ID, iss, "sub-ada")) // the same again: nothing to do
	u, err := s.UserByOIDC(ctx, iss, "sub-ada")
	must(t, err)
	if u.ID != ada.ID || u.OIDCIssuer != iss || u.OIDCSubject != "sub-ada" {
		t.Errorf("found %+v, want ada bound to sub-ada", u)
	}
	code(t, s.SetOIDCIdentity(ctx, by, ada.ID, iss, "sub-other"), awaf.ECONFLICT)
	code(t, s.SetOIDCIdentity(ctx, by, bob.ID, iss, "sub-ada"), awaf.ECONFLICT)
	code(t, s.SetOIDCIdentity(ctx, by, bob.ID, "", "x"), awaf.EINVALID)
	// The same subject at another issuer is another identity.
	must(t, s.SetOIDCIdentity(ctx, by, bob.ID, "https://other.example", "sub-ada"))
	_, err = s.UserByOIDC(ctx, "https://other.example", "sub-other")
	code(t, err, awaf.ENOTFOUND)
	es, err := s.AuditEvents(ctx, awaf.AuditFilter{})
	must(t, err)
	n := 0
	for _, e := range es {
		if e.Action == awaf.AuditUserOIDC {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d bindings audited, want 2", n)
	}
}

// testTemplates: versions are kept apart, the first version's maker stays the owner,
// lists show the latest version of each without its source, saves are audited.
func testTemplates(t *testing.T, s awaf.Store, c *Clock) {
	ctx := context.Background()
	ada := MustUser(t, s, "ada@example.com", false)
	bob := MustUser(t, s, "bob@example.com", true)
	_, err := s.LatestTemplate(ctx, "zone")
	code(t, err, awaf.ENOTFOUND)
	v1 := &awaf.StoredTemplate{Name: " zone ", Version: 1, OwnerID: ada.ID, Owner: ada.Email, Questions: 3, Source: []byte("template: v1")}
	must(t, s.SaveTemplate(ctx, ActorOf(ada), v1))
	if v1.Name != "zone" || v1.CreatedBy != ada.Email || !v1.Created.Equal(c.Now()) {
		t.Errorf("saved %+v", v1)
	}
	code(t, s.SaveTemplate(ctx, ActorOf(ada), &awaf.StoredTemplate{Name: "zone", Version: 1, Source: []byte("again")}), awaf.ECONFLICT)
	code(t, s.SaveTemplate(ctx, ActorOf(ada), &awaf.StoredTemplate{Name: "zone", Version: 0, Source: []byte("x")}), awaf.EINVALID)
	code(t, s.SaveTemplate(ctx, ActorOf(ada), &awaf.StoredTemplate{Name: "zone", Version: 5}), awaf.EINVALID)
	c.Advance(time.Minute)
	// An administrator adds version 2: ada stays the owner, whatever the caller says.
	v2 := &awaf.StoredTemplate{Name: "zone", Version: 2, OwnerID: bob.ID, Owner: bob.Email, Questions: 4, Source: []byte("template: v2")}
	must(t, s.SaveTemplate(ctx, ActorOf(bob), v2))
	if v2.OwnerID != ada.ID || v2.Owner != ada.Email {
		t.Errorf("version 2 owner %d %s, want the first version's", v2.OwnerID, v2.Owner)
	}
	must(t, s.SaveTemplate(ctx, ActorOf(bob), &awaf.StoredTemplate{Name: "another", Version: 7, OwnerID: bob.ID, Owner: bob.Email, Source: []byte("x")}))
	list, err := s.Templates(ctx)
	must(t, err)
	if len(list) != 2 || list[0].Name != "another" || list[1].Name != "zone" || list[1].Version != 2 || list[1].Source != nil || list[1].Questions != 4 {
		t.Errorf("templates %+v", list)
	}
	got, err := s.Template(ctx, "zone", 1)
	must(t, err)
	if string(got.Source) != "template: v1" || got.Owner != ada.Email {
		t.Errorf("version 1 %+v", got)
	}
	latest, err := s.LatestTemplate(ctx, "zone")
	must(t, err)
	if latest.Version != 2 || string(latest.Source) != "template: v2" || !latest.Created.Equal(c.Now()) {
		t.Errorf("latest %+v", latest)
	}
	_, err = s.Template(ctx, "zone", 3)
	code(t, err, awaf.ENOTFOUND)
	evs, err := s.AuditEvents(ctx, awaf.AuditFilter{})
	must(t, err)
	saves := 0
	for _, e := range evs {
		if e.Action == awaf.AuditTemplateSave {
			saves++
		}
	}
	if saves != 3 {
		t.Errorf("%d template saves audited, want 3", saves)
	}
}
