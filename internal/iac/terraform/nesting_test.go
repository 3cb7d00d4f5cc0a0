package terraform

import (
	"strings"
	"testing"
)

func TestCheckNesting(t *testing.T) {
	deep := strings.Repeat("[", maxNesting+1)
	tests := []struct {
		name     string
		src      string
		wantLine int // 0: no diagnostic
		wantCol  int
	}{
		{"flat", `a = { b = [1, (2)] }`, 0, 0},
		{"as deep as allowed", "x = " + strings.Repeat("[", maxNesting) + strings.Repeat("]", maxNesting), 0, 0},
		{"too deep", "\n  x = " + deep, 2, 6 + maxNesting + 1},
		{"many brackets, shallow", strings.Repeat("a = { b = [c(1)] }\n", maxNesting), 0, 0},
		{"deep in a string", `x = "` + deep + `"`, 0, 0},
		{"deep in a line comment", "# " + deep + "\nx = 1", 0, 0},
		{"deep in a block comment", "/* " + deep + " */ x = 1", 0, 0},
		{"too deep after a comment", "/* ] */\n" + deep, 2, maxNesting + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := checkNesting("f.tf", []byte(tt.src))
			switch {
			case tt.wantLine == 0 && d != nil:
				t.Fatalf("got %+v, want none", d)
			case tt.wantLine != 0 && d == nil:
				t.Fatal("got no diagnostic")
			case d != nil && (d.Loc.Line != tt.wantLine || d.Loc.Column != tt.wantCol):
				t.Errorf("at %d:%d, want %d:%d", d.Loc.Line, d.Loc.Column, tt.wantLine, tt.wantCol)
			}
		})
	}
}
