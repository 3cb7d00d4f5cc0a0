package yamlerr

import (
	"fmt"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestFields(t *testing.T) {
	for _, tc := range []struct {
		src, want string
		keys      int
	}{
		{"a: 1\nb: 2\n", "", 2},
		{"a: 1\nc: 2\n", `2:1 x: unknown key "c" (expected one of a, b)`, 1},
		{"a: 1\na: 2\n", `2:1 x: duplicate key "a"`, 1},
		{"[1, 2]\n", "1:1 x: expected a mapping, found a list", 0},
		{"~\n", "1:1 x: expected a mapping, found nothing", 0},
	} {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(tc.src), &doc); err != nil {
			t.Fatal(err)
		}
		var got []string
		m := Fields(doc.Content[0], "x", []string{"a", "b"}, func(at *yaml.Node, msg string) {
			got = append(got, fmt.Sprintf("%d:%d %s", at.Line, at.Column, msg))
		})
		if strings.Join(got, "; ") != tc.want || len(m) != tc.keys {
			t.Errorf("%q: %q and %d keys, want %q and %d", tc.src, got, len(m), tc.want, tc.keys)
		}
	}
}
