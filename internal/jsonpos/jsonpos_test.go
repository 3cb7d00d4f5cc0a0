package jsonpos

import (
	"strings"
	"testing"

	"github.com/awaf/awaf"
)

func TestAt(t *testing.T) {
	doc := "{\n  \"a\": [1, {\"b\": \"x\"}],\n  \"c\": null\n}"
	ix, err := Scan("d.json", []byte(doc), 8)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path       string
		line, col  int
		fileOnly   bool
		wantExists bool
	}{
		{path: "", line: 1, col: 1, wantExists: true},
		{path: "a", line: 2, col: 8, wantExists: true},
		{path: "a[0]", line: 2, col: 9, wantExists: true},
		{path: "a[1].b", line: 2, col: 18, wantExists: true},
		{path: "c", line: 3, col: 8, wantExists: true},
		{path: "missing", fileOnly: true},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			got := ix.At(tc.path)
			if ix.Has(tc.path) != tc.wantExists {
				t.Errorf("Has = %v", !tc.wantExists)
			}
			want := awaf.Location{File: "d.json", Line: tc.line, Column: tc.col}
			if tc.fileOnly {
				want = awaf.Location{File: "d.json"}
			}
			if got != want {
				t.Errorf("At(%q) = %+v, want %+v", tc.path, got, want)
			}
		})
	}
}

func TestScanRefuses(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"empty", "  ", "d.json: file is empty"},
		{"syntax", "{\"a\": tru}", "d.json:1:7: invalid JSON"},
		{"truncated", "{\"a\": [1, 2", "d.json:1:12: invalid JSON: the file ends in the middle"},
		{"trailing", "{} {}", "d.json:1:4: unexpected data after the end"},
		{"trailing comma", "{},", "d.json:1:3: unexpected data after the end"},
		{"duplicate", "{\"a\": 1,\n \"a\": 2}", `d.json:2:2: document: duplicate key "a" (first at line 1)`},
		{"nested duplicate", `{"x": {"k": 1, "k": 2}}`, `d.json:1:16: x: duplicate key "k"`},
		{"deep", strings.Repeat("[", 9) + strings.Repeat("]", 9), "d.json:1:9: nesting is deeper than the 8 levels allowed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Scan("d.json", []byte(tc.doc), 8)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v\nwant %q", err, tc.want)
			}
		})
	}
}

func FuzzScan(f *testing.F) {
	f.Add([]byte(`{"a": [1, {"b": "x"}], "c": null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ix, err := Scan("f.json", data, 8)
		if err != nil {
			if _, ok := err.(awaf.Problems); !ok {
				t.Fatalf("not problems: %v", err)
			}
			return
		}
		if !ix.Has("") {
			t.Fatal("a valid document has no root")
		}
	})
}
