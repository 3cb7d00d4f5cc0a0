package lens_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/lens"
)

func TestBuiltinVersions(t *testing.T) {
	cur, err := lens.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	vs := lens.BuiltinVersions(lens.BuiltinID)
	if len(vs) == 0 || vs[len(vs)-1] != cur.Version || !slices.Contains(vs, "1.0.0") {
		t.Fatalf("versions %v: want 1.0.0 and the current %s last", vs, cur.Version)
	}
	for _, v := range vs {
		l, err := lens.BuiltinVersion(lens.BuiltinID, v)
		if err != nil || l.Version != v || l.ID != lens.BuiltinID {
			t.Fatalf("version %s: %v %v", v, l, err)
		}
		byRef, err := lens.Resolve(lens.BuiltinID + "@" + v)
		if err != nil || byRef != l {
			t.Fatalf("Resolve %s@%s: %v", lens.BuiltinID, v, err)
		}
	}
	if l, err := lens.BuiltinVersion(lens.BuiltinID, ""); err != nil || l != cur {
		t.Fatalf("no version: want the current lens, got %v %v", l, err)
	}
	_, err = lens.Resolve(lens.BuiltinID + "@0.9.0")
	if awaf.ErrorCode(err) != awaf.ENOTFOUND || !strings.Contains(err.Error(), "has no version 0.9.0 (built in: 1.0.0") {
		t.Fatalf("unknown version: %v", err)
	}
	if _, err := lens.Resolve("no-such-lens@1.0.0"); awaf.ErrorCode(err) != awaf.ENOTFOUND {
		t.Fatalf("unknown lens: %v", err)
	}
}
