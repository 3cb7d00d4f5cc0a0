// Package fanout runs independent pieces of work on every core: a scan compiles its
// rules, reads its groups of files and writes its cache entries this way.
package fanout

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Each calls fn(k) for every k in [0, n), on up to GOMAXPROCS goroutines that take the
// next k from a shared counter (pieces of uneven cost even out), and returns when all
// calls have. fn must be safe to call side by side; results go in slots indexed by k.
func Each(n int, fn func(k int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for k := int(next.Add(1)) - 1; k < n; k = int(next.Add(1)) - 1 {
				fn(k)
			}
		})
	}
	wg.Wait()
}
