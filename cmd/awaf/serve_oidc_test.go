package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awaf/awaf/internal/oidc/oidctest"
)

// TestServeOIDC runs awaf serve with sign-in through an in-process provider and local
// accounts off, and signs in as a browser would.
func TestServeOIDC(t *testing.T) {
	p := oidctest.New(t)
	dir := t.TempDir()
	secret := filepath.Join(dir, "client-secret")
	key := filepath.Join(dir, "seal.key")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(secret, []byte(oidctest.ClientSecret+"\n"), 0o600))
	must(os.WriteFile(key, []byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"), 0o600))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	addr := ln.Addr().String()
	ln.Close()
	base := "http://" + addr

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &logBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--db", "sqlite:" + filepath.Join(dir, "awaf.db"), "--log-format", "json",
			"--oidc-issuer", p.URL(), "--oidc-client-id", oidctest.ClientID, "--oidc-client-secret-file", secret,
			"--public-url", base, "--oidc-domain", "contoso.example", "--oidc-admin-group", "g-ai", "--no-local-accounts",
			"--seal-key-file", key, "--sync-interval", "1m"}, nil, io.Discard, logs)
	}()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logs.String(), `"msg":"listening"`); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("server did not start: %s", logs.String())
		}
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	res, err := c.Get(base + "/")
	must(err)
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.Request.URL.Path != "/signin" || bytes.Contains(page, []byte(`type="password"`)) || !bytes.Contains(page, []byte("/signin/oidc")) {
		t.Fatalf("a new server with local accounts off should offer only the company sign-in; at %s:\n%s", res.Request.URL, page)
	}
	res, err = c.Get(base + "/signin/oidc")
	must(err)
	res.Body.Close()
	if res.Request.URL.Path != "/workloads" || res.StatusCode != 200 {
		t.Fatalf("after OIDC sign-in at %s (%d)", res.Request.URL, res.StatusCode)
	}
	// The first account of a new server administers it.
	res, err = c.Get(base + "/admin/users")
	must(err)
	page, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Contains(page, []byte("ana@contoso.example")) {
		t.Fatalf("admin page: %d\n%s", res.StatusCode, page)
	}
	cancel()
	select {
	case err := <-done:
		must(err)
	case <-time.After(35 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestServeFlagErrors(t *testing.T) {
	dir := t.TempDir()
	loose := filepath.Join(dir, "loose.key")
	if err := os.WriteFile(loose, []byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"), 0o644); err != nil {
		t.Fatal(err)
	}
	db := "sqlite:" + filepath.Join(dir, "awaf.db")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--no-local-accounts"}, "needs --oidc-issuer"},
		{[]string{"--oidc-client-id", "x"}, "need --oidc-issuer"},
		{[]string{"--oidc-issuer", "https://login.example", "--oidc-client-id", "x"}, "--public-url"},
		{[]string{"--oidc-issuer", "https://login.example"}, "--oidc-client-id"},
		{[]string{"--seal-key-file", loose}, "readable by others"},
		{[]string{"--seal-key-file", filepath.Join(dir, "missing")}, "does not exist"},
	} {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db}, tc.args...), nil, &out, &out)
		if err == nil || !strings.Contains(err.Error()+out.String(), tc.want) {
			t.Errorf("serve %v: err %v, want it to say %q", tc.args, err, tc.want)
		}
	}
}
