package scan

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// Heap budget for a scan run by the command line. Go's collector lets the heap grow
// to twice what is live before it collects (GOGC=100), so a 40,000-resource scan
// whose live heap peaks under 200 MB reached 340 to 510 MB resident. BoundHeap sets a
// soft memory limit of HeapFloor while the live heap stays under HeapFloor divided by
// HeapFactor. A larger scan would pay for the limit with collection after collection
// (an 80,000-resource ARM scan took twice as long with a limit of 1.25 times its live
// heap), so past that point the limit is lifted and Go's own pacing applies. The
// runtime caps the collector's share of CPU when the limit is tight, so the limit
// trades some CPU for memory and never fails a scan.
const (
	HeapFloor  = 240 << 20
	HeapFactor = 1.25
	heapPoll   = 50 * time.Millisecond
)

// BoundHeap applies the budget until the returned function is called, which puts
// the previous limit back. It does nothing when GOMEMLIMIT is set: the user's limit
// wins. Calls may overlap (tests run scans side by side): the budget holds until the
// last of them stops.
func BoundHeap() (stop func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	bound.Lock()
	defer bound.Unlock()
	if bound.n == 0 {
		bound.prev = debug.SetMemoryLimit(HeapFloor)
		bound.done = make(chan struct{})
		bound.finished = make(chan struct{})
		go pollHeap(bound.prev, bound.done, bound.finished)
	}
	bound.n++
	var once sync.Once
	return func() {
		once.Do(func() {
			bound.Lock()
			defer bound.Unlock()
			if bound.n--; bound.n == 0 {
				close(bound.done)
				<-bound.finished
				debug.SetMemoryLimit(bound.prev)
			}
		})
	}
}

var bound struct {
	sync.Mutex
	n              int
	prev           int64
	done, finished chan struct{}
}

// pollHeap lifts the limit (puts prev back) once the live heap outgrows the budget,
// or stops when done is closed.
func pollHeap(prev int64, done <-chan struct{}, finished chan<- struct{}) {
	defer close(finished)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	t := time.NewTicker(heapPoll)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
		}
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			continue
		}
		if !underBudget(sample[0].Value.Uint64()) {
			debug.SetMemoryLimit(prev)
			return
		}
	}
}

// underBudget reports whether a live heap of the given size is held to HeapFloor.
func underBudget(live uint64) bool {
	return float64(live)*HeapFactor <= HeapFloor
}
