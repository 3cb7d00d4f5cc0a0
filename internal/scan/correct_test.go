package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf/internal/iac"
)

// The regression tests of issue 10 ("correct on real templates"): each case is a
// pattern seen in a real repository that was judged wrongly.

// scanFiles scans an in-memory tree with the real front ends and the built-in rules.
func scanFiles(t *testing.T, files map[string]string) *Result {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	res, err := Run(context.Background(), fsys, nil, Options{Frontends: realFrontends(), Catalog: catalog(t), Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// status gives the outcome of rule on the resource named name ("" when the rule did
// not judge it), and how many times it was judged.
func status(r *Result, rule, name string) (string, int) {
	got, n := "", 0
	for _, f := range r.Findings.All() {
		if f.Rule.ID == rule && displayName(f.Resource) == name {
			got, n = string(f.Status), n+1
		}
	}
	return got, n
}

// checkStatus wants each "RULE name" judged once with the given outcome.
func checkStatus(t *testing.T, r *Result, want map[string]string) {
	t.Helper()
	for key, w := range want {
		rule, name, _ := strings.Cut(key, " ")
		got, n := status(r, rule, name)
		if got != w || n != 1 {
			t.Errorf("%s on %s: %q judged %d times, want %q once", rule, name, got, n, w)
		}
	}
	if t.Failed() {
		for _, f := range r.Findings.All() {
			t.Logf("  %s %s %s: %s", f.Status, f.Rule.ID, displayName(f.Resource), f.Message)
		}
		for _, d := range r.Diagnostics {
			t.Logf("  diagnostic %s %v: %s", d.Severity, d.Loc, d.Message)
		}
	}
}

// docResources renders the JSON report and returns its resources.
func docResources(t *testing.T, r *Result) []DocResource {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, r, JSON, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Summary   DocSummary    `json:"summary"`
		Resources []DocResource `json:"resources"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Summary.Resources != len(doc.Resources) {
		t.Errorf("summary counts %d resources, the list has %d", doc.Summary.Resources, len(doc.Resources))
	}
	return doc.Resources
}

func errorsOf(r *Result) []iac.Diagnostic {
	var out []iac.Diagnostic
	for _, d := range r.Diagnostics {
		if d.Severity == iac.DiagError {
			out = append(out, d)
		}
	}
	return out
}

// existingRepro is the 24-line reproduction of the issue: an AI account with a
// private endpoint and a diagnostic setting, both pointing at it through an
// `existing` declaration of the same account. Before the fix the declaration took
// the account's place in the link index and both checks failed.
const existingRepro = `param subnetId string
resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'ai-acct'
  location: 'eastus'
  kind: 'AIServices'
  sku: { name: 'S0' }
  properties: { publicNetworkAccess: 'Disabled', customSubDomainName: 'ai-acct' }
}
resource ref 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = {
  name: 'ai-acct'
}
resource pe 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe-ai'
  location: 'eastus'
  properties: {
    subnet: { id: subnetId }
    privateLinkServiceConnections: [ { name: 'c', properties: { privateLinkServiceId: ref.id, groupIds: [ 'account' ] } } ]
  }
}
resource diag 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag'
  scope: ref
  properties: { workspaceId: 'ws', logs: [ { categoryGroup: 'allLogs', enabled: true } ] }
}
`

func TestExistingDeclarationIsAReference(t *testing.T) {
	if n := strings.Count(existingRepro, "\n"); n != 24 {
		t.Fatalf("the reproduction has %d lines, want 24", n)
	}
	linked := map[string]string{"AWAF-AOAI-004 ai-acct": "pass", "AWAF-AOAI-011 ai-acct": "pass"}
	cases := []struct {
		name  string
		files map[string]string
		want  map[string]string
		// listed is the resources the JSON report lists, "name" or "name existing".
		listed []string
	}{
		{
			name:   "the 24-line reproduction",
			files:  map[string]string{"main.bicep": existingRepro},
			want:   linked,
			listed: []string{"ai-acct", "pe-ai", "diag"},
		},
		{
			name: "the same links through the declared symbol (control)",
			files: map[string]string{"main.bicep": strings.NewReplacer("ref.id", "account.id", "scope: ref", "scope: account").
				Replace(existingRepro)},
			want:   linked,
			listed: []string{"ai-acct", "pe-ai", "diag"},
		},
		{
			// The common real pattern: a module declares the account, another file
			// refers to it as existing by a generated name passed as a parameter.
			name: "existing in a module, named by the declared resource's generated name",
			files: map[string]string{
				"main.bicep": `param subnetId string
param token string
resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'ai-${token}'
  location: 'eastus'
  kind: 'AIServices'
  sku: { name: 'S0' }
}
module net 'net.bicep' = {
  name: 'net'
  params: { accountName: account.name, subnetId: subnetId }
}`,
				"net.bicep": `param accountName string
