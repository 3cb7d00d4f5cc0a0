package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/auth"
	"github.com/awaf/awaf/internal/lens"
)

type accessKind int

const (
	public   accessKind = iota + 1 // anyone, signed in or not
	signedIn                       // a person with a session
	admin                          // a site administrator
	member                         // a role on the workload named by {id}
	caller                         // any signed-in person or API token
	monitor                        // a site administrator or the metrics scraper's token
)

// Access is who may call a route.
type Access struct {
	kind accessKind
	role awaf.Role
}

// Accesses.
var (
	Public   = Access{kind: public}
	SignedIn = Access{kind: signedIn}
	Admin    = Access{kind: admin}
	// Caller is any signed-in person or API token; handlers narrow what they show.
	Caller = Access{kind: caller}
	// Monitor is a signed-in site administrator, or a scraper with the metrics token
	// (Config.MetricsToken) as its bearer token.
	Monitor = Access{kind: monitor}
)

// Member needs at least role on the workload in the path.
func Member(role awaf.Role) Access { return Access{kind: member, role: role} }

// IsPublic reports whether anonymous callers may use the route.
func (a Access) IsPublic() bool { return a.kind == public }

// Role is the role a member route needs, empty for the others.
func (a Access) Role() awaf.Role { return a.role }

func (a Access) String() string {
	switch a.kind {
	case public:
		return "public"
	case signedIn:
		return "signed-in"
	case admin:
		return "admin"
	case member:
		return "member:" + string(a.role)
	case caller:
		return "caller"
	case monitor:
		return "monitor"
	}
	return "unknown"
}

// request is what the guard learned about a request before the handler runs.
type request struct {
	user     *awaf.User
	session  *awaf.Session
	token    *awaf.Token
	workload *awaf.WorkloadRecord // member routes
	role     awaf.Role            // member routes
	scraper  bool                 // the metrics token was presented
}

func (q *request) actor() awaf.Actor {
	switch {
	case q == nil:
		return awaf.Actor{Name: "anonymous"}
	case q.user != nil:
		return awaf.Actor{UserID: q.user.ID, Name: q.user.Email}
	case q.token != nil:
		return awaf.Actor{TokenID: q.token.ID, Name: "token:" + q.token.Name}
	}
	return awaf.Actor{Name: "anonymous"}
}

func (q *request) csrf() string {
	if q != nil && q.session != nil {
		return q.session.CSRF
	}
	return ""
}

type handlerFunc func(w http.ResponseWriter, r *http.Request, q *request) error

const (
	sessionCookie = "awaf_session"
	// preCSRFCookie carries the double-submit token for forms shown before sign-in.
	preCSRFCookie = "awaf_csrf"
	csrfField     = "csrf"
	csrfHeader    = "X-CSRF-Token"
)

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// guard authenticates the caller, checks the route's access, CSRF and the text of
// the path wildcards names, query and form, and maps the handler's error to a response.
func (s *Server) guard(a Access, names []string, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, err := s.identify(r)
		if err == nil {
			err = s.authorize(r, a, q)
		}
		if err == nil && unsafeMethod(r.Method) {
			err = s.checkCSRF(r, q)
		}
		if err == nil {
			err = checkText(r, names)
		}
		if err == nil {
			err = h(w, r, q)
		}
		if err != nil {
			s.fail(w, r, err)
		}
	})
}

