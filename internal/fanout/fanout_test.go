package fanout

import (
	"sync/atomic"
	"testing"
)

func TestEachCallsEveryIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 1000} {
		calls := make([]atomic.Int32, n)
		Each(n, func(k int) { calls[k].Add(1) })
		for k := range calls {
			if got := calls[k].Load(); got != 1 {
				t.Errorf("n=%d: index %d called %d times", n, k, got)
			}
		}
	}
}
