// Package cpuclock measures the CPU time the process has used, for
// benchmarks: on a machine whose cores other work shares, CPU time per
// operation is much steadier than wall time.
package cpuclock

import (
	"testing"
	"time"
)

// Report starts counting CPU time and returns a function that reports it
// per operation as cpu-ms/op. Call it with defer once a benchmark's set-up
// is done.
func Report(b *testing.B) func() {
	start := Used()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(Used()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		}
	}
}
