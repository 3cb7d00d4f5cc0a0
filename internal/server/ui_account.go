package server

import (
	"errors"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/auth"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request, _ *request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := w.Write([]byte("ok\n"))
	return err
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request, _ *request) error {
	if err := s.cfg.Store.Ping(r.Context()); err != nil {
		s.cfg.Log.Warn("not ready", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return nil
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := w.Write([]byte("ready\n"))
	return err
}

func (s *Server) home(w http.ResponseWriter, r *http.Request, q *request) error {
	switch n, err := s.cfg.Store.CountUsers(r.Context()); {
	case err != nil:
		return err
	case n == 0:
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
	case q.user != nil:
		http.Redirect(w, r, "/workloads", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
	}
	return nil
}

type credentialsForm struct {
	Email string
	Next  string
}

func (s *Server) setupPage(w http.ResponseWriter, r *http.Request, q *request) error {
	n, err := s.cfg.Store.CountUsers(r.Context())
	if err != nil {
		return err
	}
	if n > 0 {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return nil
	}
	p := pageFor(q, "Set up awaf", "")
	p.CSRF = s.preCSRF(w, r)
	p.Data = credentialsForm{}
	return s.render(w, r, "setup", p)
}

// setup creates the first administrator. It only works while there are no users.
func (s *Server) setup(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx := r.Context()
	n, err := s.cfg.Store.CountUsers(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return awaf.Errorf(awaf.EFORBIDDEN, "this server is already set up; sign in instead")
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	pw := r.PostFormValue("password")
	fail := func(msg string) error {
		p := pageFor(q, "Set up awaf", "")
		p.CSRF, p.Error, p.Data = s.preCSRF(w, r), msg, credentialsForm{Email: email}
		return s.renderStatus(w, r, http.StatusBadRequest, "setup", p)
	}
	if pw != r.PostFormValue("confirm") {
		return fail("The passwords differ.")
	}
	hash, err := auth.HashPassword(pw, s.cfg.Auth.Params)
	if err != nil {
		return fail(awaf.ErrorMessage(err))
	}
	u := &awaf.User{Email: email, Name: strings.TrimSpace(r.PostFormValue("name")), Admin: true, PasswordHash: hash}
	if err := s.cfg.Store.CreateFirstUser(ctx, awaf.Actor{Name: "setup"}, u); err != nil {
		switch awaf.ErrorCode(err) {
		case awaf.EINVALID:
			return fail(awaf.ErrorMessage(err))
		case awaf.ECONFLICT:
			return awaf.Errorf(awaf.EFORBIDDEN, "this server is already set up; sign in instead")
		}
		return err
	}
	se, secret, err := s.cfg.Auth.OpenSession(ctx, u.ID)
	if err != nil {
		return err
	}
	s.setCookie(w, r, sessionCookie, secret, se.Expires)
	http.Redirect(w, r, "/workloads", http.StatusSeeOther)
	return nil
}

// defaultPage is where sign-in leads when no usable next page was asked for.
const defaultPage = "/workloads"

// localPath keeps a redirect target on this server: it returns next as a clean
// absolute path (with its query) when it is one, else the default page. Browsers read
// a backslash as a slash and drop tabs and newlines, so "/\evil.example" and
// "/%09/evil.example" lead to another host: anything with a backslash or a control
// character, raw or percent-encoded, is refused, as is a scheme, a host or a leading
// "//".
func localPath(next string) string {
	if next == "" || len(next) > 500 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || !safeChars(next) {
		return defaultPage
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !safeChars(u.Path) {
		return defaultPage
	}
	if q, err := url.QueryUnescape(u.RawQuery); err != nil || !safeChars(q) {
		return defaultPage
	}
	p := path.Clean(u.Path)
	if strings.HasSuffix(u.Path, "/") && p != "/" {
		p += "/"
	}
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return defaultPage
	}
	out := (&url.URL{Path: p, RawQuery: u.RawQuery}).String()
	// The result must read back as the same local path.
	if back, err := url.Parse(out); err != nil || back.Host != "" || back.Scheme != "" || strings.HasPrefix(out, "//") {
		return defaultPage
	}
	return out
}

// safeChars reports whether s is valid UTF-8 without backslashes or control
// characters.
func safeChars(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r == '\\' || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request, q *request) error {
	if q.user != nil {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	p := pageFor(q, "Sign in", "")
	p.CSRF = s.preCSRF(w, r)
	p.Data = credentialsForm{Next: r.URL.Query().Get("next")}
	return s.render(w, r, "signin", p)
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request, q *request) error {
	email := r.PostFormValue("email")
	next := r.PostFormValue("next")
	_, se, secret, err := s.cfg.Auth.SignIn(r.Context(), email, r.PostFormValue("password"), clientAddr(r))
	if err != nil {
		st := http.StatusUnauthorized
		switch {
		case errors.Is(err, auth.ErrLocked):
			st = http.StatusTooManyRequests
			w.Header().Set("Retry-After", "900")
		case awaf.ErrorCode(err) != awaf.EUNAUTH:
			return err
		}
		p := pageFor(q, "Sign in", "")
		p.CSRF, p.Error, p.Data = s.preCSRF(w, r), awaf.ErrorMessage(err), credentialsForm{Email: email, Next: next}
		if errors.Is(err, auth.ErrLocked) {
			p.Error = auth.ErrLocked.Error()
		}
		return s.renderStatus(w, r, st, "signin", p)
	}
	s.setCookie(w, r, sessionCookie, secret, se.Expires)
	http.Redirect(w, r, localPath(next), http.StatusSeeOther)
	return nil
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request, q *request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.cfg.Auth.SignOut(r.Context(), c.Value); err != nil {
			return err
		}
	}
	if err := s.cfg.Store.AppendAudit(r.Context(), awaf.AuditEvent{Actor: q.actor(), Action: awaf.AuditSignOut, Target: q.user.Email}); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.showUsers(w, r, q, http.StatusOK, "", "")
}

func (s *Server) showUsers(w http.ResponseWriter, r *http.Request, q *request, st int, flash, msg string) error {
	us, err := s.cfg.Store.Users(r.Context())
	if err != nil {
		return err
	}
	p := pageFor(q, "People", "users")
	p.Data, p.Flash, p.Error = us, flash, msg
	return s.renderStatus(w, r, st, "users", p)
}

func (s *Server) addUser(w http.ResponseWriter, r *http.Request, q *request) error {
	hash, err := auth.HashPassword(r.PostFormValue("password"), s.cfg.Auth.Params)
	if err != nil {
		return s.showUsers(w, r, q, http.StatusBadRequest, "", awaf.ErrorMessage(err))
	}
	u := &awaf.User{
		Email: r.PostFormValue("email"), Name: strings.TrimSpace(r.PostFormValue("name")),
		Admin: r.PostFormValue("admin") == "on", PasswordHash: hash,
	}
	if err := s.cfg.Store.CreateUser(r.Context(), q.actor(), u); err != nil {
		if c := awaf.ErrorCode(err); c == awaf.EINVALID || c == awaf.ECONFLICT {
			return s.showUsers(w, r, q, status(c), "", awaf.ErrorMessage(err))
		}
		return err
	}
	return s.showUsers(w, r, q, http.StatusOK, "Added "+u.Email+".", "")
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.renderStatus(w, r, http.StatusOK, "account", pageFor(q, "Your account", "account"))
}

// changePassword replaces the signed-in person's password; every other session of
// theirs ends, and this browser gets a new one.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, q *request) error {
	fail := func(st int, msg string) error {
		p := pageFor(q, "Your account", "account")
		p.Error = msg
		return s.renderStatus(w, r, st, "account", p)
	}
	next := r.PostFormValue("password")
	if next != r.PostFormValue("confirm") {
		return fail(http.StatusBadRequest, "The new passwords differ.")
	}
	se, secret, err := s.cfg.Auth.ChangePassword(r.Context(), q.user, r.PostFormValue("current"), next)
	switch {
	case errors.Is(err, auth.ErrLocked):
		w.Header().Set("Retry-After", "900")
		return fail(http.StatusTooManyRequests, auth.ErrLocked.Error())
	case awaf.ErrorCode(err) == awaf.EUNAUTH:
		return fail(http.StatusForbidden, awaf.ErrorMessage(err))
	case awaf.ErrorCode(err) == awaf.EINVALID:
		return fail(http.StatusBadRequest, awaf.ErrorMessage(err))
	case err != nil:
		return err
	}
	s.setCookie(w, r, sessionCookie, secret, se.Expires)
	p := pageFor(q, "Your account", "account")
	p.CSRF = se.CSRF
	p.Flash = "Password changed. Your other sessions are signed out."
	return s.renderStatus(w, r, http.StatusOK, "account", p)
}

// setDisabled disables or enables an account (site administrators; not their own).
func (s *Server) setDisabled(disabled bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, q *request) error {
		id, err := strconv.ParseInt(r.PathValue("user"), 10, 64)
		if err != nil || id <= 0 {
			return awaf.Errorf(awaf.ENOTFOUND, "user not found")
		}
		if id == q.user.ID {
			return s.showUsers(w, r, q, http.StatusBadRequest, "", "You cannot disable your own account.")
		}
		if err := s.cfg.Store.SetDisabled(r.Context(), q.actor(), id, disabled); err != nil {
			if awaf.ErrorCode(err) == awaf.EINVALID {
				return s.showUsers(w, r, q, http.StatusBadRequest, "", awaf.ErrorMessage(err))
			}
			return err
		}
		u, err := s.cfg.Store.User(r.Context(), id)
		if err != nil {
			return err
		}
		verb := "Enabled"
		if disabled {
			verb = "Disabled"
		}
		return s.showUsers(w, r, q, http.StatusOK, verb+" "+u.Email+".", "")
	}
}
