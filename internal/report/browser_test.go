package report

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chartFacts is what the page reports about its charts, measured in the browser.
type chartFacts struct {
	RadarW, RadarH     float64
	PolygonW, PolygonH float64
	PolygonPoints      int
	RadarTitle         string
	Bars               int
	BarsNonEmpty       int
	AreaRows           int
	PillarRows         int
	Resources          int // performance entries: anything fetched after the document
	ScrollWidth        int
	Details            int
}

const chartProbe = `(() => {
  const box = e => e ? e.getBoundingClientRect() : {width: 0, height: 0};
  const radar = document.querySelector('svg#radar');
  const poly = radar && radar.querySelector('polygon.score');
  const bars = Array.from(document.querySelectorAll('#area-bars svg.bar'));
  return {
    RadarW: box(radar).width, RadarH: box(radar).height,
    PolygonW: box(poly).width, PolygonH: box(poly).height,
    PolygonPoints: poly ? poly.points.numberOfItems : 0,
    RadarTitle: radar && radar.querySelector('title') ? radar.querySelector('title').textContent : '',
    Bars: bars.length,
    BarsNonEmpty: bars.filter(b => box(b).width > 0 && box(b).height > 0).length,
    AreaRows: document.querySelectorAll('#area-table tbody tr').length,
    PillarRows: document.querySelectorAll('#pillar-table tbody tr').length,
    Resources: performance.getEntriesByType('resource').length,
    ScrollWidth: document.documentElement.scrollWidth,
    Details: document.querySelectorAll('#plan details').length,
  };
})()`

// TestBrowserCharts loads the HTML report of the full example in headless Chromium
// and checks that the charts render, at desktop and phone widths, with no console
// errors and no network requests.
func TestBrowserCharts(t *testing.T) {
	chrome := os.Getenv("AWAF_TEST_CHROME")
	if chrome == "" {
		t.Skip("AWAF_TEST_CHROME not set (path to Chromium, e.g. /usr/bin/chromium)")
	}
	in := exampleInput(t)
	page := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(page, MustRender(t, HTML, in), 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + page

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	ctx, cancel = chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chrome),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
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
	var requests, problems []string
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			if e.Request.URL != url {
				requests = append(requests, e.Request.URL)
			}
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				problems = append(problems, "console "+string(e.Type))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				problems = append(problems, "log: "+e.Entry.Text)
			}
		}
	}); err != nil {
		t.Fatalf("start %s: %v", chrome, err)
	}

	for _, width := range []int64{1280, 360} {
		err := chromedp.Do(ctx,
			chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(url),
			chromedp.WaitReady("#area-bars"),
		)
		if err != nil {
			t.Fatalf("width %d: %v", width, err)
		}
		facts, err := chromedp.Run(ctx, chromedp.Evaluate[chartFacts](chartProbe))
		if err != nil {
			t.Fatalf("width %d: %v", width, err)
		}
		t.Logf("width %d: %+v", width, facts)
		if facts.RadarW <= 0 || facts.RadarH <= 0 || facts.PolygonW <= 0 || facts.PolygonH <= 0 {
			t.Errorf("width %d: radar or its polygon has an empty box: %+v", width, facts)
		}
		if facts.PolygonPoints != len(in.Result.Pillars) || facts.PolygonPoints != 6 {
			t.Errorf("width %d: radar polygon has %d points, want one per pillar (6)", width, facts.PolygonPoints)
		}
		if facts.RadarTitle == "" {
			t.Errorf("width %d: radar has no <title>", width)
		}
		if facts.Bars != len(in.Result.Areas) || facts.BarsNonEmpty != facts.Bars || facts.AreaRows != facts.Bars {
			t.Errorf("width %d: %d area bars (%d visible), %d table rows, want %d areas", width, facts.Bars, facts.BarsNonEmpty, facts.AreaRows, len(in.Result.Areas))
		}
		if facts.PillarRows != len(in.Result.Pillars) {
			t.Errorf("width %d: pillar table has %d rows", width, facts.PillarRows)
		}
		if facts.Details != len(in.Result.Plan) {
			t.Errorf("width %d: %d guidance blocks for %d recommendations", width, facts.Details, len(in.Result.Plan))
		}
		if facts.Resources != 0 {
			t.Errorf("width %d: the page fetched %d resources", width, facts.Resources)
		}
		if facts.ScrollWidth > int(width) {
			t.Errorf("width %d: page scrolls sideways (%d px wide)", width, facts.ScrollWidth)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(requests) > 0 {
		t.Errorf("network requests made: %q", requests)
	}
	if len(problems) > 0 {
		t.Errorf("console problems: %q", problems)
	}
}
