package oidc

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// provider is an OpenID Connect provider run in the test: discovery, published keys,
// an authorize endpoint that consents at once, and a token endpoint that checks the
// client, the redirect URI and the PKCE verifier before it signs an ID token.
type provider struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	keys   []signingKey // the first signs; all are published
	codes  map[string]grant
	claims map[string]any // extra claims for the next ID token
	// knobs for hostile cases
	audience string        // "" = the client id
	lifetime time.Duration // ID token lifetime (negative: already expired)
	nonce    string        // "" = the one the client sent
}

type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

type grant struct {
	nonce, challenge, redirect string
}

const clientID, clientSecret = "awaf-test", "s3cret"

func newProvider(t *testing.T) *provider {
	p := &provider{t: t, codes: map[string]grant{}, lifetime: time.Hour}
	p.rotate()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{
			"issuer": p.srv.URL, "authorization_endpoint": p.srv.URL + "/authorize", "token_endpoint": p.srv.URL + "/token",
			"jwks_uri": p.srv.URL + "/keys", "response_types_supported": []string{"code"},
			"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"},
			"code_challenge_methods_supported": []string{"S256"},
		})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		var set jose.JSONWebKeySet
		for _, k := range p.keys {
			set.Keys = append(set.Keys, jose.JSONWebKey{Key: &k.key.PublicKey, KeyID: k.id, Algorithm: "RS256", Use: "sig"})
		}
		json.NewEncoder(w).Encode(set)
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != clientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" {
			http.Error(w, "bad authorization request", 400)
			return
		}
		code := fmt.Sprintf("code-%d", time.Now().UnixNano())
		p.mu.Lock()
		p.codes[code] = grant{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
		p.mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?code="+code+"&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// rotate makes a new signing key; the old one is withdrawn from the published set.
func (p *provider) rotate() {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = []signingKey{{id: fmt.Sprintf("k%d", time.Now().UnixNano()), key: k}}
}

func (p *provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", 400)
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != clientID || secret != clientSecret {
		w.WriteHeader(401)
		fmt.Fprint(w, `{"error":"invalid_client"}`)
		return
	}
	p.mu.Lock()
	g, ok := p.codes[r.PostForm.Get("code")]
	delete(p.codes, r.PostForm.Get("code"))
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if !ok || g.redirect != r.PostForm.Get("redirect_uri") || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		w.WriteHeader(400)
		fmt.Fprint(w, `{"error":"invalid_grant"}`)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 3600, "id_token": p.sign(g.nonce)})
}

func (p *provider) sign(nonce string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	aud := p.audience
	if aud == "" {
		aud = clientID
	}
	if p.nonce != "" {
		nonce = p.nonce
	}
	now := time.Now()
	c := map[string]any{"iss": p.srv.URL, "sub": "user-1", "aud": aud, "iat": now.Unix(), "exp": now.Add(p.lifetime).Unix(),
		"nonce": nonce, "email": "ana@contoso.example", "email_verified": true, "name": "Ana", "tid": "tenant-a", "groups": []string{"g-ai"}}
	for k, v := range p.claims {
		c[k] = v
	}
	k := p.keys[0]
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: k.key, KeyID: k.id}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		p.t.Fatal(err)
	}
	payload, _ := json.Marshal(c)
	obj, err := signer.Sign(payload)
	if err != nil {
		p.t.Fatal(err)
	}
	s, _ := obj.CompactSerialize()
	return s
}

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

func newRP(t *testing.T, p *provider, tweak func(*Config)) *Provider {
	t.Helper()
	cfg := Config{Issuer: p.srv.URL, ClientID: clientID, ClientSecret: clientSecret, RedirectURL: "https://awaf.example/auth/oidc/callback"}
	if tweak != nil {
		tweak(&cfg)
	}
	pr, err := New(context.Background(), cfg, p.srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return pr
}

func TestSignIn(t *testing.T) {
	p := newProvider(t)
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
		setup func(*provider)
		cfg   func(*Config)
		want  string
	}{
		{"wrong audience", func(p *provider) { p.audience = "someone-else" }, nil, "audience"},
		{"expired token", func(p *provider) { p.lifetime = -time.Minute }, nil, "expired"},
		{"nonce of another sign-in", func(p *provider) { p.nonce = "forged" }, nil, "nonce"},
		{"tenant not allowed", nil, func(c *Config) { c.AllowedTenants = []string{"tenant-b"} }, "tenant"},
		{"domain not allowed", nil, func(c *Config) { c.AllowedDomains = []string{"fabrikam.example"} }, "domain"},
		{"unverified e-mail", func(p *provider) { p.claims = map[string]any{"email_verified": false} }, func(c *Config) { c.AllowedDomains = []string{"contoso.example"} }, "domain"},
		{"group missing", nil, func(c *Config) { c.RequiredGroups = []string{"g-admins"} }, "group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProvider(t)
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
	p := newProvider(t)
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
	p := newProvider(t)
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
	p := newProvider(t)
	pr := newRP(t, p, nil)
	if _, _, err := pr.Finish(context.Background(), signIn(t, pr)); err != nil {
		t.Fatal(err)
	}
	p.rotate() // the old key is withdrawn; tokens are now signed with a new one
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
