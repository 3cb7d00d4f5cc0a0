package bicep

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestHostileInput checks that inputs built to blow up time or memory end quickly
// with a diagnostic instead.
func TestHostileInput(t *testing.T) {
	tests := []struct {
		name, src, wantDiag string
	}{
		{"nested loops", "var x = [for i in range(0, 10000): [for j in range(0, 10000): j]]\noutput o array = x", "evaluation stopped"},
		{"nested resource loops", "resource a 'A.B/c@1' = [for i in range(0, 10000): {\n  name: 'a${i}'\n  resource b 'd' = [for j in range(0, 10000): {\n    name: 'b${j}'\n  }]\n}]", "copies"},
		{"doubling strings", "var a0 = '" + strings.Repeat("x", 1000) + "'\n" + func() string {
			var b strings.Builder
			for i := 1; i < 40; i++ {
				b.WriteString(fmt.Sprintf("var a%d = '${a%d}${a%d}'\n", i, i-1, i-1))
			}
			return b.String()
		}() + "output o string = a39", "string longer than"},
		{"huge padding", "output o string = padLeft('x', 2000000000)", "above 10000"},
		{"range longer than ARM allows", "output o array = range(0, 100000)", "between 0 and 10000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			fsys := fstest.MapFS{"main.bicep": {Data: []byte(tt.src)}}
			_, diags, err := (Scanner{MaxResources: 1000}).Scan(context.Background(), fsys, []string{"main.bicep"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v", d)
			}
			found := false
			for _, d := range diags {
				found = found || strings.Contains(d.Message, tt.wantDiag)
			}
			if !found {
				t.Errorf("no diagnostic containing %q in %v", tt.wantDiag, diags)
			}
		})
	}
}
