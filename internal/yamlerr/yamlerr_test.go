package yamlerr

import (
	"errors"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestLocate(t *testing.T) {
	cases := []struct {
		name      string
		doc       string
		line, col int
		msg       string
	}{
		{"unclosed flow sequence", "lens:\n  id: x\nanswers:\n  - question: a\n    selected: [b\n  - question: c\n", 5, 15, "the [ here is not closed"},
		{"unclosed flow on line 2", "a: 1\nb: [1, 2\nc: 3\nd: 4\n", 2, 4, "did not find expected ',' or ']'"},
		{"bad indentation", "workload:\n  name: x\n bad: 1\n", 3, 2, "did not find expected key"},
		{"tab", "a: 1\n\tb: 2\n", 2, 1, "tab character"},
		{"unterminated quote", "id: x\nname: \"open\nareas: []\n", 2, 1, "unexpected end of stream"},
		{"mapping in a value", "a: 1\nb: c: d\ne: 2\n", 2, 1, "mapping values are not allowed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var n yaml.Node
			err := yaml.Unmarshal([]byte(c.doc), &n)
			if err == nil {
				t.Fatal("no error")
			}
			line, col, msg, ok := Locate([]byte(c.doc), err)
			if !ok || line != c.line || col != c.col || !strings.Contains(msg, c.msg) {
				t.Errorf("Locate = %d:%d %q %v, want %d:%d %q (yaml.v3 said %q)", line, col, msg, ok, c.line, c.col, c.msg, err)
			}
		})
	}
	if _, _, _, ok := Locate([]byte("a: 1\n"), errors.New("something else")); ok {
		t.Error("an error the data does not produce was located")
	}
}

// FuzzLocate checks that a located error is always inside the document.
func FuzzLocate(f *testing.F) {
	for _, s := range []string{"a: [1,\n", "a:\n\tb: 1\n", "x: \"open\n", "- a\nb: c\n", "{a: 1", "a: b: c\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		if len(doc) > 4096 {
			return
		}
		var n yaml.Node
		err := yaml.Unmarshal([]byte(doc), &n)
		line, col, msg, ok := Locate([]byte(doc), err)
		if !ok {
			return
		}
		lines := strings.SplitAfter(doc, "\n")
		if line < 1 || line > len(lines) || col < 1 || col > len(lines[line-1])+1 || msg == "" {
			t.Fatalf("Locate = %d:%d %q for %d lines (yaml.v3: %v)", line, col, msg, len(lines), err)
		}
	})
}
