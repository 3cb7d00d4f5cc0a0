package scan

import (
	"context"
	"runtime"
	"runtime/debug"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf/internal/memtest"
)

// TestOneLargeFileLinear checks issue 18 part 5 on one ARM template: doubling the
// resources in a single file (15,000 to 30,000, 3.4 to 6.8 MB) must roughly double
// the scan's CPU time, the bytes it allocates and the heap it holds at the end, not
// quadruple them. Each size is scanned twice and the cheaper CPU time kept, as the
// machine is shared. And one file must cost no more memory than the same resources
// in files of 50: the peak heap while scanning the one 30,000-resource file stays
// within 1.25 times that of the same resources in 600 files (before the template's
// resources were read one at a time it was 1.4 times).
func TestOneLargeFileLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("scans 45,000 resources in one file, twice")
	}
	cat := catalog(t)
	type cost struct {
		cpu          float64
		alloc, live  uint64
		findings, sz int
	}
	measure := func(n int) cost {
		fsys := aiARMFiles(n, n)
		if len(fsys) != 1 {
			t.Fatalf("%d files, want one", len(fsys))
		}
		c := cost{cpu: -1}
		for _, f := range fsys {
			c.sz = len(f.Data)
		}
		for range 2 {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			t0 := cpuTime()
			res, err := Run(context.Background(), fsys, nil, Options{Frontends: realFrontends(), Catalog: cat})
			cpu := cpuTime() - t0
			if err != nil {
				t.Fatal(err)
			}
			runtime.GC() // twice: pooled buffers survive one collection
			runtime.GC()
			runtime.ReadMemStats(&after)
			if c.cpu < 0 || cpu < c.cpu {
				c.cpu = cpu
			}
			c.alloc = after.TotalAlloc - before.TotalAlloc
			if c.live == 0 || after.HeapAlloc < c.live {
				c.live = after.HeapAlloc
			}
			c.findings = res.Findings.Len()
			runtime.KeepAlive(res)
		}
		return c
	}
	small, large := measure(15000), measure(30000)
	// The peak is what the heap reaches between collections; collecting at 25%
	// growth instead of 100% makes it follow what is live more closely, and so
	// vary less with the collector's timing.
	defer debug.SetGCPercent(debug.SetGCPercent(25))
	peak := func(fsys fstest.MapFS) uint64 {
		best := uint64(0)
		for range 3 {
			var res *Result
			var err error
			u := memtest.Measure(func() {
				res, err = Run(context.Background(), fsys, nil, Options{Frontends: realFrontends(), Catalog: cat})
			})
			if err != nil {
				t.Fatal(err)
			}
			runtime.KeepAlive(res)
			if best == 0 || u.Peak < best {
				best = u.Peak
			}
		}
		return best
	}
	one, many := peak(aiARMFiles(30000, 30000)), peak(aiARMFiles(30000, perFile))
	t.Logf("peak heap, 30k resources: one file %d MB, files of %d %d MB (%.2fx)", one>>20, perFile, many>>20, float64(one)/float64(many))
	if one*4 > many*5 {
		t.Errorf("one 30,000-resource file peaks at %d MB, over 1.25 times the %d MB of the same resources in files of %d", one>>20, many>>20, perFile)
	}
	t.Logf("15k: %d bytes, %.2f CPU-s, %d MB allocated, %d MB live, %d findings", small.sz, small.cpu, small.alloc>>20, small.live>>20, small.findings)
	t.Logf("30k: %d bytes, %.2f CPU-s, %d MB allocated, %d MB live, %d findings", large.sz, large.cpu, large.alloc>>20, large.live>>20, large.findings)
	// Rules of scope workload report once whatever the size, so not exactly twice.
	if f := float64(large.findings) / float64(small.findings); f < 1.95 || f > 2.05 {
		t.Errorf("findings %d at 30k, want about twice %d", large.findings, small.findings)
	}
	for _, r := range []struct {
		what string
		x    float64
	}{
		{"CPU time", large.cpu / small.cpu},
		{"allocated bytes", float64(large.alloc) / float64(small.alloc)},
		{"live heap", float64(large.live) / float64(small.live)},
	} {
		t.Logf("%s 30k / 15k = %.2f", r.what, r.x)
		if r.x > 3 {
			t.Errorf("%s grew %.2fx when the file doubled; want about 2x, at most 3x", r.what, r.x)
		}
	}
}
