// Package oidc signs people in with their company identity: Microsoft Entra ID or any
// standard OpenID Connect provider, with the authorization code flow, PKCE, a nonce and
// a single-use state. It checks the ID token (issuer, audience, expiry, signature
// against the provider's published keys, which may rotate) and the site's policy
// (tenant, e-mail domain, group), and returns who signed in. Creating the account and
// the session is the server's.
package oidc

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Config is the provider and the site's sign-in policy.
type Config struct {
	// Issuer is the provider's issuer URL; for Entra ID
	// https://login.microsoftonline.com/{tenant}/v2.0.
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is this server's callback, registered with the provider.
	RedirectURL string
	// Policy: every non-empty list must match. AllowedTenants reads Entra's "tid"
	// claim; AllowedDomains the domain of a verified e-mail; RequiredGroups the groups
	// claim (any one of them).
	AllowedTenants []string
	AllowedDomains []string
	RequiredGroups []string
	// AdminGroups make their members site administrators.
	AdminGroups []string
	// GroupsClaim names the claim holding group ids or names (default "groups").
	GroupsClaim string
}

// Identity is who signed in, from a checked ID token.
type Identity struct {
	Issuer, Subject string
	Email           string
	// EmailVerified is false when the provider says the address is unverified.
	EmailVerified bool
	Name          string
	TenantID      string
	Groups        []string
	// Admin: the person is in one of the admin groups. AdminGroups: admin groups are
	// configured, so Admin is their word on site administration.
	Admin, AdminGroups bool
}

// Provider is a configured provider, discovered once at start.
type Provider struct {
	cfg      Config
	oauth    oauth2.Config
	verifier *gooidc.IDTokenVerifier
	hc       *http.Client
	flows    *flows
	now      func() time.Time
}

// New discovers the provider's endpoints and keys. hc may be nil.
func New(ctx context.Context, cfg Config, hc *http.Client) (*Provider, error) {
	switch {
	case cfg.Issuer == "":
		return nil, errors.New("oidc: no issuer URL")
	case cfg.ClientID == "":
		return nil, errors.New("oidc: no client id")
	case cfg.RedirectURL == "":
		return nil, errors.New("oidc: no redirect URL")
	}
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	if cfg.GroupsClaim == "" {
		cfg.GroupsClaim = "groups"
	}
	dctx := gooidc.ClientContext(ctx, hc)
	p, err := gooidc.NewProvider(dctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("oidc: discover %s: %w", cfg.Issuer, err)
	}
	return &Provider{
		cfg: cfg,
		oauth: oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
			Endpoint: p.Endpoint(), Scopes: []string{gooidc.ScopeOpenID, "email", "profile"}},
		verifier: p.Verifier(&gooidc.Config{ClientID: cfg.ClientID}),
		hc:       hc,
		flows:    newFlows(10*time.Minute, 10000),
		now:      time.Now,
	}, nil
}

// Start begins a sign-in: the URL to send the browser to. The state, nonce and PKCE
// verifier stay on the server until the provider sends the browser back.
func (p *Provider) Start(next string) (string, error) {
	f := Flow{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier(), Next: next}
	if err := p.flows.put(f, p.now()); err != nil {
		return "", err
	}
	return p.oauth.AuthCodeURL(f.State, gooidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)), nil
}

// ErrState means the callback's state is unknown, used or expired: a replayed or forged
// callback, or a sign-in left open too long.
var ErrState = errors.New("sign-in expired or already used: start again")

// ErrPolicy means the identity is valid but this site does not admit it.
var ErrPolicy = errors.New("this account is not allowed to sign in here")

