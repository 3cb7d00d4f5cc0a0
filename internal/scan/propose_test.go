package scan

import (
	"context"
	"testing"
	"testing/fstest"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/lens"
)

// TestProposalNeedsEveryResource: two prompty files, one capping output tokens and one
// not, give no ic_max_tokens proposal; one that passes alone does, with its file:line.
func TestProposalNeedsEveryResource(t *testing.T) {
	capped := "---\nname: a\nmodel:\n  parameters:\n    max_tokens: 200\n---\nsystem:\nHelp.\n"
	open := "---\nname: b\nmodel:\n  parameters:\n    temperature: 0\n---\nsystem:\nHelp.\n"
	l, err := lens.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		files fstest.MapFS
		want  bool
	}{
		{"one capped", fstest.MapFS{"p/a.prompty": {Data: []byte(capped)}}, true},
		{"one capped, one not", fstest.MapFS{"p/a.prompty": {Data: []byte(capped)}, "p/b.prompty": {Data: []byte(open)}}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(context.Background(), tt.files, nil, Options{Frontends: realFrontends(), Catalog: catalog(t)})
			if err != nil {
				t.Fatal(err)
			}
			props := Attach(&awaf.Assessment{}, l, res.Outcomes(), time.Now())
			var got *Proposal
			for i := range props {
				if props[i].Choice == "ic_max_tokens" {
					got = &props[i]
				}
			}
			if (got != nil) != tt.want {
				t.Fatalf("proposed %v, want %v", got != nil, tt.want)
			}
			if got != nil && Where(got.Evidence, 3) != "p/a.prompty:5" {
				t.Errorf("evidence at %s, want p/a.prompty:5", Where(got.Evidence, 3))
			}
		})
	}
}

func TestProposeProfile(t *testing.T) {
	files := fstest.MapFS{
		"ml/endpoint.yml": {Data: []byte("$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\nname: churn\nauth_mode: aad_token\n")},
		"ml/batch.yml":    {Data: []byte("$schema: https://azuremlschemas.azureedge.net/latest/batchEndpoint.schema.json\nname: nightly\n")},
		"ml/cluster.yml":  {Data: []byte("$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\nname: gpu\nsize: Standard_NC6s_v3\n")},
	}
	res, err := Run(context.Background(), files, nil, Options{Frontends: realFrontends(), Catalog: catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	kinds, hints := res.ProposeProfile()
	var got []awaf.Kind
	for _, k := range kinds {
		got = append(got, k.Kind)
		if k.Loc.File == "" || k.Loc.Line == 0 {
			t.Errorf("%s without a location", k.Kind)
		}
	}
	want := []awaf.Kind{awaf.KindOnlineInference, awaf.KindBatchInference, awaf.KindTraining}
	if len(got) != len(want) {
		t.Fatalf("kinds %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("kinds %v, want %v", got, want)
		}
	}
	if len(hints) != 0 {
		t.Errorf("hints %v from resources without zones or regions", hints)
	}
	p := awaf.Profile{Kinds: []awaf.Kind{awaf.KindGenerative}, Criticality: awaf.Standard}
	lines := ProfileLines(&p, kinds, []Hint{{Field: "criticality", Text: "zonal"}})
	if len(p.Kinds) != 1 || len(lines) != 3 {
		t.Errorf("a profile with kinds was changed (%v) or lines %q", p.Kinds, lines)
	}
}
