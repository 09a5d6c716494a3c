package par

import (
	"sync/atomic"
	"testing"
)

func TestEachCallsEveryIndexOnce(t *testing.T) {
	for _, workers := range []int{1, 2, 8} {
		old := Workers
		Workers = workers
		const n = 1000
		var calls [n]atomic.Int32
		Each(n, func(i int) { calls[i].Add(1) })
		Workers = old
		for i := range calls {
			if got := calls[i].Load(); got != 1 {
				t.Fatalf("workers=%d: f(%d) was called %d times", workers, i, got)
			}
		}
	}
}

func TestEachWithNoWork(t *testing.T) {
	Each(0, func(int) { t.Fatal("f was called with no work") })
}
