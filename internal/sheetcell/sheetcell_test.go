package sheetcell_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/awaf/awaf/internal/sheetcell"
)

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=1+1", "'=1+1"},
		{"+SUM(A1)", "'+SUM(A1)"},
		{"-2+3", "'-2+3"},
		{"-5 ", "'-5 "},
		{"-", "'-"},
		{"+", "'+"},
		{"-.", "'-."},
		{"-1e", "'-1e"},
		{"-5%", "'-5%"},
		{"-1,5", "'-1,5"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=cmd", "'\t=cmd"},
		{"\r=cmd", "'\r=cmd"},
		{`=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
		{"-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"},
		{"plain", "plain"},
		{"a=b", "a=b"},
		{"", ""},
		{"'quoted", "'quoted"},
		// Plain numbers stay numbers.
		{"-5", "-5"},
		{"+5", "+5"},
		{"-0.25", "-0.25"},
		{"-.5", "-.5"},
		{"+1.5e3", "+1.5e3"},
		{"-2E-7", "-2E-7"},
		{"42", "42"},
		// Not UTF-8: each run of bad bytes becomes one U+FFFD, then the formula rule.
		{"caf\xe9", "caf\uFFFD"},
		{"\x92\x93 quote", "\uFFFD quote"},
		{"=\xff", "'=\uFFFD"},
		{"\xff=1", "\uFFFD=1"},
		{"na\u00efve", "na\u00efve"},
	}
	for _, tt := range tests {
		if got := sheetcell.Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzText checks that what Text returns is UTF-8, never starts like a formula unless
// it is a plain number, and differs from the input made UTF-8 by one apostrophe at
// most.
func FuzzText(f *testing.F) {
	for _, s := range []string{"=1", "+1", "-1", "-1e5", "@a", "\t", "\r\n", "-", "", "=\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := sheetcell.Text(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Text(%q) = %q is not UTF-8", s, got)
		}
		if valid := strings.ToValidUTF8(s, "\uFFFD"); got != valid && got != "'"+valid {
			t.Fatalf("Text(%q) = %q", s, got)
		}
		if got == "" {
			return
		}
		switch got[0] {
		case '=', '@', '\t', '\r':
			t.Fatalf("Text(%q) = %q starts like a formula", s, got)
		case '+', '-':
			for _, c := range got[1:] {
				if !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
					t.Fatalf("Text(%q) = %q starts with a sign but is not a number", s, got)
				}
			}
		}
	})
}
