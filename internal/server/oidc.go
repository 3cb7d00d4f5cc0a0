package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/oidc"
)

// SSO signs people in with their company identity; *oidc.Provider is one.
type SSO interface {
	Start(next string) (authURL string, err error)
	Finish(ctx context.Context, q url.Values) (*oidc.Identity, string, error)
}

var _ SSO = (*oidc.Provider)(nil)

// oidcCallback is the path the provider sends the browser back to.
const oidcCallback = "/auth/oidc/callback"

// OIDCCallbackPath is the callback path to register with the provider, under the
// server's public URL.
const OIDCCallbackPath = oidcCallback

// localOnly refuses a password route when local accounts are turned off.
func (s *Server) localOnly(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, q *request) error {
		if s.cfg.NoLocalSignIn {
			return awaf.Errorf(awaf.EFORBIDDEN, "local accounts are turned off on this server: sign in with your company account")
		}
		return h(w, r, q)
	}
}

// oidcStart sends the browser to the provider.
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request, q *request) error {
	if q.user != nil || s.cfg.SSO == nil {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	u, err := s.cfg.SSO.Start(localPath(r.URL.Query().Get("next")))
	if err != nil {
		return awaf.Errorf(awaf.EINTERNAL, "start sign-in: %v", err)
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
	return nil
}

// oidcFinish takes the provider's answer, finds or creates the account and opens a
// session. An existing account is matched by e-mail only when the provider vouches for
// the address; site administration follows the admin groups when they are set.
func (s *Server) oidcFinish(w http.ResponseWriter, r *http.Request, q *request) error {
	if s.cfg.SSO == nil {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return nil
	}
	ctx := r.Context()
	refuse := func(msg string, err error) error {
		s.cfg.Log.Info("oidc sign-in refused", "err", err)
		_ = s.cfg.Store.AppendAudit(ctx, awaf.AuditEvent{Actor: awaf.Actor{Name: "oidc"}, Action: awaf.AuditSignInFailed, Target: clientAddr(r)})
		p := pageFor(q, "Sign in", "")
		p.CSRF, p.Error, p.Data = s.preCSRF(w, r), msg, s.signInForm("", "")
		return s.renderStatus(w, r, http.StatusForbidden, "signin", p)
	}
	id, next, err := s.cfg.SSO.Finish(ctx, r.URL.Query())
	switch {
	case errors.Is(err, oidc.ErrState):
		return refuse(oidc.ErrState.Error(), err)
	case errors.Is(err, oidc.ErrPolicy):
		return refuse(err.Error(), err)
	case err != nil:
		return refuse("The identity provider's answer could not be checked; sign in again.", err)
	}
	if !id.EmailVerified {
		return refuse("Your identity provider does not vouch for your e-mail address.", errors.New("unverified e-mail "+id.Email))
	}
	by := awaf.Actor{Name: "oidc:" + id.Issuer}
	// An account bound to this identity (issuer and subject) is the person's, whatever
	// their address is now. Otherwise the address finds an unbound account, which is
	// bound now; an account bound to another identity is refused: the provider may
	// have given the address to someone else.
	u, err := s.cfg.Store.UserByOIDC(ctx, id.Issuer, id.Subject)
	if awaf.ErrorCode(err) == awaf.ENOTFOUND {
		u, err = s.cfg.Store.UserByEmail(ctx, id.Email)
		switch {
		case awaf.ErrorCode(err) == awaf.ENOTFOUND:
			u = &awaf.User{Email: id.Email, Name: id.Name, Admin: id.Admin}
			// The first account of a new server is its administrator, as with set-up.
			if n, cerr := s.cfg.Store.CountUsers(ctx); cerr == nil && n == 0 {
				u.Admin = true
				err = s.cfg.Store.CreateFirstUser(ctx, by, u)
				if awaf.ErrorCode(err) == awaf.ECONFLICT {
					u.Admin = id.Admin
					err = s.cfg.Store.CreateUser(ctx, by, u)
				}
			} else {
				err = s.cfg.Store.CreateUser(ctx, by, u)
			}
			if err != nil {
				return err
			}
		case err != nil:
			return err
		case u.OIDCSubject != "":
			return refuse("The account for "+u.Email+" signs in with another company identity; ask a site administrator.",
				fmt.Errorf("%s is bound to subject %q at %s, not %q at %s", u.Email, u.OIDCSubject, u.OIDCIssuer, id.Subject, id.Issuer))
		}
		if err := s.cfg.Store.SetOIDCIdentity(ctx, by, u.ID, id.Issuer, id.Subject); err != nil {
			if awaf.ErrorCode(err) == awaf.ECONFLICT {
				return refuse("The account for "+u.Email+" signs in with another company identity; ask a site administrator.", err)
			}
			return err
		}
	} else if err != nil {
		return err
	}
	if u.Disabled {
		return refuse("This account is disabled.", errors.New("disabled account "+u.Email))
	}
	// With admin groups set, the groups decide at every sign-in: joining one promotes
	// the person, leaving every one demotes them, except the last enabled
	// administrator, who stays one (the store refuses) so that the server keeps one.
	if id.AdminGroups && u.Admin != id.Admin {
		err := s.cfg.Store.SetAdmin(ctx, by, u.ID, id.Admin)
		switch {
		case err == nil:
			u.Admin = id.Admin
		case awaf.ErrorCode(err) == awaf.EINVALID:
			s.cfg.Log.Warn("oidc: not demoted: the last administrator", "user", u.Email)
		default:
			return err
		}
	}
	se, secret, err := s.cfg.Auth.OpenSession(ctx, u.ID)
	if err != nil {
		return err
	}
	if err := s.cfg.Store.AppendAudit(ctx, awaf.AuditEvent{Actor: awaf.Actor{UserID: u.ID, Name: u.Email}, Action: awaf.AuditSignIn, Target: "oidc " + clientAddr(r)}); err != nil {
		return err
	}
	s.setCookie(w, r, sessionCookie, secret, se.Expires)
	http.Redirect(w, r, localPath(next), http.StatusSeeOther)
	return nil
}

// signInForm is what the sign-in page shows.
func (s *Server) signInForm(email, next string) credentialsForm {
	return credentialsForm{Email: email, Next: next, SSO: s.cfg.SSO != nil, Local: !s.cfg.NoLocalSignIn}
}
