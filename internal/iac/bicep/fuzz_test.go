package bicep

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// FuzzParse feeds arbitrary text to the lexer, the parser and the evaluator. None of
// them may panic or hang, whatever the input.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "baseline", "*", "*.bicep"))
	more, _ := filepath.Glob(filepath.Join("testdata", "baseline", "*.bicep*"))
	for _, p := range append(seeds, more...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	for _, s := range []string{
		"var x = '${'${'${1}'}'}'",
		"resource r 'a/b@1' = [for (x, i) in range(0, 3): if (i > 0) { name: '${x}' }]",
		"var x = [for x in x: x]",
		"func f(a int) int => f(a)\nvar x = f(1)",
		"var a = b\nvar b = a",
		"var x = {\n  ...y\n}\nvar y = x",
		"param p string = p",
		"var x = (a, b) => a",
		"type t = { a: t? }",
		"'''",
		"var s = 'a\\u{110000}'",
		"@",
		"resource a 'x/y@1' = {\n  name: 'a'\n  resource b 'c' = {\n    name: a::b.name\n  }\n}",
		"@description('d')\nassert a = dateTimeAdd('2020-01-01', 'P1D', 'yyyy') == '2020'\nassert b = dateTimeFromEpoch(0) != ''",
		"extends 'x.bicepparam'\nassert",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		file := Parse("fuzz.bicep", src)
		for _, e := range file.Errors {
			if e.Pos.Line < 1 || e.Pos.Col < 1 {
				t.Fatalf("error without a position: %v", e)
			}
		}
		fsys := fstest.MapFS{"fuzz.bicep": {Data: []byte(src)}}
		if _, _, err := (Scanner{MaxResources: 1000}).Scan(context.Background(), fsys, []string{"fuzz.bicep"}, nil); err != nil {
			t.Fatal(err)
		}
	})
}
