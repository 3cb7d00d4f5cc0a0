package server_test

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/store/storetest"
	"github.com/chromedp/chromedp"
)

// TestBrowserPortfolio opens the portfolio in headless Chromium as a site
// administrator, filters it by criticality, and follows a common risk to the plan
// item of an affected workload.
func TestBrowserPortfolio(t *testing.T) {
	chrome := os.Getenv("AWAF_TEST_CHROME")
	if chrome == "" {
		t.Skip("AWAF_TEST_CHROME is not set")
	}
	f := newFixture(t)
	f.answerNone(f.w.ID, "owner")
	f.answerNone(f.other.ID, "outsider")
	ctx0 := context.Background()
	other, err := f.store.Workload(ctx0, f.other.ID)
	must(t, err)
	other.Profile = f.w.Profile
	other.Profile.Criticality = awaf.Experimental
	must(t, f.store.UpdateWorkload(ctx0, storetest.ActorOf(f.users["outsider"]), other))
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
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return v
	}
	waitFor := func(what string, ok func(loc string) bool) string {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			loc, err := chromedp.Run(ctx, chromedp.Location())
			if err == nil && ok(loc) {
				if ready, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState`)); err == nil && ready == "complete" {
					return loc
				}
			}
		}
		t.Fatalf("browser did not reach %s", what)
		return ""
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	rows := func() string { return eval(`String(document.querySelectorAll("#heatmap tbody tr").length)`) }

	step("sign in",
		chromedp.Navigate(ts.URL+"/signin"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), "admin@example.com"),
		chromedp.SendKeys(css("#password"), password),
		chromedp.Click(css("main button[type=submit]")),
		chromedp.WaitVisible(css(`a[href="/portfolio"]`)),
	)
	step("open the portfolio", chromedp.Click(css(`a[href="/portfolio"]`)), chromedp.WaitVisible(css("#heatmap")))
	if n := rows(); n != "2" {
		t.Fatalf("portfolio shows %s workloads, want both", n)
	}
	if got := eval(`document.querySelector("ol.common-risks li strong").textContent`); !strings.HasPrefix(got, "2 of 2 workloads lack: ") {
		t.Errorf("first common risk reads %q", got)
	}

	step("filter by criticality",
		chromedp.SetValue(css("#f-criticality"), "business-critical"),
		chromedp.Click(css("#f-apply")),
	)
	waitFor("the filtered portfolio", func(loc string) bool { return strings.Contains(loc, "criticality=business-critical") })
	step("filtered table", chromedp.WaitVisible(css("#heatmap")))
	if n, name := rows(), eval(`document.querySelector("#heatmap tbody th").textContent`); n != "1" || name != "Support chat" {
		t.Errorf("filtered: %s rows, first %q; want Support chat alone", n, name)
	}
	if got := eval(`document.querySelector("ol.common-risks") ? "risks" : document.querySelector("#risks + p").textContent`); !strings.Contains(got, "No practice is missing") {
		t.Errorf("one workload left, yet common risks are shown: %q", got)
	}

	step("back to everything", chromedp.Click(css(`form.filters a[href="/portfolio"]`)), chromedp.WaitVisible(css("ol.common-risks")))
	sel := `ol.common-risks a[href*="/plan#` + f.question + `-"]`
	href := eval(`(() => { document.querySelectorAll("ol.common-risks details").forEach((d) => { d.open = true; }); return document.querySelector('` + sel + `').getAttribute("href"); })()`)
	step("follow a common risk to a plan item", chromedp.Click(css(sel)))
	loc := waitFor("the plan item", func(loc string) bool { return strings.HasSuffix(loc, href) })
	frag := loc[strings.Index(loc, "#")+1:]
	if got := eval(`(() => { const el = document.getElementById("` + frag + `"); return el ? el.tagName + " " + (el.getBoundingClientRect().height > 0) : "none"; })()`); got != "LI true" {
		t.Errorf("plan page at %s: item %s is %q, want a visible list item", loc, frag, got)
	}
}
