package scan

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf/internal/rules"
)

// Corpus of the shape that made findings grow with the scan (issue 18): many AI
// accounts per file declared by copy loops, regions and link targets that are not
// known before deployment (parameters without defaults), and links across resources.
// Each group of 10 resources: 4 OpenAI accounts from one loop, a deployment, a private
// endpoint to a known account, one to an unknown target, a diagnostic setting, a search
// service and a storage account.

func aiGroupARM(g int) string {
	acct := fmt.Sprintf("oai%d", g)
	return strings.Join([]string{
		fmt.Sprintf(`{"type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "[format('%s-{0}', copyIndex())]", "copy": {"name": "acct%d", "count": 4}, "location": "[parameters('location')]", "kind": "OpenAI", "sku": {"name": "S0"}, "properties": {"customSubDomainName": "[format('%s-{0}', copyIndex())]", "disableLocalAuth": %v, "publicNetworkAccess": "[parameters('pna')]"}}`, acct, g, acct, g%3 != 0),
		fmt.Sprintf(`{"type": "Microsoft.CognitiveServices/accounts/deployments", "apiVersion": "2024-10-01", "name": "%s-0/chat", "dependsOn": ["acct%d"], "sku": {"name": "GlobalStandard", "capacity": "[parameters('capacity')]"}, "properties": {"model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"}}}`, acct, g),
		fmt.Sprintf(`{"type": "Microsoft.Network/privateEndpoints", "apiVersion": "2024-05-01", "name": "pe%d", "location": "[parameters('location')]", "properties": {"subnet": {"id": "[parameters('subnetId')]"}, "privateLinkServiceConnections": [{"name": "c", "properties": {"privateLinkServiceId": "[resourceId('Microsoft.CognitiveServices/accounts', '%s-1')]", "groupIds": ["account"]}}]}}`, g, acct),
		fmt.Sprintf(`{"type": "Microsoft.Network/privateEndpoints", "apiVersion": "2024-05-01", "name": "pex%d", "location": "[parameters('location')]", "properties": {"subnet": {"id": "[parameters('subnetId')]"}, "privateLinkServiceConnections": [{"name": "c", "properties": {"privateLinkServiceId": "[parameters('targetId')]", "groupIds": ["account"]}}]}}`, g),
		fmt.Sprintf(`{"type": "Microsoft.Insights/diagnosticSettings", "apiVersion": "2021-05-01-preview", "name": "diag%d", "scope": "[format('Microsoft.CognitiveServices/accounts/{0}', '%s-2')]", "properties": {"workspaceId": "[parameters('lawId')]", "logs": [{"categoryGroup": "allLogs", "enabled": true}]}}`, g, acct),
		fmt.Sprintf(`{"type": "Microsoft.Search/searchServices", "apiVersion": "2023-11-01", "name": "srch%d", "location": "[parameters('location')]", "sku": {"name": "standard"}, "properties": {"replicaCount": "[parameters('replicas')]", "publicNetworkAccess": "disabled"}}`, g),
		fmt.Sprintf(`{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-05-01", "name": "st%d", "location": "[parameters('location')]", "kind": "StorageV2", "sku": {"name": "Standard_LRS"}, "properties": {"minimumTlsVersion": "TLS1_2", "allowBlobPublicAccess": %v}}`, g, g%4 == 0),
	}, ",\n    ")
}

// aiARMCorpus gives n resources (a multiple of 10) in files of 50.
func aiARMCorpus(n int) fstest.MapFS {
	fsys := fstest.MapFS{}
	for f := 0; f*perFile < n; f++ {
		var b strings.Builder
		b.WriteString(`{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
  "parameters": {"location": {"type": "string"}, "pna": {"type": "string"}, "capacity": {"type": "int"}, "replicas": {"type": "int"}, "subnetId": {"type": "string"}, "targetId": {"type": "string"}, "lawId": {"type": "string"}},
  "resources": [
    `)
		for g := f * perFile / 10; g < min(n, (f+1)*perFile)/10; g++ {
			if g > f*perFile/10 {
				b.WriteString(",\n    ")
			}
			b.WriteString(aiGroupARM(g))
		}
		b.WriteString("\n  ]\n}\n")
		fsys[fmt.Sprintf("ai/t%04d/azuredeploy.json", f)] = &fstest.MapFile{Data: []byte(b.String())}
	}
	return fsys
}

