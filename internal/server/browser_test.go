package server_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awaf/awaf"
	"github.com/chromedp/chromedp"
)

// TestBrowser drives the UI in headless Chromium: sign in, create a workload, fill
// the profile, answer every question through the autosaving form, check the
// dashboard, take a milestone, change answers, compare, and export.
func TestBrowser(t *testing.T) {
	chrome := os.Getenv("AWAF_TEST_CHROME")
	if chrome == "" {
		t.Skip("AWAF_TEST_CHROME is not set")
	}
	f := newFixture(t)
	ts := httptest.NewServer(f.h)
	defer ts.Close()

	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	ctx, cancel := context.WithTimeout(bctx, 3*time.Minute)
	defer cancel()

	// The first call starts the browser and ties it to ctx, not to a step's timeout.
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
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return v
	}
	// waitPath waits until the browser has loaded the page at url after a form post.
	waitPath := func(url string) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			loc, err := chromedp.Run(ctx, chromedp.Location())
			if err == nil && strings.HasPrefix(loc, url+"?") {
				ready, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState`))
				if err == nil && ready == "complete" {
					return
				}
			}
		}
		t.Fatalf("browser did not reach %s", url)
	}
	// shot saves a screenshot when AWAF_TEST_SCREENSHOTS names a directory, for people
	// reviewing the pages.
	shot := func(name string) {
		dir := os.Getenv("AWAF_TEST_SCREENSHOTS")
		if dir == "" {
			return
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
		}
		if err != nil {
			t.Logf("screenshot %s: %v", name, err)
		}
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }

	step("sign in",
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), "owner@example.com"),
		chromedp.SendKeys(css("#password"), password),
		chromedp.Click(css("main button[type=submit]")),
		chromedp.WaitVisible(css(`form[action="/workloads"]`)),
	)
	step("create a workload",
		chromedp.SendKeys(css("#name"), "Browser chat"),
		chromedp.SendKeys(css("#environment"), "test"),
		chromedp.Click(css(`form[action="/workloads"] button`)),
		chromedp.WaitVisible(css(`input[name="kind"][value="generative"]`)),
	)
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	base := strings.TrimSuffix(loc, "/")
	step("fill the profile",
		chromedp.Click(css(`input[name="kind"][value="generative"]`)),
		chromedp.Click(css(`input[name="component"][value="model-hosting"]`)),
		chromedp.SetValue(css("#criticality"), "business-critical"),
		chromedp.SetValue(css("#sensitivity"), "confidential"),
		chromedp.SetValue(css("#exposure"), "external"),
		chromedp.SetValue(css("#priority0"), "security"),
		chromedp.Click(css(`main form.stack button[type=submit]`)),
		chromedp.WaitVisible(css(".flash")),
	)

	// Every area: tick the first practice of each question and wait for autosave.
	step("open the assessment", chromedp.Navigate(base+"/assess"), chromedp.WaitVisible(css("fieldset.question")))
	for area := 0; ; area++ {
		if area > len(f.lens.Areas) {
			t.Fatal("more area pages than the lens has areas")
		}
		if area == 0 {
			shot("assess")
		}
		eval(`(() => { document.querySelectorAll("fieldset.question").forEach((fs) => {
			const c = fs.querySelector("input[type=checkbox]:not([data-none])");
			if (c && !c.checked) c.click();
		}); return ""; })()`)
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`Array.from(document.querySelectorAll("fieldset.question .save-status")).every((s) => s.textContent === "Saved.")`)); err != nil {
			t.Fatalf("area %d: autosave did not finish: %v", area, err)
		}
		if eval(`document.querySelector('button[value="next"]') ? "yes" : "no"`) == "no" {
			break
		}
		next := eval(`document.querySelector('input[name="next"]').value`)
		step("next area", chromedp.Click(css(`button[value="next"]`)))
		waitPath(base + "/assess/" + next)
		step("area "+next, chromedp.WaitVisible(css(".flash")), chromedp.WaitVisible(css("fieldset.question")))
	}

	var id int64
	fmt.Sscanf(base[strings.LastIndex(base, "/")+1:], "%d", &id)
	ev, err := f.store.Assessment(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Answers) != len(f.lens.Questions) {
		t.Fatalf("stored %d answers, want one per question (%d)", len(ev.Answers), len(f.lens.Questions))
	}
	if !ev.Profile.Complete() || ev.Profile.Priorities[0] != awaf.Security {
		t.Fatalf("stored profile = %+v", ev.Profile)
	}

	step("dashboard", chromedp.Navigate(base+"/dashboard"), chromedp.WaitVisible(css("svg.radar polygon.scores")))
	shot("dashboard")
	answered := eval(`document.querySelectorAll(".card .big")[3].textContent`)
	parts := strings.Split(answered, "/")
	if len(parts) != 2 || parts[0] != parts[1] || parts[0] == "0" {
		t.Fatalf("dashboard answered = %q, want every applicable question", answered)
	}

	step("take a milestone",
		chromedp.Navigate(base+"/milestones"),
		chromedp.SendKeys(css("#mname"), "Baseline"),
		chromedp.Click(css(`main form[method="post"] button`)),
		chromedp.WaitVisible(css(`a[href*="compare"]`)),
	)
	// Change answers: "none of these" on every question of the first area.
	step("change answers", chromedp.Navigate(base+"/assess/"+string(f.lens.Areas[0].ID)), chromedp.WaitVisible(css("fieldset.question")))
	eval(`(() => { document.querySelectorAll("fieldset.question").forEach((fs) => {
		const c = fs.querySelector("input[data-none]"); if (c && !c.checked) c.click();
	}); return ""; })()`)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`Array.from(document.querySelectorAll("fieldset.question .save-status")).every((s) => s.textContent === "Saved.")`)); err != nil {
		t.Fatalf("autosave after change: %v", err)
	}
	step("compare", chromedp.Navigate(base+"/milestones"), chromedp.Click(css(`a[href*="compare"]`)), chromedp.WaitVisible(css("h1")))
	shot("compare")
	heading := eval(`document.querySelector("h1").textContent`)
	added := eval(`Array.from(document.querySelectorAll("h2")).map((h) => h.textContent).join("|")`)
	// "None of these" raises risks: new ones (added) or medium to high (changed), and
	// the plan gains recommendations.
	worse := !strings.Contains(added, "Risks added (0)") || !strings.Contains(added, "Risks changed (0)")
	if !strings.Contains(heading, "Baseline") || !worse || strings.Contains(added, "Plan: recommendations added (0)") {
		t.Fatalf("compare page: %q / %q", heading, added)
	}

	status := eval(fmt.Sprintf(`fetch("/w/%d/export/json").then((r) => String(r.status))`, id))
	if status != "200" {
		t.Fatalf("export = %s", status)
	}

	// At 360 px the pages fit without sideways scrolling.
	step("narrow", chromedp.EmulateViewport(360, 740))
	for _, path := range []string{"/assess/" + string(f.lens.Areas[0].ID), "/dashboard", "/plan", "/access"} {
		step("open "+path, chromedp.Navigate(base+path), chromedp.WaitVisible(css("main")))
		shot("narrow-" + strings.ReplaceAll(strings.Trim(path, "/"), "/", "-"))
		if w := eval(`String(document.documentElement.scrollWidth)`); w != "360" {
			wide := eval(`Array.from(document.querySelectorAll("body *")).filter((e) => e.getBoundingClientRect().right > 361).slice(0, 5).map((e) => e.tagName + "." + e.className.baseVal + e.className).join(" ")`)
			t.Errorf("%s is %s px wide at a 360 px viewport; widest: %s", path, w, wide)
		}
	}
}
