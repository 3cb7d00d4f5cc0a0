package scan

import (
	"runtime/debug"
	"testing"
)

func TestUnderBudget(t *testing.T) {
	for _, tc := range []struct {
		live uint64
		want bool
	}{
		{0, true},
		{100 << 20, true},
		{HeapFloor * 4 / 5, true},
		{HeapFloor*4/5 + 1<<20, false},
		{1 << 30, false},
	} {
		if got := underBudget(tc.live); got != tc.want {
			t.Errorf("underBudget(%d MB) = %v, want %v", tc.live>>20, got, tc.want)
		}
	}
}

func TestBoundHeap(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	prev := debug.SetMemoryLimit(-1)
	stop := BoundHeap()
	if got := debug.SetMemoryLimit(-1); got != HeapFloor {
		t.Errorf("limit while bound = %d, want %d", got, HeapFloor)
	}
	stop2 := BoundHeap() // overlapping: the budget holds until both stop
	stop()
	stop() // a second call does nothing
	if got := debug.SetMemoryLimit(-1); got != HeapFloor {
		t.Errorf("limit after the first of two stops = %d, want %d", got, HeapFloor)
	}
	stop2()
	if got := debug.SetMemoryLimit(-1); got != prev {
		t.Errorf("limit after stop = %d, want %d", got, prev)
	}
	t.Setenv("GOMEMLIMIT", "1GiB")
	before := debug.SetMemoryLimit(-1)
	BoundHeap()()
	if got := debug.SetMemoryLimit(-1); got != before || got == HeapFloor {
		t.Errorf("GOMEMLIMIT set: limit changed to %d", got)
	}
}
