package report

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// combinedFacts is what the combined page shows, measured in the browser.
type combinedFacts struct {
	LensBars, LensBarsVisible int
	LensRows, PillarRows      int
	PillarCols                int
	PlanItems, PolicyItems    int
	Details                   int
	Resources                 int
	ScrollWidth               int
}

const combinedProbe = `(() => {
  const box = e => e.getBoundingClientRect();
  const bars = Array.from(document.querySelectorAll('#lens-bars svg.bar'));
  return {
    LensBars: bars.length,
    LensBarsVisible: bars.filter(b => box(b).width > 0 && box(b).height > 0).length,
    LensRows: document.querySelectorAll('#lens-table tbody tr').length,
    PillarRows: document.querySelectorAll('#pillar-table tbody tr').length,
    PillarCols: document.querySelectorAll('#pillar-table thead th').length,
    PlanItems: document.querySelectorAll('#plan ol.plan > li').length,
    PolicyItems: document.querySelectorAll('#plan li[data-lens="contoso-ai-policy"]').length,
    Details: document.querySelectorAll('#plan details').length,
    Resources: performance.getEntriesByType('resource').length,
    ScrollWidth: document.documentElement.scrollWidth,
  };
})()`

// TestBrowserCombined loads the combined HTML report of the two-lens example in
// headless Chromium, at desktop and phone widths.
func TestBrowserCombined(t *testing.T) {
	chrome := os.Getenv("AWAF_TEST_CHROME")
	if chrome == "" {
		t.Skip("AWAF_TEST_CHROME not set (path to Chromium, e.g. /usr/bin/chromium)")
	}
	in := combinedExample(t)
	page := filepath.Join(t.TempDir(), "combined.html")
	if err := os.WriteFile(page, MustRenderCombined(t, HTML, in), 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + page

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	ctx, cancel = chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	defer cancel()
	ctx, cancel = chromedp.NewContext(ctx)
	defer cancel()

	var mu sync.Mutex
	var problems []string
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			if e.Request.URL != url {
				problems = append(problems, "request "+e.Request.URL)
			}
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				problems = append(problems, "console "+string(e.Type))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		}
	}); err != nil {
		t.Fatalf("start %s: %v", chrome, err)
	}

	policy := len(in.Lenses.Parts[1].Result.Plan)
	for _, width := range []int64{1280, 360} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(url), chromedp.WaitReady("#lens-bars")); err != nil {
			t.Fatalf("width %d: %v", width, err)
		}
		f, err := chromedp.Run(ctx, chromedp.Evaluate[combinedFacts](combinedProbe))
		if err != nil {
			t.Fatalf("width %d: %v", width, err)
		}
		t.Logf("width %d: %+v", width, f)
		want := combinedFacts{
			LensBars: 2, LensBarsVisible: 2, LensRows: 2, PillarRows: 6, PillarCols: 6 + 2,
			PlanItems: len(in.Lenses.Plan), PolicyItems: policy, Details: len(in.Lenses.Plan),
			ScrollWidth: f.ScrollWidth,
		}
		if f != want {
			t.Errorf("width %d:\n got %+v\nwant %+v", width, f, want)
		}
		if f.ScrollWidth > int(width) {
			t.Errorf("width %d: page scrolls sideways (%d px wide)", width, f.ScrollWidth)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		t.Errorf("problems: %q", problems)
	}
}
