package scan

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/lens"
)

// TestExampleRepository scans examples/support-assistant (Bicep with a module,
// Terraform, a workflow with an evaluation gate, an APIM policy, search definitions, a
// prompty file and an eval config) with every reader, and checks what the example
// promises: the profile kinds it shows, and a proposal on at least 40% of the
// applicable choices, each with file:line evidence.
func TestExampleRepository(t *testing.T) {
	fsys := os.DirFS("../../examples/support-assistant")
	res, err := Run(context.Background(), fsys, nil, Options{Frontends: realFrontends(), Catalog: catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range res.Diagnostics {
		t.Errorf("diagnostic: %s:%d: %s", d.Loc.File, d.Loc.Line, d.Message)
	}
	formats := map[Format]bool{}
	for _, f := range res.Files {
		formats[f.Format] = true
	}
	for _, f := range []Format{FormatBicep, FormatTerraform, FormatPipeline, FormatAPIM, FormatSearch, FormatPrompt, FormatEval} {
		if !formats[f] {
			t.Errorf("no %s file read", f)
		}
	}
	kinds, hints := res.ProposeProfile()
	if len(kinds) != 1 || kinds[0].Kind != awaf.KindGenerative {
		t.Errorf("kinds %+v, want generative only", kinds)
	}
	if len(hints) == 0 {
		t.Error("no criticality hint from the zone-redundant resources")
	}
	l, err := lens.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	a := &awaf.Assessment{Lens: awaf.LensRef{ID: l.ID, Version: l.Version}}
	a.Profile.Components = res.Components()
	ProfileLines(&a.Profile, kinds, hints)
	props := Attach(a, l, res.Outcomes(), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	proposed, applicable := ProposalShare(l, a.Profile, props)
	t.Logf("%d proposals on %d applicable choices (%d%%)", proposed, applicable, pct(proposed, applicable))
	if proposed*100 < 40*applicable {
		t.Errorf("%d of %d applicable choices proposed, want at least 40%%", proposed, applicable)
	}
	for _, p := range props {
		if len(p.Evidence) == 0 || p.Evidence[0].Line == 0 || !strings.Contains(Where(p.Evidence, 1), ":") {
			t.Errorf("%s: evidence without file:line: %v", p.Choice, p.Evidence)
		}
	}
}
