package bicep

import (
	"strings"
	"testing"
)

func TestExtends(t *testing.T) {
	const tmpl = "param env string\nparam sku string = 'standard'\nparam replicas int = 1\n" +
		"resource s 'Microsoft.Search/searchServices@2023-11-01' = {\n  name: 'srch-${env}'\n  sku: { name: sku }\n  properties: { replicaCount: replicas }\n}\n"
	tests := []struct {
		name      string
		files     map[string]string
		want      string // name/sku/replicas of each resource
		wantDiags []string
	}{
		{
			name: "base values with overrides",
			files: map[string]string{
				"main.bicep":       tmpl,
				"base.bicepparam":  "using none\nparam env = 'dev'\nparam sku = 'basic'\n",
				"prod.bicepparam":  "using 'main.bicep'\nextends 'base.bicepparam'\nparam env = 'prod'\n",
				"other/x.txt":      "",
				"shared/unused.md": "",
			},
			want: "srch-prod/basic/1",
		},
		{
			name: "chain of bases, relative to each file, with variables of their own",
			files: map[string]string{
				"main.bicep":                  tmpl,
				"params/root.bicepparam":      "using none\nvar n = 3\nparam replicas = n\nparam sku = 'basic'\n",
				"params/mid/mid.bicepparam":   "using none\nextends '../root.bicepparam'\nparam sku = 'standard2'\n",
				"params/mid/final.bicepparam": "using '../../main.bicep'\nextends 'mid.bicepparam'\nparam env = 'qa'\n",
			},
			want: "srch-qa/standard2/3",
		},
		{
			name: "missing base file",
			files: map[string]string{
				"main.bicep":      tmpl,
				"prod.bicepparam": "using 'main.bicep'\nextends 'nope.bicepparam'\nparam env = 'prod'\n",
			},
			want:      "srch-prod/standard/1",
			wantDiags: []string{"prod.bicepparam:2:1: error: extends nope.bicepparam: open nope.bicepparam: file does not exist"},
		},
		{
			name: "cycle",
			files: map[string]string{
				"main.bicep":      tmpl,
				"a.bicepparam":    "using 'main.bicep'\nextends 'b.bicepparam'\nparam env = 'a'\n",
				"b.bicepparam":    "using none\nextends 'c.bicepparam'\nparam sku = 'b'\n",
				"c.bicepparam":    "using none\n\nextends 'b.bicepparam'\n",
				"self.bicepparam": "using none\nextends './self.bicepparam'\n",
			},
			want: "srch-a/b/1",
			wantDiags: []string{
				"c.bicepparam:3:1: error: extends cycle: b.bicepparam -> c.bicepparam -> b.bicepparam",
			},
		},
		{
			name: "self extension",
			files: map[string]string{
				"main.bicep":      tmpl,
				"self.bicepparam": "using 'main.bicep'\nextends './self.bicepparam'\nparam env = 'x'\n",
			},
			want:      "srch-x/standard/1",
			wantDiags: []string{"self.bicepparam:2:1: error: extends cycle: self.bicepparam -> self.bicepparam"},
		},
		{
			name: "base outside the tree, not a parameter file, or from a registry",
			files: map[string]string{
				"main.bicep":   tmpl,
				"a.bicepparam": "using 'main.bicep'\nextends '../../up.bicepparam'\nparam env = 'a'\n",
				"b.bicepparam": "using 'main.bicep'\nextends 'main.bicep'\nparam env = 'b'\n",
				"c.bicepparam": "using 'main.bicep'\nextends 'br:example.azurecr.io/params:1'\nparam env = 'c'\n",
				"d.bicepparam": "using 'main.bicep'\nextends 'e.bicepparam'\nextends 'e.bicepparam'\nparam env = 'd'\n",
				"e.bicepparam": "using none\nparam replicas = 2\n",
			},
			want: "srch-a/standard/1,srch-b/standard/1,srch-c/standard/1,srch-d/standard/2",
			wantDiags: []string{
				"a.bicepparam:2:1: error: extends ../../up.bicepparam: the file is outside the scanned directory tree",
				"b.bicepparam:2:1: error: extends main.bicep: a parameter file can only extend a .bicepparam file",
				"c.bicepparam:2:1: warning: unsupported construct: extends br:example.azurecr.io/params:1; only local parameter files are read",
				"d.bicepparam:3:1: error: a parameter file can extend only one file; this extends statement is ignored",
			},
		},
		{
			name: "parameters the template does not declare are reported where the base gives them",
			files: map[string]string{
				"main.bicep":      tmpl,
				"base.bicepparam": "using none\nparam env = 'dev'\nparam zones = 3\n",
				"prod.bicepparam": "using 'main.bicep'\nextends 'base.bicepparam'\n",
			},
			want:      "srch-dev/standard/1",
			wantDiags: []string{"base.bicepparam:3:15: warning: prod.bicepparam passes parameter 'zones' that main.bicep does not declare"},
		},
		{
			name: "extends in a template is ignored with a warning",
			files: map[string]string{
				"main.bicep": "extends 'base.bicepparam'\n" + strings.Replace(tmpl, "param env string", "param env string = 'solo'", 1),
			},
			want:      "srch-solo/standard/1",
			wantDiags: []string{"main.bicep:1:1: warning: an extends statement belongs in a .bicepparam file; ignored here"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, diags := scanFiles(t, tt.files)
			var got []string
			for _, r := range res {
				got = append(got, r.Name.Str+"/"+r.SKU.Get("name").Str+"/"+r.Properties.Get("replicaCount").String())
			}
			if strings.Join(got, ",") != tt.want {
				t.Errorf("resources %s, want %s", strings.Join(got, ","), tt.want)
			}
			if strings.Join(diags, "\n") != strings.Join(tt.wantDiags, "\n") {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(diags, "\n"), strings.Join(tt.wantDiags, "\n"))
			}
		})
	}
}
