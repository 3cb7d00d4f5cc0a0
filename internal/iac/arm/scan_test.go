package arm

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

const schema = `"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"`
const paramSchema = `"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"`

func tmpl(body string) string { return "{" + schema + ", " + body + "}" }

func TestKind(t *testing.T) {
	tests := []struct {
		name, src string
		want      FileKind
	}{
		{"template", tmpl(`"resources": []`), Template},
		{"subscription template", `{"$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#"}`, Template},
		{"parameters", "{" + paramSchema + "}", Parameters},
		{"other json", `{"name": "package", "version": "1.0.0"}`, NotARM},
		{"other schema", `{"$schema": "http://json-schema.org/draft-07/schema#", "title": "deploymentTemplate"}`, NotARM},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Kind([]byte(tt.src)); got != tt.want {
				t.Errorf("Kind = %v, want %v", got, tt.want)
			}
		})
	}
}

func expand(t *testing.T, src string, params map[string]*iac.Value) ([]iac.Resource, []iac.Diagnostic) {
	t.Helper()
	return Expand(context.Background(), "main.json", []byte(src), params)
}

func TestExpandCases(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		params map[string]*iac.Value
		check  func(t *testing.T, res []iac.Resource, diags []iac.Diagnostic)
	}{
		{
			name: "copy with unknown count gives one instance marked conditional",
			src: tmpl(`"parameters": {"n": {"type": "int"}}, "resources": [{"type": "Microsoft.Search/searchServices", "apiVersion": "2024-06-01-preview",
				"name": "[concat('s', copyIndex())]", "copy": {"name": "l", "count": "[parameters('n')]"}, "properties": {"replicaCount": 3}}]`),
			check: func(t *testing.T, res []iac.Resource, diags []iac.Diagnostic) {
				if len(res) != 1 || res[0].Condition == nil || !strings.Contains(res[0].Condition.Why, "parameter 'n' has no value") {
					t.Fatalf("got %+v", res)
				}
				if !res[0].Name.IsUnknown() {
					t.Errorf("name %s should be unknown", res[0].Name)
				}
				if n, known, _ := res[0].Properties.Get("replicaCount").AsNumber(); n != 3 || !known {
					t.Errorf("replicaCount = %v", n)
				}
			},
		},
		{
			name: "condition false drops the resource and its children",
			src: tmpl(`"resources": [{"condition": "[equals('a', 'b')]", "type": "Microsoft.Storage/storageAccounts", "name": "st",
				"resources": [{"type": "blobServices", "name": "default"}]}, {"type": "Microsoft.KeyVault/vaults", "name": "kv"}]`),
			check: func(t *testing.T, res []iac.Resource, diags []iac.Diagnostic) {
				if len(res) != 1 || res[0].Type != "Microsoft.KeyVault/vaults" {
					t.Fatalf("got %d resources: %+v", len(res), res)
				}
			},
		},
		{
			name: "children of a looped parent get each parent's name",
			src: tmpl(`"resources": [{"type": "Microsoft.CognitiveServices/accounts", "name": "[format('oai{0}', copyIndex(1))]",
				"copy": {"name": "accts", "count": 2},
				"resources": [{"type": "deployments", "name": "gpt", "properties": {"raiPolicyName": "[concat('p', copyIndex())]"}}]}]`),
			check: func(t *testing.T, res []iac.Resource, diags []iac.Diagnostic) {
				var names []string
				for _, r := range res {
					names = append(names, r.Type+" "+r.Name.String()+" "+r.Properties.Get("raiPolicyName").String())
				}
				want := `Microsoft.CognitiveServices/accounts "oai1" null|Microsoft.CognitiveServices/accounts/deployments "oai1/gpt" "p0"|` +
					`Microsoft.CognitiveServices/accounts "oai2" null|Microsoft.CognitiveServices/accounts/deployments "oai2/gpt" "p1"`
				if got := strings.Join(names, "|"); got != want {
					t.Errorf("got  %s\nwant %s", got, want)
				}
				if !strings.HasSuffix(res[1].Parent, "/accounts/oai1") {
					t.Errorf("parent = %q", res[1].Parent)
				}
			},
		},
		{
			name:   "explicit parameters override defaults",
			src:    tmpl(`"parameters": {"sku": {"type": "string", "defaultValue": "F0"}}, "resources": [{"type": "Microsoft.CognitiveServices/accounts", "name": "a", "sku": {"name": "[parameters('sku')]"}}]`),
			params: map[string]*iac.Value{"SKU": iac.NewString("S0", awaf.Location{File: "main.bicep", Line: 3, Column: 9})},
			check: func(t *testing.T, res []iac.Resource, diags []iac.Diagnostic) {
				if got := res[0].SKU.Get("name"); got.String() != `"S0"` || got.Loc.File != "main.json" {
					t.Errorf("sku.name = %s at %+v", got, got.Loc)
				}
			},
		},
		{
			name: "outer-scoped nested deployment sees the outer variables",
			src: tmpl(`"variables": {"n": "inner-kv"}, "resources": [{"type": "Microsoft.Resources/deployments", "name": "d",
				"properties": {"template": {"resources": [{"type": "Microsoft.KeyVault/vaults", "name": "[variables('n')]"}]}}}]`),
			check: func(t *testing.T, res []iac.Resource, diags []iac.Diagnostic) {
				if len(res) != 1 || res[0].Name.String() != `"inner-kv"` || len(res[0].Via) != 1 {
					t.Fatalf("got %+v", res)
				}
			},
		},
		{
			name: "property names that are expressions are evaluated",
			src:  tmpl(`"resources": [{"type": "Microsoft.Web/sites", "name": "app", "tags": {"[concat('hidden-', 'link')]": "x", "[[literal]": 1}}]`),
			check: func(t *testing.T, res []iac.Resource, diags []iac.Diagnostic) {
				if got := res[0].Tags.String(); got != `{"hidden-link":"x","[literal]":1}` {
					t.Errorf("tags = %s", got)
				}
			},
		},
		{
			name: "copy count above the ARM limit is capped with a diagnostic",
			src:  tmpl(`"resources": [{"type": "Microsoft.Network/publicIPAddresses", "name": "[string(copyIndex())]", "copy": {"name": "c", "count": 900}}]`),
			check: func(t *testing.T, res []iac.Resource, diags []iac.Diagnostic) {
				if len(res) != maxCopy || len(diags) != 1 || !strings.Contains(diags[0].Message, "above ARM's limit of 800") {
					t.Errorf("got %d resources, diags %v", len(res), diags)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, diags := expand(t, tt.src, tt.params)
			tt.check(t, res, diags)
		})
	}
}

