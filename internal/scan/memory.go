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
// whose live heap peaks near 200 MB reached 340 to 510 MB resident. BoundHeap sets a
// budget instead: a soft memory limit of HeapFloor, or HeapFactor times the live
// heap once that is larger, and no collection by growth (GOGC=off) below it. A scan
// that allocates less than the budget in all (10,000 resources and fewer) is never
// collected, which made a 10,000-resource ARM scan about 40% faster for about 80 MB
// more; a larger one is collected as the heap nears the budget. Past HeapCeiling of
// live heap the budget is lifted and Go's own pacing applies (GOGC and the limit as
// they were): a larger scan would pay with collection after collection. The room
// above the live heap sets how often it collects: with a quarter, a 90,000-resource
// scan was collected ten times in half a second while its live heap went from 160 to
// 270 MB; with half, and the lift at 200 MB, 60,000 ARM resources took 1.09 s instead
// of 1.43 and 90,000 took 1.60 s instead of 2.00 (docs/benchmarks.md, seventh pass).
// The limit is then at most 300 MB while the budget holds, and scans of 40,000
// resources and fewer stay under the floor as before. The runtime caps the
// collector's share of CPU when the limit is tight, so the budget trades some CPU for
// memory and never fails a scan.
const (
	HeapFloor   = 240 << 20
	HeapFactor  = 1.5
	HeapCeiling = 200 << 20
	heapPoll    = 50 * time.Millisecond
)

// BoundHeap applies the budget until the returned function is called, which puts
// the previous limit and GOGC back. It does nothing when GOMEMLIMIT is set: the
// user's limit wins; with GOGC set, the limit applies and GOGC is left alone. Calls
// may overlap (tests run scans side by side): the budget holds until the last of
// them stops.
func BoundHeap() (stop func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	bound.Lock()
	defer bound.Unlock()
	if bound.n == 0 {
		bound.prev = debug.SetMemoryLimit(HeapFloor)
		bound.percent = noChange
		if os.Getenv("GOGC") == "" {
			bound.percent = debug.SetGCPercent(-1)
		}
		bound.done = make(chan struct{})
		bound.finished = make(chan struct{})
		go pollHeap(bound.prev, bound.percent, bound.done, bound.finished)
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
				restore(bound.prev, bound.percent)
			}
		})
	}
}

var bound struct {
	sync.Mutex
	n              int
	prev           int64
	percent        int // GOGC before, or noChange
	done, finished chan struct{}
}

// noChange marks a GOGC that BoundHeap left alone.
const noChange = -2

// restore puts the memory limit and GOGC as they were.
func restore(limit int64, percent int) {
	if percent != noChange {
		debug.SetGCPercent(percent)
	}
	debug.SetMemoryLimit(limit)
}

// pollHeap moves the limit with the live heap, lifts the budget (puts prev and
// percent back) once the live heap passes HeapCeiling, and stops when done is closed.
func pollHeap(prev int64, percent int, done <-chan struct{}, finished chan<- struct{}) {
	defer close(finished)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	t := time.NewTicker(heapPoll)
	defer t.Stop()
	limit := int64(HeapFloor)
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
		want, ok := heapLimit(sample[0].Value.Uint64())
		if !ok {
			restore(prev, percent)
			return
		}
		if want != limit {
			limit = want
			debug.SetMemoryLimit(limit)
		}
	}
}

// heapLimit is the soft limit for a live heap of the given size; false past
// HeapCeiling, where no limit applies.
func heapLimit(live uint64) (int64, bool) {
	if live > HeapCeiling {
		return 0, false
	}
	return max(HeapFloor, int64(float64(live)*HeapFactor)), true
}
