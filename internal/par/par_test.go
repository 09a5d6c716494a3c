package par

import (
	"runtime"
	"sync/atomic"
	"testing"
)

func TestEachCallsEveryIndexOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 8} {
		runtime.GOMAXPROCS(procs)
		const n = 1000
		var calls [n]atomic.Int32
		Each(n, func(i int) { calls[i].Add(1) })
		for i := range calls {
			if got := calls[i].Load(); got != 1 {
				t.Fatalf("GOMAXPROCS=%d: f(%d) was called %d times", procs, i, got)
			}
		}
	}
}

// With one processor the calls are made in order, so that a build can be
// checked against a sequential one.
func TestEachInOrderOnOneProcessor(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var order []int
	Each(100, func(i int) { order = append(order, i) })
	for i, got := range order {
		if got != i {
			t.Fatalf("call %d was f(%d)", i, got)
		}
	}
	if len(order) != 100 {
		t.Fatalf("%d calls, want 100", len(order))
	}
}

func TestEachWithNoWork(t *testing.T) {
	Each(0, func(int) { t.Fatal("f was called with no work") })
}