param subnetId string
resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = {
  name: accountName
}
resource pe 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe-ai'
  location: 'eastus'
  properties: {
    subnet: { id: subnetId }
    privateLinkServiceConnections: [ { name: 'c', properties: { privateLinkServiceId: ai.id, groupIds: [ 'account' ] } } ]
  }
}
resource diag 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag'
  scope: ai
  properties: { workspaceId: 'ws', logs: [ { categoryGroup: 'allLogs', enabled: true } ] }
}`,
			},
			want: map[string]string{
				"AWAF-AOAI-004 account (name not known before deployment)": "pass",
				"AWAF-AOAI-011 account (name not known before deployment)": "pass",
			},
			listed: []string{"account (name not known before deployment)", "pe-ai", "diag"},
		},
		{
			// Deployed elsewhere: listed and marked, never judged.
			name: "an existing declaration with nothing declared stays a marked reference",
			files: map[string]string{"main.bicep": `param kvName string
resource kv 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: kvName
}
resource other 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv-shared'
}`},
			want:   map[string]string{"AWAF-KV-002 kv-shared": "", "AWAF-KV-002 kv (name not known before deployment)": ""},
			listed: []string{"kv (name not known before deployment) existing", "kv-shared existing"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := scanFiles(t, tc.files)
			if errs := errorsOf(res); len(errs) > 0 {
				t.Errorf("errors: %v", errs)
			}
			for key, w := range tc.want {
				if w != "" {
					continue
				}
				rule, name, _ := strings.Cut(key, " ")
				if got, n := status(res, rule, name); n != 0 {
					t.Errorf("%s judged the existing declaration %s: %s", rule, name, got)
				}
				delete(tc.want, key)
			}
			checkStatus(t, res, tc.want)
			var listed []string
			for _, d := range docResources(t, res) {
				s := d.Name
				if d.Existing {
					s += " existing"
				}
				listed = append(listed, s)
			}
			if strings.Join(listed, ", ") != strings.Join(tc.listed, ", ") {
				t.Errorf("listed %q, want %q", listed, tc.listed)
			}
		})
	}
}

// bicepByName is an AI account named by a parameter, and a private endpoint whose
// target is the expression target; the diagnostic setting is scoped by symbol.
func bicepByName(target string) string {
	return `param accountName string
param subnetId string
resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: accountName
  location: 'eastus'
  kind: 'AIServices'
  sku: { name: 'S0' }
}
resource pe 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe'
  location: 'eastus'
  properties: {
    subnet: { id: subnetId }
    privateLinkServiceConnections: [ { name: 'c', properties: { privateLinkServiceId: ` + target + ` } } ]
  }
}
resource diag 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag'
  scope: account
  properties: { workspaceId: 'ws', logs: [ { categoryGroup: 'allLogs', enabled: true } ] }
}`
}

// TestLinksResolveByReference: a link whose target's name or id is unknown before
// deployment still names its resource; it is unknown only when the reference is.
func TestLinksResolveByReference(t *testing.T) {
	tfAccount := `variable "name" {}
