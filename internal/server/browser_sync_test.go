package server_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/tracker/trackertest"
)

// TestBrowserSync connects a fake GitHub on the sync page, pushes a plan item, closes
// the issue in the tracker and pulls, all in headless Chromium.
func TestBrowserSync(t *testing.T) {
	chrome := os.Getenv("AWAF_TEST_CHROME")
	if chrome == "" {
		t.Skip("AWAF_TEST_CHROME is not set")
	}
	f := newFixture(t, withSealer(t))
	fk := trackertest.New(t, trackertest.GitHub)
	ts := httptest.NewServer(f.h)
	defer ts.Close()
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
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
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
		v, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return v
	}
	sync := fmt.Sprintf("%s/w/%d/sync", ts.URL, f.w.ID)
	step("sign in",
		chromedp.Navigate(ts.URL+"/signin"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), "owner@example.com"),
		chromedp.SendKeys(css("#password"), password),
		chromedp.Click(css("main button[type=submit]")),
		chromedp.WaitVisible(css(`form[action="/workloads"]`)),
	)
	step("connect",
		chromedp.Navigate(sync),
		chromedp.Click(css("details summary")),
		chromedp.SetValue(css("#kind"), "github"),
		chromedp.SendKeys(css("#baseUrl"), fk.BaseURL()),
		chromedp.SendKeys(css("#project"), fk.Project()),
		chromedp.SendKeys(css("#token"), fk.Token()),
		chromedp.Click(css("#connect button")),
		chromedp.WaitVisible(css("#connections")),
	)
	if flash := text(".flash"); !strings.Contains(flash, "will not be shown again") {
		t.Fatalf("after connecting: %q", flash)
	}
	step("push one plan item",
		chromedp.Click(css(`#push input[name="item"]`)),
		chromedp.Click(css("#push button")),
		chromedp.WaitVisible(css(`#push td a[href^="https://github.com/"]`)),
	)
	if fk.Len() != 1 {
		t.Fatalf("%d issues after pushing one plan item", fk.Len())
	}
	links, err := f.store.WorkItemLinks(t.Context(), f.w.ID)
	must(t, err)
	fk.SetState(links[0].ItemID, "closed", "completed")
	step("pull", chromedp.Click(css("#pull")))
	flash := ""
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(flash, "Checked") && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		flash, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector(".flash") || {}).textContent || ""`))
	}
	if !strings.Contains(flash, "1 plan items updated") {
		t.Fatalf("after pulling: %q", flash)
	}
	its, err := f.store.PlanItems(t.Context(), f.w.ID)
	must(t, err)
	if len(its) != 1 || its[0].Status != awaf.PlanDone {
		t.Fatalf("plan after the pull: %+v", its)
	}
}
