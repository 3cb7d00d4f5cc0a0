package scan

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRenderBar(t *testing.T) {
	cases := []struct {
		name    string
		p       Progress
		elapsed time.Duration
		want    string
	}{
		{"start of reading", Progress{StageRead, 0, 1000}, 0,
			"reading files        [........................]   0%      0/1000  0.0s"},
		{"reading part way", Progress{StageRead, 380, 1000}, 1234 * time.Millisecond,
			"reading files        [#########...............]  38%    380/1000  1.2s"},
		{"evaluating half", Progress{StageEvaluate, 5000, 10000}, 3 * time.Second,
			"evaluating resources [############............]  50%   5000/10000  3.0s"},
		{"evaluating done", Progress{StageEvaluate, 7, 7}, 90 * time.Second,
			"evaluating resources [########################] 100%      7/7  1m30s"},
		{"nothing to do", Progress{StageEvaluate, 0, 0}, 0,
			"evaluating resources [########################] 100%      0/0  0.0s"},
		{"more done than total", Progress{StageRead, 12, 10}, 0,
			"reading files        [########################] 100%     12/12  0.0s"},
		{"negative counts and clock", Progress{StageRead, -3, -1}, -time.Second,
			"reading files        [########################] 100%      0/0  0.0s"},
		{"rounding down", Progress{StageRead, 2, 3}, 59*time.Second + 940*time.Millisecond,
			"reading files        [################........]  66%      2/3  59.9s"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := RenderBar(tc.p, tc.elapsed)
			if got != tc.want {
				t.Errorf("RenderBar(%+v, %v)\n got %q\nwant %q", tc.p, tc.elapsed, got, tc.want)
			}
			if len(got) >= 80 || strings.ContainsAny(got, "\r\n") {
				t.Errorf("line %q must fit 80 columns on one line", got)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for the bar's drawing goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fakeClock advances one second every time it is read.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func TestBarDrawsInPlaceAndClears(t *testing.T) {
	var out syncBuffer
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	b := NewBar(&out, clk.now, 0, time.Millisecond)
	b.Update(Progress{StageEvaluate, 3, 10})
	b.Update(Progress{StageEvaluate, 2, 10}) // a late worker: must not step back
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), " 30%") && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	b.Stop()
	got := out.String()
	if !strings.HasPrefix(got, "\revaluating resources [#######.................]  30%      3/10  ") {
		t.Fatalf("bar output %q", got)
	}
	if strings.Contains(got, "  20%") {
		t.Errorf("bar stepped back: %q", got)
	}
	if !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("Stop did not clear the line: %q", got)
	}
}

func TestBarWaitsForDelay(t *testing.T) {
	var out syncBuffer
	b := NewBar(&out, time.Now, time.Hour, time.Millisecond)
	b.Update(Progress{StageRead, 1, 2})
	time.Sleep(20 * time.Millisecond)
	b.Stop()
	if got := out.String(); got != "" {
		t.Errorf("a scan shorter than the delay drew %q", got)
	}
}

func TestRunReportsProgress(t *testing.T) {
	fsys := armCorpus(50)
	var mu sync.Mutex
	last := map[string]Progress{}
	_, err := Run(context.Background(), fsys, nil, Options{Frontends: realFrontends(), Catalog: catalog(t),
		Progress: func(p Progress) {
			mu.Lock()
			defer mu.Unlock()
			if p.Done > last[p.Stage].Done || last[p.Stage].Stage == "" {
				last[p.Stage] = p
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	for range fsys {
		files++
	}
	if r := last[StageRead]; r.Done != files || r.Total != files {
		t.Errorf("read progress ended at %+v, want %d of %d files", r, files, files)
	}
	if e := last[StageEvaluate]; e.Done == 0 || e.Done != e.Total {
		t.Errorf("evaluate progress ended at %+v, want all resources", e)
	}
}
