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

	"github.com/awaf/awaf"
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
				if len(whole.Findings) == 0 {
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

// TestStreamingKeepsLess checks that the streamed scan holds less than the resources
// read: on the generated ARM corpus the live heap after the scan must be well below
// that of a scan that keeps every resource whole.
func TestStreamingKeepsLess(t *testing.T) {
	fsys := armCorpus(4000)
	live := func(retain bool) uint64 {
		opt := Options{Frontends: realFrontends(), Catalog: catalog(t), retain: retain}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		res, err := Run(context.Background(), fsys, nil, opt)
		if err != nil {
			t.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(res)
		return after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
	}
	streamed, whole := live(false), live(true)
	t.Logf("live heap after a 4,000-resource ARM scan: streamed %d KB, whole %d KB", streamed>>10, whole>>10)
	if streamed*2 > whole {
		t.Errorf("streamed scan holds %d KB, more than half of the %d KB a whole scan holds", streamed>>10, whole>>10)
	}
}

var _ = fstest.MapFS{}