// TestFindingsBounded checks that a finding's size does not depend on the size of
// the scan: the JSON report stays under 1 KB a finding on average and grows linearly
// with the number of resources (bytes per resource at 1k and 10k within 10%).
func TestFindingsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("scans 11,000 resources")
	}
	perRes := map[int]float64{}
	for _, n := range []int{1000, 10000} {
		res, err := Run(context.Background(), aiARMCorpus(n), nil, Options{Frontends: realFrontends(), Catalog: catalog(t)})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Resources) != n {
			t.Fatalf("%d resources, want %d", len(res.Resources), n)
		}
		if len(res.Diagnostics) > 0 {
			t.Fatalf("%d diagnostics, first %+v", len(res.Diagnostics), res.Diagnostics[0])
		}
		c := res.Count()
		if c.Unknown == 0 || c.Fail == 0 {
			t.Fatalf("corpus should give unknowns and failures: %+v", c)
		}
		for _, format := range []string{JSON, SARIF, Text} {
			var b bytes.Buffer
			if err := Write(&b, res, format, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			per := float64(b.Len()) / float64(len(res.Findings))
			t.Logf("%s n=%d: %d findings, %d bytes, %.0f bytes/finding, %.0f bytes/resource", format, n, len(res.Findings), b.Len(), per, float64(b.Len())/float64(n))
			if format == JSON {
				if per >= 1024 {
					t.Errorf("n=%d: %.0f bytes per finding in JSON, want under 1 KB", n, per)
				}
				perRes[n] = float64(b.Len()) / float64(n)
			}
		}
		for i := range res.Findings {
			if f := &res.Findings[i]; len(f.Unresolved) > 10 || len(f.Message) > 2000 {
				t.Errorf("%s on %s: %d causes, %d-byte message: %.300s", f.Rule.ID, displayName(f.Resource), len(f.Unresolved), len(f.Message), f.Message)
				break
			}
		}
	}
	if r := perRes[10000] / perRes[1000]; r < 0.9 || r > 1.1 {
		t.Errorf("JSON bytes per resource: %.0f at 1k, %.0f at 10k (ratio %.2f), want within 10%%", perRes[1000], perRes[10000], r)
	}
}

// TestWorkloadScope checks that rules about the workload as a whole are judged once
// per workload: each ARM entry point is one, unless a directory or a single name
// groups them.
func TestWorkloadScope(t *testing.T) {
	fsys := aiARMCorpus(200) // 4 files
	for _, tc := range []struct {
		name      string
		dirs      []string
		one       string
		workloads int
	}{
		{"entry points", nil, "", 4},
		{"--workload ai", []string{"ai"}, "", 1},
		{"--workload ai/t0001", []string{"ai/t0001/"}, "", 4},
		{"answers file", nil, "awaf.yaml", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(context.Background(), fsys, nil, Options{Frontends: realFrontends(), Catalog: catalog(t), Workloads: tc.dirs, Workload: tc.one})
			if err != nil {
				t.Fatal(err)
			}
			perRule := map[string]map[string]int{}
			names := map[string]bool{}
			for i := range res.Findings {
				f := &res.Findings[i]
				if f.Workload == "" {
					t.Fatalf("%s on %s has no workload", f.Rule.ID, displayName(f.Resource))
				}
				names[f.Workload] = true
				if f.Rule.Scope == rules.ScopeWorkload {
					if perRule[f.Rule.ID] == nil {
						perRule[f.Rule.ID] = map[string]int{}
					}
					perRule[f.Rule.ID][f.Workload]++
				}
			}
			if len(names) != tc.workloads {
				t.Errorf("%d workloads %v, want %d", len(names), names, tc.workloads)
			}
			for _, id := range []string{"AWAF-AOAI-013", "AWAF-AOAI-015"} {
				if len(perRule[id]) != tc.workloads {
					t.Errorf("%s judged on %d workloads, want %d", id, len(perRule[id]), tc.workloads)
				}
				for w, n := range perRule[id] {
					if n != 1 {
						t.Errorf("%s: %d findings on workload %s, want 1", id, n, w)
					}
				}
			}
		})
	}
}
