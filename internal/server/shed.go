package server

import (
	"context"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Load shedding. Every route belongs to a class with a bounded number of requests in
// flight and a short queue in front of it; a request that finds the queue full, or
// waits in it too long, is refused at once with Retry-After instead of slowing
// everyone down. Password hashing is its own class: argon2id takes its memory cost
// (19 MiB by default) for every hash, so the bound on concurrent hashes is what caps
// the memory that unauthenticated sign-ins can make the server use. Exports and
// uploads, the heaviest requests, cannot crowd out saves and dashboards, which have
// classes of their own.

// routeClass is a kind of work with a bound of its own.
type routeClass int

const (
	classOps     routeClass = iota // health, metrics, static files: never shed
	classHashing                   // sign-in, set-up, password changes: one argon2id hash each
	classRead                      // pages and API reads
	classWrite                     // saves
	classHeavy                     // reports, backlogs, audit CSV, uploads, lens upgrades
)

func (c routeClass) String() string {
	return [...]string{"ops", "hashing", "read", "write", "heavy"}[c]
}

// Limit bounds one class of routes: at most InFlight at once, at most Queue waiting
// for a slot, each at most Wait.
type Limit struct {
	InFlight int
	Queue    int
	Wait     time.Duration
}

// Limits are the bounds of every class; a zero Limit takes the default.
type Limits struct {
	Hashing, Read, Write, Heavy Limit
}

// defaultLimits scale with the cores the server may use. Hashing gets a slot per core
// but one (one on a single core), since a hash keeps a core busy for its whole time and
// signed-in people need one too; reads and writes mostly wait on the database and get
// more.
func defaultLimits() Limits {
	n := runtime.GOMAXPROCS(0)
	return Limits{
		Hashing: Limit{InFlight: max(1, n-1), Queue: 2 * n, Wait: 2 * time.Second},
		Read:    Limit{InFlight: 4 * n, Queue: 16 * n, Wait: 100 * time.Millisecond},
		Write:   Limit{InFlight: 4 * n, Queue: 16 * n, Wait: 100 * time.Millisecond},
		Heavy:   Limit{InFlight: n, Queue: n, Wait: 250 * time.Millisecond},
	}
}

func (l Limits) orDefault() Limits {
	d := defaultLimits()
	pick := func(v, def Limit) Limit {
		if v.InFlight <= 0 {
			return def
		}
		if v.Queue < 0 {
			v.Queue = 0
		}
		return v
	}
	return Limits{Hashing: pick(l.Hashing, d.Hashing), Read: pick(l.Read, d.Read), Write: pick(l.Write, d.Write), Heavy: pick(l.Heavy, d.Heavy)}
}

// classify puts a route pattern in its class.
func classify(pattern string) routeClass {
	method, path, _ := strings.Cut(pattern, " ")
	switch {
	case path == "/healthz" || path == "/readyz" || path == "/metrics" || strings.HasPrefix(path, "/static/") || path == "/api/v1/openapi.json":
		return classOps
	case method == http.MethodPost && (path == "/signin" || path == "/setup" || path == "/account/password" || path == "/admin/users"):
		return classHashing
	case strings.Contains(path, "/export/") || strings.Contains(path, "/reports/") || strings.Contains(path, "/backlog/") ||
		strings.HasSuffix(path, "/audit.csv") || (method == http.MethodPost && strings.HasSuffix(path, "/evidence")) || strings.HasSuffix(path, "/lens/upgrade") ||
		(method == http.MethodPost && strings.HasSuffix(path, "/lenses")):
		return classHeavy
	case method == http.MethodGet || method == http.MethodHead:
		return classRead
	}
	return classWrite
}

// gate is the bound of one class.
type gate struct {
	class routeClass
	slots chan struct{} // a token per request in flight
	queue chan struct{} // a token per request waiting
	wait  time.Duration
}

func newGate(c routeClass, l Limit) *gate {
	return &gate{class: c, slots: make(chan struct{}, l.InFlight), queue: make(chan struct{}, l.Queue), wait: l.Wait}
}

// enter takes a slot, waiting in the queue when there is room in it. It reports false
// when the request must be refused.
func (g *gate) enter(ctx context.Context) bool {
	select {
	case g.slots <- struct{}{}:
		return true
	default:
	}
	select {
	case g.queue <- struct{}{}:
	default:
		return false // the queue is full
	}
	defer func() { <-g.queue }()
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

func (g *gate) leave() { <-g.slots }

// shed wraps a route's handler in its class's gate. Refused sign-ins get 429 (the
// caller is asked to slow down), everything else 503; both say when to retry.
func (s *Server) shed(pattern string, next http.Handler) http.Handler {
	c := classify(pattern)
	g := s.gates[c]
	if g == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.enter(r.Context()) {
			st, retry := http.StatusServiceUnavailable, 1
			if c == classHashing {
				st, retry = http.StatusTooManyRequests, 2
			}
			w.Header().Set("Retry-After", strconv.Itoa(retry))
			s.respondError(w, r, st, "the server is busy; try again in a moment")
			return
		}
		defer g.leave()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) newGates() {
	l := s.cfg.Limits.orDefault()
	s.gates = map[routeClass]*gate{
		classHashing: newGate(classHashing, l.Hashing),
		classRead:    newGate(classRead, l.Read),
		classWrite:   newGate(classWrite, l.Write),
		classHeavy:   newGate(classHeavy, l.Heavy),
	}
}
