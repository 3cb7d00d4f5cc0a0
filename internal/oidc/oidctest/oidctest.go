// Package oidctest runs an OpenID Connect provider inside a test: discovery, published
// keys, an authorize endpoint that consents at once, and a token endpoint that checks
// the client, the redirect URI and the PKCE verifier before it signs an ID token. The
// oidc package and the server's browser test both sign in through it.
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// The client the provider knows.
const (
	ClientID     = "awaf-test"
	ClientSecret = "s3cret"
)

// Provider is the provider. Its knobs change the next ID tokens it signs.
type Provider struct {
	t   testing.TB
	srv *httptest.Server

	mu     sync.Mutex
	keys   []signingKey // the first signs; all are published
	codes  map[string]grant
	claims map[string]any
	// hostile knobs
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

// New starts a provider, closed when the test ends. Its ID tokens say: subject
// "user-1", e-mail ana@contoso.example (verified), name Ana, tenant "tenant-a", groups
// ["g-ai"]; SetClaims changes them.
func New(t testing.TB) *Provider {
	p := &Provider{t: t, codes: map[string]grant{}, lifetime: time.Hour}
	p.Rotate()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
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
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(set)
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != ClientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" {
			http.Error(w, "bad authorization request", http.StatusBadRequest)
			return
		}
		code := "code-" + rand.Text()
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

// URL is the issuer.
func (p *Provider) URL() string { return p.srv.URL }

// Client is an HTTP client for the provider.
func (p *Provider) Client() *http.Client { return p.srv.Client() }

// Rotate makes a new signing key and withdraws the old one from the published set.
func (p *Provider) Rotate() {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = []signingKey{{id: "k" + rand.Text()[:8], key: k}}
}

// SetClaims adds or replaces claims in the next ID tokens.
func (p *Provider) SetClaims(c map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.claims == nil {
		p.claims = map[string]any{}
	}
	maps.Copy(p.claims, c)
}

// SetAudience makes the next ID tokens name another audience.
func (p *Provider) SetAudience(aud string) { p.mu.Lock(); p.audience = aud; p.mu.Unlock() }

// SetLifetime sets how long the next ID tokens live; negative makes them expired.
func (p *Provider) SetLifetime(d time.Duration) { p.mu.Lock(); p.lifetime = d; p.mu.Unlock() }

// ForgeNonce puts nonce in the next ID tokens instead of the client's.
func (p *Provider) ForgeNonce(nonce string) { p.mu.Lock(); p.nonce = nonce; p.mu.Unlock() }

func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	w.Header().Set("Content-Type", "application/json")
	if id != ClientID || secret != ClientSecret {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":"invalid_client"}`)
		return
	}
	p.mu.Lock()
	g, ok := p.codes[r.PostForm.Get("code")]
	delete(p.codes, r.PostForm.Get("code"))
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if !ok || g.redirect != r.PostForm.Get("redirect_uri") || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"error":"invalid_grant"}`)
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 3600, "id_token": p.sign(g.nonce)})
}

func (p *Provider) sign(nonce string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	aud := p.audience
	if aud == "" {
		aud = ClientID
	}
	if p.nonce != "" {
		nonce = p.nonce
	}
	now := time.Now()
	c := map[string]any{"iss": p.srv.URL, "sub": "user-1", "aud": aud, "iat": now.Unix(), "exp": now.Add(p.lifetime).Unix(),
		"nonce": nonce, "email": "ana@contoso.example", "email_verified": true, "name": "Ana", "tid": "tenant-a", "groups": []string{"g-ai"}}
	maps.Copy(c, p.claims)
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