// identify finds the session or token of a request. A bad bearer token is an error;
// a stale cookie just means anonymous.
func (s *Server) identify(r *http.Request) (*request, error) {
	q := &request{}
	if h := r.Header.Get("Authorization"); h != "" {
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if ok && r.URL.Path == "/metrics" {
			// The scraper's token opens /metrics and nothing else.
			if s.metricsHash == "" || !auth.Equal(auth.HashSecret(strings.TrimSpace(secret)), s.metricsHash) {
				return nil, awaf.Errorf(awaf.EUNAUTH, "invalid metrics token")
			}
			q.scraper = true
			return q, nil
		}
		if !ok || !isAPI(r) {
			return nil, awaf.Errorf(awaf.EUNAUTH, "use a bearer token on /api/v1")
		}
		t, err := s.cfg.Auth.Token(r.Context(), strings.TrimSpace(secret))
		if err != nil {
			return nil, err
		}
		q.token = t
		return q, nil
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		se, u, err := s.cfg.Auth.Session(r.Context(), c.Value)
		switch {
		case err == nil:
			q.session, q.user = se, u
		case awaf.ErrorCode(err) != awaf.EUNAUTH:
			return nil, err
		}
	}
	return q, nil
}

// errSignIn sends browsers to the sign-in page and API callers a 401.
var errSignIn = awaf.Errorf(awaf.EUNAUTH, "sign in first")

func (s *Server) authorize(r *http.Request, a Access, q *request) error {
	switch a.kind {
	case public:
		return nil
	case caller:
		if q.user == nil && q.token == nil {
			return errSignIn
		}
		return nil
	case signedIn, admin:
		if q.user == nil {
			if q.token != nil {
				return awaf.Errorf(awaf.EFORBIDDEN, "API tokens reach only their own workload")
			}
			return errSignIn
		}
		if a.kind == admin && !q.user.Admin {
			return awaf.Errorf(awaf.EFORBIDDEN, "only site administrators may do this")
		}
		return nil
	case monitor:
		switch {
		case q.scraper, q.user != nil && q.user.Admin:
			return nil
		case q.user != nil:
			return awaf.Errorf(awaf.EFORBIDDEN, "only site administrators and the metrics scraper may read metrics")
		}
		return errSignIn
	case member:
		if q.user == nil && q.token == nil {
			return errSignIn
		}
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		// Outsiders get the same answer for a workload that does not exist and one
		// they may not see.
		hidden := awaf.Errorf(awaf.ENOTFOUND, "workload not found")
		if err != nil || id <= 0 {
			return hidden
		}
		switch {
		case q.token != nil:
			if q.token.WorkloadID != id {
				return hidden
			}
			q.role = q.token.Role
		case q.user.Admin:
			q.role = awaf.RoleOwner
		default:
			role, err := s.cfg.Store.Role(r.Context(), id, q.user.ID)
			if awaf.ErrorCode(err) == awaf.ENOTFOUND {
				return hidden
			} else if err != nil {
				return err
			}
			q.role = role
		}
		w, err := s.cfg.Store.Workload(r.Context(), id)
		if awaf.ErrorCode(err) == awaf.ENOTFOUND {
			return hidden
		} else if err != nil {
			return err
		}
		q.workload = w
		if !q.role.Allows(a.role) {
			return awaf.Errorf(awaf.EFORBIDDEN, "this needs the %s role on the workload; you are %s", a.role, q.role)
		}
		return nil
	}
	return awaf.Errorf(awaf.EINTERNAL, "route without access rule")
}

// checkCSRF needs unsafe requests from a browser session to echo the session's
// synchronizer token, and anonymous forms to echo the double-submit cookie. Bearer
// tokens are not sent by browsers on their own, so they need neither.
func (s *Server) checkCSRF(r *http.Request, q *request) error {
	if q.token != nil {
		return nil
	}
	got := r.Header.Get(csrfHeader)
	if got == "" {
		got = r.PostFormValue(csrfField)
	}
	want := q.csrf()
	if q.session == nil {
		c, err := r.Cookie(preCSRFCookie)
		if err != nil {
			return awaf.Errorf(awaf.EFORBIDDEN, "missing form token; reload the page and try again")
		}
		want = c.Value
	}
	if got == "" || want == "" || !auth.Equal(got, want) {
		return awaf.Errorf(awaf.EFORBIDDEN, "invalid form token; reload the page and try again")
	}
	return nil
}

