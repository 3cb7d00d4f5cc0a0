package scan

import (
	"strings"
	"testing"
)

func TestDescribe(t *testing.T) {
	cases := []struct{ name, data, want string }{
		{"binary", "\x00\x01\x02{}", "a binary file, not JSON"},
		{"empty", " \n", "empty"},
		{"truncated", "{\n  \"a\": [\n", "not valid JSON (line 2, column 9: unexpected end of JSON input)"},
		{"bad token", "{\n  \"a\": tru\n}", "not valid JSON (line 2, column 11: invalid character"},
		{"other JSON", `{"name": "web", "scripts": {"build": "tsc -p src/"}}`, "JSON, but not an ARM template"},
		{"comments are allowed", "// settings\n{\"a\": 1 /* one */}\n", "JSON, but not an ARM template"},
		{"slashes in strings are not comments", `{"url": "https://example.com//x", "b": }`, "not valid JSON (line 1, column 40"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Describe([]byte(c.data)); !strings.HasPrefix(got, c.want) {
				t.Errorf("Describe = %q, want %q...", got, c.want)
			}
		})
	}
}
