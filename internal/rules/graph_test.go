package rules

import (
	"strings"
	"testing"
)

func TestLowerMatchesStrings(t *testing.T) {
	for _, s := range []string{"", "abc", "ABC", "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Search/searchServices/Srch1",
		"already-lower", "Ünïcode-NAME", "İstanbul", "MiXeD|Case", "\xff\xfeBAD"} {
		if got, want := lowerASCII(s), strings.ToLower(s); got != want {
			t.Errorf("lowerASCII(%q) = %q, want %q", s, got, want)
		}
		for _, p := range []string{"", "abc", "/sub", "ünï", "i̇", "microsoft.", "already-lower-and-longer"} {
			if got, want := hasLowerPrefix(s, p), strings.HasPrefix(strings.ToLower(s), p); got != want {
				t.Errorf("hasLowerPrefix(%q, %q) = %v, want %v", s, p, got, want)
			}
		}
		if got, want := lowerKey("microsoft.x/y", s), "microsoft.x/y|"+strings.ToLower(s); got != want {
			t.Errorf("lowerKey(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzLowerMatchesStrings(f *testing.F) {
	f.Add("Microsoft.CognitiveServices/accounts/OAI")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := lowerASCII(s), strings.ToLower(s); got != want {
			t.Errorf("lowerASCII(%q) = %q, want %q", s, got, want)
		}
	})
}