func TestExpandDiagnostics(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // "line:col: message"
		resources int
	}{
		{"broken json", "{\n" + schema + ",\n \"resources\": [\n  {\"type\": \"a\" \"name\": \"b\"}\n ]\n}", `4:16: expected ',' or '}' after the value of "type", found '"'`, 0},
		{"resource without type", tmpl("\n\"resources\": [\n  {\"name\": \"x\"}, {\"type\": \"Microsoft.KeyVault/vaults\", \"name\": \"kv\"}]"), `3:3: resource: expected a "type" string such as "Microsoft.Storage/storageAccounts"`, 1},
		{"resource not an object", tmpl("\"resources\": [42]"), `1:110: expected a resource object, found number`, 0},
		{"condition not a bool", tmpl("\"resources\": [{\"condition\": \"[concat('a')]\", \"type\": \"Microsoft.Web/sites\", \"name\": \"x\"}]"), `1:124: "condition" must be a bool, found string`, 1},
		{"resources wrong kind", tmpl(`"resources": "none"`), `1:109: "resources" must be an array (or an object keyed by symbolic name), found string`, 0},
		{"bad expression in a property", tmpl("\"resources\": [{\"type\": \"Microsoft.Web/sites\", \"name\": \"x\", \"properties\": {\"httpsOnly\": \"[if(true(), 1]\"}}]"), `1:197: invalid expression: expected ',' or ')' in the arguments of if, found end of expression`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, diags := expand(t, tt.src, nil)
			if len(res) != tt.resources {
				t.Errorf("got %d resources, want %d", len(res), tt.resources)
			}
			var got []string
			for _, d := range diags {
				if d.Loc.File != "main.json" {
					t.Errorf("diagnostic without the file: %+v", d)
				}
				got = append(got, strings.TrimPrefix(d.Loc.File+":", "main.json:")+strconv.Itoa(d.Loc.Line)+":"+strconv.Itoa(d.Loc.Column)+": "+d.Message)
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("diagnostics %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestScanPairsParametersAndCarriesOn(t *testing.T) {
	fsys := fstest.MapFS{
		"infra/main.json": {Data: []byte(tmpl(`"parameters": {"sku": {"type": "string"}, "key": {"type": "securestring"}},
			"resources": [{"type": "Microsoft.Search/searchServices", "name": "s", "sku": {"name": "[parameters('sku')]"}, "properties": {"k": "[parameters('key')]"}}]`))},
		"infra/main.parameters.json": {Data: []byte("{" + paramSchema + `, "parameters": {"sku": {"value": "standard"},
			"key": {"reference": {"keyVault": {"id": "/subscriptions/x/resourceGroups/y/providers/Microsoft.KeyVault/vaults/kv"}, "secretName": "k"}}}}`)},
		"infra/broken.json":                 {Data: []byte("{" + schema + ", \"resources\": [}")},
		"infra/package.json":                {Data: []byte(`{"name": "not a template"}`)},
		"other/azuredeploy.json":            {Data: []byte(tmpl(`"parameters": {"n": {"type": "string"}}, "resources": [{"type": "Microsoft.KeyVault/vaults", "name": "[parameters('n')]"}]`))},
		"other/azuredeploy.parameters.json": {Data: []byte("{" + paramSchema + `, "parameters": {"n": {"value": "kv1"}}}`)},
	}
	res, diags, err := Scan(context.Background(), fsys, []string{"infra", "other"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 {
		t.Fatalf("got %d resources", len(res))
	}
	if got := res[0].SKU.Get("name"); got.String() != `"standard"` || got.Loc.File != "infra/main.json" {
		t.Errorf("sku = %s at %+v", got, got.Loc)
	}
	if k := res[0].Properties.Get("k"); !k.IsUnknown() || !strings.Contains(k.Why, "Key Vault") {
		t.Errorf("key = %s", k)
	}
	if res[1].Name.String() != `"kv1"` || res[1].Source != "arm" {
		t.Errorf("second = %s %s", res[1].Name, res[1].Source)
	}
	if len(diags) != 1 || diags[0].Loc.File != "infra/broken.json" || diags[0].Loc.Line != 1 {
		t.Errorf("diags = %+v", diags)
	}
}

func TestScanExplicitParameters(t *testing.T) {
	fsys := fstest.MapFS{
		"t.json":     {Data: []byte(tmpl(`"parameters": {"a": {"type": "string"}, "b": {"type": "string"}}, "resources": [{"type": "Microsoft.Web/sites", "name": "[concat(parameters('a'), parameters('b'))]"}]`))},
		"dev.params": {Data: []byte("{" + paramSchema + `, "parameters": {"a": {"value": "x"}, "b": {"value": "file"}}}`)},
	}
	s := &Scanner{ParameterFiles: map[string]string{"t.json": "dev.params"}, Parameters: map[string]*iac.Value{"b": iac.NewString("cli", awaf.Location{})}}
	res, diags, err := s.Scan(context.Background(), fsys, []string{"t.json"}, nil)
	if err != nil || len(diags) != 0 {
		t.Fatal(err, diags)
	}
	if res[0].Name.String() != `"xcli"` {
		t.Errorf("name = %s", res[0].Name)
	}
}

func TestScanCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fsys := fstest.MapFS{"t.json": {Data: []byte(tmpl(`"resources": []`))}}
	if _, _, err := Scan(ctx, fsys, []string{"."}); err == nil {
		t.Error("want the context error")
	}
}

func TestScanFollowsLinkedTemplates(t *testing.T) {
	fsys := fstest.MapFS{
		"main.json": {Data: []byte(tmpl(`"resources": [
			{"type": "Microsoft.Resources/deployments", "name": "search", "properties": {"templateLink": {"relativePath": "modules/search.json"},
			  "parameters": {"replicas": {"value": 3}}}},
			{"type": "Microsoft.Resources/deployments", "name": "remote", "properties": {"templateLink": {"uri": "https://example.org/t.json"}}},
			{"type": "Microsoft.Resources/deployments", "name": "loop", "properties": {"templateLink": {"relativePath": "main.json"}}}]`))},
		"modules/search.json": {Data: []byte(tmpl(`"parameters": {"replicas": {"type": "int"}}, "resources": [{"type": "Microsoft.Search/searchServices", "name": "s", "properties": {"replicaCount": "[parameters('replicas')]"}}]`))},
	}
	res, diags, err := Scan(context.Background(), fsys, []string{"."})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Loc.File != "modules/search.json" || len(res[0].Via) != 1 || res[0].Via[0].File != "main.json" {
		t.Fatalf("resources = %+v", res)
	}
	if got := res[0].Properties.Get("replicaCount").String(); got != "3" {
		t.Errorf("replicaCount = %s", got)
	}
	var msgs []string
	for _, d := range diags {
		msgs = append(msgs, d.Message)
	}
	want := "linked template https://example.org/t.json is not fetched; only relativePath links inside the scanned files are followed, so its resources are not scanned|linked template cycle: main.json -> main.json"
	if strings.Join(msgs, "|") != want {
		t.Errorf("diagnostics %q", msgs)
	}
}

func TestDeploymentOutputsAndReference(t *testing.T) {
	src := tmpl(`"resources": [
	  {"type": "Microsoft.Resources/deployments", "name": "identity", "properties": {
	    "expressionEvaluationOptions": {"scope": "inner"},
	    "template": {"parameters": {"n": {"type": "string", "defaultValue": "agents-id"}},
	      "resources": [], "outputs": {"id": {"type": "string", "value": "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('n'))]"},
	      "principal": {"type": "string", "value": "[reference(parameters('n')).principalId]"}}}}},
	  {"type": "Microsoft.Search/searchServices", "name": "s",
	   "identity": {"type": "UserAssigned", "userAssignedIdentities": {"[reference(resourceId('Microsoft.Resources/deployments', 'identity'), '2022-09-01').outputs.id.value]": {}}},
	   "properties": {"owner": "[reference('identity', '2022-09-01', 'Full').properties.outputs.principal.value]"}}],
	 "outputs": {"searchName": {"type": "string", "value": "s"}, "names": {"type": "array", "copy": {"count": 2, "input": "[format('n{0}', copyIndex())]"}}}`)
	r := Evaluate(context.Background(), "main.json", []byte(src), nil)
	if len(r.Diagnostics) != 0 || len(r.Resources) != 1 {
		t.Fatalf("got %+v", r)
	}
	ids := r.Resources[0].Identity.Get("userAssignedIdentities")
	if len(ids.Keys) != 1 || !strings.HasSuffix(ids.Keys[0], "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/agents-id") {
		t.Errorf("identities = %s", ids)
	}
	if owner := r.Resources[0].Properties.Get("owner"); !owner.IsUnknown() {
		t.Errorf("owner = %s, want unknown", owner)
	}
	if got := r.Outputs.String(); got != `{"searchName":{"type":"string","value":"s"},"names":{"type":"array","value":["n0","n1"]}}` {
		t.Errorf("outputs = %s", got)
	}
}

func TestConditionalDeploymentMarksItsResources(t *testing.T) {
	src := tmpl(`"parameters": {"withSearch": {"type": "bool"}}, "resources": [
	  {"condition": "[parameters('withSearch')]", "type": "Microsoft.Resources/deployments", "name": "d", "properties": {
	    "expressionEvaluationOptions": {"scope": "inner"},
	    "template": {"resources": [{"type": "Microsoft.Search/searchServices", "name": "s"}, {"condition": "[false()]", "type": "Microsoft.Web/sites", "name": "w"}]}}}]`)
	res, diags := expand(t, src, nil)
	if len(diags) != 0 || len(res) != 1 {
		t.Fatalf("got %v %v", res, diags)
	}
	if c := res[0].Condition; c == nil || !strings.Contains(c.Why, "parameter 'withSearch' has no value") {
		t.Errorf("condition = %v", c)
	}
}
