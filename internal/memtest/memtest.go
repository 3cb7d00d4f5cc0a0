// Package memtest measures how much heap a piece of work uses: the peak while it runs
// (sampled every millisecond) and what it still holds after a collection, both above
// the heap in use before it started. The memory tests and benchmarks of the scanner and
// its front ends use it.
package memtest

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Usage is what Measure found, in bytes.
type Usage struct {
	Peak uint64 // the most the heap held while the work ran
	Held uint64 // what it still held after the work, once collected
}

// Measure runs work and reports its heap use. What work keeps must stay reachable
// after Measure returns (a variable of the caller's, then runtime.KeepAlive) for Held to
// count it.
func Measure(work func()) Usage {
	base := live()
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var m runtime.MemStats
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})
	work()
	close(stop)
	wg.Wait()
	// One last sample: the work may end between two ticks, holding the most then.
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	if m.HeapAlloc > peak.Load() {
		peak.Store(m.HeapAlloc)
	}
	held := live()
	return Usage{Peak: peak.Load() - min(base, peak.Load()), Held: held - min(base, held)}
}

// live is the heap in use after a full collection.
func live() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
