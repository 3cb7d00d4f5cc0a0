package scan

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf/internal/rules"
	"github.com/awaf/awaf/internal/scancache"
)

// The rules that read other resources or the workload are kept per group too, with a
// digest of what they read beyond the group (rules.Span). These tests change one
// file in a way that changes what such a rule reads of a resource in another,
// unchanged file, and check that a scan through the cache gives what a scan without
// it gives, and that the resource's findings did change.

// lateTmpl is an ARM template with the given parameters and resources.
func lateTmpl(params string, resources ...string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte(`{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
  "parameters": {` + params + `},
  "resources": [` + strings.Join(resources, ",\n    ") + `]}
`)}
}

const (
	lateAcctB = `{"type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "acct-b", "location": "westeurope", "kind": "OpenAI", "sku": {"name": "S0"},
      "properties": {"publicNetworkAccess": "Disabled", "encryption": {"keySource": "Microsoft.KeyVault", "keyVaultProperties": {"keyVaultUri": "https://kv-a.vault.azure.net/keys/k", "keyName": "k"}}}}`
	lateDeployB = `{"type": "Microsoft.CognitiveServices/accounts/deployments", "apiVersion": "2024-10-01", "name": "acct-b/gpt", "sku": {"name": "Standard", "capacity": 10},
      "properties": {"model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-08-06"}, "raiPolicyName": "strict"}}`
	lateSearchB = `{"type": "Microsoft.Search/searchServices", "apiVersion": "2023-11-01", "name": "srch-b", "location": "westeurope", "sku": {"name": "basic"}, "properties": {"publicNetworkAccess": "disabled"}}`
	lateStorage = `{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-05-01", "name": "sta", "location": "westeurope", "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}`
	lateParams  = `"target": {"type": "string"}`
)

func lateVault(purge bool) string {
	return fmt.Sprintf(`{"type": "Microsoft.KeyVault/vaults", "apiVersion": "2023-07-01", "name": "kv-a", "location": "westeurope", "properties": {"tenantId": "t", "sku": {"family": "A", "name": "standard"}, "enableSoftDelete": true, "enablePurgeProtection": %v}}`, purge)
}

func latePE(name, target string) string {
	return fmt.Sprintf(`{"type": "Microsoft.Network/privateEndpoints", "apiVersion": "2023-11-01", "name": "%s", "location": "westeurope",
      "properties": {"subnet": {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s"},
        "privateLinkServiceConnections": [{"name": "c", "properties": {"privateLinkServiceId": "%s", "groupIds": ["account"]}}]}}`, name, target)
}

const (
	lateDiag = `{"type": "Microsoft.CognitiveServices/accounts/providers/diagnosticSettings", "apiVersion": "2021-05-01-preview", "name": "acct-b/Microsoft.Insights/diag",
      "properties": {"workspaceId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/w", "logs": [{"categoryGroup": "allLogs", "enabled": true}]}}`
	lateAlert = `{"type": "Microsoft.Insights/metricAlerts", "apiVersion": "2018-03-01", "name": "al", "location": "global",
      "properties": {"enabled": true, "severity": 2, "scopes": ["[resourceId('Microsoft.CognitiveServices/accounts', 'acct-b')]"], "evaluationFrequency": "PT1M", "windowSize": "PT5M",
        "criteria": {"odata.type": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria", "allOf": []}}}`
	lateRAI   = `{"type": "Microsoft.CognitiveServices/accounts/raiPolicies", "apiVersion": "2024-10-01", "name": "acct-b/strict", "properties": {"basePolicyName": "Microsoft.DefaultV2", "mode": "Blocking"}}`
	lateAcctC = `{"type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "acct-c", "location": "eastus", "kind": "OpenAI", "sku": {"name": "S0"}, "properties": {"publicNetworkAccess": "Disabled"}}`
)

// lateCorpus has the resources whose findings must follow the changes, in b/, and
// what changes, in a/ and c/ (other groups); more templates around them stay as
// they are.
func lateCorpus(a string, c ...string) fstest.MapFS {
	m := fstest.MapFS{
		"a/azuredeploy.json": lateTmpl(lateParams, lateStorage, a),
		"b/azuredeploy.json": lateTmpl("", lateAcctB, lateDeployB, lateSearchB),
	}
	if len(c) > 0 {
		m["c/azuredeploy.json"] = lateTmpl("", c...)
	}
	for i := range 3 {
		m[fmt.Sprintf("d%d/azuredeploy.json", i)] = lateTmpl("", strings.NewReplacer("acct-c", fmt.Sprintf("acct-d%d", i), "eastus", "westeurope").Replace(lateAcctC))
	}
	return m
}

