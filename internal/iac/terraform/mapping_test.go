package terraform

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
)

// mappingRow is one line of testdata/mapping/rows.txt.
type mappingRow struct {
	line                       int
	typ, from, hcl, path, want string
}

func readRows(t *testing.T) []mappingRow {
	t.Helper()
	f, err := os.Open("testdata/mapping/rows.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []mappingRow
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, " | ")
		if len(parts) != 5 {
			t.Fatalf("rows.txt:%d: want 5 fields separated by \" | \", got %d", n, len(parts))
		}
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		rows = append(rows, mappingRow{n, parts[0], parts[1], strings.ReplaceAll(parts[2], `\n`, "\n"), parts[3], parts[4]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestMapping runs each row through Scan, so a row checks parsing, evaluation and
// the mapping table together.
func TestMapping(t *testing.T) {
	for _, r := range readRows(t) {
		t.Run(fmt.Sprintf("%d_%s_%s", r.line, r.typ, r.from), func(t *testing.T) {
			pre, body := "", r.hcl
			if i := strings.Index(body, "^^"); i >= 0 {
				pre, body = body[:i], body[i+2:]
			}
			if !strings.HasPrefix(strings.TrimSpace(body), "name ") {
				body = "name = \"n\"\n" + body
			}
			src := fmt.Sprintf("%s\nresource %q \"t\" {\n%s\n}\n", pre, r.typ, body)
			res, diags := mustScan(t, map[string]string{"main.tf": src})
			for _, d := range diags {
				t.Errorf("rows.txt:%d: unexpected diagnostic %+v", r.line, d)
			}
			res0 := byID(res, r.typ+".t")
			if res0 == nil {
				t.Fatalf("rows.txt:%d: %s was not mapped", r.line, r.typ)
			}
			checkValue(t, res0, r.path, r.want)
			if v := getPath(res0, r.path); v != nil && (v.Loc.File != "main.tf" || v.Loc.Line == 0) {
				t.Errorf("rows.txt:%d: %s has no source location: %+v", r.line, r.path, v.Loc)
			}
		})
	}
}

// TestMappingCoverage fails when an entry of the mapping table, a provider default or
// a type has no row in rows.txt.
func TestMappingCoverage(t *testing.T) {
	rows := readRows(t)
	covered := map[string]bool{} // type \x00 from \x00 path
	typeRows := map[string]bool{}
	for _, r := range rows {
		covered[r.typ+"\x00"+r.from+"\x00"+r.path] = true
		typeRows[r.typ] = true
	}
	has := func(typ string, from, to string) bool {
		path := strings.ReplaceAll(to, "[]", "[0]")
		for _, r := range rows {
			if r.from != from {
				continue
			}
			for _, other := range typeMaps[r.typ].Attrs {
				if other.From == from && other.To == to && samePath(r.path, path) {
					return true
				}
			}
		}
		return false
	}
	for _, typ := range sortedKeys(typeMaps) {
		tm := typeMaps[typ]
		if !typeRows[typ] {
			t.Errorf("%s has no row in rows.txt", typ)
		}
		for _, a := range tm.Attrs {
			if !has(typ, a.From, a.To) {
				t.Errorf("%s: %s -> %s has no row in rows.txt", typ, a.From, a.To)
			}
		}
		for _, d := range tm.Defaults {
			found := false
			for _, r := range rows {
				found = found || (r.typ == typ && r.path == d.To)
			}
			if !found {
				t.Errorf("%s: provider default for %s has no row in rows.txt", typ, d.To)
			}
		}
	}
}

// samePath compares an ARM path of a row with a table path whose list indexes are
// [0]; a row may test another index.
func samePath(row, table string) bool {
	norm := func(s string) string {
		var b strings.Builder
		skip := false
		for _, c := range s {
			switch {
			case c == '[':
				skip = true
				b.WriteString("[]")
			case c == ']':
				skip = false
			case !skip:
				b.WriteRune(c)
			}
		}
		return b.String()
	}
	return norm(row) == norm(table)
}