// secure reports whether cookies must be Secure.
func (s *Server) secure(r *http.Request) bool { return s.cfg.SecureCookies || r.TLS != nil }

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, expires time.Time) {
	c := &http.Cookie{
		Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure(r),
	}
	if !expires.IsZero() {
		c.Expires = expires
		c.MaxAge = int(expires.Sub(s.cfg.Now()).Seconds())
		if c.MaxAge <= 0 {
			c.MaxAge = -1
		}
	}
	http.SetCookie(w, c)
}

// preCSRF returns the double-submit token for anonymous forms, setting its cookie
// when there is none.
func (s *Server) preCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(preCSRFCookie); err == nil && len(c.Value) >= 32 && len(c.Value) < 100 {
		return c.Value
	}
	v, err := auth.NewSecret()
	if err != nil {
		return ""
	}
	s.setCookie(w, r, preCSRFCookie, v, time.Time{})
	return v
}

// clientAddr is the caller's address for throttling. Forwarded headers are not
// trusted: a proxy in front should pass the connection through or be configured here.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// contentSecurityPolicy allows scripts and styles only from the server's own files.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		if s.secure(r) {
			h.Set("Strict-Transport-Security", "max-age=63072000")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := s.cfg.MaxBody
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/evidence") {
			limit = max(limit, s.cfg.MaxEvidence+64<<10) // the file plus its multipart envelope
		}
		if r.Method == http.MethodPost && (r.URL.Path == "/admin/lenses" || r.URL.Path == "/api/v1/lenses") {
			limit = max(limit, lens.MaxSize+64<<10) // a lens file a byte too large still gets its 413 from the handler
		}
		if r.ContentLength > limit {
			s.fail(w, r, awaf.Errorf(awaf.ETOOLARGE, "request body is larger than %d bytes", limit))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.cfg.Log.Error("panic", slog.String("path", r.URL.Path), slog.Any("panic", v))
				s.fail(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// status maps an application error code to an HTTP status, in one place.
func status(code string) int {
	switch code {
	case awaf.EINVALID:
		return http.StatusBadRequest
	case awaf.EUNAUTH:
		return http.StatusUnauthorized
	case awaf.EFORBIDDEN:
		return http.StatusForbidden
	case awaf.ENOTFOUND:
		return http.StatusNotFound
	case awaf.ECONFLICT:
		return http.StatusConflict
	case awaf.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// fail answers with err: JSON under /api, a page elsewhere. Internal errors are
// logged and shown only as "internal error".
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		err = awaf.Errorf(awaf.ETOOLARGE, "request body is larger than %d bytes", mbe.Limit)
	case errors.Is(err, auth.ErrLocked):
		w.Header().Set("Retry-After", "900")
		s.respondError(w, r, http.StatusTooManyRequests, auth.ErrLocked.Error())
		return
	case errors.Is(err, context.Canceled):
		return
	}
	code := awaf.ErrorCode(err)
	if code == awaf.EINTERNAL {
		s.cfg.Log.Error("request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	if code == awaf.EUNAUTH && r.URL.Path == "/metrics" {
		// Scrapers are machines: tell them how to authenticate, do not redirect.
		w.Header().Set("WWW-Authenticate", `Bearer realm="awaf metrics"`)
	} else if code == awaf.EUNAUTH && !isAPI(r) && r.Method == http.MethodGet {
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	s.respondError(w, r, status(code), awaf.ErrorMessage(err))
}

func (s *Server) respondError(w http.ResponseWriter, r *http.Request, st int, msg string) {
	if isAPI(r) {
		writeJSON(w, st, map[string]any{"error": map[string]any{"status": st, "message": msg}})
		return
	}
	s.renderStatus(w, r, st, "error", &page{Title: http.StatusText(st), Error: msg})
}

func writeJSON(w http.ResponseWriter, st int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(st)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
