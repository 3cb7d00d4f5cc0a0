package bicep

import (
	"strings"
	"testing"
)

// shared.json is what "bicep build" makes of a file exporting two variables, a type
// and a function.
const sharedJSON = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "languageVersion": "2.0",
  "contentVersion": "1.0.0.0",
  "metadata": {
    "_generator": {"name": "bicep", "version": "0.30.0"},
    "__bicep_exported_variables!": [
      {"name": "region", "description": "Primary region"},
      {"name": "naming"}
    ]
  },
  "definitions": {
    "tagsType": {"type": "object", "metadata": {"__bicep_export!": true}},
    "hidden": {"type": "string"}
  },
  "functions": [{"namespace": "__bicep", "members": {
    "prefixed": {"parameters": [{"type": "string", "name": "n"}], "output": {"type": "string", "value": "[format('x-{0}', parameters('n'))]"},
      "metadata": {"__bicep_export!": true}}}}],
  "variables": {
    "region": "swedencentral",
    "base": "ai",
    "naming": {"search": "[format('{0}-srch', variables('base'))]", "zones": [1, 2]}
  },
  "resources": {}
}`

func TestImportFromARMJSON(t *testing.T) {
	tests := []struct {
		name      string
		main      string
		extra     map[string]string
		want      string // name@location of each resource
		wantDiags []string
	}{
		{
			name: "exported variables by name and alias, types need nothing",
			main: "import { region, naming as n, tagsType } from 'shared/shared.json'\nparam tags tagsType = {}\n" +
				"resource s 'Microsoft.Search/searchServices@2023-11-01' = {\n  name: n.search\n  location: region\n}\n",
			want: "ai-srch@swedencentral",
		},
		{
			name: "wildcard import reads variables as members",
			main: "import * as sh from 'shared/shared.json'\n" +
				"resource s 'Microsoft.Search/searchServices@2023-11-01' = {\n  name: sh.naming.search\n  location: sh.region\n}\n",
			want: "ai-srch@swedencentral",
		},
		{
			name: "functions from ARM JSON are reported where called",
			main: "import { prefixed } from 'shared/shared.json'\nimport * as sh from 'shared/shared.json'\n" +
				"resource s 'Microsoft.Search/searchServices@2023-11-01' = {\n  name: prefixed('a')\n  location: sh.prefixed('b')\n}\n",
			want: "?@?",
			wantDiags: []string{
				"main.bicep:1:1: warning: unsupported construct: function prefixed imported from ARM JSON file shared/shared.json is not evaluated",
				"main.bicep:2:1: warning: unsupported construct: function prefixed imported from ARM JSON file shared/shared.json is not evaluated",
			},
		},
		{
			name: "names the file does not export",
			main: "import { base, hidden, nope } from 'shared/shared.json'\n" +
				"resource s 'Microsoft.Search/searchServices@2023-11-01' = {\n  name: 'fixed'\n}\n",
			want: "fixed@",
			wantDiags: []string{
				`main.bicep:1:10: warning: "base" is not exported by shared/shared.json (a compiled Bicep file marks its exports in its metadata)`,
				`main.bicep:1:16: warning: "hidden" is not exported by shared/shared.json (a compiled Bicep file marks its exports in its metadata)`,
				`main.bicep:1:24: warning: "nope" is not exported by shared/shared.json (a compiled Bicep file marks its exports in its metadata)`,
			},
		},
		{
			name:      "missing file",
			main:      "import { region } from 'nope.json'\nresource s 'Microsoft.Search/searchServices@2023-11-01' = {\n  name: 'fixed'\n}\n",
			want:      "fixed@",
			wantDiags: []string{"main.bicep:1:1: error: import nope.json: open nope.json: file does not exist"},
		},
		{
			name: "broken JSON and a bad exported variable are reported in the JSON file",
			main: "import { region } from 'bad.json'\nimport { loop } from 'loop.json'\nresource s 'Microsoft.Search/searchServices@2023-11-01' = {\n  name: 'fixed'\n  location: loop\n}\n",
			extra: map[string]string{
				"bad.json":  "{\n  \"metadata\": [",
				"loop.json": "{\"metadata\": {\"__bicep_exported_variables!\": [{\"name\": \"loop\"}]},\n \"variables\": {\"loop\": \"[variables('loop')]\"}}",
			},
			want: "fixed@?",
			wantDiags: []string{
				"bad.json:2:16: error: ",
				`main.bicep:1:10: warning: "region" is not exported by bad.json`,
				`loop.json:2:24: error: [variables('loop')]: variable "loop" refers to itself`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"main.bicep": tt.main, "shared/shared.json": sharedJSON}
			for k, v := range tt.extra {
				files[k] = v
			}
			res, diags := scanFiles(t, files, "main.bicep")
			var got []string
			for _, r := range res {
				n, l := "?", "?"
				if !r.Name.IsUnknown() {
					n = r.Name.Str
				}
				if r.Location == nil {
					l = ""
				} else if !r.Location.IsUnknown() {
					l = r.Location.Str
				}
				got = append(got, n+"@"+l)
			}
			if strings.Join(got, ",") != tt.want {
				t.Errorf("resources %s, want %s", strings.Join(got, ","), tt.want)
			}
			if len(diags) != len(tt.wantDiags) {
				t.Fatalf("diagnostics:\n%s\nwant:\n%s", strings.Join(diags, "\n"), strings.Join(tt.wantDiags, "\n"))
			}
			for i := range diags {
				if !strings.HasPrefix(diags[i], tt.wantDiags[i]) {
					t.Errorf("diagnostic %d\n got %s\nwant %s", i, diags[i], tt.wantDiags[i])
				}
			}
		})
	}
}

// "import * as ns" of a Bicep file reads its exported variables as ns.name.
func TestWildcardImportOfVariables(t *testing.T) {
	res, diags := scanFiles(t, map[string]string{
		"main.bicep": "import * as lib from 'lib.bicep'\nresource s 'Microsoft.Search/searchServices@2023-11-01' = {\n  name: lib.names.search\n  location: lib.region\n  properties: { x: lib.internal }\n}\n",
		"lib.bicep":  "@export()\nvar region = 'swedencentral'\n@export()\nvar names = { search: '${prefix}-srch' }\nvar prefix = 'ai'\nvar internal = 1\n",
	}, "main.bicep")
	if len(res) != 1 || res[0].Name.Str != "ai-srch" || res[0].Location.Str != "swedencentral" {
		t.Fatalf("resources %+v", res)
	}
	want := `main.bicep:5:20: warning: property "internal" is not declared in the object`
	if len(diags) != 1 || diags[0] != want {
		t.Errorf("diagnostics %q, want %q", diags, want)
	}
}

// An ARM JSON module in the scanned tree has its relativePath links read from the tree.
func TestARMModuleWithLinkedTemplate(t *testing.T) {
	const schema = `"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"`
	res, diags := scanFiles(t, map[string]string{
		"main.bicep": "module m 'arm/main.json' = {\n  name: 'm'\n  params: { n: 'srch1' }\n}\n",
		"arm/main.json": `{` + schema + `, "parameters": {"n": {"type": "string"}}, "resources": [{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "inner",
		  "properties": {"templateLink": {"relativePath": "nested/search.json"}, "parameters": {"n": {"value": "[parameters('n')]"}}}}]}`,
		"arm/nested/search.json": `{` + schema + `, "parameters": {"n": {"type": "string"}}, "resources": [{"type": "Microsoft.Search/searchServices", "apiVersion": "2023-11-01", "name": "[parameters('n')]"}]}`,
	}, "main.bicep")
	if len(diags) != 0 || len(res) != 1 || res[0].Name.Str != "srch1" || res[0].Loc.File != "arm/nested/search.json" {
		t.Fatalf("resources %+v diagnostics %v", res, diags)
	}
	var via []string
	for _, v := range res[0].Via {
		via = append(via, at(v))
	}
	if strings.Join(via, ",") != "main.bicep:1:1,arm/main.json:1:151" {
		t.Errorf("via %v", via)
	}
}
