package bicep

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"testing"
	"testing/fstest"
	"time"

	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/memtest"
)

// manyFiles generates n entry templates of a few resources each, every one calling a
// module that all of them share, as a repository of many small deployments looks.
func manyFiles(n int) fstest.MapFS {
	fsys := fstest.MapFS{"modules/common.bicep": {Data: []byte(`param location string
param prefix string
resource law 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${prefix}-law'
  location: location
  properties: {
    retentionInDays: 30
    sku: {
      name: 'PerGB2018'
    }
  }
}
output id string = law.id
`)}}
	for i := range n {
		src := corpus(10) + fmt.Sprintf(`
module common '../../modules/common.bicep' = {
  name: 'common-%d'
  params: {
    location: location
    prefix: 'w%d'
  }
}
`, i, i)
		fsys[fmt.Sprintf("apps/w%04d/main.bicep", i)] = &fstest.MapFile{Data: []byte(src)}
	}
	return fsys
}

// TestScanMemory reports the live heap after a scan of many files whose resources a
// sink strips of their properties, and the peak during it. It measures, it does not
// judge: run it with AWAF_MEMTEST=1 go test -run TestScanMemory -v ./internal/iac/bicep/
func TestScanMemory(t *testing.T) {
	if os.Getenv("AWAF_MEMTEST") == "" {
		t.Skip("set AWAF_MEMTEST=1 to measure memory")
	}
	strip := iac.Sink(func(res []iac.Resource) []iac.Resource {
		out := make([]iac.Resource, len(res))
		for i, r := range res {
			r.Properties = nil
			out[i] = r
		}
		return out
	})
	for _, n := range []int{200, 2000} {
		fsys := manyFiles(n)
		size := 0
		for _, f := range fsys {
			size += len(f.Data)
		}
		var res []iac.Resource
		var diags []iac.Diagnostic
		var err error
		start, cpu := time.Now(), cpuTime()
		u := memtest.Measure(func() {
			res, diags, err = Scanner{}.Scan(context.Background(), fsys, []string{"."}, strip)
		})
		elapsed, used := time.Since(start), cpuTime()-cpu
		if err != nil || len(diags) > 0 {
			t.Fatalf("%v, %d diagnostics: %.300v", err, len(diags), diags)
		}
		if want := n * 11; len(res) != want {
			t.Fatalf("%d files: %d resources, want %d", n, len(res), want)
		}
		t.Logf("%d files (%d KiB of source), %d resources, %v (CPU %v): held after GC %.1f MiB (%d B/resource), peak heap %.1f MiB (above the heap before)",
			n, size>>10, len(res), elapsed.Round(time.Millisecond), used.Round(time.Millisecond), float64(u.Held)/(1<<20), u.Held/uint64(len(res)), float64(u.Peak)/(1<<20))
		runtime.KeepAlive(res)
		runtime.KeepAlive(fsys)
	}
}
