package rules

import "testing"

// TestBuiltin loads every embedded rule file; any problem fails the build.
func TestBuiltin(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Rules) == 0 {
		t.Fatal("no rules")
	}
}
