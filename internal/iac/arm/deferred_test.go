package arm

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/awaf/awaf/internal/iac"
)

// TestLargeTemplateInChunks checks that a template read one resource at a time and
// handed to the sink in chunks (as templates of deferFrom bytes and more are) gives
// the sink every resource exactly as a whole read does, with the same ids, and
// returns what the sink kept: on the test trees (copy loops, nested and linked
// deployments, modules, languageVersion 2.0), with the thresholds lowered.
func TestLargeTemplateInChunks(t *testing.T) {
	scan := func(dir string) (units [][]iac.Resource, kept []iac.Resource, diags []iac.Diagnostic) {
		var mu sync.Mutex // templates are read side by side
		sink := iac.Sink(func(unit []iac.Resource) []iac.Resource {
			mu.Lock()
			units = append(units, append([]iac.Resource(nil), unit...))
			mu.Unlock()
			// Keep every other one, to check that ids and limits count what was
			// dropped too.
			out := unit[:0]
			for i := range unit {
				if i%2 == 0 {
					out = append(out, unit[i])
				}
			}
			return out
		})
		kept, diags, err := (&Scanner{}).Scan(context.Background(), os.DirFS("testdata/"+dir), []string{"."}, sink)
		if err != nil {
			t.Fatal(err)
		}
		return units, kept, diags
	}
	defer func(from, every int) { deferFrom, flushEvery = from, every }(deferFrom, flushEvery)
	for _, dir := range []string{"rag", "linked", "module", "v2"} {
		deferFrom = 1 << 40
		wholeUnits, _, wholeDiags := scan(dir)
		deferFrom, flushEvery = 0, 2
		units, kept, diags := scan(dir)
		var all, allWhole []iac.Resource
		for _, u := range units {
			all = append(all, u...)
		}
		for _, u := range wholeUnits {
			allWhole = append(allWhole, u...)
		}
		byPlace := func(a, b iac.Resource) int {
			return cmp.Or(cmp.Compare(a.Loc.File, b.Loc.File), cmp.Compare(a.Loc.Line, b.Loc.Line), cmp.Compare(a.ID, b.ID),
				cmp.Compare(fmt.Sprint(a.Via, a.Name, a.Properties), fmt.Sprint(b.Via, b.Name, b.Properties)))
		}
		slices.SortStableFunc(all, byPlace)
		slices.SortStableFunc(allWhole, byPlace)
		if len(allWhole) == 0 {
			t.Fatalf("%s: no resources", dir)
		}
		if !reflect.DeepEqual(all, allWhole) || !reflect.DeepEqual(diags, wholeDiags) {
			t.Errorf("%s: resources or diagnostics differ when read in chunks", dir)
			for i := range min(len(all), len(allWhole)) {
				if !reflect.DeepEqual(all[i], allWhole[i]) {
					t.Logf("%d: %s %s %v / %s %s %v", i, all[i].ID, all[i].Type, all[i].Loc, allWhole[i].ID, allWhole[i].Type, allWhole[i].Loc)
				}
			}
			t.Logf("%d / %d resources; diags %v / %v", len(all), len(allWhole), diags, wholeDiags)
		}
		if dir == "rag" && len(units) < 2 {
			t.Errorf("%s: %d unit(s), want the template handed over in chunks", dir, len(units))
		}
		want := 0
		for _, u := range units {
			want += (len(u) + 1) / 2
		}
		// (In linked, the linked templates' own reads are dropped.)
		if dir != "linked" && len(kept) != want {
			t.Errorf("%s: %d resources returned, want the %d the sink kept", dir, len(kept), want)
		}
	}
}