// Finish completes a sign-in from the callback's query: it takes the state (once),
// exchanges the code with the PKCE verifier, checks the ID token and the nonce, and
// applies the policy. next is where the browser wanted to go.
func (p *Provider) Finish(ctx context.Context, q url.Values) (id *Identity, next string, err error) {
	if e := q.Get("error"); e != "" {
		return nil, "", fmt.Errorf("oidc: the provider refused: %s %s", e, q.Get("error_description"))
	}
	f, ok := p.flows.take(q.Get("state"), p.now())
	if !ok {
		return nil, "", ErrState
	}
	code := q.Get("code")
	if code == "" {
		return nil, "", errors.New("oidc: the callback has no code")
	}
	cctx := gooidc.ClientContext(ctx, p.hc)
	tok, err := p.oauth.Exchange(cctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return nil, "", fmt.Errorf("oidc: exchange the code: %w", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return nil, "", errors.New("oidc: the token reply has no ID token")
	}
	idt, err := p.verifier.Verify(cctx, raw)
	if err != nil {
		return nil, "", fmt.Errorf("oidc: ID token: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		return nil, "", errors.New("oidc: ID token: the nonce does not match this sign-in")
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, "", fmt.Errorf("oidc: claims: %w", err)
	}
	if idt.Subject == "" {
		return nil, "", errors.New("oidc: ID token: no subject (sub)")
	}
	ident := &Identity{Issuer: idt.Issuer, Subject: idt.Subject}
	ident.Email, _ = claims["email"].(string)
	if ident.Email == "" {
		ident.Email, _ = claims["preferred_username"].(string) // Entra ID without the email claim
	}
	ident.Name, _ = claims["name"].(string)
	ident.TenantID, _ = claims["tid"].(string)
	if gs, ok := claims[p.cfg.GroupsClaim].([]any); ok {
		for _, g := range gs {
			if s, ok := g.(string); ok {
				ident.Groups = append(ident.Groups, s)
			}
		}
	}
	verified, hasVerified := claims["email_verified"].(bool)
	ident.EmailVerified = !hasVerified || verified
	if err := p.admit(ident, ident.EmailVerified); err != nil {
		return nil, "", err
	}
	return ident, f.Next, nil
}

// admit applies the site's policy. An e-mail domain is trusted only when the provider
// does not say the address is unverified.
func (p *Provider) admit(id *Identity, emailVerified bool) error {
	c := p.cfg
	if id.Email == "" || !strings.Contains(id.Email, "@") {
		return fmt.Errorf("%w: the provider sent no e-mail address (add the email scope or claim)", ErrPolicy)
	}
	if len(c.AllowedTenants) > 0 && !slices.Contains(c.AllowedTenants, id.TenantID) {
		return fmt.Errorf("%w: tenant %q", ErrPolicy, id.TenantID)
	}
	if len(c.AllowedDomains) > 0 {
		domain := strings.ToLower(id.Email[strings.LastIndexByte(id.Email, '@')+1:])
		ok := emailVerified && slices.ContainsFunc(c.AllowedDomains, func(d string) bool { return strings.EqualFold(d, domain) })
		if !ok {
			return fmt.Errorf("%w: e-mail domain %q", ErrPolicy, domain)
		}
	}
	if len(c.RequiredGroups) > 0 && !slices.ContainsFunc(id.Groups, func(g string) bool { return slices.Contains(c.RequiredGroups, g) }) {
		return fmt.Errorf("%w: not in a required group", ErrPolicy)
	}
	id.Admin = slices.ContainsFunc(id.Groups, func(g string) bool { return slices.Contains(c.AdminGroups, g) })
	id.AdminGroups = len(c.AdminGroups) > 0
	return nil
}

// Flow is one sign-in in progress.
type Flow struct {
	State, Nonce, Verifier, Next string
	expires                      time.Time
}

// flows keeps sign-ins in progress, each usable once, for a while, and no more than a
// bound: an attacker starting sign-ins cannot grow memory.
type flows struct {
	mu   sync.Mutex
	m    map[string]Flow
	ttl  time.Duration
	most int
}

func newFlows(ttl time.Duration, most int) *flows {
	return &flows{m: map[string]Flow{}, ttl: ttl, most: most}
}

func (fs *flows) put(f Flow, now time.Time) error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if len(fs.m) >= fs.most {
		for k, v := range fs.m {
			if now.After(v.expires) {
				delete(fs.m, k)
			}
		}
		if len(fs.m) >= fs.most {
			return errors.New("oidc: too many sign-ins in progress; try again in a few minutes")
		}
	}
	f.expires = now.Add(fs.ttl)
	fs.m[f.State] = f
	return nil
}

func (fs *flows) take(state string, now time.Time) (Flow, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f, ok := fs.m[state]
	if !ok || state == "" {
		return Flow{}, false
	}
	delete(fs.m, state)
	return f, now.Before(f.expires)
}

func random() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
