// Package par runs independent pieces of work on every core.
package par

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Workers is the number of goroutines Each uses; 1 runs the work in order
// on the caller's goroutine (tests use it to check that a parallel build
// gives the same result as a sequential one).
var Workers = runtime.GOMAXPROCS(0)

// Each calls f(0) … f(n-1), on up to Workers goroutines, and returns when
// every call has returned. The calls must not depend on each other.
func Each(n int, f func(i int)) {
	workers := min(Workers, n)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				f(i)
			}
		})
	}
	wg.Wait()
}
