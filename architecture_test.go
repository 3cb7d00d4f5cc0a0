package awaf_test

import (
	"bufio"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/awaf/awaf"

// TestImportDirection keeps docs/architecture.md true: every package of the module is
// placed in one tier of its "Import direction" table, imports only packages of lower
// tiers, and never imports what the "Never" table forbids. Imports are read from the
// source (test files excluded, since tests may reach across layers to check them).
func TestImportDirection(t *testing.T) {
	tiers, never := readArchitecture(t, "docs/architecture.md")
	imports := readImports(t, ".")
	if len(imports) < 10 {
		t.Fatalf("found only %d packages; is the test running at the module root?", len(imports))
	}
	var pkgs []string
	for p := range imports {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		tier, ok := tiers[p]
		if !ok {
			t.Errorf("package %s is not in docs/architecture.md's import direction table; add it to the tier it belongs to", p)
			continue
		}
		for _, imp := range imports[p] {
			itier, ok := tiers[imp]
			if !ok {
				continue // reported as a missing package above
			}
			if itier >= tier {
				t.Errorf("%s (tier %d) imports %s (tier %d): imports must point to a lower tier", p, tier, imp, itier)
			}
			for _, rule := range never {
				if matchPkg(rule.from, p) && matchPkg(rule.to, imp) {
					t.Errorf("%s imports %s, which docs/architecture.md forbids (%s never imports %s)", p, imp, rule.from, rule.to)
				}
			}
		}
	}
	for p := range tiers {
		if _, ok := imports[p]; !ok {
			t.Errorf("docs/architecture.md lists %s, which is not a package of the module", p)
		}
	}
}

// TestImportDirectionCatches checks the checker on a made-up violation, so a broken
// parser cannot make TestImportDirection pass by reading nothing.
func TestImportDirectionCatches(t *testing.T) {
	tiers, never := readArchitecture(t, "docs/architecture.md")
	if tiers["awaf"] != 0 || tiers["cmd/awaf"] <= tiers["internal/server"] {
		t.Fatalf("tier table not read as expected: awaf=%d cmd/awaf=%d server=%d", tiers["awaf"], tiers["cmd/awaf"], tiers["internal/server"])
	}
	if len(never) == 0 {
		t.Fatal("no rules read from the Never table")
	}
	found := false
	for _, r := range never {
		if matchPkg(r.from, "internal/iac/arm") && matchPkg(r.to, "internal/rules") {
			found = true
		}
	}
	if !found {
		t.Error("the Never table should forbid front ends (internal/iac/...) from importing internal/rules")
	}
}

type neverRule struct{ from, to string }

// matchPkg matches a package against a pattern: an exact path, or a prefix ending in
// "/..." for the package and everything under it.
func matchPkg(pattern, pkg string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pattern == pkg
}

var codeSpan = regexp.MustCompile("`([^`]+)`")

// readArchitecture reads the two tables under "## Import direction": rows of
// "| tier | `pkg`, `pkg` |" and rows of "| `from` | `to`, `to` |" under "### Never".
func readArchitecture(t *testing.T, path string) (map[string]int, []neverRule) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tiers := map[string]int{}
	var never []neverRule
	section := ""
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(text, "## "):
			section = ""
			if text == "## Import direction" {
				section = "tiers"
			}
			continue
		case strings.HasPrefix(text, "### ") && section != "":
			if text == "### Never" {
				section = "never"
			}
			continue
		}
		if section == "" || !strings.HasPrefix(text, "|") || strings.HasPrefix(text, "|---") {
			continue
		}
		cells := strings.Split(strings.Trim(text, "|"), "|")
		if len(cells) < 2 {
			continue
		}
		left, right := strings.TrimSpace(cells[0]), cells[1]
		switch section {
		case "tiers":
			n, err := strconv.Atoi(left)
			if err != nil {
				continue // the header row
			}
			for _, m := range codeSpan.FindAllStringSubmatch(right, -1) {
				if prev, dup := tiers[m[1]]; dup {
					t.Errorf("%s:%d: %s is already in tier %d", path, line, m[1], prev)
				}
				tiers[m[1]] = n
			}
		case "never":
			from := codeSpan.FindStringSubmatch(left)
			if from == nil {
				continue
			}
			for _, m := range codeSpan.FindAllStringSubmatch(right, -1) {
				never = append(never, neverRule{from[1], m[1]})
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(tiers) == 0 {
		t.Fatalf("%s: no import direction table found", path)
	}
	return tiers, never
}

// readImports returns each package's imports within the module, as paths relative to
// the module root ("awaf" for the root package), read from non-test Go files.
func readImports(t *testing.T, root string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		file, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		if pkg == "." {
			pkg = "awaf"
		}
		seen := map[string]bool{}
		for _, imp := range out[pkg] {
			seen[imp] = true
		}
		if _, ok := out[pkg]; !ok {
			out[pkg] = nil
		}
		for _, spec := range file.Imports {
			p, _ := strconv.Unquote(spec.Path.Value)
			var rel string
			switch {
			case p == module:
				rel = "awaf"
			case strings.HasPrefix(p, module+"/"):
				rel = strings.TrimPrefix(p, module+"/")
			default:
				continue
			}
			if !seen[rel] {
				seen[rel] = true
				out[pkg] = append(out[pkg], rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
