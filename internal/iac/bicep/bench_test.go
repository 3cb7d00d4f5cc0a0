package bicep

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

// corpus generates a Bicep file declaring n resources in the shapes AI workloads use:
// OpenAI accounts with deployments, search services, storage accounts, private
// endpoints, with parameters, interpolation, ternaries and references between them.
func corpus(n int) string {
	var b strings.Builder
	b.WriteString(`param location string = 'swedencentral'
param env string = 'prod'
var isProd = env == 'prod'
var suffix = uniqueString(resourceGroup().id)
var tags = {
  workload: 'chat'
  environment: env
}
`)
	count := 0
	for i := 0; count < n; i++ {
		fmt.Fprintf(&b, `
resource acct%[1]d 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai-%[1]d-${suffix}'
  location: location
  kind: 'OpenAI'
  tags: tags
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: toLower('oai-%[1]d-${suffix}')
    disableLocalAuth: true
    publicNetworkAccess: isProd ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: 'Deny'
    }
  }
  resource dep 'deployments' = {
    name: 'gpt-4o'
    sku: {
      name: 'GlobalStandard'
      capacity: isProd ? 50 : 10
    }
    properties: {
      model: {
        format: 'OpenAI'
        name: 'gpt-4o'
      }
      raiPolicyName: 'Microsoft.DefaultV2'
    }
  }
}

resource search%[1]d 'Microsoft.Search/searchServices@2024-03-01-preview' = {
  name: 'srch-%[1]d-${suffix}'
  location: location
  sku: {
    name: 'standard'
  }
  properties: {
    replicaCount: isProd ? 3 : 1
    disableLocalAuth: true
    publicNetworkAccess: 'disabled'
  }
}

resource pe%[1]d 'Microsoft.Network/privateEndpoints@2024-01-01' = {
  name: 'pe-oai-%[1]d'
  location: location
  properties: {
    privateLinkServiceConnections: [
      {
        name: 'oai'
        properties: {
          privateLinkServiceId: acct%[1]d.id
          groupIds: [
            'account'
          ]
        }
      }
    ]
  }
}

resource st%[1]d 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take('st%[1]d${suffix}', 24)
  location: location
  kind: 'StorageV2'
  sku: {
    name: isProd ? 'Standard_ZRS' : 'Standard_LRS'
  }
  properties: {
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
  }
}
`, i)
		count += 5
	}
	return b.String()
}

func BenchmarkScan(b *testing.B) {
	src := corpus(1000)
	fsys := fstest.MapFS{"main.bicep": {Data: []byte(src)}}
	var n int
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		res, diags, err := Scanner{}.Scan(context.Background(), fsys, []string{"main.bicep"}, nil)
		if err != nil || len(diags) > 0 {
			b.Fatal(err, diags)
		}
		n = len(res)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "resources/s")
	// CPU time does not depend on how busy the machine is, wall time does.
	if used := cpuTime() - cpu; used > 0 {
		b.ReportMetric(float64(n*b.N)/used.Seconds(), "resources/cpu-s")
	}
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkScanFiles spreads the same 1,000 resources over 20 files, which are parsed
// and evaluated side by side.
func BenchmarkScanFiles(b *testing.B) {
	fsys := fstest.MapFS{}
	size := 0
	for i := range 20 {
		src := corpus(50)
		fsys[fmt.Sprintf("w%02d/main.bicep", i)] = &fstest.MapFile{Data: []byte(src)}
		size += len(src)
	}
	var n int
	b.SetBytes(int64(size))
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		res, diags, err := Scanner{}.Scan(context.Background(), fsys, []string{"."}, nil)
		if err != nil || len(diags) > 0 {
			b.Fatal(err, diags)
		}
		n = len(res)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "resources/s")
	if used := cpuTime() - cpu; used > 0 {
		b.ReportMetric(float64(n*b.N)/used.Seconds(), "resources/cpu-s")
	}
}

// BenchmarkParse is the parse alone, to compare the cost of evaluation with it.
func BenchmarkParse(b *testing.B) {
	src := corpus(1000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if f := Parse("main.bicep", src); len(f.Errors) > 0 {
			b.Fatal(f.Errors)
		}
	}
	b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "resources/s")
	if used := cpuTime() - cpu; used > 0 {
		b.ReportMetric(float64(1000*b.N)/used.Seconds(), "resources/cpu-s")
	}
}

func TestCorpusSize(t *testing.T) {
	fsys := fstest.MapFS{"main.bicep": {Data: []byte(corpus(1000))}}
	res, diags, err := Scanner{}.Scan(context.Background(), fsys, []string{"main.bicep"}, nil)
	if err != nil || len(diags) > 0 {
		t.Fatal(err, diags)
	}
	if len(res) != 1000 {
		t.Fatalf("corpus gives %d resources, want 1000", len(res))
	}
}
