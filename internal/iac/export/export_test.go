package export

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf/internal/goldenfile"
	"github.com/awaf/awaf/internal/iac"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name, src string
		want      Shape
	}{
		{"graph result", `{"count": 1, "data": [{"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/a", "type": "microsoft.web/sites", "name": "a"}]}`, GraphResult},
		{"empty graph result", `{"count": 0, "data": []}`, GraphResult},
		{"resource list", `[{"id": "/x", "type": "Microsoft.Web/sites", "name": "a"}]`, ResourceList},
		{"resource show", `{"id": "/x", "type": "Microsoft.Web/sites", "name": "a", "properties": {}}`, ResourceShow},
		{"arm template", `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": []}`, NotExport},
		{"package.json", `{"name": "x", "version": "1.0.0"}`, NotExport},
		{"array of strings", `["a", "b"]`, NotExport},
		{"data of non-resources", `{"data": [{"a": 1}]}`, NotExport},
		{"empty array", `[]`, NotExport},
		{"graph table", `{"totalRecords": 1, "data": {"columns": [{"name": "id", "type": "string"}, {"name": "type", "type": "string"}, {"name": "name", "type": "string"}], "rows": [["/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/a", "microsoft.web/sites", "a"]]}}`, GraphTable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := iac.DecodeJSON("x.json", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if got := Detect(v); got != tt.want {
				t.Errorf("Detect = %v, want %v", got, tt.want)
			}
			if Is([]byte(tt.src)) != (tt.want != NotExport) {
				t.Errorf("Is disagrees with Detect")
			}
		})
	}
}

func TestCanonicalType(t *testing.T) {
	tests := []struct{ typ, id, want string }{
		{"microsoft.cognitiveservices/accounts", "", "Microsoft.CognitiveServices/accounts"},
		{"MICROSOFT.SEARCH/SEARCHSERVICES", "", "Microsoft.Search/searchServices"},
		{"contoso.custom/widgets", "/subscriptions/s/resourceGroups/g/providers/Contoso.Custom/widgets/w", "Contoso.Custom/widgets"},
		{"contoso.custom/widgets", "/subscriptions/s/resourcegroups/g/providers/contoso.custom/widgets/w", "contoso.custom/widgets"},
		{"contoso.custom/widgets", "", "contoso.custom/widgets"},
	}
	for _, tt := range tests {
		if got := CanonicalType(tt.typ, tt.id); got != tt.want {
			t.Errorf("CanonicalType(%q, %q) = %q, want %q", tt.typ, tt.id, got, tt.want)
		}
	}
}

func TestReadRows(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // type|name|parent|scope per resource
		diags     int
	}{
		{
			name: "child from az resource show gets its full name and parent",
			src:  `{"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/a/deployments/d", "name": "d", "type": "Microsoft.CognitiveServices/accounts/deployments"}`,
			want: "Microsoft.CognitiveServices/accounts/deployments|a/d|/subscriptions/s/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/a|",
		},
		{
			name: "extension resource gets its scope",
			src:  `[{"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Search/searchServices/x/providers/Microsoft.Insights/diagnosticSettings/diag", "name": "diag", "type": "microsoft.insights/diagnosticsettings"}]`,
			want: "Microsoft.Insights/diagnosticSettings|diag||/subscriptions/s/resourceGroups/g/providers/Microsoft.Search/searchServices/x",
		},
		{
			name: "Resource Graph table format",
			src: `{"data": {"columns": [{"name": "id", "type": "string"}, {"name": "name", "type": "string"}, {"name": "type", "type": "string"}, {"name": "properties", "type": "object"}],
				"rows": [["/subscriptions/s/resourceGroups/g/providers/Microsoft.Search/searchServices/x", "x", "microsoft.search/searchservices", {"replicaCount": 3}]]}}`,
			want: "Microsoft.Search/searchServices|x||",
		},
		{
			name:  "rows without a type are skipped with a warning",
			src:   `{"data": [{"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/a", "type": "microsoft.web/sites", "name": "a"}, {"name": "projected", "count_": 3}]}`,
			want:  "Microsoft.Web/sites|a||",
			diags: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, diags := Read("in.json", []byte(tt.src))
			var got []string
			for _, r := range res {
				s, _, _ := r.Scope.AsString()
				n, _ := r.NameString()
				got = append(got, r.Type+"|"+n+"|"+r.Parent+"|"+s)
				if r.Source != "export" || r.Loc.File != "in.json" || r.Loc.Line < 1 || r.Loc.Column < 1 {
					t.Errorf("resource %s: source %q at %+v", n, r.Source, r.Loc)
				}
			}
			if strings.Join(got, "\n") != tt.want {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), tt.want)
			}
			if len(diags) != tt.diags {
				t.Errorf("diagnostics %v, want %d", diags, tt.diags)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	_, diags := Read("bad.json", []byte("{\n  \"data\": [\n    {\"id\": \"/x\" \"type\": \"t/u\"}\n  ]\n}"))
	if len(diags) != 1 || diags[0].Loc.Line != 3 || diags[0].Loc.Column != 17 || diags[0].Loc.File != "bad.json" {
		t.Errorf("diags = %+v", diags)
	}
	_, diags = Read("other.json", []byte(`{"name": "x"}`))
	if len(diags) != 1 || !strings.Contains(diags[0].Message, "expected Azure CLI resource output") {
		t.Errorf("diags = %+v", diags)
	}
}

