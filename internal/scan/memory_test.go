package scan

import (
	"runtime/debug"
	"testing"
)

func TestHeapLimit(t *testing.T) {
	for _, tc := range []struct {
		live uint64
		want int64
	}{
		{0, HeapFloor},
		{100 << 20, HeapFloor},
		{HeapFloor, HeapFloor * 5 / 4},
		{1 << 30, 5 << 28},
	} {
		if got := heapLimit(tc.live); got != tc.want {
			t.Errorf("heapLimit(%d) = %d, want %d", tc.live, got, tc.want)
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
