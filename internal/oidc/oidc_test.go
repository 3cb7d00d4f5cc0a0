package oidc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/awaf/awaf/internal/oidc/oidctest"
)

// signIn runs the browser's part: start, follow the authorize redirect, and return the
// callback's query.
func signIn(t *testing.T, pr *Provider) url.Values {
	t.Helper()
	u, err := pr.Start("/workloads/7")
	if err != nil {
		t.Fatal(err)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %d %v", resp.StatusCode, err)
	}
	return loc.Query()
}

func newRP(t *testing.T, p *oidctest.Provider, tweak func(*Config)) *Provider {
	t.Helper()
	cfg := Config{Issuer: p.URL(), ClientID: oidctest.ClientID, ClientSecret: oidctest.ClientSecret, RedirectURL: "https://awaf.example/auth/oidc/callback"}
	if tweak != nil {
		tweak(&cfg)
	}
	pr, err := New(context.Background(), cfg, p.Client())
	if err != nil {
		t.Fatal(err)
	}
	return pr
}

func TestSignIn(t *testing.T) {
	p := oidctest.New(t)
	pr := newRP(t, p, func(c *Config) { c.AdminGroups = []string{"g-ai"} })
	id, next, err := pr.Finish(context.Background(), signIn(t, pr))
	if err != nil {
		t.Fatal(err)
	}
	if id.Email != "ana@contoso.example" || id.Subject != "user-1" || id.TenantID != "tenant-a" || !id.Admin || next != "/workloads/7" {
		t.Errorf("identity %+v next %q", id, next)
	}
}

func TestSignInRefusals(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		setup func(*oidctest.Provider)
		cfg   func(*Config)
		want  string
	}{
		{"wrong audience", func(p *oidctest.Provider) { p.SetAudience("someone-else") }, nil, "audience"},
		{"expired token", func(p *oidctest.Provider) { p.SetLifetime(-time.Minute) }, nil, "expired"},
		{"nonce of another sign-in", func(p *oidctest.Provider) { p.ForgeNonce("forged") }, nil, "nonce"},
		{"tenant not allowed", nil, func(c *Config) { c.AllowedTenants = []string{"tenant-b"} }, "tenant"},
		{"domain not allowed", nil, func(c *Config) { c.AllowedDomains = []string{"fabrikam.example"} }, "domain"},
		{"unverified e-mail", func(p *oidctest.Provider) { p.SetClaims(map[string]any{"email_verified": false}) }, func(c *Config) { c.AllowedDomains = []string{"contoso.example"} }, "domain"},
		{"group missing", nil, func(c *Config) { c.RequiredGroups = []string{"g-admins"} }, "group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := oidctest.New(t)
			if tt.setup != nil {
				tt.setup(p)
			}
			pr := newRP(t, p, tt.cfg)
			_, _, err := pr.Finish(ctx, signIn(t, pr))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestReplayedStateRefused(t *testing.T) {
	p := oidctest.New(t)
	pr := newRP(t, p, nil)
	q := signIn(t, pr)
	if _, _, err := pr.Finish(context.Background(), q); err != nil {
		t.Fatal(err)
	}
	if _, _, err := pr.Finish(context.Background(), q); !errors.Is(err, ErrState) {
		t.Errorf("replay: err = %v, want ErrState", err)
	}
	forged := url.Values{"state": {"made-up"}, "code": {"x"}}
	if _, _, err := pr.Finish(context.Background(), forged); !errors.Is(err, ErrState) {
		t.Errorf("forged state: err = %v", err)
	}
}

func TestPKCEVerifierRequired(t *testing.T) {
	p := oidctest.New(t)
	pr := newRP(t, p, nil)
	q := signIn(t, pr)
	// Another sign-in's verifier: the provider must refuse the exchange.
	f := pr.flows.m[q.Get("state")]
	f.Verifier = "wrong-verifier-wrong-verifier-wrong-verifier-0123"
	pr.flows.m[q.Get("state")] = f
	if _, _, err := pr.Finish(context.Background(), q); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Errorf("err = %v, want the provider's invalid_grant", err)
	}
}

func TestKeyRotation(t *testing.T) {
	p := oidctest.New(t)
	pr := newRP(t, p, nil)
	if _, _, err := pr.Finish(context.Background(), signIn(t, pr)); err != nil {
		t.Fatal(err)
	}
	p.Rotate() // the old key is withdrawn; tokens are now signed with a new one
	if _, _, err := pr.Finish(context.Background(), signIn(t, pr)); err != nil {
		t.Errorf("after rotation: %v", err)
	}
}

func TestFlowsBounded(t *testing.T) {
	fs := newFlows(time.Minute, 3)
	now := time.Now()
	for i := range 3 {
		if err := fs.put(Flow{State: fmt.Sprint(i)}, now); err != nil {
			t.Fatal(err)
		}
	}
	if err := fs.put(Flow{State: "x"}, now); err == nil {
		t.Error("a fourth sign-in was kept beyond the bound")
	}
	if err := fs.put(Flow{State: "y"}, now.Add(2*time.Minute)); err != nil {
		t.Errorf("expired flows were not swept: %v", err)
	}
	if _, ok := fs.take("y", now.Add(20*time.Minute)); ok {
		t.Error("an expired flow was accepted")
	}
}
