package scan

import (
	"runtime/debug"
	"testing"
)

func TestHeapLimit(t *testing.T) {
	for _, tc := range []struct {
		live uint64
		want int64
		ok   bool
	}{
		{0, HeapFloor, true},
		{100 << 20, HeapFloor, true},
		{160 << 20, HeapFloor, true},
		{180 << 20, 270 << 20, true},
		{HeapCeiling, HeapCeiling * 3 / 2, true},
		{HeapCeiling + 1, 0, false},
		{1 << 30, 0, false},
	} {
		got, ok := heapLimit(tc.live)
		if got != tc.want || ok != tc.ok {
			t.Errorf("heapLimit(%d MB) = %d, %v; want %d, %v", tc.live>>20, got, ok, tc.want, tc.ok)
		}
	}
}

func TestBoundHeap(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("GOGC", "")
	prev := debug.SetMemoryLimit(-1)
	prevGC := debug.SetGCPercent(100)
	defer debug.SetGCPercent(prevGC)
	stop := BoundHeap()
	if got := debug.SetMemoryLimit(-1); got != HeapFloor {
		t.Errorf("limit while bound = %d, want %d", got, HeapFloor)
	}
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Errorf("GOGC while bound = %d, want off (-1)", got)
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
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC after stop = %d, want 100 again", got)
	}
	t.Setenv("GOGC", "50") // the user's GOGC is left alone, the limit still applies
	debug.SetGCPercent(50)
	stop = BoundHeap()
	if got := debug.SetGCPercent(50); got != 50 {
		t.Errorf("GOGC=50 set: GOGC while bound = %d", got)
	}
	if got := debug.SetMemoryLimit(-1); got != HeapFloor {
		t.Errorf("GOGC=50 set: limit while bound = %d, want %d", got, HeapFloor)
	}
	stop()
	debug.SetGCPercent(100)
	t.Setenv("GOMEMLIMIT", "1GiB")
	before := debug.SetMemoryLimit(-1)
	BoundHeap()()
	if got := debug.SetMemoryLimit(-1); got != before || got == HeapFloor {
		t.Errorf("GOMEMLIMIT set: limit changed to %d", got)
	}
}
