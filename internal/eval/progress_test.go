package eval

import (
	"strings"
	"testing"
	"time"
)

func TestBar(t *testing.T) {
	var out strings.Builder
	b := NewBar(&out)
	now := time.Unix(0, 0)
	b.now = func() time.Time { return now }
	b.Update("judge", 1, 4)
	b.Update("judge", 2, 4) // within 100ms: skipped
	now = now.Add(time.Second)
	b.Update("judge", 4, 4)
	b.Done()
	s := out.String()
	if strings.Count(s, "judge") != 2 || !strings.Contains(s, "100%") || !strings.Contains(s, " 25%") {
		t.Errorf("bar output %q", s)
	}
	if !strings.HasSuffix(s, "\r\x1b[K") {
		t.Errorf("Done must clear the line: %q", s)
	}
}
