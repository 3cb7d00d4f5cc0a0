package scan

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"testing"
	"testing/fstest"
	"unsafe"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/memtest"
	"github.com/awaf/awaf/internal/rules"
)

// TestStreamingMatchesWholeScan scans every test tree twice: as awaf scan does (rules
// that read one resource judge it as its unit is read, and only projections are
// kept) and holding every resource whole until the end. Every report must be the
// same byte for byte, and so must the components found.
func TestStreamingMatchesWholeScan(t *testing.T) {
	trees := map[string]fs.FS{
		"scan testdata":      os.DirFS("testdata"),
		"arm testdata":       os.DirFS("../iac/arm/testdata"),
		"bicep testdata":     os.DirFS("../iac/bicep/testdata"),
		"terraform testdata": os.DirFS("../iac/terraform/testdata"),
		"export testdata":    os.DirFS("../iac/export/testdata"),
		"arm corpus":         armCorpus(500),
		"bicep corpus":       bicepCorpus(500),
		"terraform corpus":   tfCorpus(500),
		// 1.4 MB: read one resource at a time and judged in chunks (arm deferFrom)
		"one large ARM file": aiARMFiles(6000, 6000),
	}
	profiles := []*awaf.Profile{nil, {Criticality: "mission-critical", Sensitivity: "regulated", Exposure: "external"}}
	for name, fsys := range trees {
		for pi, p := range profiles {
			t.Run(name, func(t *testing.T) {
				opt := Options{Frontends: realFrontends(), Catalog: catalog(t), Profile: p}
				streamed, err := Run(context.Background(), fsys, nil, opt)
				if err != nil {
					t.Fatal(err)
				}
				opt.retain = true
				whole, err := Run(context.Background(), fsys, nil, opt)
				if err != nil {
					t.Fatal(err)
				}
				if whole.Findings.Len() == 0 {
					t.Fatalf("profile %d: no findings: the tree was not scanned", pi)
				}
				for _, format := range []string{JSON, SARIF, Text} {
					var a, b bytes.Buffer
					if err := Write(&a, streamed, format, WriteOptions{ShowPass: true}); err != nil {
						t.Fatal(err)
					}
					if err := Write(&b, whole, format, WriteOptions{ShowPass: true}); err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(a.Bytes(), b.Bytes()) {
						t.Errorf("profile %d, %s: the streamed scan's report differs (%d and %d bytes)", pi, format, a.Len(), b.Len())
					}
				}
				if got, want := streamed.Components(), whole.Components(); !slices.Equal(got, want) {
					t.Errorf("profile %d: components %v, want %v", pi, got, want)
				}
			})
		}
	}
}

// TestStreamingKeepsLess checks what a streamed scan holds once it is done: its
// findings and the list of resources the reports name, plus at most a little per
// resource (the values cross-resource rules read). A scan that keeps every resource
// whole holds more.
func TestStreamingKeepsLess(t *testing.T) {
	fsys := armCorpus(4000)
	type held struct{ live, findings, list uint64 }
	measure := func(retain bool) held {
		opt := Options{Frontends: realFrontends(), Catalog: catalog(t), retain: retain}
		var res *Result
		var err error
		u := memtest.Measure(func() { res, err = Run(context.Background(), fsys, nil, opt) })
		if err != nil {
			t.Fatal(err)
		}
		h := held{live: u.Held}
		h.findings = uint64(res.Findings.Len()) * uint64(unsafe.Sizeof(Finding{}))
		for _, f := range res.Findings.All() {
			h.findings += uint64(len(f.Unresolved)) * uint64(unsafe.Sizeof(rules.Unresolved{}))
		}
		h.list = uint64(cap(res.Resources)) * uint64(unsafe.Sizeof(iac.Resource{}))
		runtime.KeepAlive(res)
		return h
	}
	streamed, whole := measure(false), measure(true)
	perResource := func(h held) int64 { return (int64(h.live) - int64(h.findings) - int64(h.list)) / 4000 }
	t.Logf("after a 4,000-resource ARM scan: streamed %d KB held (findings %d KB, resource list %d KB, the rest %d B a resource); whole %d KB (the rest %d B a resource)",
		streamed.live>>10, streamed.findings>>10, streamed.list>>10, perResource(streamed), whole.live>>10, perResource(whole))
	if perResource(streamed) > 1536 {
		t.Errorf("a streamed scan holds %d bytes a resource beyond its findings and resource list, want at most 1.5 KB", perResource(streamed))
	}
	if streamed.live*4 > whole.live*3 {
		t.Errorf("a streamed scan holds %d KB, not much less than the %d KB of a whole one", streamed.live>>10, whole.live>>10)
	}
}

// TestMemoryGrowth measures how a scan's memory grows with its input, for
// docs/benchmarks.md: the peak heap during the scan (sampled every millisecond) and
// the heap held after it, streamed and whole, on generated ARM, Bicep and Terraform
// corpora of growing size. It only runs with AWAF_MEMTEST=1:
//
//	AWAF_MEMTEST=1 go test ./internal/scan -run TestMemoryGrowth -v
func TestMemoryGrowth(t *testing.T) {
	if os.Getenv("AWAF_MEMTEST") == "" {
		t.Skip("AWAF_MEMTEST not set")
	}
	corpora := []struct {
		name string
		make func(int) fstest.MapFS
		ns   []int
	}{
		{"arm", armCorpus, []int{2000, 8000, 32000}},
		{"bicep", bicepCorpus, []int{2000, 8000, 32000}},
		{"terraform", tfCorpus, []int{2000, 8000}},
	}
	for _, c := range corpora {
		for _, n := range c.ns {
			fsys := c.make(n)
			for _, retain := range []bool{false, true} {
				var res *Result
				var err error
				u := memtest.Measure(func() {
					res, err = Run(context.Background(), fsys, nil, Options{Frontends: realFrontends(), Catalog: catalog(t), retain: retain})
				})
				if err != nil {
					t.Fatal(err)
				}
				mode := "streamed"
				if retain {
					mode = "whole"
				}
				t.Logf("%-9s %6d resources, %4d files, %-8s peak %7.1f MB (%5.0f B a resource), held %6.1f MB (%5.0f B a resource, %4.0f B a finding), %d findings",
					c.name, n, len(fsys), mode, float64(u.Peak)/1e6, float64(u.Peak)/float64(n),
					float64(u.Held)/1e6, float64(u.Held)/float64(n), float64(u.Held)/float64(res.Findings.Len()), res.Findings.Len())
				runtime.KeepAlive(res)
			}
		}
	}
}