variable "subnet_id" {}
resource "azurerm_cognitive_account" "ai" {
  name                = var.name
  location            = "eastus"
  resource_group_name = "rg"
  kind                = "OpenAI"
  sku_name            = "S0"
}
`
	tfPE := func(target string) string {
		return `resource "azurerm_private_endpoint" "pe" {
  name                = "pe"
  location            = "eastus"
  resource_group_name = "rg"
  subnet_id           = var.subnet_id
  private_service_connection {
    name                           = "c"
    private_connection_resource_id = ` + target + `
    is_manual_connection           = false
    subresource_names              = ["account"]
  }
}
resource "azurerm_monitor_diagnostic_setting" "d" {
  name                       = "d"
  target_resource_id         = ` + target + `
  log_analytics_workspace_id = "ws"
  enabled_log { category_group = "allLogs" }
}
`
	}
	unnamed := "azurerm_cognitive_account.ai (name not known before deployment)"
	cases := []struct {
		name  string
		files map[string]string
		want  map[string]string
	}{
		{
			name: "bicep symbolic name, generated name",
			files: map[string]string{"main.bicep": `param accountName string
param subnetId string
resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: accountName
  location: 'eastus'
  kind: 'AIServices'
  sku: { name: 'S0' }
}
resource pe 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe'
  location: 'eastus'
  properties: {
    subnet: { id: subnetId }
    privateLinkServiceConnections: [ { name: 'c', properties: { privateLinkServiceId: account.id } } ]
  }
}
resource diag 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag'
  scope: account
  properties: { workspaceId: 'ws', logs: [ { categoryGroup: 'allLogs', enabled: true } ] }
}`},
			want: map[string]string{
				"AWAF-AOAI-004 account (name not known before deployment)": "pass",
				"AWAF-AOAI-011 account (name not known before deployment)": "pass",
			},
		},
		{
			name:  "bicep resourceId() with the account's unknown name",
			files: map[string]string{"main.bicep": bicepByName("resourceId('Microsoft.CognitiveServices/accounts', accountName)")},
			want: map[string]string{
				"AWAF-AOAI-004 account (name not known before deployment)": "pass",
				"AWAF-AOAI-011 account (name not known before deployment)": "pass",
			},
		},
		{
			// Same name, another type: not the account; which resource it is stays
			// unknown before deployment.
			name:  "bicep resourceId() of another type with the same name",
			files: map[string]string{"main.bicep": bicepByName("resourceId('Microsoft.Storage/storageAccounts', accountName)")},
			want: map[string]string{
				"AWAF-AOAI-004 account (name not known before deployment)": "unknown",
				"AWAF-AOAI-011 account (name not known before deployment)": "pass",
			},
		},
		{
			name:  "terraform azurerm_x.y.id, name from a variable",
			files: map[string]string{"main.tf": tfAccount + tfPE("azurerm_cognitive_account.ai.id")},
			want:  map[string]string{"AWAF-AOAI-004 " + unnamed: "pass", "AWAF-AOAI-011 " + unnamed: "pass"},
		},
		{
			name: "terraform module output that passes the reference through",
			files: map[string]string{
				"main.tf": tfAccount + tfPE("module.pass.id") + `module "pass" {
  source = "./pass"
  id     = azurerm_cognitive_account.ai.id
}
`,
				"pass/main.tf": "variable \"id\" {}\noutput \"id\" { value = var.id }\n",
			},
			want: map[string]string{"AWAF-AOAI-004 " + unnamed: "pass", "AWAF-AOAI-011 " + unnamed: "pass"},
		},
		{
			name: "terraform for_each instance",
			files: map[string]string{"main.tf": strings.Replace(tfAccount, `resource "azurerm_cognitive_account" "ai" {`,
				"resource \"azurerm_cognitive_account\" \"ai\" {\n  for_each = toset([\"a\", \"b\"])", 1) +
				strings.Replace(tfPE(`azurerm_cognitive_account.ai["a"].id`), `"d" {`, `"d" {`, 1)},
			want: map[string]string{
				`AWAF-AOAI-004 azurerm_cognitive_account.ai["a"] (name not known before deployment)`: "pass",
				`AWAF-AOAI-011 azurerm_cognitive_account.ai["a"] (name not known before deployment)`: "pass",
				`AWAF-AOAI-004 azurerm_cognitive_account.ai["b"] (name not known before deployment)`: "fail",
				`AWAF-AOAI-011 azurerm_cognitive_account.ai["b"] (name not known before deployment)`: "fail",
			},
		},
		{
			// An id built on the reference names another resource (a child of it):
			// it does not link the account.
			name:  "terraform id built on a reference is not the reference",
			files: map[string]string{"main.tf": tfAccount + tfPE(`"${azurerm_cognitive_account.ai.id}/x"`)},
			want:  map[string]string{"AWAF-AOAI-004 " + unnamed: "unknown", "AWAF-AOAI-011 " + unnamed: "unknown"},
		},
		{
			// The reference itself is unresolved: the link stays unknown.
			name:  "terraform target from a variable",
			files: map[string]string{"main.tf": tfAccount + "variable \"target\" {}\n" + tfPE("var.target")},
			want:  map[string]string{"AWAF-AOAI-004 " + unnamed: "unknown", "AWAF-AOAI-011 " + unnamed: "unknown"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := scanFiles(t, tc.files)
			if errs := errorsOf(res); len(errs) > 0 {
				t.Errorf("errors: %v", errs)
			}
			checkStatus(t, res, tc.want)
		})
	}
}

// TestUnmappedTerraformTypesAreListed: every resource is kept and listed; a type no
// rule reads gets one informational diagnostic, however many resources it has.
func TestUnmappedTerraformTypesAreListed(t *testing.T) {
	res := scanFiles(t, map[string]string{"main.tf": `resource "azurerm_key_vault_secret" "s" {
  name         = "s"
  value        = "v"
  key_vault_id = "kv"
}
resource "azurerm_storage_share" "share" {
  count              = 2
  name               = "share${count.index}"
  storage_account_id = "sa"
  quota              = 50
}
resource "azurerm_cosmosdb_sql_container" "c" {
  name                = "c"
  resource_group_name = "rg"
  account_name        = "acct"
  database_name       = "db"
  partition_key_paths = ["/id"]
}
resource "azurerm_cosmosdb_sql_role_assignment" "ra" {
  resource_group_name = "rg"
  account_name        = "acct"
  role_definition_id  = "rd"
  principal_id        = "p"
  scope               = "s"
}
resource "azurerm_key_vault" "kv" {
  name                = "kv1"
  location            = "eastus"
  resource_group_name = "rg"
  tenant_id           = "t"
  sku_name            = "standard"
}
`})
	var listed []string
	for _, d := range docResources(t, res) {
		listed = append(listed, d.Type+" "+d.Name)
	}
	want := []string{
		"azurerm_key_vault_secret s", "azurerm_storage_share share0", "azurerm_storage_share share1",
		"azurerm_cosmosdb_sql_container c", "azurerm_cosmosdb_sql_role_assignment azurerm_cosmosdb_sql_role_assignment.ra",
		"Microsoft.KeyVault/vaults kv1",
	}
	if strings.Join(listed, "\n") != strings.Join(want, "\n") {
		t.Errorf("listed:\n%s\nwant:\n%s", strings.Join(listed, "\n"), strings.Join(want, "\n"))
	}
	var notes []string
	for _, d := range res.Diagnostics {
		if d.Severity != iac.DiagInfo {
			t.Errorf("unexpected diagnostic %s: %s", d.Severity, d.Message)
			continue
		}
		notes = append(notes, d.Message)
	}
	if len(notes) != 4 {
		t.Errorf("want one note per unmapped type (4), got %d: %q", len(notes), notes)
	}
	for _, n := range notes {
		if !strings.Contains(n, "no rules read this type yet") {
			t.Errorf("note %q does not say no rule reads the type", n)
		}
	}
	if _, n := status(res, "AWAF-KV-002", "kv1"); n != 1 {
		t.Errorf("the mapped Key Vault was judged %d times, want once", n)
	}
}

// TestSyntaxErrorResourceIsNotJudged: a declaration cut short by a syntax error is
// named in a diagnostic and not judged; the rest of the file still is.
func TestSyntaxErrorResourceIsNotJudged(t *testing.T) {
	cases := []struct {
		name, file, src, skipped, kept string
	}{
		{
			name: "bicep",
			file: "main.bicep",
			src: `resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'ai-acct'
  location: 'eastus'
  properties: {
    networkAcls: { defaultAction: 'Deny' ]
    publicNetworkAccess: 'Disabled'
    disableLocalAuth: true
  }
}
resource kv 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv1'
  location: 'eastus'
  properties: { tenantId: 't', sku: { family: 'A', name: 'standard' } }
}
`,
			skipped: "resource account is not checked",
			kept:    "kv1",
		},
		{
			name: "terraform",
			file: "main.tf",
			// HCL stops reading a file at a broken block, so the intact one comes first.
			src: `resource "azurerm_key_vault" "kv" {
  name                = "kv1"
  location            = "eastus"
  resource_group_name = "rg"
  tenant_id           = "t"
  sku_name            = "standard"
}
resource "azurerm_cognitive_account" "ai" {
  name                = "ai"
  location            = "eastus"
  resource_group_name = "rg"
  kind                = "OpenAI"
  sku_name            = "S0"
  network_acls {
    default_action = "Deny"
  ]
  local_auth_enabled = false
}
`,
			skipped: "resource azurerm_cognitive_account.ai is not checked",
			kept:    "kv1",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := scanFiles(t, map[string]string{tc.file: tc.src})
			for _, f := range res.Findings.All() {
				if f.Resource.Type == "Microsoft.CognitiveServices/accounts" {
					t.Errorf("the broken account was judged: %s %s", f.Status, f.Rule.ID)
				}
			}
			if _, n := status(res, "AWAF-KV-002", tc.kept); n != 1 {
				t.Errorf("the intact resource %s was judged %d times by AWAF-KV-002, want once", tc.kept, n)
			}
			said := false
			for _, d := range res.Diagnostics {
				said = said || strings.Contains(d.Message, tc.skipped)
			}
			if !said || len(errorsOf(res)) == 0 {
				t.Errorf("want the syntax error and %q, got %v", tc.skipped, res.Diagnostics)
			}
		})
	}
}

// TestSelfCallingModuleIsExpandedOnce: a root module whose module block calls its
// own directory is read once; every finding is reported once.
func TestSelfCallingModuleIsExpandedOnce(t *testing.T) {
	for _, source := range []string{"./", "."} {
		t.Run(source, func(t *testing.T) {
			res := scanFiles(t, map[string]string{"infra/main.tf": `resource "azurerm_key_vault" "kv" {
  name                = "kv1"
  location            = "eastus"
  resource_group_name = "rg"
  tenant_id           = "t"
  sku_name            = "standard"
}
module "again" {
  source = "` + source + `"
}
`})
			if len(res.Resources) != 1 {
				t.Errorf("%d resources, want 1: %v", len(res.Resources), res.Resources)
			}
			checkStatus(t, res, map[string]string{"AWAF-KV-002 kv1": "fail"})
		})
	}
}

// TestCompiledTemplateBesideItsBicepIsReadOnce: azd repositories commit main.json,
// compiled by Bicep, next to main.bicep; reading both reported every finding twice.
func TestCompiledTemplateBesideItsBicepIsReadOnce(t *testing.T) {
	bicep := `resource kv 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv1'
  location: 'eastus'
  properties: { tenantId: 't', sku: { family: 'A', name: 'standard' } }
}
`
	compiled := func(generator string) string {
		return `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "metadata": { "_generator": { "name": "` + generator + `", "version": "0.34.44.8038" } },
  "resources": [ { "type": "Microsoft.KeyVault/vaults", "apiVersion": "2023-07-01", "name": "kv1", "location": "eastus",
    "properties": { "tenantId": "t", "sku": { "family": "A", "name": "standard" } } } ]
}`
	}
	cases := []struct {
		name  string
		files map[string]string
		times int
	}{
		{"compiled beside its source", map[string]string{"infra/main.bicep": bicep, "infra/main.json": compiled("bicep")}, 1},
		{"written by hand beside a bicep file", map[string]string{"infra/main.bicep": bicep, "infra/main.json": compiled("hand")}, 2},
		{"compiled, source elsewhere", map[string]string{"a/main.bicep": bicep, "b/main.json": compiled("bicep")}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := scanFiles(t, tc.files)
			if _, n := status(res, "AWAF-KV-002", "kv1"); n != tc.times {
				t.Errorf("judged %d times, want %d", n, tc.times)
			}
			noted := false
			for _, d := range res.Diagnostics {
				noted = noted || strings.Contains(d.Message, "is compiled from infra/main.bicep")
			}
			if noted != (tc.times == 1) {
				t.Errorf("note about the compiled file: %v, want %v (%v)", noted, tc.times == 1, res.Diagnostics)
			}
		})
	}
}