// ofB gives the findings on b/'s resources, as text.
func ofB(res *Result) []string {
	var out []string
	for _, f := range res.Findings.Slice() {
		if f.Resource != nil && f.Resource.Loc.File == "b/azuredeploy.json" {
			out = append(out, fmt.Sprintf("%s %s %s %v", f.Rule.ID, f.Status, f.Message, f.Unresolved))
		}
	}
	return out
}

func TestCacheLateFollowsOtherFiles(t *testing.T) {
	cat := catalog(t)
	acctB := "[resourceId('Microsoft.CognitiveServices/accounts', 'acct-b')]"
	for _, tt := range []struct {
		name      string
		before    fstest.MapFS
		after     fstest.MapFS
		workloads []string
	}{
		{"private endpoint added", lateCorpus(lateVault(false)), lateCorpus(lateVault(false) + "," + latePE("pe-b", acctB)), nil},
		{"private endpoint removed", lateCorpus(lateVault(false) + "," + latePE("pe-b", acctB)), lateCorpus(lateVault(false)), nil},
		{"private endpoint of unknown target", lateCorpus(lateVault(false)), lateCorpus(lateVault(false) + "," + latePE("pe-x", "[parameters('target')]")), nil},
		{"diagnostic setting", lateCorpus(lateVault(false)), lateCorpus(lateVault(false) + "," + lateDiag), nil},
		{"metric alert", lateCorpus(lateVault(false)), lateCorpus(lateVault(false) + "," + lateAlert), nil},
		{"key vault changed", lateCorpus(lateVault(false)), lateCorpus(lateVault(true)), nil},
		{"key vault removed", lateCorpus(lateVault(false)), lateCorpus(lateStorage), nil},
		{"sibling declared", lateCorpus(lateVault(false)), lateCorpus(lateVault(false) + "," + lateRAI), nil},
		{"second region in the workload", lateCorpus(lateVault(false)), lateCorpus(lateVault(false), lateAcctC), []string{"."}},
		{"a file of the workload changed", lateCorpus(lateVault(false), lateStorage), lateCorpus(lateVault(false), lateAcctC), []string{"."}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			scan := func(fsys fstest.MapFS, c *scancache.Cache) *Result {
				t.Helper()
				res, err := Run(context.Background(), fsys, nil, Options{Frontends: realFrontends(), Catalog: cat, Cache: c, Now: fixedNow, Workloads: tt.workloads})
				if err != nil {
					t.Fatal(err)
				}
				return res
			}
			before, after := scan(tt.before, nil), scan(tt.after, nil)
			if slices.Equal(ofB(before), ofB(after)) {
				t.Fatalf("the change does not change b's findings:\n%s", strings.Join(ofB(after), "\n"))
			}
			for _, way := range []struct {
				name  string
				fsys  fstest.MapFS
				want  *Result
				fresh bool
			}{{"cold", tt.before, before, true}, {"warm", tt.before, before, false}, {"changed", tt.after, after, false}, {"changed back", tt.before, before, false}} {
				c := openCache(t, dir)
				got := scan(way.fsys, c)
				sameOutputs(t, way.name, outputs(t, got), outputs(t, way.want))
				reused, judged := c.LateStats()
				switch way.name {
				case "warm":
					if judged != 0 || reused == 0 {
						t.Errorf("warm: %d groups' late findings reused, %d judged; want all reused", reused, judged)
					}
				case "changed":
					// b's group must be judged again, although its files are unchanged.
					if judged < 2 {
						t.Errorf("changed: %d groups' late findings reused, %d judged; want a/ (or c/) and b/ judged", reused, judged)
					}
				}
			}
		})
	}
}

// TestCacheLateReusedWhenUnaffected: a change in one template of a corpus whose
// templates do not link to one another judges only its own group's late rules again.
func TestCacheLateReusedWhenUnaffected(t *testing.T) {
	cat := catalog(t)
	for name, corpus := range map[string]fstest.MapFS{"arm": aiARMCorpus(500), "bicep": aiBicepCorpus(500), "terraform": aiTFCorpus(1500)} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			c := openCache(t, dir)
			cacheScan(t, corpus, cat, c, nil)
			if reused, judged := c.LateStats(); reused != 0 || judged == 0 {
				t.Errorf("cold: %d reused, %d judged", reused, judged)
			}
			c = openCache(t, dir)
			cacheScan(t, corpus, cat, c, nil)
			if reused, judged := c.LateStats(); reused == 0 || judged != 0 {
				t.Errorf("warm: %d reused, %d judged", reused, judged)
			}
			c = openCache(t, dir)
			changed := change(corpus)
			got := outputs(t, cacheScan(t, changed, cat, c, nil))
			if reused, judged := c.LateStats(); reused == 0 || judged != 1 {
				t.Errorf("one file changed: %d reused, %d judged; want 1 judged", reused, judged)
			}
			sameOutputs(t, "one file changed", got, outputs(t, cacheScan(t, changed, cat, nil, nil)))
		})
	}
}

var _ = rules.Span{}
