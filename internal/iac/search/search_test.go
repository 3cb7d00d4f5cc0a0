package search

import (
	"context"
	"testing"
	"testing/fstest"
)

const index = `{
  "name": "docs",
  "fields": [
    {"name": "id", "type": "Edm.String", "key": true, "filterable": true, "sortable": false, "facetable": false},
    {"name": "content", "type": "Edm.String", "searchable": true, "filterable": false, "sortable": false, "facetable": false},
    {"name": "contentVector", "type": "Collection(Edm.Single)", "dimensions": 1024, "vectorSearchProfile": "hnsw-sq",
     "searchable": true, "filterable": false, "sortable": false, "facetable": false}
  ],
  "vectorSearch": {
    "profiles": [{"name": "hnsw-sq", "algorithm": "hnsw", "vectorizer": "aoai", "compression": "sq"}],
    "compressions": [{"name": "sq", "kind": "scalarQuantization"}]
  }
}`

func TestRead(t *testing.T) {
	tests := []struct {
		file, data, typ string
	}{
		{"search/index.json", index, Index},
		{"search/skillset.json", `{"name": "s", "skills": [{"@odata.type": "#Microsoft.Skills.Text.SplitSkill", "maximumPageLength": 2000}]}`, Skillset},
		{"search/indexer.json", `{"name": "x", "dataSourceName": "d", "targetIndexName": "docs", "schedule": {"interval": "PT1H"}}`, Indexer},
		{"search/ds.json", `{"name": "d", "type": "azureblob", "credentials": {"connectionString": "ResourceId=/x"}, "container": {"name": "docs"}}`, DataSource},
	}
	for _, tt := range tests {
		r, err := Read(tt.file, []byte(tt.data))
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if r.Type != tt.typ {
			t.Errorf("%s: type %s, want %s", tt.file, r.Type, tt.typ)
		}
	}
	r, _ := Read("search/index.json", []byte(index))
	vf := r.Properties.Field("vectorFields")
	if len(vf.Items) != 1 {
		t.Fatalf("vector fields %v", vf)
	}
	f := vf.Items[0]
	if f.Field("vectorizer").Str != "aoai" || f.Field("compression").Str != "sq" || f.Loc.Line != 6 {
		t.Errorf("vector field %+v at line %d", f.Fields, f.Loc.Line)
	}
	sk, _ := Read("s.json", []byte(tests[1].data))
	if got := sk.Properties.Get("skills[0].skill"); got == nil || got.Str != "SplitSkill" {
		t.Errorf("skill kind %v", got)
	}
}

func TestScanBrokenCarriesOn(t *testing.T) {
	fsys := fstest.MapFS{"a.json": {Data: []byte(`{"fields": [{"type": "Edm.String",}`)}, "b.json": {Data: []byte(index)}}
	res, diags, err := Scanner{}.Scan(context.Background(), fsys, []string{"a.json", "b.json"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || len(diags) != 1 || diags[0].Loc.File != "a.json" {
		t.Fatalf("%d resources, diagnostics %v", len(res), diags)
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(index))
	f.Add([]byte(`{"skills": [{"@odata.type": "#Microsoft.Skills.x"}, 1]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Read("f.json", data)
		if err == nil && r.Properties == nil {
			t.Fatal("resource without properties")
		}
	})
}
