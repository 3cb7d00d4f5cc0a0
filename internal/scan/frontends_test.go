package scan

import (
	"bytes"
	"context"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf/internal/iac"
)

// TestFrontendsList checks how Run uses the list of front ends: resources in the
// list's order, the first front end of a format wins, and the files of a format
// without one (missing, or listed with no scanner) are reported once each as unread.
func TestFrontendsList(t *testing.T) {
	fsys := fstest.MapFS{
		"azuredeploy.json": {Data: []byte(`{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": []}`)},
		"export.json":      {Data: []byte(`[{"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/kv", "type": "Microsoft.KeyVault/vaults", "name": "kv"}]`)},
		"main.bicep":       {Data: []byte("")},
		"main.tf":          {Data: []byte("")},
	}
	arm := &recorder{res: []iac.Resource{fixture("azuredeploy.json", 1, "Microsoft.Storage/storageAccounts", "st", map[string]any{})}}
	exp := &recorder{res: []iac.Resource{fixture("export.json", 1, "Microsoft.KeyVault/vaults", "kv", map[string]any{})}}
	second := &recorder{}
	fe := Frontends{{Format: FormatExport, Scanner: exp}, {Format: FormatARM, Scanner: arm}, {Format: FormatBicep}, {Format: FormatARM, Scanner: second}}
	res, err := Run(context.Background(), fsys, nil, Options{Frontends: fe, Catalog: catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i := range res.Resources {
		names = append(names, res.Resources[i].ID)
	}
	if !slices.Equal(names, []string{"kv", "st"}) {
		t.Errorf("resources %v, want the export's first, as listed", names)
	}
	if !slices.Equal(arm.got, []string{"azuredeploy.json"}) || !slices.Equal(exp.got, []string{"export.json"}) || second.got != nil {
		t.Errorf("files read: arm %v, export %v, second arm %v", arm.got, exp.got, second.got)
	}
	var unread []string
	for _, d := range res.Diagnostics {
		if strings.Contains(d.Message, "which this build cannot read") {
			if d.Severity != iac.DiagWarning {
				t.Errorf("%s: severity %s", d.Message, d.Severity)
			}
			unread = append(unread, d.Loc.File)
		}
	}
	if !slices.Equal(unread, []string{"main.bicep", "main.tf"}) {
		t.Errorf("unread files reported: %v, want main.bicep and main.tf once each", unread)
	}
}

// TestDefaultFrontends checks that the list has a front end for every format the
// scan tells apart, once.
func TestDefaultFrontends(t *testing.T) {
	fe := DefaultFrontends()
	seen := map[Format]bool{}
	for _, f := range fe {
		if seen[f.Format] || f.Scanner == nil {
			t.Errorf("%s: listed twice or without a scanner", f.Format)
		}
		seen[f.Format] = true
	}
	for _, f := range formats {
		if !seen[f] {
			t.Errorf("no front end for %s", f)
		}
	}
}

// TestFrontendClaims checks that a front end the scan does not know gets the files it
// claims, by name or by JSON content, and no others; the built-in formats keep theirs.
func TestFrontendClaims(t *testing.T) {
	fsys := fstest.MapFS{
		"chat.prompty":        {Data: []byte("---\nname: chat\n---\n")},
		"README.md":           {Data: []byte("# hi")},
		"search/index.json":   {Data: []byte(`{"name": "docs", "fields": [{"name": "id", "type": "Edm.String", "key": true}]}`)},
		"package.json":        {Data: []byte(`{"name": "app"}`)},
		"infra/main.bicep":    {Data: []byte("")},
		"infra/index.prompty": {Mode: fs.ModeDir},
	}
	prompty, search, bicep := &recorder{}, &recorder{}, &recorder{}
	var asked []string
	fe := Frontends{
		{Format: FormatBicep, Scanner: bicep},
		{Format: "prompty", Scanner: prompty, Claims: func(name string, head []byte) bool {
			asked = append(asked, name)
			return head == nil && strings.HasSuffix(name, ".prompty")
		}},
		{Format: "search-index", Scanner: search, Claims: func(name string, head []byte) bool {
			return bytes.Contains(head, []byte(`"fields"`))
		}},
	}
	res, err := Run(context.Background(), fsys, nil, Options{Frontends: fe, Catalog: catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(prompty.got, []string{"chat.prompty"}) || !slices.Equal(search.got, []string{"search/index.json"}) || !slices.Equal(bicep.got, []string{"infra/main.bicep"}) {
		t.Errorf("files read: prompty %v, search %v, bicep %v", prompty.got, search.got, bicep.got)
	}
	if slices.Contains(asked, "infra/main.bicep") {
		t.Errorf("a built-in format's file was offered to another front end: %v", asked)
	}
	var got []string
	for _, f := range res.Files {
		got = append(got, f.Path+"="+string(f.Format))
	}
	if !slices.Equal(got, []string{"chat.prompty=prompty", "infra/main.bicep=bicep", "search/index.json=search-index"}) {
		t.Errorf("files %v", got)
	}
}
