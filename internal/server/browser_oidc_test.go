package server_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/awaf/awaf/internal/oidc"
	"github.com/awaf/awaf/internal/server"
)

// TestBrowserOIDC signs in through the in-process provider in headless Chromium, with
// local accounts off: the sign-in page offers only the company account, the provider
// consents at once, and the browser lands on the workloads with a new account.
func TestBrowserOIDC(t *testing.T) {
	chrome := os.Getenv("AWAF_TEST_CHROME")
	if chrome == "" {
		t.Skip("AWAF_TEST_CHROME is not set")
	}
	s := newSSOServer(t, func(c *oidc.Config) { c.AllowedDomains = []string{"contoso.example"} },
		func(c *server.Config) { c.NoLocalSignIn = true })
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	ctx, cancel := context.WithTimeout(bctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	if err := chromedp.Do(ctx,
		chromedp.Navigate(s.ts.URL+"/"),
		chromedp.WaitVisible(css("#oidc-signin")),
	); err != nil {
		t.Fatalf("sign-in page: %v", err)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('input[type=password]').length`))
	if err != nil || n != 0 {
		t.Fatalf("password fields with local accounts off: %d (%v)", n, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(css("#oidc-signin")),
		chromedp.WaitVisible(css(`form[action="/workloads"]`)),
	); err != nil {
		t.Fatalf("sign in through the provider: %v", err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.HasPrefix(loc, s.ts.URL+"/workloads") {
		t.Fatalf("landed on %q (%v)", loc, err)
	}
	u, err := s.store.UserByEmail(context.Background(), "ana@contoso.example")
	if err != nil {
		t.Fatalf("no account after sign-in: %v", err)
	}
	if u.Admin {
		t.Error("ana became an administrator without an admin group")
	}
}
