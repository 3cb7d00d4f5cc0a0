package scan

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/awaf/awaf/internal/scancache"
)

// BenchmarkCacheARM10k scans the 10,000-resource ARM corpus of linear_test.go (200
// templates) from disk and writes the JSON report, four ways in one run so that
// their ratios compare: without a cache, into an empty cache (cold), from a cache
// of the same files (warm), and from a cache with one template changed since
// (each iteration changes it back and forth, so its group is read every time).
// cpu-s/op is the process's CPU time per scan and report, scan-cpu-s/op that of the
// scan alone (Run: reading, judging, the cross-resource rules), without the report:
//
//	go test ./internal/scan -run '^$' -bench CacheARM10k -benchtime 5x
func BenchmarkCacheARM10k(b *testing.B) {
	dir := b.TempDir()
	for name, f := range aiARMCorpus(10000) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	fsys := os.DirFS(dir)
	cat := catalog(b)
	changed := filepath.Join(dir, "ai", "t0100", "azuredeploy.json")
	orig, err := os.ReadFile(changed)
	if err != nil {
		b.Fatal(err)
	}
	alt := bytes.Replace(orig, []byte(`"S0"`), []byte(`"S1"`), 1)
	var scanCPU float64 // CPU seconds in Run alone, without the report
	scan := func(b *testing.B, c *scancache.Cache) {
		t0 := cpuTime()
		res, err := Run(context.Background(), fsys, nil, Options{Frontends: realFrontends(), Catalog: cat, Cache: c})
		if err != nil {
			b.Fatal(err)
		}
		scanCPU += cpuSince(t0)
		if len(res.Resources) != 10000 {
			b.Fatalf("%d resources", len(res.Resources))
		}
		if err := Write(io.Discard, res, JSON, WriteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	open := func(b *testing.B, d string) *scancache.Cache {
		c, err := scancache.Open(d, scancache.Options{Build: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	warm := b.TempDir()
	scan(b, open(b, warm))
	for _, tt := range []struct {
		name string
		run  func(b *testing.B, i int)
	}{
		{"nocache", func(b *testing.B, _ int) { scan(b, nil) }},
		{"cold", func(b *testing.B, i int) {
			b.StopTimer()
			d := b.TempDir()
			b.StartTimer()
			scan(b, open(b, d))
		}},
		{"warm", func(b *testing.B, _ int) { scan(b, open(b, warm)) }},
		{"warm-one-changed", func(b *testing.B, i int) {
			b.StopTimer()
			data := alt
			if i%2 == 1 {
				data = orig
			}
			if err := os.WriteFile(changed, data, 0o644); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			scan(b, open(b, warm))
		}},
	} {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuTime()
			scanCPU = 0
			for i := range b.N {
				tt.run(b, i)
			}
			b.ReportMetric(cpuSince(cpu0)/float64(b.N), "cpu-s/op")
			b.ReportMetric(scanCPU/float64(b.N), "scan-cpu-s/op")
		})
		if err := os.WriteFile(changed, orig, 0o644); err != nil {
			b.Fatal(err)
		}
	}
}
