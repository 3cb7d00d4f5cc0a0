package scan

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/awaf/awaf/internal/goldenfile"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/sharedtest"
)

// bicepDecl matches a resource declaration line of a .bicep file.
var bicepDecl = regexp.MustCompile(`^\s*resource\s+([A-Za-z_][A-Za-z0-9_]*)\s+'`)

// TestRealRepositories scans the public sample repositories kept in
// ../shared/testdata/repos, read in place: no error diagnostics, every resource
// declaration accounted for, and every fail and unknown as in a golden file whose
// entries were checked by reading the templates (docs/scan-real-repos.md).
func TestRealRepositories(t *testing.T) {
	for _, repo := range []string{"contoso-chat", "get-started-with-ai-agents"} {
		t.Run(repo, func(t *testing.T) {
			dir := sharedtest.Dir(t, "repos/"+repo)
			fsys := os.DirFS(dir)
			res, err := Run(context.Background(), fsys, []string{"."}, Options{Frontends: realFrontends(), Catalog: catalog(t), Now: fixedNow})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range res.Diagnostics {
				if d.Severity == iac.DiagError {
					t.Errorf("error diagnostic %s:%d: %s", d.Loc.File, d.Loc.Line, d.Message)
				}
			}
			var b strings.Builder
			fmt.Fprintf(&b, "# %s: what awaf scan reports, read in place from ../shared/testdata/repos.\n", repo)
			b.WriteString("# Every fail and unknown below was checked by reading the template; how, and the\n")
			b.WriteString("# reason for each absent declaration: docs/scan-real-repos.md.\n")
			fmt.Fprintf(&b, "resources %d (listed %d)\n", len(res.Resources), len(res.listed()))
			// Every declaration is read: as a resource, or named here with why not.
			found := map[string]bool{}
			for i := range res.Resources {
				found[fmt.Sprintf("%s:%d", res.Resources[i].Loc.File, res.Resources[i].Loc.Line)] = true
			}
			var absent []string
			err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || path.Ext(p) != ".bicep" {
					return err
				}
				f, err := fsys.Open(p)
				if err != nil {
					return err
				}
				defer f.Close()
				sc := bufio.NewScanner(f)
				sc.Buffer(nil, 1<<20)
				for n := 1; sc.Scan(); n++ {
					if m := bicepDecl.FindStringSubmatch(sc.Text()); m != nil && !found[fmt.Sprintf("%s:%d", p, n)] {
						absent = append(absent, fmt.Sprintf("absent %s:%d %s", p, n, m[1]))
					}
				}
				return sc.Err()
			})
			if err != nil {
				t.Fatal(err)
			}
			sort.Strings(absent)
			var lines []string
			for _, f := range res.Findings.All() {
				if f.Status == "pass" {
					continue
				}
				lines = append(lines, fmt.Sprintf("%s %s %s %s %s:%d", f.Effective(), f.Rule.ID, f.Resource.Type, displayName(f.Resource), f.Loc.File, f.Loc.Line))
			}
			sort.Strings(lines)
			for _, l := range append(absent, lines...) {
				b.WriteString(l + "\n")
			}
			goldenfile.Check(t, "testdata/real/"+repo+".golden", []byte(b.String()))
		})
	}
}