func TestScanGolden(t *testing.T) {
	fsys := os.DirFS("testdata")
	res, diags, err := Scan(context.Background(), fsys, []string{"graph.json", "list.json", "show.json"})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Type       string     `json:"type"`
		Name       *iac.Value `json:"name"`
		ID         string     `json:"id"`
		Parent     string     `json:"parent,omitempty"`
		At         string     `json:"at"`
		Kind       *iac.Value `json:"kind,omitempty"`
		SKU        *iac.Value `json:"sku,omitempty"`
		Identity   *iac.Value `json:"identity,omitempty"`
		Tags       *iac.Value `json:"tags,omitempty"`
		Properties *iac.Value `json:"properties,omitempty"`
	}
	var rows []row
	for _, r := range res {
		rows = append(rows, row{r.Type, r.Name, r.ID, r.Parent, fmt.Sprintf("%s:%d:%d", r.Loc.File, r.Loc.Line, r.Loc.Column), r.Kind, r.SKU, r.Identity, r.Tags, r.Properties})
	}
	if len(diags) != 0 {
		t.Errorf("diagnostics: %v", diags)
	}
	got, _ := json.MarshalIndent(rows, "", "  ")
	got = append(got, '\n')
	goldenfile.Check(t, filepath.Join("testdata", "golden", "scan.json"), got)
}

func TestScanIgnoresOtherJSON(t *testing.T) {
	fsys := fstest.MapFS{
		"package.json":  {Data: []byte(`{"name": "x"}`)},
		"template.json": {Data: []byte(`{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": []}`)},
		"broken.json":   {Data: []byte(`{"x": `)},
		"export.json":   {Data: []byte(`[{"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/kv", "type": "Microsoft.KeyVault/vaults", "name": "kv"}]`)},
		"cut.json":      {Data: []byte(`[{"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/kv", "type": "Microsoft.KeyVault/vaults", `)},
	}
	res, diags, err := Scan(context.Background(), fsys, []string{"."})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Type != "Microsoft.KeyVault/vaults" {
		t.Errorf("resources = %+v", res)
	}
	if len(diags) != 1 || diags[0].Loc.File != "cut.json" {
		t.Errorf("diagnostics = %+v", diags)
	}
}

func BenchmarkRead(b *testing.B) {
	const n = 1000
	var buf bytes.Buffer
	buf.WriteString(`{"count": 1000, "data": [`)
	for i := 0; i < n; i++ {
		if i > 0 {
			buf.WriteString(",")
		}
		fmt.Fprintf(&buf, `{"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/a%d", "name": "a%d", "type": "microsoft.cognitiveservices/accounts", "kind": "OpenAI", "location": "eastus", "sku": {"name": "S0"}, "tags": {"env": "prod"}, "properties": {"publicNetworkAccess": "Disabled", "disableLocalAuth": true, "networkAcls": {"defaultAction": "Deny"}}}`, i, i)
	}
	buf.WriteString("]}")
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res, _ := Read("graph.json", data); len(res) != n {
			b.Fatal(len(res))
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "resources/s")
}
