package memtest

import (
	"runtime"
	"testing"
)

func TestMeasure(t *testing.T) {
	var kept [][]byte
	u := Measure(func() {
		for range 64 {
			kept = append(kept, make([]byte, 1<<20)) // 64 MB held
			_ = make([]byte, 1<<20)                  // and 64 MB dropped
		}
	})
	runtime.KeepAlive(kept)
	if u.Held < 60<<20 || u.Held > 80<<20 {
		t.Errorf("held %d MB, want about 64", u.Held>>20)
	}
	if u.Peak < u.Held {
		t.Errorf("peak %d MB below held %d MB", u.Peak>>20, u.Held>>20)
	}
	kept = nil
	if u := Measure(func() {}); u.Held > 8<<20 {
		t.Errorf("nothing kept, yet %d MB held", u.Held>>20)
	}
}
