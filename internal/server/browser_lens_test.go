package server_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserLensUpload drives the Lenses page in headless Chromium as a site
// administrator: a file with problems lists them and stores nothing, a valid file is
// uploaded, and a new workload is created on it and shows its dashboard.
func TestBrowserLensUpload(t *testing.T) {
	chrome := os.Getenv("AWAF_TEST_CHROME")
	if chrome == "" {
		t.Skip("AWAF_TEST_CHROME is not set")
	}
	f := newFixture(t)
	ts := httptest.NewServer(f.h)
	defer ts.Close()
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "team-lens.yaml"), filepath.Join(dir, "broken.yaml")
	must(t, os.WriteFile(good, []byte(teamLens("1.0.0")), 0o644))
	must(t, os.WriteFile(bad, []byte(strings.Replace(teamLens("1.0.0"), "area: platform", "area: nowhere", 1)), 0o644))

	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	ctx, cancel := context.WithTimeout(bctx, 2*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return v
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }

	step("sign in",
		chromedp.Navigate(ts.URL+"/signin"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), "admin@example.com"),
		chromedp.SendKeys(css("#password"), password),
		chromedp.Click(css("main button[type=submit]")),
		chromedp.WaitVisible(css(`a[href="/admin/lenses"]`)),
	)
	step("upload a broken lens",
		chromedp.Click(css(`a[href="/admin/lenses"]`)),
		chromedp.WaitVisible(css("#file")),
		chromedp.SetUploadFiles(css("#file"), []string{bad}),
		chromedp.Click(css(`form[action="/admin/lenses"] button`)),
		chromedp.WaitVisible(css("section.problems li")),
	)
	if got := text("section.problems"); !strings.Contains(got, "broken.yaml:") || !strings.Contains(got, "nowhere") {
		t.Fatalf("problems shown: %q", got)
	}
	if got := storedLenses(t, f); len(got) != 0 {
		t.Fatalf("a broken lens was stored: %v", got)
	}
	step("upload the lens",
		chromedp.SetUploadFiles(css("#file"), []string{good}),
		chromedp.Click(css(`form[action="/admin/lenses"] button`)),
		chromedp.WaitVisible(css(".flash")),
	)
	if got := text(".flash"); !strings.Contains(got, "Uploaded team-lens version 1.0.0") {
		t.Fatalf("flash = %q", got)
	}
	step("create a workload on it",
		chromedp.Navigate(ts.URL+"/workloads"),
		chromedp.WaitVisible(css("#lens")),
		chromedp.SendKeys(css("#name"), "Platform"),
		chromedp.SetValue(css("#lens"), "team-lens"),
		chromedp.Click(css(`form[action="/workloads"] button`)),
		chromedp.WaitVisible(css(`input[name="kind"]`)),
	)
	loc, err := chromedp.Run(ctx, chromedp.Location())
	must(t, err)
	step("dashboard", chromedp.Navigate(strings.TrimSuffix(loc, "/")+"/dashboard"), chromedp.WaitVisible(css("svg.radar")))
	if got := text("main"); !strings.Contains(got, "Platform runtime") {
		t.Fatalf("dashboard of the uploaded lens: %q", got)
	}
}
